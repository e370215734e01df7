"""Every URL × every persona, with the expected status; a URL missing from the tables fails.

Each app lists its rows in `tests/<app>/access_table.py`. The admin's per-model pages are covered
by generated rows (changelist and add page of every registered model): the admin site's single
permission check guards the rest of its URLs.
"""

import importlib
import pkgutil

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from people.access import ADMINISTRATORS_ONLY
from people.admin_base import AdministratorsOnly
from tests.access import PERSONAS, Row, only_hr

# URL names that cannot be called as a plain request, with the reason.
NOT_CALLABLE: dict[str, str] = {
    "admin:view_on_site": "a redirect helper that needs a content type and object",
    "admin:jsi18n": "the admin's JavaScript catalogue, served to L&D staff only with the admin",
    "admin:autocomplete": "needs app, model and field parameters; guarded by the admin site",
}


def _rows() -> list[Row]:
    rows = []
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                module = importlib.import_module(f"tests.{info.name}.access_table")
            except ModuleNotFoundError:
                continue
            rows.extend(module.ROWS)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        expect = only_hr(denied=302)
        if opts.app_label in ADMINISTRATORS_ONLY or isinstance(model_admin, AdministratorsOnly):
            # the scheduler's admin, accounts, groups, sign-in locks and the rights log are for
            # administrators
            expect["hr"] = 403
        rows.append(Row(f"admin:{opts.app_label}_{opts.model_name}_changelist", expect))
    return rows


ROWS = _rows()


def _names(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}"


def _admin_object_pages(name: str) -> bool:
    """Per-object and per-app admin pages, guarded by the same site-wide check as the changelists."""
    return name.startswith("admin:") and name.endswith(("_add", "_change", "_delete", "_history", "app_list"))


def test_every_url_is_in_the_access_matrix():
    covered = {row.name for row in ROWS}
    names = set(_names(get_resolver()))
    missing = sorted(n for n in names if n not in covered and n not in NOT_CALLABLE and not _admin_object_pages(n))
    assert missing == [], f"URLs missing from the access matrix: {missing}"
    stale = sorted(covered - names)
    assert stale == [], f"access matrix rows for URLs that no longer exist: {stale}"


def _call(client, row: Row, personas):
    url = reverse(row.name, kwargs=row.kwargs(personas) if row.kwargs else None)
    if row.query:
        url = f"{url}?{row.query}"
    data = row.data(personas) if callable(row.data) else row.data
    if row.json:
        return getattr(client, row.method)(url, data=data, content_type="application/json", headers=row.headers)
    return getattr(client, row.method)(url, data=data or {}, headers=row.headers)


CASES = [(row, persona) for row in ROWS for persona in PERSONAS]


@pytest.mark.parametrize(
    ("row", "persona"),
    CASES,
    ids=[f"{row.method}-{row.name}{'?' + row.query if row.query else ''}-{persona}" for row, persona in CASES],
)
def test_access(row, persona, personas, client):
    user = personas.user(persona)
    if user is not None:
        client.force_login(user)
    response = _call(client, row, personas)
    assert response.status_code == row.expect[persona], (
        f"{row.method.upper()} {row.name} as {persona}: got {response.status_code}, expected {row.expect[persona]}"
    )
