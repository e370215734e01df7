"""CSV and Excel downloads of monitoring's tables, through people.exports: streamed, and cells
that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage return)
written with a leading apostrophe."""

from people.exports import csv_response, xlsx_response


def table_response(fmt: str, filename: str, headers: list, rows):
    if fmt == "xlsx":
        return xlsx_response(f"{filename}.xlsx", filename, headers, rows)
    return csv_response(f"{filename}.csv", headers, rows)
