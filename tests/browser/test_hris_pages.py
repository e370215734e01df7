"""Every HRIS page in Chromium as L&D staff, audited whole with axe-core (WCAG 2.1 AA): API clients
(list, a refused form, the token shown once, the page after a revoke) and the CSV import (upload,
a refused file, the column mapping, a preview with row errors, a clean preview, the applied import)."""

import pytest
from django.urls import reverse

from tests.conftest import axe_violations, session_cookie, violation_summary

pytestmark = [pytest.mark.browser]

# Columns no mapping guesses, so the mapping form is needed; row 2 has a bad e-mail and FTE.
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


@pytest.mark.django_db(transaction=True)
def test_hris_pages_have_no_axe_violations(browser, live_server, personas, tmp_path):
    from hris.models import ApiClient, CsvImport
    from people.models import Employee

    cookie = session_cookie(personas.hr.user, live_server.url)  # made before Playwright's loop runs
    context = browser.new_context()
    context.add_cookies([cookie])
    page = context.new_page()
    found = {}

    def audit(label):
        assert page.locator("h1").count() == 1, label
        violations = violation_summary(axe_violations(page))
        if violations:
            found[label] = violations

    def visit(path):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path

    # API clients: the empty list, a refused form, the token shown once, the list after a revoke.
    visit(reverse("hris:clients"))
    audit("clients: empty")
    page.get_by_role("button", name="Create").click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback, .is-invalid").count() > 0
    audit("clients: form errors")
    page.get_by_label("Name").fill("AFAS")
    page.get_by_label("Write people data (REST, bulk sync, SCIM)").check()
    page.get_by_role("button", name="Create").click()
    page.wait_for_load_state()
    token = page.get_by_role("textbox", name="Token").input_value()
    assert token.startswith("lb_")
    audit("clients: token shown once")
    page.get_by_role("button", name="Revoke AFAS").click()
    page.wait_for_load_state()
    assert "revoked" in page.content()
    audit("clients: after revoke")

    # CSV import: the upload page, a refused file, the mapping, a preview with errors, a clean one.
    visit(reverse("hris:csv_upload"))
    audit("import: upload")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("Nummer;Naam\nE1;Zo\xeb\n".encode("latin-1"))
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state()
    assert "not UTF-8" in page.content()
    audit("import: refused file")
    export = tmp_path / "export.csv"
    export.write_text(UNMAPPED_CSV, encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(export))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state()
    assert "Map at least" in page.content()
    audit("import: mapping")
    for field, column in MAPPING.items():
        page.locator(f"select#id_{field}").select_option(column)
    page.get_by_role("button", name="Save mapping").click()
    page.wait_for_load_state()
    assert "nothing will be changed" in page.content()
    audit("import: preview with errors")
    clean = tmp_path / "clean.csv"
    clean.write_text(CLEAN_CSV, encoding="utf-8")
    visit(reverse("hris:csv_upload"))
    page.get_by_label("CSV file").set_input_files(str(clean))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state()
    assert "What will change" in page.content()
    audit("import: preview")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    audit("import: applied")
    visit(reverse("hris:csv_upload"))
    audit("import: upload with recent imports")
    context.close()

    assert found == {}
    assert ApiClient.objects.get(name="AFAS").revoked_at is not None
    assert CsvImport.objects.filter(applied_at__isnull=False).count() == 1
    assert Employee.objects.filter(external_id="E7").exists()
