"""Spreadsheet exports that cannot attack the spreadsheet: every CSV and XLSX export writes through
here, so text a person or an HRIS typed (a name such as `=HYPERLINK(...)`) is never read as a
formula (OWASP, CSV injection): text starting with = + - @ tab or carriage return gets a leading
apostrophe, and in XLSX every text cell is stored as text."""

import csv
from collections.abc import Iterable
from io import BytesIO

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """The cell as a spreadsheet may safely read it; numbers, dates and empty text stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, header: list, rows: Iterable[list]) -> HttpResponse:
    """UTF-8 with a BOM (Excel reads diacritics right only with one), every cell neutralised."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([neutralise(str(cell)) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return _attachment(response, filename)


def xlsx_response(filename: str, title: str, header: list, rows: Iterable[list]) -> HttpResponse:
    """One sheet, written row by row (openpyxl's write-only mode); text cells typed as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])

    def cells(row):
        for value in row:
            if hasattr(value, "as_tuple"):  # Decimal: a number in the sheet
                value = float(value)
            cell = WriteOnlyCell(sheet, value=neutralise(str(value)) if isinstance(value, str) else value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store "=..." as a live formula
            yield cell

    sheet.append(list(cells([str(cell) for cell in header])))
    for row in rows:
        sheet.append(list(cells(row)))
    out = BytesIO()
    book.save(out)
    return _attachment(HttpResponse(out.getvalue(), content_type=XLSX_TYPE), filename)
