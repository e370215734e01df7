"""Telling people something in their own language through the delivery service (the NOTIFY port):
the recipients grouped by language, the text composed once per language, one message per language
(its key ends in the language), so each person is told once, in their language."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import translation

from .registry import NOTIFY, registry


def literal(text) -> str:
    """Text a person typed or a thing is called, kept from reading as a message placeholder."""
    return str(text).replace("{{", "{ {").replace("}}", "} }")


def notify_each_language(
    *,
    key: str,
    people: Iterable[tuple[int, str]],
    compose: Callable[[], tuple[str, str]],
    link: str,
    category: str,
) -> int:
    """Send `compose()` (subject, body, composed with each language active) to these (id, locale)
    people; returns how many deliveries are new. The subject is cut to what a message holds."""
    by_locale: dict[str, list[int]] = {}
    for pk, locale in people:
        by_locale.setdefault(locale or settings.LANGUAGE_CODE, []).append(pk)
    notify = registry.use(NOTIFY)
    sent = 0
    for locale, ids in sorted(by_locale.items()):
        with translation.override(locale):  # the message is marked with the language it is written in
            subject, body = compose()
            sent += notify(
                key=f"{key}:{locale}", employee_ids=ids, subject=subject[:200], body=body, link=link, category=category
            )
    return sent
