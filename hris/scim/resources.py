"""SCIM resources (RFC 7643): Users are employees (core + enterprise extension), Groups are
departments. Their ids, the attributes a filter may name, the JSON we show (with `attributes` and
`excludedAttributes` applied) and the fields we read from a body.

Ids are unique across both types (RFC 7643 §3.1): a User's id is the employee's number (`36`), a
Group's the department's number after a `g` (`g36`).
"""

import copy

from django.db.models import Prefetch, Q

from people.models import Department, Employee
from people.validators import CONTROL_CHARACTERS

from ..models import ScimIdentity
from . import filters
from .errors import bad
from .schemas import ENTERPRISE, GROUP, USER

GROUP_PREFIX = "g"


def user_pk(value) -> int | None:
    text = str(value)
    return int(text) if text.isdigit() and len(text) < 19 else None


def group_id(pk: int) -> str:
    return f"{GROUP_PREFIX}{pk}"


def group_pk(value) -> int | None:
    text = str(value)
    return user_pk(text[len(GROUP_PREFIX) :]) if text.startswith(GROUP_PREFIX) else None


def _id_q(pk_of, op, value) -> Q:
    pk = pk_of(value) if value is not None else None
    if op == "pr":
        return Q()
    if op == "eq":
        return Q(pk=pk) if pk is not None else Q(pk__in=[])
    if op == "ne":
        return ~Q(pk=pk) if pk is not None else Q()
    raise filters.FilterError("id takes eq, ne or pr")


def _user_name_q(op, value) -> Q:
    """userName is the identity provider's when it gave one, else the e-mail address."""
    if op == "pr":
        return Q()  # every User has one
    with_identity = filters.text_q("scim_identity__user_name", op, value, "userName")
    without = filters.text_q("email", op, value, "userName")
    return Q(scim_identity__isnull=False) & with_identity | Q(scim_identity__isnull=True) & without


USER_FIELDS = {
    "id": lambda op, value: _id_q(user_pk, op, value),
    "username": _user_name_q,
    "externalid": ("scim_identity__external_id", "str"),
    "name.givenname": ("first_name", "str"),
    "name.familyname": ("last_name", "str"),
    "emails": ("email", "str"),
    "emails.value": ("email", "str"),
    "active": ("active", "bool"),
    f"{ENTERPRISE.lower()}:employeenumber": ("external_id", "str"),
    "employeenumber": ("external_id", "str"),
    f"{ENTERPRISE.lower()}:department": ("department__name", "str"),
    f"{ENTERPRISE.lower()}:manager.value": ("manager_id", "int"),
    f"{ENTERPRISE.lower()}:manager": ("manager_id", "int"),
    "meta.lastmodified": ("updated_at", "datetime"),
    "meta.created": ("created_at", "datetime"),
}
GROUP_FIELDS = {
    "id": lambda op, value: _id_q(group_pk, op, value),
    "displayname": ("name", "str"),
    "externalid": ("external_id", "str"),
    "members": ("employees__pk", "int"),
    "members.value": ("employees__pk", "int"),
    "meta.lastmodified": ("updated_at", "datetime"),
    "meta.created": ("created_at", "datetime"),
}


def users_queryset():
    """The Users SCIM sees: not the ones the provider deleted, and not erased people (issue 18): a
    provider that still holds someone erased would otherwise write their name back with a PUT or
    PATCH; it gets a 404 and, if it wants them back, provisions them anew."""
    return (
        Employee.objects.select_related("department", "manager", "scim_identity")
        .exclude(scim_identity__deleted=True)
        .filter(erased_at=None)
        .order_by("pk")
    )


def groups_queryset():
    members = Employee.objects.exclude(scim_identity__deleted=True).only("pk", "first_name", "last_name", "department")
    return Department.objects.prefetch_related(Prefetch("employees", queryset=members.order_by("pk"))).order_by("pk")


def identity_of(employee) -> ScimIdentity | None:
    try:
        return employee.scim_identity
    except ScimIdentity.DoesNotExist:
        return None


def _meta(location, kind, obj, path):
    return {
        "resourceType": kind,
        "created": obj.created_at.isoformat(),
        "lastModified": obj.updated_at.isoformat(),
        "location": location(path),
    }


def user_resource(location, employee) -> dict:
    """The User as we show it; `location(path)` makes an absolute URL of a SCIM path."""
    identity = identity_of(employee)
    out = {"schemas": [USER, ENTERPRISE], "id": str(employee.pk)}
    if identity and identity.external_id:
        out["externalId"] = identity.external_id
    out["userName"] = identity.user_name if identity else employee.email
    out["name"] = {"givenName": employee.first_name, "familyName": employee.last_name}
    out["emails"] = [{"value": employee.email}]
    out["active"] = employee.active
    ext = {}
    if employee.external_id:
        ext["employeeNumber"] = employee.external_id
    if employee.department_id:
        ext["department"] = employee.department.name
    if employee.manager_id:
        ext["manager"] = {"value": str(employee.manager_id), "$ref": location(f"/Users/{employee.manager_id}")}
    if ext:
        out[ENTERPRISE] = ext
    else:
        out["schemas"] = [USER]
    out["meta"] = _meta(location, "User", employee, f"/Users/{employee.pk}")
    return out


def group_resource(location, department) -> dict:
    out = {"schemas": [GROUP], "id": group_id(department.pk)}
    if department.external_id:
        out["externalId"] = department.external_id
    out["displayName"] = department.name
    members = [{"value": str(e.pk), "$ref": location(f"/Users/{e.pk}")} for e in department.employees.all()]
    if members:
        out["members"] = members
    out["meta"] = _meta(location, "Group", department, f"/Groups/{group_id(department.pk)}")
    return out


# --- reading a body ------------------------------------------------------------------------------


def get(data: dict, name: str, default=None):
    """An attribute by name in any letter case (SCIM attribute names are case-insensitive)."""
    for key, value in data.items():
        if key.lower() == name.lower():
            return value
    return default


def ref_id(item) -> int | None:
    """The User a reference (`{"value": "36"}` or `{"$ref": ".../Users/36"}`) names."""
    if not isinstance(item, dict):
        raise bad("A reference must be an object with a value.")
    value = get(item, "value")
    if value in (None, "") and get(item, "$ref"):
        value = str(get(item, "$ref")).rstrip("/").rsplit("/", 1)[-1]
    if value in (None, ""):
        return None
    pk = user_pk(value)
    if pk is None:
        raise bad(f"Unknown reference {value!r}.")
    return pk


def string(value, what, required=False):
    if value is None:
        if required:
            raise bad(f"{what} is required.")
        return None
    if not isinstance(value, str):
        raise bad(f"{what} must be a string.")
    return value


def as_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"  # Entra ID sends "False"
    raise bad("active must be true or false.")


def _email_of(data: dict, user_name: str) -> str:
    emails = get(data, "emails") or []
    if not isinstance(emails, list):
        raise bad("emails must be a list.")
    email = None
    for item in emails:
        if isinstance(item, dict) and get(item, "value") and (email is None or get(item, "primary") is True):
            email = string(get(item, "value"), "emails.value")
    if email is None and "@" in user_name:
        email = user_name
    if email is None:
        raise bad("An e-mail address is required (emails or a userName that is one).")
    return email.strip()


def _one_line(value: str, path: str) -> str:
    """A name is one line (people.validators): a line break in it would break e-mail subjects."""
    if CONTROL_CHARACTERS.search(value):
        raise bad(f"{path} may not contain line breaks or control characters.")
    return value


def user_fields_from(data: dict) -> tuple[dict, dict, str | None, int | None]:
    """From a full User (POST, PUT or a patched representation): the employee's fields, the SCIM
    identity's, the department's name (or None) and the manager's id (or None)."""
    if not isinstance(data, dict):
        raise bad("A User must be a JSON object.", "invalidSyntax")
    user_name = (string(get(data, "userName"), "userName", required=True) or "").strip()
    if not user_name:
        raise bad("userName is required.")
    name = get(data, "name") or {}
    if not isinstance(name, dict):
        raise bad("name must be an object.")
    local = user_name.split("@")[0]
    fields = {
        "first_name": _one_line((string(get(name, "givenName"), "name.givenName") or local)[:150], "name.givenName"),
        "last_name": _one_line((string(get(name, "familyName"), "name.familyName") or local)[:150], "name.familyName"),
        "email": _email_of(data, user_name),
        "active": as_bool(get(data, "active", True)),
    }
    ext = get(data, ENTERPRISE) or {}
    if not isinstance(ext, dict):
        raise bad("The enterprise extension must be an object.")
    fields["external_id"] = string(get(ext, "employeeNumber"), "employeeNumber") or None
    department = _one_line(string(get(ext, "department"), "department") or "", "department") or None
    manager = get(ext, "manager")
    identity = {"user_name": user_name[:254], "external_id": string(get(data, "externalId"), "externalId") or ""}
    return fields, identity, department, ref_id(manager) if manager else None


def group_fields_from(data: dict) -> tuple[str, str | None, set[int]]:
    """From a full Group: its name, its externalId and its members' ids."""
    if not isinstance(data, dict):
        raise bad("A Group must be a JSON object.", "invalidSyntax")
    name = _one_line((string(get(data, "displayName"), "displayName", required=True) or "").strip(), "displayName")
    if not name:
        raise bad("displayName is required.")
    members = get(data, "members") or []
    if not isinstance(members, list):
        raise bad("members must be a list.")
    member_ids = {pk for pk in (ref_id(m) for m in members) if pk is not None}
    return name, string(get(data, "externalId"), "externalId") or None, member_ids


# --- attribute selection (RFC 7644 §3.9) -----------------------------------------------------------

ALWAYS = {"id", "schemas"}


def split_attr(path: str, default_urn: str):
    """(schema URN, the rest) of an attribute path: `urn:...:User:department` or `name.givenName`."""
    path = path.strip()
    for urn in (ENTERPRISE, USER, GROUP):
        if path.lower().startswith(urn.lower()):
            return urn, path[len(urn) :].lstrip(":")
    return default_urn, path


def attr_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part for part in str(value).split(",") if part.strip()]


def _wanted(attributes: list[str], core: str) -> dict:
    """{urn: None (all of it) or {attribute: {sub-attributes}}} from `attributes`."""
    keep: dict = {}
    for path in attributes:
        urn, rest = split_attr(path, core)
        keep.setdefault(urn, {})
        if not rest:
            keep[urn] = None  # the whole extension
            continue
        top, _dot, sub = rest.partition(".")
        if keep[urn] is not None:
            keep[urn].setdefault(top.lower(), set())
            if sub:
                keep[urn][top.lower()].add(sub.lower())
    return keep


def _keep(out: dict, keep: dict, core: str) -> None:
    for key in list(out):
        if key in ALWAYS:
            continue
        if key.startswith("urn:"):
            if key not in keep:
                out.pop(key)
            elif keep[key] is not None:
                _keep_only(out[key], keep[key])
        elif key.lower() not in (keep.get(core) or {}):
            out.pop(key)
        elif keep[core][key.lower()]:
            _keep_subs(out, key, keep[core][key.lower()])
    out["schemas"] = [core, *(k for k in out if k.startswith("urn:"))]


def _exclude(out: dict, excluded: list[str], core: str) -> None:
    for path in excluded:
        urn, rest = split_attr(path, core)
        target = out if urn == core else out.get(urn)
        if target is None:
            continue
        if not rest:
            out.pop(urn, None)
            continue
        top, _dot, sub = rest.partition(".")
        key = next((k for k in target if k.lower() == top.lower()), None)
        if key is None or key in ALWAYS:
            continue
        if sub:
            _drop_sub(target, key, sub)
        else:
            target.pop(key)


def select_attributes(resource: dict, attributes: list[str], excluded: list[str], core: str) -> dict:
    if not attributes and not excluded:
        return resource
    out = copy.deepcopy(resource)
    if attributes:
        _keep(out, _wanted(attributes, core), core)
    _exclude(out, excluded, core)
    if "schemas" in out:
        out["schemas"] = [s for s in out["schemas"] if s == core or s in out]
    return out


def _items(obj, key):
    value = obj[key]
    return [item for item in (value if isinstance(value, list) else [value]) if isinstance(item, dict)]


def _keep_only(ext: dict, wanted: dict):
    for key in list(ext):
        if key.lower() not in wanted:
            ext.pop(key)
        elif wanted[key.lower()]:
            _keep_subs(ext, key, wanted[key.lower()])


def _keep_subs(obj, key, subs):
    for item in _items(obj, key):
        for sub in list(item):
            if sub.lower() not in subs:
                item.pop(sub)


def _drop_sub(obj, key, sub):
    for item in _items(obj, key):
        for name in list(item):
            if name.lower() == sub.lower():
                item.pop(name)
