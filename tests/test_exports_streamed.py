"""Exports stream (issue 21): the people export, the budget overview's CSV and Excel, and
monitoring's downloads answer with a streamed response whose first bytes leave before the rows
are read, read their rows in a constant number of queries for 3 people and for 300, and still
hold the right cells, every one through people.exports.neutralise."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import BudgetPolicy
from budgets.services import budget_allocate
from people.models import Employee
from tests.exports import body

pytestmark = pytest.mark.django_db

URLS = [
    lambda p: reverse("people:directory") + "?export=csv",
    lambda p: reverse("budgets:overview") + "?export=csv",
    lambda p: reverse("budgets:overview") + "?export=xlsx",
    lambda p: "/monitoring/?export=csv&table=departments",
    lambda p: f"/monitoring/departments/{p.employee.department_id}/?export=csv&table=people",
    lambda p: f"/monitoring/departments/{p.employee.department_id}/?export=xlsx&table=people",
]
IDS = ["people-csv", "budgets-csv", "budgets-xlsx", "monitoring-csv", "monitoring-people-csv", "monitoring-people-xlsx"]


@pytest.fixture
def allocated(personas, org):
    BudgetPolicy.objects.create(
        name="Everyone", amount=Decimal("1000.00"), hours=Decimal("40"), period_start="2026-01-01"
    )
    budget_allocate()
    return personas


def grow(org, personas, n: int) -> None:
    """n more active people in the employee's department, each with a budget."""
    start = Employee.objects.count()
    Employee.objects.bulk_create(
        Employee(
            external_id=f"G{start + i}",
            first_name=f"Grown{i}",
            last_name="=SUM(A1)" if i == 0 else f"Person {i}",
            email=f"grown{start + i}@example.test",
            department=org["service"],
            job_group=org["agents"],
            manager=personas.manager,
        )
        for i in range(n)
    )
    budget_allocate()


def _read(client, url) -> tuple[object, bytes, int]:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        content = body(response)
    return response, content, len(queries)


@pytest.mark.parametrize("url", URLS, ids=IDS)
def test_every_export_streams_with_the_same_queries_for_3_and_300_people(client_for, allocated, org, url):
    client = client_for(allocated.hr)
    response, small_body, small = _read(client, url(allocated))
    assert response.status_code == 200
    assert response.streaming
    grow(org, allocated, 300)
    response, large_body, large = _read(client, url(allocated))
    assert response.streaming
    assert small == large
    assert len(large_body) >= len(small_body)


def test_the_people_export_sends_its_header_before_reading_anyone(client_for, allocated, org):
    grow(org, allocated, 300)
    response = client_for(allocated.hr).get(reverse("people:directory") + "?export=csv")
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as before_rows:
        first = next(chunks).decode("utf-8-sig")
    assert first.startswith("HRIS key,First name,Last name")
    assert not [q for q in before_rows.captured_queries if "people_employee" in q["sql"]]
    rest = b"".join(chunks).decode()
    rows = list(csv.reader(io.StringIO(first + rest)))
    assert len(rows) == 1 + Employee.objects.filter(active=True).count()
    grown = next(r for r in rows if r[1] == "Grown0")
    assert grown[2] == "'=SUM(A1)"  # neutralised
    assert grown[4] == "Customer Service"
    assert grown[6] == allocated.manager.full_name
    assert grown[10] == "yes"


def test_an_excel_export_sends_its_first_bytes_before_reading_anyone(client_for, allocated, org):
    """An XLSX streams like a CSV: the zip is written without seeking back, so its first parts
    leave before the rows' statement runs, and the whole still opens as a workbook."""
    import zipfile

    grow(org, allocated, 300)
    url = f"/monitoring/departments/{allocated.employee.department_id}/?export=xlsx&table=people"
    client = client_for(allocated.hr)

    def rows_read(queries) -> bool:  # the rows come through a server-side cursor
        return any(q["sql"].startswith("DECLARE") for q in queries.captured_queries)

    with CaptureQueriesContext(connection) as answering:
        response = client.get(url)
    assert response.streaming
    assert not rows_read(answering)  # the view answered before reading the rows (it used to write the file first)
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as before_rows:
        first = next(chunks)
    assert first.startswith(b"PK")  # a zip's first local header
    assert before_rows.captured_queries == []
    with CaptureQueriesContext(connection) as sending:
        whole = first + b"".join(chunks)
    assert rows_read(sending)
    with zipfile.ZipFile(io.BytesIO(whole)) as book:
        assert book.testzip() is None
    sheet = load_workbook(io.BytesIO(whole)).active
    assert sheet.max_row == 1 + Employee.objects.filter(active=True, department=allocated.employee.department).count()


def test_the_excel_exports_hold_the_right_cells_and_neutralise_text(client_for, allocated, org):
    grow(org, allocated, 30)
    url = f"/monitoring/departments/{allocated.employee.department_id}/?export=xlsx&table=people"
    response = client_for(allocated.hr).get(url)
    sheet = load_workbook(io.BytesIO(body(response))).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "Grown0 =SUM(A1)" in names
    assert len([n for n in names if n.startswith("Grown")]) == 30
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert response["Content-Disposition"].startswith("attachment")


def test_the_sheet_written_without_openpyxl_reads_back_cell_for_cell():
    """people.exports writes the sheet's XML itself (openpyxl took 40 times the CSV's time): text
    stays text whatever it starts with, numbers and yes/no keep their type, characters XML cannot
    hold are dropped, a sheet name loses what Excel refuses, and openpyxl opens it without warning."""
    import warnings

    from people.exports import xlsx_write

    out = io.BytesIO()
    rows = [["=SUM(A1)", Decimal("1.50"), 3, True, None, "a<b & \x01c"], ["", 0, 2.5, "+31 6", "Zoë"]]
    xlsx_write(out, "Bud[g]ets: a very long sheet title indeed", ["Name", "n"], iter(rows))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet.title == "Bud g ets  a very long sheet ti"
    cells = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]
    assert cells[0][:2] == [("Name", "s"), ("n", "s")]
    assert cells[1] == [("'=SUM(A1)", "s"), (1.5, "n"), (3, "n"), (True, "b"), (None, "n"), ("a<b & c", "s")]
    assert cells[2][:5] == [(None, "n"), (0, "n"), (2.5, "n"), ("'+31 6", "s"), ("Zoë", "s")]


def test_the_fast_sheet_and_openpyxls_reference_hold_the_same_cells():
    """xlsx_write (the sheet's XML written directly) against xlsx_write_openpyxl (the plain
    reference, cell by cell through openpyxl) on the same awkward rows: the same cells, values and
    types, read back by openpyxl."""
    from people.exports import xlsx_write, xlsx_write_openpyxl

    rows = [
        ["=HYPERLINK(1)", Decimal("1250.50"), 3, True, None, "a<b & \x01c", "Zoë de Vries"],
        ["", Decimal("-0.25"), 2.5, False, "+31 6 1234", "@home", "tab\there"],
        ["-2+3", 0, Decimal("7.6"), "multi\nline", "中文", "", 10**12],
    ]
    header = ["Name", "Amount", "n", "ok", "phone", "text", "more"]
    sheets = []
    for write in (xlsx_write, xlsx_write_openpyxl):
        out = io.BytesIO()
        write(out, "Budgets [2026]", header, iter(rows))
        sheet = load_workbook(io.BytesIO(out.getvalue())).active
        sheets.append((sheet.title, [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]))
    assert sheets[0] == sheets[1]
    assert sheets[0][1][1][0] == ("'=HYPERLINK(1)", "s")


def test_a_downloads_cursor_is_planned_for_every_row_it_reads(require_postgres):
    """A server-side cursor (the downloads, `.iterator()`) is planned for its first tenth unless
    told otherwise: at 50,000 people the director's team download then ran row by row through
    indexes (0.43-0.52 s to read, 0.32 s planned for all rows; docs/performance.md). Every one of
    ours reads to the end, so the connection plans them for all rows."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone()[0] == "1"
