"""The bulk sync of departments, job groups and employees: validate everything in memory, then
write set-based in one transaction, or write nothing at all.

Used by `POST /api/v1/hris/sync` and the CSV import alike. Each row is validated by its serializer
(hris.serializers.Sync*Serializer, made from the models: one rule per field for the API, the
forms and the sync); the payload as a whole is then checked (references resolved against the
payload and the database together, duplicates in any letter case, manager and department
cycles), and every problem is reported with a JSON-pointer path. The rows are written by a bulk
writer (hris.bulkwrite). A PostgreSQL advisory lock keeps two syncs from interleaving.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from people.api import StrictEmailField
from people.models import Department, EducationLevel, Employee, JobGroup, Locale
from people.privacy import erased_keys_among
from people.services import department_tree_refresh, reporting_lines_refresh
from people.signals import RELEVANT_FIELDS, employees_changed
from people.validators import CONTROL_CHARACTERS

from . import bulkwrite
from .serializers import SyncDepartmentSerializer, SyncEmployeeSerializer, SyncJobGroupSerializer

LOCK_KEY = 0x4C424852  # "LBHR": one sync at a time
MODES = ("partial", "full")
TOP_LEVEL = frozenset({"mode", "dry_run", "departments", "job_groups", "employees"})
DEFAULTS = {"education_level": EducationLevel.SECONDARY.value, "fte": Decimal("1.00"), "locale": Locale.NL.value}
# DRF's codes in the sync's documented terms (docs/api.md).
CODES = {
    "max_length": "too_long",
    "blank": "required",
    "null": "invalid_type",
    "null_characters_not_allowed": "invalid",
}


class SyncRejected(Exception):
    def __init__(self, errors):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass
class Problems:
    errors: list = field(default_factory=list)

    def add(self, path: str, code: str, message: str):
        self.errors.append({"path": path, "code": code, "message": str(message)})


def _pointer(name) -> str:
    return str(name).replace("~", "~0").replace("/", "~1")


# --- one row at a time ---------------------------------------------------------------------------

_MISSING = object()


def _by_serializer(serializer, row, path: str, problems: Problems) -> dict | None:
    """The row as the serializer cleans it, or None with its errors recorded."""
    try:
        return dict(serializer.run_validation(row))
    except ValidationError as exc:
        for name, details in exc.detail.items():
            for detail in details:
                problems.add(f"{path}/{_pointer(name)}", CODES.get(detail.code, detail.code), detail)
        return None


class FastRows:
    """The serializer's answer for the values most rows hold, without running it: a plain string
    of the right length (what the serializer would return unchanged), a known choice, a flag, an
    address of the common ASCII shape, and FTEs and dates the serializer already answered for
    (remembered by value). Anything else makes the row go through the serializer.
    `tests/hris/test_sync_validation.py` proves both give the same rows and the same problems."""

    # A subset of people.validators' rule: ASCII dot-atom, ASCII host names, a letters-only TLD.
    _LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    EMAIL_SHAPE = re.compile(
        rf"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,63}}", re.ASCII
    )

    TEXT, EMAIL, CHOICE, FLAG, REMEMBERED = range(5)

    def __init__(self, serializer):
        self.checks = [(name, *self._kind(fld), fld) for name, fld in serializer.fields.items()]
        self.required = frozenset(name for name, fld in serializer.fields.items() if fld.required)
        self.known = frozenset(serializer.fields)
        self.remembered: dict = {}

    @classmethod
    def _kind(cls, fld):
        """(kind, max_length, null allowed, choices) of a field."""
        if isinstance(fld, serializers.ChoiceField):
            return cls.CHOICE, None, False, frozenset(fld.choice_strings_to_values)
        if isinstance(fld, serializers.BooleanField):
            return cls.FLAG, None, False, None
        if isinstance(fld, StrictEmailField):
            return cls.EMAIL, fld.max_length, False, None
        if isinstance(fld, serializers.CharField):
            return cls.TEXT, fld.max_length, fld.allow_null, None
        return cls.REMEMBERED, None, False, None

    def row(self, row: dict):
        """The cleaned row, or _MISSING when the serializer must decide."""
        keys = row.keys()
        if not (keys <= self.known and self.required <= keys):
            return _MISSING
        out = {}
        text, email, choice, flag = self.TEXT, self.EMAIL, self.CHOICE, self.FLAG
        for name, kind, max_length, nullable, choices, fld in self.checks:
            value = row.get(name, _MISSING)
            if value is _MISSING:
                continue
            vtype = type(value)
            if kind is text:
                # What CharField returns unchanged: no surrounding space to trim, no NUL or other
                # control character (names refuse them), in length.
                if (
                    vtype is str
                    and 0 < len(value) <= max_length
                    and not CONTROL_CHARACTERS.search(value)
                    and value == value.strip()
                ):
                    out[name] = value
                elif value is None and nullable:
                    out[name] = None
                else:
                    return _MISSING
            elif kind is email:
                if not (vtype is str and len(value) <= max_length and self.EMAIL_SHAPE.fullmatch(value)):
                    return _MISSING
                out[name] = value
            elif kind is choice or kind is flag:
                if not ((kind is flag and vtype is bool) or (kind is choice and vtype is str and value in choices)):
                    return _MISSING
                out[name] = value
            else:
                value = self._remembered(fld, value)
                if value is _MISSING:
                    return _MISSING
                out[name] = value
        return out

    def _remembered(self, fld, value):
        """FTEs and dates repeat: the field's own answer, worked out once per distinct value."""
        try:
            key = (fld.field_name, type(value), value)
            return self.remembered[key]
        except TypeError:  # unhashable: a list or an object
            return _MISSING
        except KeyError:
            pass
        try:
            cleaned = fld.run_validation(value)
        except ValidationError:
            cleaned = _MISSING
        if len(self.remembered) < 100_000:
            self.remembered[key] = cleaned
        return cleaned


def _clean_rows(section, rows, serializer_class, problems, *, fast: bool = True):
    """[(index, cleaned dict with only the given fields)], and problems for the rest. `fast=False`
    runs the serializer on every row (the reference the fast path is tested against)."""
    cleaned = []
    if rows is None:
        return cleaned
    if not isinstance(rows, list):
        problems.add(f"/{section}", "invalid_type", _("Expected a list."))
        return cleaned
    serializer = serializer_class()
    quick = FastRows(serializer) if fast else None
    for index, row in enumerate(rows):
        path = f"/{section}/{index}"
        if type(row) is not dict:
            problems.add(path, "invalid_type", _("Expected an object."))
            continue
        out = quick.row(row) if quick is not None else _MISSING
        if out is _MISSING:
            out = _by_serializer(serializer, row, path, problems)
        if out is not None:
            cleaned.append((index, out))
    return cleaned


# --- the payload as a whole ----------------------------------------------------------------------


def _check_duplicates(section, rows, key, problems, normalise=lambda v: v):
    seen = {}
    for index, row in rows:
        value = row.get(key)
        if value is None:
            continue
        norm = normalise(value)
        if norm in seen:
            problems.add(
                f"/{section}/{index}/{key}",
                "duplicate",
                _("Duplicate of /%(section)s/%(first)d.") % {"section": section, "first": seen[norm]},
            )
        else:
            seen[norm] = index


def _check_cycles(section, rows, field_name, above_in_db: dict, message, problems):
    """A `field_name` (parent, manager) in the payload that closes a loop, over the payload and the
    database together (`above_in_db`: key -> the key above it now; the payload's are added to it)."""
    above = above_in_db
    for _index, row in rows:
        if field_name in row:
            above[row["external_id"]] = row[field_name]
    on_cycle = _cycle_nodes(above)
    for index, row in rows:
        if row["external_id"] in on_cycle and field_name in row:
            problems.add(f"/{section}/{index}/{field_name}", "cycle", message)


def _cycle_nodes(parent_of: dict) -> set:
    """Nodes on a cycle of the functional graph node -> parent, in O(n)."""
    state: dict = {}  # 1 = on the current walk, 2 = done
    on_cycle: set = set()
    for start in parent_of:
        if start in state:
            continue
        walk = []
        node = start
        while node is not None and node not in state:
            state[node] = 1
            walk.append(node)
            node = parent_of.get(node)
        if node is not None and state.get(node) == 1:
            # the walk closed a loop: everything from `node` onward in this walk is on it
            on_cycle.update(walk[walk.index(node) :])
        for n in walk:
            state[n] = 2
    return on_cycle


def _lock():
    """The guard against two syncs interleaving: a transaction-scoped advisory lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def sync_lock():
    """Take the sync lock inside the current transaction (also used by the idempotency check)."""
    _lock()


# What the sync compares with, in this order: the id, the HRIS key, then DIFFED (what a row of the
# payload decides). Plain tuples: a dict per row, the creation time and the user (never needed)
# and iterator() in chunks cost 2.5 times as much for 100,000 employees.
DIFFED = (
    "first_name",
    "last_name",
    "email",
    "department_id",
    "job_group_id",
    "manager_id",
    "education_level",
    "fte",
    "hired_on",
    "locale",
    "active",
)
EMPLOYEE_STATE = ("id", "external_id", *DIFFED)


@dataclass
class DbState:
    """The people tables as the sync needs them, read with one query per table."""

    departments: dict = field(default_factory=dict)  # external_id -> (pk, name, parent_id)
    department_ext: dict = field(default_factory=dict)  # pk -> external_id (or ("pk", pk))
    job_groups: dict = field(default_factory=dict)  # external_id -> (pk, name)
    employees: dict = field(default_factory=dict)  # key (external_id or ("pk", pk)) -> EMPLOYEE_STATE
    employee_key: dict = field(default_factory=dict)  # pk -> key
    email_owner: dict = field(default_factory=dict)  # lower(email) -> key
    department_names: dict = field(default_factory=dict)  # pk -> name (every department, keyed or not)
    job_group_names: dict = field(default_factory=dict)  # pk -> name


def _load_state() -> DbState:
    state = DbState()
    for pk, ext, name, parent_id in Department.objects.values_list("pk", "external_id", "name", "parent_id"):
        state.department_ext[pk] = ext if ext is not None else ("pk", pk)
        state.department_names[pk] = name
        if ext is not None:
            state.departments[ext] = (pk, name, parent_id)
    for pk, ext, name in JobGroup.objects.values_list("pk", "external_id", "name"):
        state.job_group_names[pk] = name
        if ext:
            state.job_groups[ext] = (pk, name)
    for values in Employee.objects.values_list(*EMPLOYEE_STATE):
        pk, ext = values[0], values[1]
        key = ext if ext is not None else ("pk", pk)
        state.employees[key] = values
        state.employee_key[pk] = key
        state.email_owner[values[4].lower()] = key
    return state


@dataclass
class Rows:
    """The payload's rows, cleaned: (index, row) pairs per section."""

    mode: str
    dry_run: bool
    departments: list
    job_groups: list
    employees: list


def _read_payload(payload, dry_run, problems: Problems, *, fast: bool) -> Rows:
    if not isinstance(payload, dict):
        raise SyncRejected([{"path": "", "code": "invalid_type", "message": _("Expected a JSON object.")}])
    for name in payload.keys() - TOP_LEVEL:
        problems.add(f"/{_pointer(name)}", "unknown_field", _("Unknown field."))
    mode = payload.get("mode", "partial")
    if mode not in MODES:
        problems.add("/mode", "invalid_choice", _("One of: partial, full."))
    if dry_run is None:
        dry_run = payload.get("dry_run", False)
        if not isinstance(dry_run, bool):
            problems.add("/dry_run", "invalid_type", _("Expected true or false."))
            dry_run = True
    rows = Rows(
        mode=mode,
        dry_run=dry_run,
        departments=_clean_rows("departments", payload.get("departments"), SyncDepartmentSerializer, problems),
        job_groups=_clean_rows("job_groups", payload.get("job_groups"), SyncJobGroupSerializer, problems),
        employees=_clean_rows("employees", payload.get("employees"), SyncEmployeeSerializer, problems, fast=fast),
    )
    _check_duplicates("departments", rows.departments, "external_id", problems)
    _check_duplicates("job_groups", rows.job_groups, "external_id", problems)
    _check_duplicates("employees", rows.employees, "external_id", problems)
    _check_duplicates("employees", rows.employees, "email", problems, normalise=str.lower)
    return rows


def _check_references(rows: Rows, state: DbState, problems: Problems) -> None:
    """References resolved against the payload and the database together."""
    payload_departments = {row["external_id"] for _i, row in rows.departments}
    for index, row in rows.departments:
        ref = row.get("parent")
        if ref is not None and ref not in payload_departments and ref not in state.departments:
            problems.add(f"/departments/{index}/parent", "unknown_reference", _("No department %(r)s.") % {"r": ref})
    references = (
        ("department", payload_departments, state.departments, _("department")),
        ("job_group", {row["external_id"] for _i, row in rows.job_groups}, state.job_groups, _("job group")),
        ("manager", {row["external_id"] for _i, row in rows.employees}, state.employees, _("employee")),
    )
    for index, row in rows.employees:
        for name, known_payload, known_db, label in references:
            ref = row.get(name)
            if ref is not None and ref not in known_payload and ref not in known_db:
                problems.add(
                    f"/employees/{index}/{name}",
                    "unknown_reference",
                    _("No %(what)s with HRIS key %(r)s.") % {"what": label, "r": ref},
                )


def _check_emails(rows: Rows, state: DbState, problems: Problems) -> None:
    """E-mail addresses against the other employees (any letter case)."""
    final_email = {row["external_id"]: row["email"].lower() for _index, row in rows.employees}
    for index, row in rows.employees:
        owner = state.email_owner.get(row["email"].lower())
        if owner is None or owner == row["external_id"]:
            continue
        # Another employee holds the address now; fine only if this payload moves them off it.
        if final_email.get(owner, row["email"].lower()) == row["email"].lower():
            problems.add(
                f"/employees/{index}/email", "duplicate", _("Another employee already uses this e-mail address.")
            )


def _check_all_cycles(rows: Rows, state: DbState, problems: Problems) -> None:
    _check_cycles(
        "departments",
        rows.departments,
        "parent",
        {ext: state.department_ext.get(parent_id) for ext, (_pk, _n, parent_id) in state.departments.items()},
        _("This parent makes the department tree loop."),
        problems,
    )
    _check_cycles(
        "employees",
        rows.employees,
        "manager",
        {key: state.employee_key.get(values[7]) for key, values in state.employees.items()},
        _("This manager makes the manager chain loop."),
        problems,
    )


def _sort_key(path: str) -> tuple[int, str]:
    """Problems in payload order: by row number, then path. A top-level path has no row (-1); a
    "row" that is not ASCII digits (`isdigit` takes "²") is none either. (A list with or without
    the row compared an int with a str, a 500 that schemathesis found.)"""
    parts = path.split("/")
    row = parts[2] if len(parts) > 2 else ""
    return (int(row) if row.isascii() and row.isdecimal() else -1, path)


@transaction.atomic
def hris_sync(*, payload, dry_run: bool | None = None, writer=None, fast: bool = True, detail: int = 0) -> dict:
    """Validate and apply a sync payload. Raises SyncRejected with every problem; writes nothing
    then. Returns the summary. `dry_run` overrides the payload's own flag when given; `writer`
    (hris.bulkwrite) and `fast` (the validation's fast path) default to the fastest that works.
    `detail` > 0 adds "changes": per employee created or changed (the first `detail` of them), each
    field's old and new value, references by name (what the CSV import's preview shows)."""
    problems = Problems()
    rows = _read_payload(payload, dry_run, problems, fast=fast)
    skipped = _drop_erased_leavers(rows)
    if not rows.dry_run:
        _lock()
    state = _load_state()
    _check_references(rows, state, problems)
    _check_emails(rows, state, problems)
    _check_all_cycles(rows, state, problems)
    if problems.errors:
        problems.errors.sort(key=lambda e: _sort_key(e["path"]))
        raise SyncRejected(problems.errors)
    apply = Apply(rows, state, writer or bulkwrite.writer_for(connection), timezone.now(), detail=detail)
    result = {
        "dry_run": rows.dry_run,
        "mode": rows.mode,
        "departments": apply.departments(),
        "job_groups": apply.job_groups(),
        "employees": apply.employees(),
    }
    if skipped:
        result["employees"]["erased_skipped"] = skipped
    if detail:
        result["changes"] = apply.changes
    return result


def _drop_erased_leavers(rows: Rows) -> int:
    """Rows of people who left and whose data was erased are left out (one query): the HRIS may
    list leavers for years, and their data must not come back. Someone active again is a new hire
    and comes in as one. A reference to a dropped person as manager becomes no manager."""
    erased = erased_keys_among([row["external_id"] for _i, row in rows.employees if row.get("active") is False])
    if not erased:
        return 0
    rows.employees = [(i, row) for i, row in rows.employees if row["external_id"] not in erased]
    for _i, row in rows.employees:
        if row.get("manager") in erased:
            row["manager"] = None
    return len(erased)


# --- writing -------------------------------------------------------------------------------------


def _summary(created=0, updated=0, unchanged=0):
    return {"created": created, "updated": updated, "unchanged": unchanged}


def _resolved(row, name, pks, current):
    """The id a reference in the row names, `current` when the row leaves it out."""
    ref = row.get(name, _MISSING)
    if ref is _MISSING:
        return current
    return None if ref is None else pks.get(ref)


@dataclass
class EmployeeChanges:
    created: list = field(default_factory=list)  # rows to insert
    updated: list = field(default_factory=list)  # rows to update (id + DIFFED + updated_at)
    changed_fields: set = field(default_factory=set)
    unchanged: int = 0
    deactivated: set = field(default_factory=set)
    relevant: set = field(default_factory=set)  # ids whose change budgets and scopes care about
    email_moves: list = field(default_factory=list)  # ids whose new address another holds now
    absent: list = field(default_factory=list)  # ids a full sync did not list (deactivated)
    moved: set = field(default_factory=set)  # ids given another manager


class Apply:
    """Writes the cleaned, checked rows section by section (nothing in a dry run)."""

    def __init__(self, rows: Rows, state: DbState, writer, now, *, detail: int = 0):
        self.rows, self.state, self.writer, self.now = rows, state, writer, now
        self.detail, self.changes = detail, []
        self.write = not rows.dry_run
        self.department_pk = {ext: pk for ext, (pk, _n, _p) in state.departments.items()}
        self._parent_before = {pk: parent_id for pk, _n, parent_id in state.departments.values()}
        self.job_group_pk = {ext: pk for ext, (pk, _n) in state.job_groups.items()}
        self.employee_pk = {key: values[0] for key, values in state.employees.items()}

    def departments(self) -> dict:
        known = self.state.departments
        new = [row for _i, row in self.rows.departments if row["external_id"] not in known]
        ids = bulkwrite.new_ids(Department, len(new)) if self.write else [None] * len(new)
        for row, pk in zip(new, ids, strict=True):
            self.department_pk[row["external_id"]] = pk
        to_create, to_update, unchanged = [], [], 0
        for _i, row in self.rows.departments:
            ext = row["external_id"]
            parent_pk = self.department_pk.get(row["parent"]) if row.get("parent") is not None else None
            if ext not in known:
                pk = self.department_pk[ext]
                to_create.append(Department(pk=pk, external_id=ext, name=row["name"], parent_id=parent_pk))
                continue
            pk, name, parent_id = known[ext]
            new_parent = parent_pk if "parent" in row else parent_id
            if (name, new_parent) == (row["name"], parent_id):
                unchanged += 1
            else:
                to_update.append(Department(pk=pk, name=row["name"], parent_id=new_parent, updated_at=self.now))
        if self.write:
            Department.objects.bulk_create(to_create, batch_size=bulkwrite.BATCH)
            Department.objects.bulk_update(to_update, ["name", "parent_id", "updated_at"], batch_size=bulkwrite.BATCH)
            moved = [d.pk for d in to_update if d.parent_id != self._parent_before[d.pk]]
            if to_create or moved:
                department_tree_refresh(under=[d.pk for d in to_create] + moved)
        return _summary(len(to_create), len(to_update), unchanged)

    def job_groups(self) -> dict:
        known = self.state.job_groups
        to_create, to_update, unchanged = [], [], 0
        for _i, row in self.rows.job_groups:
            ext = row["external_id"]
            if ext not in known:
                to_create.append(JobGroup(external_id=ext, name=row["name"]))
            elif known[ext][1] == row["name"]:
                unchanged += 1
            else:
                to_update.append(JobGroup(pk=known[ext][0], name=row["name"], updated_at=self.now))
        if self.write:
            for group in JobGroup.objects.bulk_create(to_create, batch_size=bulkwrite.BATCH):
                self.job_group_pk[group.external_id] = group.pk
            JobGroup.objects.bulk_update(to_update, ["name", "updated_at"], batch_size=bulkwrite.BATCH)
        return _summary(len(to_create), len(to_update), unchanged)

    def employees(self) -> dict:
        new_rows = [row for _i, row in self.rows.employees if row["external_id"] not in self.state.employees]
        count = len(new_rows)
        ids = bulkwrite.new_ids(Employee, count) if self.write else list(range(-1, -count - 1, -1))
        for row, pk in zip(new_rows, ids, strict=True):
            self.employee_pk[row["external_id"]] = pk
        changes = EmployeeChanges()
        for _i, row in self.rows.employees:
            current = self.state.employees.get(row["external_id"])
            if current is None:
                changes.created.append(self._new_employee(row))
                if len(self.changes) < self.detail:
                    self._describe(row, None, changes.created[-1])
            else:
                self._diff_employee(row, current, changes)
        if self.rows.mode == "full":
            listed = {row["external_id"] for _i, row in self.rows.employees}
            changes.absent = [v[0] for key, v in self.state.employees.items() if v[-1] and key not in listed]
        changes.deactivated.update(changes.absent)
        if self.write:
            self._write_employees(changes)
        return {
            "created": len(changes.created),
            "updated": sum(1 for e in changes.updated if e["id"] not in changes.deactivated),
            "unchanged": changes.unchanged,
            "deactivated": len(changes.deactivated),
        }

    def _new_employee(self, row) -> dict:
        return {
            "id": self.employee_pk[row["external_id"]],
            "user_id": None,
            "external_id": row["external_id"],
            "first_name": row["first_name"],
            "last_name": row["last_name"],
            "email": row["email"],
            "department_id": _resolved(row, "department", self.department_pk, None),
            "job_group_id": _resolved(row, "job_group", self.job_group_pk, None),
            "manager_id": _resolved(row, "manager", self.employee_pk, None),
            "education_level": row.get("education_level") or DEFAULTS["education_level"],
            "fte": row.get("fte") or DEFAULTS["fte"],
            "hired_on": row.get("hired_on"),
            "locale": row.get("locale") or DEFAULTS["locale"],
            "active": row["active"] if row.get("active") is not None else True,
            "created_at": self.now,
            "updated_at": self.now,
        }

    def _diff_employee(self, row, current, changes: EmployeeChanges) -> None:
        pk, ext, *was = current
        _f, _l, _e, department_id, job_group_id, manager_id, education, fte, hired_on, locale, active = was
        desired = (  # in the order of DIFFED
            row["first_name"],
            row["last_name"],
            row["email"],
            _resolved(row, "department", self.department_pk, department_id),
            _resolved(row, "job_group", self.job_group_pk, job_group_id),
            _resolved(row, "manager", self.employee_pk, manager_id),
            row.get("education_level") or education,
            row.get("fte") or fte,
            row.get("hired_on", hired_on),
            row.get("locale") or locale,
            row["active"] if row.get("active") is not None else active,
        )
        if desired == tuple(was):
            changes.unchanged += 1
            return
        diff = {name for name, old, new in zip(DIFFED, was, desired, strict=True) if old != new}
        changes.changed_fields |= diff
        wanted = dict(zip(DIFFED, desired, strict=True))
        if active and not wanted["active"]:
            changes.deactivated.add(pk)
        if "manager_id" in diff:
            changes.moved.add(pk)
        if {f.removesuffix("_id") for f in diff} & RELEVANT_FIELDS:
            changes.relevant.add(pk)
        if "email" in diff and self.state.email_owner.get(wanted["email"].lower(), ext) != ext:
            changes.email_moves.append(pk)
        changes.updated.append({"id": pk, **wanted, "updated_at": self.now})
        if len(self.changes) < self.detail:
            self._describe(row, dict(zip(DIFFED, was, strict=True)), wanted)

    # --- what the preview shows ---

    def _payload_names(self) -> dict:
        """HRIS key -> name of the payload's departments, job groups and employees (made once)."""
        if not hasattr(self, "_names"):
            self._names = {
                "department": {row["external_id"]: row["name"] for _i, row in self.rows.departments},
                "job_group": {row["external_id"]: row["name"] for _i, row in self.rows.job_groups},
                "manager": {
                    row["external_id"]: f"{row['first_name']} {row['last_name']}" for _i, row in self.rows.employees
                },
            }
        return self._names

    def _name_of(self, ref_field: str, pk, ref):
        """A reference as people read it: the department's, job group's or manager's name."""
        if pk is not None:
            if ref_field == "department" and pk in self.state.department_names:
                return self.state.department_names[pk]
            if ref_field == "job_group" and pk in self.state.job_group_names:
                return self.state.job_group_names[pk]
            if ref_field == "manager" and pk in self.state.employee_key:
                values = self.state.employees[self.state.employee_key[pk]]
                return f"{values[2]} {values[3]}"
        if ref is None:
            return None
        return self._payload_names()[ref_field].get(ref, ref)

    def _describe(self, row, was: dict | None, wanted: dict) -> None:
        fields = []
        for name in DIFFED:
            old = None if was is None else was[name]
            new = wanted[name]
            if name in ("department_id", "job_group_id", "manager_id"):
                ref_field = name.removesuffix("_id")
                old = self._name_of(ref_field, old, None) if old is not None else None
                # a department, job group or person new in this payload has no id in a dry run
                new = self._name_of(ref_field, new, row.get(ref_field))
                name = ref_field
            if old == new or (was is None and new is None):
                continue
            fields.append({"field": name, "old": old, "new": new})
        self.changes.append(
            {
                "external_id": row["external_id"],
                "name": f"{row['first_name']} {row['last_name']}",
                "created": was is None,
                "fields": fields,
            }
        )

    def _write_employees(self, changes: EmployeeChanges) -> None:
        if changes.created:
            self.writer.insert(Employee, changes.created)
        if changes.email_moves:
            # Addresses that move between employees: park them first, so the case-insensitive unique
            # index never sees two holders within one UPDATE.
            parked = [Employee(pk=pk, email=f"sync-{pk}@moving.invalid") for pk in changes.email_moves]
            Employee.objects.bulk_update(parked, ["email"], batch_size=bulkwrite.BATCH)
        if changes.updated:
            self.writer.update(Employee, changes.updated, sorted(changes.changed_fields | {"updated_at"}))
        for start in range(0, len(changes.absent), bulkwrite.BATCH):
            chunk = changes.absent[start : start + bulkwrite.BATCH]
            Employee.objects.filter(pk__in=chunk).update(active=False, updated_at=self.now)
        created_ids = {e["id"] for e in changes.created}
        if created_ids or changes.moved:
            reporting_lines_refresh(under=created_ids | changes.moved)
        relevant = changes.relevant | set(changes.absent)
        if created_ids or relevant or changes.deactivated:
            employees_changed.send(
                sender=Employee, created=created_ids, updated=relevant, deactivated=changes.deactivated
            )
