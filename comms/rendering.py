"""Filling the placeholders of a message for one recipient, and the signed links in an e-mail.

Placeholders are replaced by plain substitution, never by the template engine, so a message
written by L&D staff cannot reach anything but the four documented values.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from people.formatting import money
from people.links import safe_link
from people.registry import BUDGET_SUMMARY, NEXT_LEARNING_MOMENT, PUBLISHED_STORIES, registry

from .models import PLACEHOLDER_RE, STORY_PLACEHOLDER_RE, is_placeholder

OPEN_SALT = "comms.open"
CLICK_SALT = "comms.click"
UNSUBSCRIBE_SALT = "comms.unsubscribe"


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def _catalog_link() -> str:
    try:
        return absolute(reverse("catalog:list"))
    except Exception:
        return absolute("/catalog/")


def _budget_available(employee) -> str:
    """The amount the employee has left, written as their language writes money."""
    summary = registry.use(BUDGET_SUMMARY)(employee)
    if summary is None:
        return _("your learning budget (see your profile)")
    with translation.override(employee.locale):
        return money(summary.available)


def _next_learning_moment(employee) -> str:
    moment = registry.use(NEXT_LEARNING_MOMENT)(employee)
    return moment or _("the next learning moment (see the calendar)")


def story_quotes(names) -> dict[str, object]:
    """The published stories the text quotes (`{{ story:12 }}`), by placeholder, in one query; a
    story not (or no longer) published is left out and quotes nothing."""
    ids = {int(m.group(1)): name for name in names if (m := STORY_PLACEHOLDER_RE.match(name))}
    published = registry.find(PUBLISHED_STORIES)
    if not ids or published is None:
        return {}
    return {ids[s.story_id]: s for s in published(story_ids=sorted(ids), limit=len(ids))}


def _quote(story, employee) -> str:
    """“What changed” — the writer, named only when they agreed, in the reader's language."""
    if story is None:
        return ""
    with translation.override(getattr(employee, "locale", None) or translation.get_language()):
        writer = story.writer or _("a colleague")
    return f"“{story.text}” — {writer}"


def placeholder_values(employee, names, quotes=None) -> dict[str, str]:
    """Only the values the text uses are computed: providers may query per person. `quotes` are
    the stories quoted, when the caller read them once for many recipients."""
    values = {}
    if quotes is None:
        quotes = story_quotes(names)
    for name in names:
        if STORY_PLACEHOLDER_RE.match(name):
            values[name] = _quote(quotes.get(name), employee)
        elif name == "first_name":
            values[name] = employee.first_name if employee else _("colleague")
        elif name == "catalog_link":
            values[name] = _catalog_link()
        elif name == "budget_available":
            values[name] = _budget_available(employee) if employee else _("your learning budget")
        elif name == "next_learning_moment":
            values[name] = _next_learning_moment(employee) if employee else _("the next learning moment")
    return values


def used_placeholders(*texts: str) -> set[str]:
    return {n for t in texts for n in PLACEHOLDER_RE.findall(t or "") if is_placeholder(n)}


def render(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")


def render_message(message, employee) -> tuple[str, str, str]:
    """(subject, body, link) for this recipient."""
    values = placeholder_values(employee, used_placeholders(message.subject, message.body, message.link))
    return render(message.subject, values), render(message.body, values), safe_link(render(message.link, values))


def open_url(delivery_id: int) -> str:
    return absolute(reverse("comms:open", args=[signing.Signer(salt=OPEN_SALT).sign(str(delivery_id))]))


def click_url(delivery_id: int) -> str:
    return absolute(reverse("comms:click", args=[signing.Signer(salt=CLICK_SALT).sign(str(delivery_id))]))


def unsubscribe_token(employee_id: int, category: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(f"{employee_id}.{category}")


def unsubscribe_url(employee_id: int, category: str) -> str:
    return absolute(reverse("comms:unsubscribe", args=[unsubscribe_token(employee_id, category)]))


def unsign_delivery(token: str, salt: str) -> int | None:
    try:
        return int(signing.Signer(salt=salt).unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def unsign_unsubscribe(token: str) -> tuple[int, str] | None:
    try:
        employee_id, category = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token).split(".", 1)
        return int(employee_id), category
    except (signing.BadSignature, ValueError):
        return None


def render_for(employee, deliveries) -> list:
    """Fill in each in-app notification for its (one) reader: the placeholder values are computed
    once for the whole list, so a page of notifications costs the same whatever it holds."""
    deliveries = list(deliveries)
    names = used_placeholders(*(t for d in deliveries for t in (d.message.subject, d.message.body, d.message.link)))
    values = placeholder_values(employee, names)
    for d in deliveries:
        d.subject = render(d.message.subject, values)
        d.body = render(d.message.body, values)
        d.link = safe_link(render(d.message.link, values))
        # A message an app sends by key (a decision, a budget change, a reminder) was written in the
        # reader's language when it was sent; the page may be in another one now (issue 13's guard).
        d.lang = (getattr(employee, "locale", "") or "") if d.message.key else ""
    return deliveries
