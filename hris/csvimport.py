"""Turn an uploaded HRIS export (CSV, UTF-8 with or without BOM, comma or semicolon) into a sync
payload through a column mapping, and sync errors back into row and column terms."""

import csv
import io

from django.utils.translation import gettext_lazy as _

from people.guards import csv_problem

# target field -> label; the first four are required
TARGETS = {
    "external_id": _("HRIS key"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "email": _("E-mail address"),
    "department": _("Department HRIS key"),
    "department_name": _("Department name"),
    "job_group": _("Job group HRIS key"),
    "job_group_name": _("Job group name"),
    "manager": _("Manager HRIS key"),
    "education_level": _("Education level"),
    "fte": _("FTE"),
    "hired_on": _("Hired on (YYYY-MM-DD)"),
    "locale": _("Language (en, nl)"),
    "active": _("Active"),
}
REQUIRED = ("external_id", "first_name", "last_name", "email")
TRUE = {"1", "true", "yes", "ja", "y", "j", "active", "actief"}
FALSE = {"0", "false", "no", "nee", "n", "inactive", "inactief"}


class CsvProblem(Exception):
    pass


def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvProblem(_("The file is not UTF-8 text. Save it as CSV UTF-8 and try again.")) from exc
    if "\x00" in text:  # no text field can hold it; a spreadsheet or UTF-16 file saved as .csv has them
        raise CsvProblem(
            _("The file contains NUL characters, so it is not CSV text. Save it as CSV UTF-8 and try again.")
        )
    return text


def read_rows(text: str) -> tuple[list[str], list[list[str]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    try:
        rows.extend(reader)
    except csv.Error as exc:
        raise CsvProblem(csv_problem(exc, len(rows) + 1)) from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise CsvProblem(_("The file is empty."))
    header = [h.strip() for h in rows[0]]
    return header, rows[1:]


def guess_mapping(header: list[str], remembered: dict) -> dict:
    """Remembered columns first, then a column named like the field."""
    lower = {h.lower(): h for h in header}
    mapping = {}
    for target in TARGETS:
        if remembered.get(target) in header:
            mapping[target] = remembered[target]
        elif target in lower:
            mapping[target] = lower[target]
    return mapping


def _convert(target, value):
    if target == "fte":
        try:
            return float(value.replace(",", "."))
        except ValueError:
            return value  # the sync reports it as the wrong type
    if target == "active":
        low = value.lower()
        return True if low in TRUE else False if low in FALSE else value
    return value


def build_payload(header, rows, mapping: dict, mode: str) -> dict:
    index = {target: header.index(column) for target, column in mapping.items() if column in header}
    employees, departments, job_groups = [], {}, {}
    for row in rows:
        record = {}
        for target, col in index.items():
            value = row[col].strip() if col < len(row) else ""
            if value == "":
                continue
            if target == "department_name":
                continue
            if target == "job_group_name":
                continue
            record[target] = _convert(target, value)
        for key in REQUIRED:
            record.setdefault(key, "")
        for ref, name_target, bucket in (
            ("department", "department_name", departments),
            ("job_group", "job_group_name", job_groups),
        ):
            if ref in record and name_target in index:
                col = index[name_target]
                name = row[col].strip() if col < len(row) else ""
                if name and isinstance(record[ref], str):
                    bucket.setdefault(record[ref], name)
        employees.append(record)
    payload = {"mode": mode, "employees": employees}
    if departments:
        payload["departments"] = [{"external_id": k, "name": v} for k, v in departments.items()]
    if job_groups:
        payload["job_groups"] = [{"external_id": k, "name": v} for k, v in job_groups.items()]
    return payload


def describe_errors(errors: list, mapping: dict) -> list[dict]:
    """Sync errors as row numbers (as in a spreadsheet, the header is row 1) and columns."""
    out = []
    for error in errors:
        parts = error["path"].split("/")
        row, column = None, ""
        if len(parts) >= 3 and parts[1] == "employees" and parts[2].isdigit():
            row = int(parts[2]) + 2
            if len(parts) > 3:
                column = mapping.get(parts[3], parts[3])
        elif len(parts) >= 3 and parts[1] in ("departments", "job_groups"):
            column = mapping.get(f"{parts[1][:-1]}_name", parts[1])
        out.append({"row": row, "column": column, "code": error["code"], "message": error["message"]})
    return out
