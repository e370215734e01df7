"""Spreadsheet exports that cannot attack the spreadsheet, and that stream: every CSV and XLSX
export writes through here.

Safety: text a person or an HRIS typed (a name such as `=HYPERLINK(...)`) is never read as a
formula (OWASP, CSV injection): text starting with = + - @ tab or carriage return gets a leading
apostrophe, and in XLSX every text cell is stored as text.

Memory: rows are read from an iterable (a queryset's `.iterator(chunk_size=...)`), never a list,
so an export of 50,000 people holds one chunk at a time. A CSV is a StreamingHttpResponse: its
first bytes leave before the last row is read. An XLSX cannot be sent before it is complete (a zip
names its parts at the end), so it is written row by row (openpyxl's write-only mode) into a
temporary file and that file is streamed; memory stays flat, the disk holds the file meanwhile.
"""

import csv
import tempfile
from collections.abc import Iterable

from django.http import FileResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_BATCH = 500  # rows per chunk sent: a few dozen kilobytes


def neutralise(value):
    """The cell as a spreadsheet may safely read it; numbers, dates and empty text stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Lines:
    """A file-like object for csv.writer that keeps what it is given until taken."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, text: str):
        self.parts.append(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def csv_chunks(header: list, rows: Iterable[list]):
    """The CSV's text in chunks: a BOM (Excel reads diacritics right only with one), the header,
    then the rows, every cell neutralised."""
    out = _Lines()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow([neutralise(str(cell)) for cell in header])
    yield out.take()
    for n, row in enumerate(rows, 1):
        writer.writerow([neutralise(cell) for cell in row])
        if n % CSV_BATCH == 0:
            yield out.take()
    yield out.take()


def csv_response(filename: str, header: list, rows: Iterable[list]) -> StreamingHttpResponse:
    """UTF-8 with a BOM, streamed; the rows are read while the response is sent."""
    response = StreamingHttpResponse(csv_chunks(header, rows), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def xlsx_response(filename: str, title: str, header: list, rows: Iterable[list]) -> FileResponse:
    """One sheet, written row by row (openpyxl's write-only mode) into a temporary file that is
    then streamed and removed when the response closes; text cells typed as text."""
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
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response when it is sent
    book.save(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
