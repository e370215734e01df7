"""CSV and Excel downloads of monitoring's tables, through people.exports: streamed, and cells
that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage return)
written with a leading apostrophe.

An aggregate table says when its figures were worked out (the nightly task's time when the page
read the kept figures, else the moment of the download): the filename carries it
(`monitoring-metrics-2026-12-01-0040.csv`) and every row ends in a column "Figures worked out at"
with it (`2026-12-01 00:40`, the site's time zone), so the file stays one header and rectangular
rows for whatever reads it, and a sheet passed on without its filename still says its age."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from people.exports import csv_response, stamped, xlsx_response


def table_response(fmt: str, name: str, headers: list, rows, *, worked_out_at: datetime | None = None):
    """One table as a download named `name` (also the sheet's name); with `worked_out_at` the
    filename and a last column say when its figures were worked out."""
    filename = stamped(name, worked_out_at)
    if worked_out_at is not None:
        stamp = f"{timezone.localtime(worked_out_at):%Y-%m-%d %H:%M}"
        headers = [*headers, _("Figures worked out at")]
        rows = ([*row, stamp] for row in rows)
    if fmt == "xlsx":
        return xlsx_response(f"{filename}.xlsx", name, headers, rows)
    return csv_response(f"{filename}.csv", headers, rows)
