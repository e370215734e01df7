"""Results as CSV (streamed) and XLSX, under the same rules as the page: only what `results_view`
holds, which is only released groups. Cells that a spreadsheet would run as a formula are quoted."""

import csv
from collections.abc import Iterator
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from .results import ResultsView

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """A text cell a spreadsheet would take for a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def headers() -> list[str]:
    return [_("Group"), _("Respondents"), _("Question"), _("Answer"), _("People"), _("Share %"), _("Mean"), _("NPS")]


def rows(view: ResultsView) -> Iterator[list]:
    for column in view.columns:
        for figures in column.questions.values():
            if figures.question.pk in column.hidden_questions:
                continue
            question = figures.question.display_text
            mean = "" if figures.mean is None else figures.mean
            nps = "" if figures.nps is None else figures.nps
            scale = figures.distribution()
            if not scale:
                yield [column.label, column.respondents, question, "", figures.answers, "", mean, nps]
            for label, people, share in scale:
                yield [column.label, column.respondents, question, label, people, share, mean, nps]
    for comment in view.comments or []:
        label = view.selected.label if view.selected else ""
        yield [label, "", _("Comment"), comment, "", "", "", ""]


class _Echo:
    def write(self, value):
        return value


def export_response(view: ResultsView, fmt: str):
    name = f"survey-{view.survey.pk}-results"
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def stream():
            yield "\ufeff"
            yield writer.writerow(headers())
            for row in rows(view):
                yield writer.writerow([safe(v) for v in row])

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Results")[:31])
        sheet.append(headers())
        for row in rows(view):
            sheet.append([float(v) if hasattr(v, "as_tuple") else safe(v) for v in row])
        out = BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
