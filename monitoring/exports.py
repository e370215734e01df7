"""CSV and Excel downloads of monitoring's tables. Cells that a spreadsheet would read as a formula
(starting with =, +, -, @, a tab or a carriage return) are written with a leading apostrophe."""

import csv
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse

from people.exports import neutralise as safe_cell


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, headers: list, rows) -> StreamingHttpResponse:
    """Streams the rows (any iterable), so a long table is never held in memory."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # Excel opens UTF-8 with diacritics correctly only with a BOM
        yield writer.writerow([safe_cell(h) for h in headers])
        for row in rows:
            yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, headers: list, rows) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(filename[:31])
    sheet.append([safe_cell(str(h)) for h in headers])
    for row in rows:
        sheet.append([float(v) if hasattr(v, "as_tuple") else safe_cell(v) for v in row])
    out = BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def table_response(fmt: str, filename: str, headers: list, rows):
    return xlsx_response(filename, headers, rows) if fmt == "xlsx" else csv_response(filename, headers, rows)
