"""Turn an uploaded HRIS export (CSV, UTF-8 with or without BOM, comma or semicolon) into a sync
payload through a column mapping, and sync errors back into row and column terms."""

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date

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
    "hired_on": _("Hired on (30-11-2026 or 2026-11-30)"),
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


# Header names as HRIS exports write them, Dutch and English, compared without case, spaces or
# punctuation ("E-mail" = "email", "Datum in dienst" = "datumindienst"). A name (Afdeling) maps to the
# name column, a code or number (Afdelingscode) to the HRIS key.
HEADER_NAMES = {
    "external_id": (
        "externalid",
        "hriskey",
        "personeelsnummer",
        "personeelsnr",
        "medewerkernummer",
        "werknemersnummer",
        "employeenumber",
        "employeeid",
        "employeeno",
    ),
    "first_name": ("firstname", "voornaam", "roepnaam", "givenname"),
    "last_name": ("lastname", "achternaam", "familienaam", "surname", "familyname"),
    "email": ("email", "emailadres", "emailaddress", "mail", "mailadres", "zakelijkemail"),
    "department": ("department", "departmentid", "departmentcode", "afdelingscode", "afdelingsnummer", "afdelingid"),
    "department_name": ("departmentname", "afdeling", "afdelingsnaam"),
    "job_group": ("jobgroup", "jobgroupid", "jobgroupcode", "functiegroepcode", "functiegroepnummer"),
    "job_group_name": ("jobgroupname", "functiegroep", "functiegroepnaam", "functie"),
    "manager": (
        "manager",
        "managerid",
        "leidinggevende",
        "personeelsnummerleidinggevende",
        "leidinggevendenummer",
        "manageremployeenumber",
    ),
    "education_level": ("educationlevel", "education", "opleidingsniveau", "opleiding", "niveau"),
    "fte": ("fte", "deeltijdfactor", "ftefactor"),
    "hired_on": ("hiredon", "hiredate", "startdate", "datumindienst", "indienst", "indienstdatum", "startdatum"),
    "locale": ("locale", "language", "taal", "voorkeurstaal"),
    "active": ("active", "actief", "status"),
}


def _plain(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch.isalnum())


def guess_mapping(header: list[str], remembered: dict) -> dict:
    """The saved mapping's columns first (an explicit "not in the file" counts only for a file with
    the same header), then a column named as HRIS exports name the field."""
    same_file = remembered.get("_header") == header
    plain = {}
    for column in header:
        plain.setdefault(_plain(column), column)
    mapping, used = {}, set()
    for target in TARGETS:
        column = remembered.get(target)
        if column and column in header:
            mapping[target] = column
            used.add(column)
    for target, names in HEADER_NAMES.items():
        if target in mapping or (same_file and remembered.get(target) == ""):
            continue
        for name in names:
            column = plain.get(name)
            if column is not None and column not in used:
                mapping[target] = column
                used.add(column)
                break
    return mapping


# --- values as Dutch and English exports write them ----------------------------------------------

EDUCATION = {
    # basic
    "basic": "basic",
    "basisonderwijs": "basic",
    "basis": "basic",
    "vmbo": "basic",
    "vmbo-b": "basic",
    "vmbo-k": "basic",
    "vmbo-t": "basic",
    "mavo": "basic",
    "lbo": "basic",
    "primary": "basic",
    # secondary
    "secondary": "secondary",
    "mbo": "secondary",
    "mbo 1": "secondary",
    "mbo 2": "secondary",
    "mbo 3": "secondary",
    "mbo 4": "secondary",
    "havo": "secondary",
    "vwo": "secondary",
    # bachelor
    "bachelor": "bachelor",
    "hbo": "bachelor",
    "hbo bachelor": "bachelor",
    "wo bachelor": "bachelor",
    # master (wo on its own: a university degree, which in the Netherlands is a master's)
    "master": "master",
    "wo": "master",
    "wo master": "master",
    "hbo master": "master",
    "phd": "master",
    "doctoraat": "master",
}
LOCALES = {"nl": "nl", "nederlands": "nl", "dutch": "nl", "en": "en", "engels": "en", "english": "en"}
DAY_FIRST = re.compile(r"(\d{1,2})[-.](\d{1,2})[-.](\d{4})")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _convert(target, value):
    """A cell as the sync takes it; a value that is not clear goes through as it is, so that the sync
    refuses it with its reason."""
    if target == "fte":
        try:
            return float(value.replace(",", "."))
        except ValueError:
            return value
    if target == "active":
        low = value.lower()
        return True if low in TRUE else False if low in FALSE else value
    if target == "education_level":
        return EDUCATION.get(" ".join(value.lower().replace("-", " ").split()), value)
    if target == "locale":
        return LOCALES.get(value.lower(), value)
    if target == "hired_on":
        if match := DAY_FIRST.fullmatch(value):
            day_, month, year = (int(part) for part in match.groups())
            try:
                return date(year, month, day_).isoformat()
            except ValueError:
                return value
        return value
    return value


# --- from rows to a sync payload -----------------------------------------------------------------

NAME_KEY = "name:"  # the HRIS key of a department or job group an import makes from a name alone


def name_key(name: str) -> str:
    key = NAME_KEY + name
    return key if len(key) <= 100 else NAME_KEY + hashlib.sha256(name.encode()).hexdigest()


@dataclass
class Plan:
    """What a file becomes: the sync payload, the refusals the file's mapping itself causes (a name
    that is ambiguous, a department or job group that is new and not confirmed), what is new."""

    payload: dict
    problems: list = field(default_factory=list)  # {row, column, code, message}
    new_departments: list = field(default_factory=list)
    new_job_groups: list = field(default_factory=list)
    unused_columns: list = field(default_factory=list)


class _Known:
    """Departments or job groups in the database, by HRIS key and by name (any letter case)."""

    def __init__(self, model):
        self.keys, self.names = set(), {}
        for key, name in model.objects.values_list("external_id", "name"):
            if key:
                self.keys.add(key)
            self.names.setdefault(name.strip().lower(), []).append(key)


def build_payload(header, rows, mapping: dict, mode: str, *, create_new: bool = False) -> Plan:
    """The sync payload of a file. Every mapped column is applied or refused with a reason: a row
    whose department or job group is new is refused unless `create_new` (L&D confirmed it)."""
    index = {target: header.index(column) for target, column in mapping.items() if column in header}
    plan = Plan(payload={"mode": mode}, unused_columns=[h for h in header if h not in mapping.values()])
    employees = []
    sections = {
        "department": ("department_name", {}, plan.new_departments, _("department")),
        "job_group": ("job_group_name", {}, plan.new_job_groups, _("job group")),
    }
    known = {}
    if "department" in index or "department_name" in index:
        from people.models import Department

        known["department"] = _Known(Department)
    if "job_group" in index or "job_group_name" in index:
        from people.models import JobGroup

        known["job_group"] = _Known(JobGroup)
    for number, row in enumerate(rows, start=2):

        def cell(target, row=row):
            col = index.get(target)
            return row[col].strip() if col is not None and col < len(row) else ""

        record = {}
        for target in index:
            if target in ("department_name", "job_group_name"):
                continue
            value = cell(target)
            if value != "":
                record[target] = _convert(target, value)
        for key in REQUIRED:
            record.setdefault(key, "")
        for ref, (name_target, bucket, new_list, what) in sections.items():
            name = cell(name_target)
            key = record.get(ref)
            refusal = None
            if key is not None and name_target in index:
                # A key and a name: the department or job group as the file names it.
                if not name:
                    if key not in known[ref].keys:
                        refusal = _("The %(what)s %(key)s is new and the row gives no name for it.")
                elif bucket.setdefault(key, name) != name:
                    refusal = _("HRIS key %(key)s is named both %(first)s and %(name)s in the file.")
                elif key not in known[ref].keys:
                    if key not in [k for k, _n in new_list]:
                        new_list.append((key, name))
                    if not create_new:
                        refusal = _("The %(what)s %(name)s is new: confirm that it may be created.")
            elif key is None and name:
                # A name alone: an existing one by name, or a new one when L&D confirms.
                holders = known[ref].names.get(name.lower(), [])
                candidate = name_key(name)
                if len(holders) > 1:
                    refusal = _("%(count)d records are named %(name)s; add a column with the HRIS key.")
                elif holders and holders[0] is None:
                    refusal = _(
                        "The %(what)s %(name)s has no HRIS key, so a file cannot refer to it; give it one "
                        "or add a column with the HRIS key."
                    )
                elif holders:
                    record[ref] = holders[0]
                elif candidate in known[ref].keys:
                    record[ref] = candidate  # made by an earlier import and renamed since
                else:
                    if candidate not in bucket:
                        bucket[candidate] = name
                        new_list.append((candidate, name))
                    if create_new:
                        record[ref] = candidate
                    else:
                        refusal = _("The %(what)s %(name)s is new: confirm that it may be created.")
            if refusal is not None:
                record.pop(ref, None)
                plan.problems.append(
                    {
                        "row": number,
                        "column": mapping.get(name_target) or mapping.get(ref),
                        "code": "refused",
                        "message": str(refusal)
                        % {
                            "what": what,
                            "key": key,
                            "name": name,
                            "first": bucket.get(key, ""),
                            "count": len(known[ref].names.get(name.lower(), [])),
                        },
                    }
                )
        employees.append(record)
    plan.payload["employees"] = employees
    for ref, section in (("department", "departments"), ("job_group", "job_groups")):
        bucket = sections[ref][1]
        rows_out = [
            {"external_id": key, "name": name} for key, name in bucket.items() if key in known[ref].keys or create_new
        ]
        if rows_out:
            plan.payload[section] = rows_out
    plan.new_departments = [name for _k, name in plan.new_departments]
    plan.new_job_groups = [name for _k, name in plan.new_job_groups]
    return plan


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


def sort_problems(problems: list[dict]) -> list[dict]:
    return sorted(problems, key=lambda p: (p["row"] is None, p["row"] or 0, str(p["column"])))


def check(header, rows, mapping: dict, mode: str, *, create_new: bool, detail: int = 0):
    """(plan, the sync's dry-run result or None, every problem as rows and columns): the file checked
    by the sync's own validation, with the refusals of the mapping added."""
    from .sync import SyncRejected, hris_sync

    plan = build_payload(header, rows, mapping, mode, create_new=create_new)
    try:
        result = hris_sync(payload=plan.payload, dry_run=True, detail=detail)
    except SyncRejected as exc:
        return plan, None, sort_problems(plan.problems + describe_errors(exc.errors, mapping))
    if plan.problems:
        return plan, None, sort_problems(plan.problems)
    return plan, result, []
