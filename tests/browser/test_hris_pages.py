"""Every HRIS page in Chromium as L&D staff, audited whole with axe-core (WCAG 2.1 AA): API clients
(list, a refused form, the token shown once, the page after a revoke) and the CSV import (upload,
a refused file, the column mapping, a preview with row errors, a clean preview, the applied import)."""

import pytest
from django.urls import reverse

from tests.conftest import axe_violations, session_cookie, violation_summary

pytestmark = [pytest.mark.browser]

# "Nummer" is no header the import maps by itself, so the mapping form is needed; row 2 has a bad
# e-mail and FTE.
UNMAPPED_CSV = (
    "Nummer;Roepnaam;Familienaam;Mail;Werktijd\nE1;Zoë;de Vries;zoe@example.nl;0,8\nE2;Daan;Jansen;not-an-address;9\n"
)
CLEAN_CSV = "external_id,first_name,last_name,email\nE7,Fleur,Bakker,fleur@example.nl\n"
MAPPING = {
    "external_id": "Nummer",
    "first_name": "Roepnaam",
    "last_name": "Familienaam",
    "email": "Mail",
    "fte": "Werktijd",
}


class _Pages:
    """One signed-in browser page: visit a path (200 expected) and audit it with axe-core."""

    def __init__(self, page, base_url):
        self.page, self.base_url, self.found = page, base_url, {}

    def visit(self, path):
        response = self.page.goto(self.base_url + path)
        assert response.status == 200, path

    def audit(self, label):
        assert self.page.locator("h1").count() == 1, label
        violations = violation_summary(axe_violations(self.page))
        if violations:
            self.found[label] = violations


@pytest.mark.django_db(transaction=True)
def test_hris_pages_have_no_axe_violations(browser, live_server, personas, tmp_path):
    from hris.models import ApiClient, CsvImport
    from people.models import Employee

    cookie = session_cookie(personas.hr.user, live_server.url)  # made before Playwright's loop runs
    context = browser.new_context()
    context.add_cookies([cookie])
    pages = _Pages(context.new_page(), live_server.url)
    _api_clients(pages)
    _csv_import(pages, tmp_path)
    context.close()

    assert pages.found == {}
    assert ApiClient.objects.get(name="AFAS").revoked_at is not None
    assert CsvImport.objects.filter(applied_at__isnull=False).count() == 1
    assert Employee.objects.filter(external_id="E7").exists()


def _api_clients(pages):
    """The empty list, a refused form, the token shown once, the list after a revoke."""
    page = pages.page
    pages.visit(reverse("hris:clients"))
    pages.audit("clients: empty")
    page.get_by_role("button", name="Create").click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback, .is-invalid").count() > 0
    pages.audit("clients: form errors")
    page.get_by_label("Name").fill("AFAS")
    page.get_by_label("Write people data (REST, bulk sync, SCIM)").check()
    page.get_by_role("button", name="Create").click()
    page.wait_for_load_state()
    token = page.get_by_role("textbox", name="Token").input_value()
    assert token.startswith("lb_")
    pages.audit("clients: token shown once")
    page.get_by_role("button", name="Revoke AFAS").click()
    page.wait_for_load_state()
    assert "revoked" in page.content()
    pages.audit("clients: after revoke")


def _upload(page, path):
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state()


def _csv_import(pages, tmp_path):
    """The upload page, a refused file, the mapping, a preview with errors, a clean one, applied."""
    page = pages.page
    pages.visit(reverse("hris:csv_upload"))
    pages.audit("import: upload")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("Nummer;Naam\nE1;Zo\xeb\n".encode("latin-1"))
    _upload(page, bad)
    assert "not UTF-8" in page.content()
    pages.audit("import: refused file")
    export = tmp_path / "export.csv"
    export.write_text(UNMAPPED_CSV, encoding="utf-8")
    _upload(page, export)
    assert "Map at least" in page.content()
    pages.audit("import: mapping")
    for field, column in MAPPING.items():
        page.locator(f"select#id_{field}").select_option(column)
    page.get_by_role("button", name="Save mapping").click()
    page.wait_for_load_state()
    assert "nothing will be changed" in page.content()
    pages.audit("import: preview with errors")
    clean = tmp_path / "clean.csv"
    clean.write_text(CLEAN_CSV, encoding="utf-8")
    pages.visit(reverse("hris:csv_upload"))
    _upload(page, clean)
    assert "What will change" in page.content()
    pages.audit("import: preview")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    pages.audit("import: applied")
    pages.visit(reverse("hris:csv_upload"))
    pages.audit("import: upload with recent imports")
