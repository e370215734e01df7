"""SCIM 2.0 (RFC 7643/7644) on DRF: Users are employees (core + enterprise extension), Groups are
departments. Authenticated with an API client token holding `hris:write`. Writes go through
people.services, so employees_changed is sent for every change."""

import copy
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, ProtectedError, Q
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from people import services as people_services
from people.models import Department, Employee

from . import scim_filter
from .authentication import audit_summary
from .models import ScimIdentity
from .scim_schemas import (
    ENTERPRISE,
    ERROR,
    GROUP,
    LIST,
    MAX_RESULTS,
    PATCH,
    RESOURCE_TYPE,
    RESOURCE_TYPES,
    SCHEMA,
    SCHEMAS,
    USER,
    service_provider_config,
)

CONTENT_TYPE = "application/scim+json"


class ScimRenderer(JSONRenderer):
    media_type = CONTENT_TYPE


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class NulRefusingJSONParser(JSONParser):
    """PostgreSQL text cannot hold the NUL character: refuse it in the body, as a SCIM 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _has_nul(data):
            raise _bad(_NUL_REFUSED)
        return data


class ScimParser(NulRefusingJSONParser):
    media_type = CONTENT_TYPE


class ScimError(exceptions.APIException):
    def __init__(self, status_code: int, detail: str, scim_type: str | None = None):
        super().__init__(detail)
        self.status_code = status_code
        self.scim_type = scim_type


def _bad(detail, scim_type="invalidValue"):
    return ScimError(400, detail, scim_type)


_NUL_REFUSED = "Text may not contain the NUL character (U+0000)."


class ScimView(APIView):
    capability = "hris.write"
    renderer_classes = [ScimRenderer, JSONRenderer]
    parser_classes = [ScimParser, NulRefusingJSONParser]
    schema = None  # not part of the OpenAPI document

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            exc = ScimError(404, "Resource not found.")
        response = super().handle_exception(exc)
        detail = response.data.get("detail", response.data) if isinstance(response.data, dict) else response.data
        body = {"schemas": [ERROR], "status": str(response.status_code), "detail": str(detail)}
        scim_type = getattr(exc, "scim_type", None)
        if isinstance(exc, exceptions.ParseError):
            scim_type = "invalidSyntax"
        if scim_type:
            body["scimType"] = scim_type
        response.data = body
        return response

    def location(self, path: str) -> str:
        return self.request.build_absolute_uri(f"/scim/v2{path}")

    def paging(self, source=None):
        source = source if source is not None else self.request.query_params
        try:
            start = max(int(source.get("startIndex") or 1), 1)
            count = source.get("count")
            count = MAX_RESULTS if count in (None, "") else min(max(int(count), 0), MAX_RESULTS)
        except (TypeError, ValueError):
            raise _bad("startIndex and count must be integers.") from None
        return start, count


# --- attribute selection -------------------------------------------------------------------------

ALWAYS = {"id", "schemas"}


def _split_attr(path: str, default_urn: str):
    path = path.strip()
    for urn in (ENTERPRISE, USER, GROUP):
        if path.lower().startswith(urn.lower()):
            rest = path[len(urn) :].lstrip(":")
            return urn, rest
    return default_urn, path


def select_attributes(resource: dict, attributes: list[str], excluded: list[str], core: str) -> dict:
    if not attributes and not excluded:
        return resource
    out = copy.deepcopy(resource)

    def container(urn):
        return out if urn == core else out.get(urn)

    if attributes:
        keep: dict = {}
        for path in attributes:
            urn, rest = _split_attr(path, core)
            keep.setdefault(urn, {})
            if not rest:
                keep[urn] = None  # the whole extension
                continue
            top, _dot, sub = rest.partition(".")
            keep[urn].setdefault(top.lower(), set())
            if sub:
                keep[urn][top.lower()].add(sub.lower())
        for key in list(out):
            if key in ALWAYS:
                continue
            if key.startswith("urn:"):
                if key not in keep:
                    out.pop(key)
                elif keep[key] is not None:
                    _keep_only(out[key], keep[key])
                continue
            if key.lower() not in keep.get(core, {}) and key not in ALWAYS:
                out.pop(key)
            else:
                subs = keep[core][key.lower()]
                if subs:
                    _keep_subs(out, key, subs)
        present = [k for k in out if k.startswith("urn:")]
        out["schemas"] = [core, *present]
    for path in excluded:
        urn, rest = _split_attr(path, core)
        target = container(urn)
        if target is None:
            continue
        if not rest:
            out.pop(urn, None)
            continue
        top, _dot, sub = rest.partition(".")
        key = next((k for k in target if k.lower() == top.lower()), None)
        if key is None or key in ALWAYS:
            continue
        if not sub:
            target.pop(key)
        else:
            _drop_sub(target, key, sub)
    if "schemas" in out:
        out["schemas"] = [s for s in out["schemas"] if s == core or s in out]
    return out


def _keep_only(ext: dict, wanted: dict):
    for key in list(ext):
        if key.lower() not in wanted:
            ext.pop(key)
        elif wanted[key.lower()]:
            _keep_subs(ext, key, wanted[key.lower()])


def _keep_subs(obj, key, subs):
    value = obj[key]
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, dict):
            for sub in list(item):
                if sub.lower() not in subs:
                    item.pop(sub)


def _drop_sub(obj, key, sub):
    value = obj[key]
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, dict):
            for name in list(item):
                if name.lower() == sub.lower():
                    item.pop(name)


def _attr_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part for part in str(value).split(",") if part.strip()]


# --- users ---------------------------------------------------------------------------------------

USER_FIELDS = {
    "id": ("pk", "int"),
    "username": lambda node: _user_name_q(node),
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
    "meta.lastmodified": ("updated_at", "str"),
    "meta.created": ("created_at", "str"),
}
GROUP_FIELDS = {
    "id": ("pk", "int"),
    "displayname": ("name", "str"),
    "externalid": ("external_id", "str"),
    "members": ("employees__pk", "int"),
    "members.value": ("employees__pk", "int"),
    "meta.lastmodified": ("updated_at", "str"),
}


def _user_name_q(node):
    with_identity = scim_filter.to_q(
        scim_filter.Compare("u", node.op, node.value), {"u": ("scim_identity__user_name", "str")}
    )
    without = scim_filter.to_q(scim_filter.Compare("e", node.op, node.value), {"e": ("email", "str")})
    if node.op == "ne":
        return Q(scim_identity__isnull=False) & with_identity | Q(scim_identity__isnull=True) & without
    return Q(scim_identity__isnull=False) & with_identity | Q(scim_identity__isnull=True) & without


def users_queryset():
    return (
        Employee.objects.select_related("department", "manager", "scim_identity")
        .exclude(scim_identity__deleted=True)
        .order_by("pk")
    )


def groups_queryset():
    members = Employee.objects.exclude(scim_identity__deleted=True).only("pk", "first_name", "last_name", "department")
    return Department.objects.prefetch_related(Prefetch("employees", queryset=members.order_by("pk"))).order_by("pk")


def _identity(employee):
    try:
        return employee.scim_identity
    except ScimIdentity.DoesNotExist:
        return None


def _meta(view, kind, obj, path):
    return {
        "resourceType": kind,
        "created": obj.created_at.isoformat(),
        "lastModified": obj.updated_at.isoformat(),
        "location": view.location(path),
    }


def user_resource(view, employee) -> dict:
    identity = _identity(employee)
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
        ext["manager"] = {
            "value": str(employee.manager_id),
            "$ref": view.location(f"/Users/{employee.manager_id}"),
        }
    if ext:
        out[ENTERPRISE] = ext
    else:
        out["schemas"] = [USER]
    out["meta"] = _meta(view, "User", employee, f"/Users/{employee.pk}")
    return out


def group_resource(view, department) -> dict:
    out = {"schemas": [GROUP], "id": str(department.pk)}
    if department.external_id:
        out["externalId"] = department.external_id
    out["displayName"] = department.name
    members = [{"value": str(e.pk), "$ref": view.location(f"/Users/{e.pk}")} for e in department.employees.all()]
    if members:
        out["members"] = members
    out["meta"] = _meta(view, "Group", department, f"/Groups/{department.pk}")
    return out


def _get(data: dict, name: str, default=None):
    for key, value in data.items():
        if key.lower() == name.lower():
            return value
    return default


def _ref_id(item) -> int | None:
    if not isinstance(item, dict):
        raise _bad("A reference must be an object with a value.")
    value = _get(item, "value")
    if value in (None, "") and _get(item, "$ref"):
        value = str(_get(item, "$ref")).rstrip("/").rsplit("/", 1)[-1]
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise _bad(f"Unknown reference {value!r}.")
    return int(value)


def _string(value, what, required=False):
    if value is None:
        if required:
            raise _bad(f"{what} is required.")
        return None
    if not isinstance(value, str):
        raise _bad(f"{what} must be a string.")
    return value


def _as_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"  # Entra ID sends "False"
    raise _bad("active must be true or false.")


def user_fields_from(data: dict, *, current: Employee | None):
    """Our fields from a full SCIM User representation (POST or PUT)."""
    if not isinstance(data, dict):
        raise _bad("A User must be a JSON object.", "invalidSyntax")
    user_name = _string(_get(data, "userName"), "userName", required=True).strip()
    if not user_name:
        raise _bad("userName is required.")
    emails = _get(data, "emails") or []
    if not isinstance(emails, list):
        raise _bad("emails must be a list.")
    email = None
    for item in emails:
        if isinstance(item, dict) and _get(item, "value") and (email is None or _get(item, "primary") is True):
            email = _string(_get(item, "value"), "emails.value")
    if email is None and "@" in user_name:
        email = user_name
    if email is None:
        raise _bad("An e-mail address is required (emails or a userName that is one).")
    name = _get(data, "name") or {}
    if not isinstance(name, dict):
        raise _bad("name must be an object.")
    local = user_name.split("@")[0]
    fields = {
        "first_name": (_string(_get(name, "givenName"), "name.givenName") or local)[:150],
        "last_name": (_string(_get(name, "familyName"), "name.familyName") or local)[:150],
        "email": email.strip(),
        "active": _as_bool(_get(data, "active", True)),
    }
    ext = _get(data, ENTERPRISE) or {}
    if not isinstance(ext, dict):
        raise _bad("The enterprise extension must be an object.")
    number = _string(_get(ext, "employeeNumber"), "employeeNumber")
    fields["external_id"] = number or None
    department_name = _string(_get(ext, "department"), "department")
    if department_name:
        department = Department.objects.filter(name__iexact=department_name).order_by("pk").first()
        fields["department"] = department or people_services.department_create(name=department_name[:200])
    else:
        fields["department"] = None
    manager = _get(ext, "manager")
    manager_id = _ref_id(manager) if manager else None
    if manager_id is not None:
        boss = users_queryset().filter(pk=manager_id).first()
        if boss is None:
            raise _bad(f"Unknown manager {manager_id}.")
        fields["manager"] = boss
    else:
        fields["manager"] = None
    identity = {"user_name": user_name[:254], "external_id": (_string(_get(data, "externalId"), "externalId") or "")}
    return fields, identity


def _user_conflicts(fields, identity, pk):
    others = Employee.objects.exclude(pk=pk) if pk else Employee.objects.all()
    if others.filter(email__iexact=fields["email"]).exists():
        raise ScimError(409, "Another user already has this e-mail address.", "uniqueness")
    if fields.get("external_id") and others.filter(external_id=fields["external_id"]).exists():
        raise ScimError(409, "Another user already has this employeeNumber.", "uniqueness")
    names = ScimIdentity.objects.exclude(employee_id=pk) if pk else ScimIdentity.objects.all()
    if names.filter(user_name__iexact=identity["user_name"]).exists():
        raise ScimError(409, "Another user already has this userName.", "uniqueness")


@transaction.atomic
def user_save(*, employee: Employee | None, data: dict) -> Employee:
    fields, identity = user_fields_from(data, current=employee)
    _user_conflicts(fields, identity, employee and employee.pk)
    try:
        with transaction.atomic():
            if employee is None:
                employee = people_services.employee_create(**fields)
            else:
                if fields["manager"] is not None and fields["manager"].pk == employee.pk:
                    raise _bad("A user cannot be their own manager.")
                employee = people_services.employee_update(employee=employee, **fields)
            ScimIdentity.objects.update_or_create(employee=employee, defaults=identity)
    except DjangoValidationError as exc:
        raise _bad("; ".join(exc.messages)) from exc
    except IntegrityError as exc:
        raise ScimError(409, "Conflicts with another user.", "uniqueness") from exc
    return employee


@transaction.atomic
def group_save(*, department: Department | None, data: dict) -> Department:
    if not isinstance(data, dict):
        raise _bad("A Group must be a JSON object.", "invalidSyntax")
    name = _string(_get(data, "displayName"), "displayName", required=True).strip()
    if not name:
        raise _bad("displayName is required.")
    external_id = _string(_get(data, "externalId"), "externalId") or None
    members = _get(data, "members") or []
    if not isinstance(members, list):
        raise _bad("members must be a list.")
    member_ids = {i for i in (_ref_id(m) for m in members) if i is not None}
    found = set(users_queryset().filter(pk__in=member_ids).values_list("pk", flat=True))
    if member_ids - found:
        raise _bad(f"Unknown members: {sorted(member_ids - found)}.")
    others = Department.objects.exclude(pk=department.pk) if department else Department.objects.all()
    if external_id and others.filter(external_id=external_id).exists():
        raise ScimError(409, "Another group already has this externalId.", "uniqueness")
    try:
        if department is None:
            department = people_services.department_create(name=name[:200], external_id=external_id)
        else:
            department = people_services.department_update(
                department=department, name=name[:200], external_id=external_id
            )
    except DjangoValidationError as exc:
        raise _bad("; ".join(exc.messages)) from exc
    current = set(Employee.objects.filter(department=department).values_list("pk", flat=True))
    for employee in Employee.objects.filter(pk__in=current - member_ids):
        people_services.employee_update(employee=employee, department=None)
    for employee in Employee.objects.filter(pk__in=member_ids - current):
        people_services.employee_update(employee=employee, department=department)
    return department


# --- PATCH (RFC 7644 §3.5.2) over the JSON representation ----------------------------------------

PATH_RE = re.compile(r"^(?P<attr>[A-Za-z0-9_$\-]+)(?:\[(?P<filter>.*)\])?(?:\.(?P<sub>[A-Za-z0-9_$\-]+))?$")


def _find_key(obj: dict, name: str):
    return next((k for k in obj if k.lower() == name.lower()), None)


def apply_patch(resource: dict, operations, core: str) -> dict:
    if not isinstance(operations, list) or not operations:
        raise _bad("Operations must be a non-empty list.", "invalidSyntax")
    doc = copy.deepcopy(resource)
    for operation in operations:
        if not isinstance(operation, dict):
            raise _bad("Each operation must be an object.", "invalidSyntax")
        op = str(_get(operation, "op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise _bad(f"Unknown op {_get(operation, 'op')!r}.", "invalidSyntax")
        path = _get(operation, "path")
        value = _get(operation, "value")
        if path in (None, ""):
            if op == "remove":
                raise _bad("remove needs a path.", "noTarget")
            if not isinstance(value, dict):
                raise _bad("Without a path the value must be an object.", "invalidSyntax")
            for key, sub_value in value.items():
                _apply_one(doc, op, key, sub_value, core)
            continue
        if not isinstance(path, str):
            raise _bad("path must be a string.", "invalidPath")
        _apply_one(doc, op, path, value, core)
    return doc


def _apply_one(doc, op, path, value, core):
    urn, rest = _split_attr(path, core)
    if urn != core:
        target = doc.setdefault(urn, {})
        if not rest:  # the whole extension
            if op == "remove":
                doc.pop(urn, None)
            elif isinstance(value, dict):
                if op == "replace":
                    doc[urn] = dict(value)
                else:
                    target.update(value)
            else:
                raise _bad("An extension value must be an object.")
            return
    else:
        target = doc
    match = PATH_RE.match(rest)
    if not match:
        # dotted names inside an Okta-style value object, e.g. "name.givenName"
        raise _bad(f"Cannot read the path {path!r}.", "invalidPath")
    attr, flt, sub = match.group("attr"), match.group("filter"), match.group("sub")
    if attr.lower() in ("id", "meta", "schemas"):
        raise ScimError(400, f"{attr} cannot be changed.", "mutability")
    key = _find_key(target, attr) or attr
    if flt is not None:
        try:
            node = scim_filter.parse(flt)
        except scim_filter.FilterError as exc:
            raise _bad(str(exc), "invalidPath") from exc
        items = target.get(key)
        if not isinstance(items, list):
            if op == "remove":
                return
            raise ScimError(400, f"No values match {path!r}.", "noTarget")
        hits = [item for item in items if scim_filter.matches(node, item)]
        if not hits and op != "remove" and key.lower() == "emails" and items:
            # We keep one address and no type or primary flag: Entra ID's
            # `emails[type eq "work"].value` means that one address.
            hits = items[:1]
        if not hits and op != "add":
            if op == "remove":
                return
            raise ScimError(400, f"No values match {path!r}.", "noTarget")
        if op == "remove":
            if sub:
                for item in hits:
                    sub_key = _find_key(item, sub)
                    if sub_key:
                        item.pop(sub_key)
            else:
                target[key] = [item for item in items if item not in hits]
            return
        for item in hits:
            if sub:
                item[_find_key(item, sub) or sub] = value
            elif isinstance(value, dict):
                item.update(value)
        return
    if sub:
        parent = target.get(key)
        if op == "remove":
            if isinstance(parent, dict):
                sub_key = _find_key(parent, sub)
                if sub_key:
                    parent.pop(sub_key)
            elif isinstance(parent, list):
                for item in parent:
                    if isinstance(item, dict) and _find_key(item, sub):
                        item.pop(_find_key(item, sub))
            return
        if parent is None:
            parent = target[key] = {}
        if isinstance(parent, list):
            for item in parent:
                if isinstance(item, dict):
                    item[_find_key(item, sub) or sub] = value
            return
        parent[_find_key(parent, sub) or sub] = value
        return
    if op == "remove":
        if value is not None and isinstance(target.get(key), list):
            # Entra ID removes members by value: {"op":"remove","path":"members","value":[{"value":"12"}]}
            drop = {
                str(_get(v, "value")) for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)
            }
            target[key] = [item for item in target[key] if str(_get(item, "value")) not in drop]
        else:
            target.pop(key, None)
        return
    current = target.get(key)
    if op == "add" and isinstance(current, list):
        additions = value if isinstance(value, list) else [value]
        existing = {str(_get(i, "value")) for i in current if isinstance(i, dict)}
        current.extend(a for a in additions if not (isinstance(a, dict) and str(_get(a, "value")) in existing))
    elif op == "add" and isinstance(current, dict) and isinstance(value, dict):
        current.update(value)
    else:
        target[key] = value


# --- views ---------------------------------------------------------------------------------------


class ServiceProviderConfigView(ScimView):
    def get(self, request):
        return Response(service_provider_config(self.location("/ServiceProviderConfig")))


def _list(view, resources, total, start):
    return Response(
        {
            "schemas": [LIST],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(resources),
            "Resources": resources,
        }
    )


class ResourceTypesView(ScimView):
    def get(self, request, name=None):
        def render(rt):
            return {
                "schemas": [RESOURCE_TYPE],
                **rt,
                "meta": {"resourceType": "ResourceType", "location": self.location(f"/ResourceTypes/{rt['id']}")},
            }

        if name is not None:
            if name not in RESOURCE_TYPES:
                raise Http404
            return Response(render(RESOURCE_TYPES[name]))
        items = [render(rt) for rt in RESOURCE_TYPES.values()]
        return _list(self, items, len(items), 1)


class SchemasView(ScimView):
    def get(self, request, name=None):
        def render(schema):
            return {
                "schemas": [SCHEMA],
                **schema,
                "meta": {"resourceType": "Schema", "location": self.location(f"/Schemas/{schema['id']}")},
            }

        if name is not None:
            if name not in SCHEMAS:
                raise Http404
            return Response(render(SCHEMAS[name]))
        items = [render(s) for s in SCHEMAS.values()]
        return _list(self, items, len(items), 1)


class ResourceListView(ScimView):
    kind = ""
    core = ""
    fields: dict = {}

    def queryset(self):
        raise NotImplementedError

    def render(self, obj):
        raise NotImplementedError

    def save(self, obj, data):
        raise NotImplementedError

    def search(self, params):
        qs = self.queryset()
        text = params.get("filter")
        if text:
            try:
                qs = qs.filter(scim_filter.to_q(scim_filter.parse(str(text)), self.fields)).distinct()
            except scim_filter.FilterError as exc:
                raise _bad(str(exc), "invalidFilter") from exc
        start, count = self.paging(params)
        total = qs.count()
        page = list(qs[start - 1 : start - 1 + count]) if count else []
        attributes, excluded = _attr_list(params.get("attributes")), _attr_list(params.get("excludedAttributes"))
        items = [select_attributes(self.render(obj), attributes, excluded, self.core) for obj in page]
        return _list(self, items, total, start)

    def get(self, request):
        return self.search(request.query_params)

    def post(self, request):
        obj = self.save(None, request.data)
        audit_summary(request, f"SCIM created {self.kind} {obj.pk}")
        response = Response(self.render(obj), status=status.HTTP_201_CREATED)
        response["Location"] = self.location(f"/{self.kind}s/{obj.pk}")
        return response


class ResourceSearchView(ResourceListView):
    def post(self, request):
        if not isinstance(request.data, dict):
            raise _bad("A SearchRequest must be an object.", "invalidSyntax")
        return self.search(request.data)


class ResourceDetailView(ScimView):
    list_view = None

    def object(self, pk):
        if not str(pk).isdigit():
            raise Http404
        obj = self.list_view.queryset(self).filter(pk=pk).first()
        if obj is None:
            raise Http404
        return obj

    def get(self, request, pk):
        params = request.query_params
        return Response(
            select_attributes(
                self.list_view.render(self, self.object(pk)),
                _attr_list(params.get("attributes")),
                _attr_list(params.get("excludedAttributes")),
                self.list_view.core,
            )
        )

    def put(self, request, pk):
        obj = self.list_view.save(self, self.object(pk), request.data)
        audit_summary(request, f"SCIM replaced {self.list_view.kind} {obj.pk}")
        return Response(self.list_view.render(self, self.list_view.queryset(self).get(pk=obj.pk)))

    def patch(self, request, pk):
        obj = self.object(pk)
        data = request.data
        if not isinstance(data, dict) or PATCH not in (_get(data, "schemas") or []):
            raise _bad("A PatchOp message is expected.", "invalidSyntax")
        patched = apply_patch(self.list_view.render(self, obj), _get(data, "Operations"), self.list_view.core)
        with transaction.atomic():
            obj = self.list_view.save(self, obj, patched)
        audit_summary(request, f"SCIM patched {self.list_view.kind} {obj.pk}")
        return Response(self.list_view.render(self, self.list_view.queryset(self).get(pk=obj.pk)))


class UsersView(ResourceListView):
    kind, core, fields = "User", USER, USER_FIELDS

    def queryset(self):
        return users_queryset()

    def render(self, obj):
        return user_resource(self, obj)

    def save(self, obj, data):
        return user_save(employee=obj, data=data)


class UsersSearchView(ResourceSearchView, UsersView):
    pass


class UserDetailView(ResourceDetailView):
    list_view = UsersView

    @transaction.atomic
    def delete(self, request, pk):
        employee = self.object(pk)
        people_services.employee_deactivate(employee=employee)
        ScimIdentity.objects.update_or_create(
            employee=employee,
            defaults={
                "deleted": True,
                "user_name": f"deleted-{employee.pk}-{user_resource(self, employee)['userName']}"[:254],
            },
        )
        audit_summary(request, f"SCIM deleted (deactivated) User {employee.pk}")
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupsView(ResourceListView):
    kind, core, fields = "Group", GROUP, GROUP_FIELDS

    def queryset(self):
        return groups_queryset()

    def render(self, obj):
        return group_resource(self, obj)

    def save(self, obj, data):
        return group_save(department=obj, data=data)


class GroupsSearchView(ResourceSearchView, GroupsView):
    pass


class GroupDetailView(ResourceDetailView):
    list_view = GroupsView

    def delete(self, request, pk):
        department = self.object(pk)
        try:
            with transaction.atomic():
                for employee in Employee.objects.filter(department=department):
                    people_services.employee_update(employee=employee, department=None)
                department.delete()
        except ProtectedError as exc:
            raise ScimError(409, "The department is still in use (sub-departments or other records).") from exc
        audit_summary(request, f"SCIM deleted Group {pk}")
        return Response(status=status.HTTP_204_NO_CONTENT)


class RootSearchView(ScimView):
    def post(self, request):
        data = request.data
        if not isinstance(data, dict):
            raise _bad("A SearchRequest must be an object.", "invalidSyntax")
        users = UsersView()
        users.request = request
        groups = GroupsView()
        groups.request = request
        start, count = self.paging(data)
        everything, total, understood = [], 0, 0
        for view in (users, groups):
            try:
                found = view.search({**data, "startIndex": 1, "count": MAX_RESULTS}).data
            except ScimError as exc:
                if exc.scim_type != "invalidFilter":
                    raise
                continue  # the filter names attributes of the other resource type
            understood += 1
            everything += found["Resources"]
            total += found["totalResults"]
        if not understood:
            raise _bad("The filter fits neither Users nor Groups.", "invalidFilter")
        return _list(self, everything[start - 1 : start - 1 + count], total, start)


class NotFoundView(ScimView):
    def get(self, request, rest=""):
        raise Http404

    post = put = patch = delete = get
