"""The SCIM 2.0 endpoints (RFC 7644) on DRF: discovery, Users, Groups and `.search`, each error in
the SCIM error shape. Authenticated with an API client token holding `hris:write`. The views only
translate requests: the resources (resources.py) say what is shown, the services write."""

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..authentication import audit_summary
from . import filters, services
from .errors import ScimError, bad, check_text
from .patch import apply_patch
from .resources import (
    GROUP_FIELDS,
    USER_FIELDS,
    attr_list,
    get,
    group_pk,
    group_resource,
    groups_queryset,
    select_attributes,
    user_pk,
    user_resource,
    users_queryset,
)
from .schemas import (
    ERROR,
    GROUP,
    LIST,
    MAX_RESULTS,
    PATCH,
    RESOURCE_TYPE,
    RESOURCE_TYPES,
    SCHEMA,
    SCHEMAS,
    SEARCH,
    USER,
    service_provider_config,
)

CONTENT_TYPE = "application/scim+json"
MAX_INDEX = 2**31 - 1


class ScimRenderer(JSONRenderer):
    media_type = CONTENT_TYPE


class CheckedJSONParser(JSONParser):
    """JSON that is too deep to read is a SCIM 400, and so is text no database can store."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON nested too deeply.") from None
        check_text(data)
        return data


class ScimParser(CheckedJSONParser):
    media_type = CONTENT_TYPE


class ScimView(APIView):
    capability = "hris.write"
    renderer_classes = [ScimRenderer, JSONRenderer]
    parser_classes = [ScimParser, CheckedJSONParser]
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

    def paging(self, source=None) -> tuple[int, int]:
        """(startIndex, count): 1-based, count at most MAX_RESULTS (RFC 7644 §3.4.2.4)."""
        source = source if source is not None else self.request.query_params
        try:
            start = int(str(source.get("startIndex") or 1), 10)
            count = source.get("count")
            count = MAX_RESULTS if count in (None, "") else int(str(count), 10)
        except (TypeError, ValueError):
            raise bad("startIndex and count must be integers.") from None
        if not -MAX_INDEX <= start <= MAX_INDEX or not -MAX_INDEX <= count <= MAX_INDEX:
            raise bad(f"startIndex and count must lie between -{MAX_INDEX} and {MAX_INDEX}.")
        return max(start, 1), min(max(count, 0), MAX_RESULTS)


def _list(resources, total, start):
    body = {"schemas": [LIST], "totalResults": total, "startIndex": start, "itemsPerPage": len(resources)}
    return Response({**body, "Resources": resources})


class ServiceProviderConfigView(ScimView):
    def get(self, request):
        return Response(service_provider_config(self.location("/ServiceProviderConfig")))


class _Published(ScimView):
    """A read-only list of what the service provider publishes (resource types, schemas)."""

    items: dict = {}
    schema_urn = ""
    kind = ""

    def render(self, item):
        location = self.location(f"/{self.kind}s/{item['id']}")
        return {"schemas": [self.schema_urn], **item, "meta": {"resourceType": self.kind, "location": location}}

    def get(self, request, name=None):
        if name is not None:
            if name not in self.items:
                raise Http404
            return Response(self.render(self.items[name]))
        rendered = [self.render(item) for item in self.items.values()]
        return _list(rendered, len(rendered), 1)


class ResourceTypesView(_Published):
    items, schema_urn, kind = RESOURCE_TYPES, RESOURCE_TYPE, "ResourceType"


class SchemasView(_Published):
    items, schema_urn, kind = SCHEMAS, SCHEMA, "Schema"


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
                qs = qs.filter(filters.ToQ(self.fields).visit(filters.parse(str(text)))).distinct()
            except filters.FilterError as exc:
                raise bad(str(exc), "invalidFilter") from exc
        start, count = self.paging(params)
        total = qs.count()
        page = list(qs[start - 1 : start - 1 + count]) if count and start <= total else []
        attributes, excluded = attr_list(params.get("attributes")), attr_list(params.get("excludedAttributes"))
        items = [select_attributes(self.render(obj), attributes, excluded, self.core) for obj in page]
        return _list(items, total, start)

    def get(self, request):
        return self.search(request.query_params)

    def post(self, request):
        obj = self.save(None, request.data)
        audit_summary(request, f"SCIM created {self.kind} {obj.pk}")
        response = Response(self.render(obj), status=status.HTTP_201_CREATED)
        response["Location"] = response.data["meta"]["location"]
        return response


SEARCH_KEYS = {"schemas", "attributes", "excludedAttributes", "filter", "sortBy", "sortOrder", "startIndex", "count"}


def check_search_request(data) -> dict:
    """RFC 7644 §3.4.3: an object naming the SearchRequest schema, with its own attributes only, and
    text where text belongs (anything else was answered as an unfiltered search)."""
    if not isinstance(data, dict):
        raise bad("A SearchRequest must be an object.", "invalidSyntax")
    if data.get("schemas") != [SEARCH]:
        raise bad(f'A SearchRequest names the schema ["{SEARCH}"].', "invalidSyntax")
    unknown = sorted(set(data) - SEARCH_KEYS)
    if unknown:
        raise bad(f"Unknown attributes in a SearchRequest: {', '.join(unknown)}.", "invalidSyntax")
    for key in ("filter", "sortBy", "sortOrder"):
        if key in data and not isinstance(data[key], str):
            raise bad(f"{key} must be a string.", "invalidFilter" if key == "filter" else "invalidValue")
    return data


class ResourceSearchView(ResourceListView):
    def post(self, request):
        return self.search(check_search_request(request.data))


class ResourceDetailView(ScimView):
    list_view = None
    pk_of = staticmethod(user_pk)

    def object(self, value):
        pk = self.pk_of(value)
        obj = self.list_view.queryset(self).filter(pk=pk).first() if pk is not None else None
        if obj is None:
            raise Http404
        return obj

    def rendered(self, pk):
        return self.list_view.render(self, self.list_view.queryset(self).get(pk=pk))

    def get(self, request, pk):
        params = request.query_params
        attributes, excluded = attr_list(params.get("attributes")), attr_list(params.get("excludedAttributes"))
        resource = self.list_view.render(self, self.object(pk))
        return Response(select_attributes(resource, attributes, excluded, self.list_view.core))

    def put(self, request, pk):
        obj = self.list_view.save(self, self.object(pk), request.data)
        audit_summary(request, f"SCIM replaced {self.list_view.kind} {obj.pk}")
        return Response(self.rendered(obj.pk))

    def patch(self, request, pk):
        obj = self.object(pk)
        data = request.data
        schemas = get(data, "schemas") if isinstance(data, dict) else None
        if not isinstance(schemas, list) or PATCH not in schemas:
            raise bad("A PatchOp message is expected.", "invalidSyntax")
        patched = apply_patch(self.list_view.render(self, obj), get(data, "Operations"), self.list_view.core)
        obj = self.list_view.save(self, obj, patched)
        audit_summary(request, f"SCIM patched {self.list_view.kind} {obj.pk}")
        return Response(self.rendered(obj.pk))


class UsersView(ResourceListView):
    kind, core, fields = "User", USER, USER_FIELDS

    def queryset(self):
        return users_queryset()

    def render(self, obj):
        return user_resource(self.location, obj)

    def save(self, obj, data):
        return services.user_save(employee=obj, data=data)


class UsersSearchView(ResourceSearchView, UsersView):
    pass


class UserDetailView(ResourceDetailView):
    list_view = UsersView

    def delete(self, request, pk):
        employee = self.object(pk)
        services.user_delete(employee=employee, user_name=user_resource(self.location, employee)["userName"])
        audit_summary(request, f"SCIM deleted (deactivated) User {employee.pk}")
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupsView(ResourceListView):
    kind, core, fields = "Group", GROUP, GROUP_FIELDS

    def queryset(self):
        return groups_queryset()

    def render(self, obj):
        return group_resource(self.location, obj)

    def save(self, obj, data):
        return services.group_save(department=obj, data=data)


class GroupsSearchView(ResourceSearchView, GroupsView):
    pass


class GroupDetailView(ResourceDetailView):
    list_view = GroupsView
    pk_of = staticmethod(group_pk)

    def delete(self, request, pk):
        department = self.object(pk)
        services.group_delete(department=department)
        audit_summary(request, f"SCIM deleted Group {pk}")
        return Response(status=status.HTTP_204_NO_CONTENT)


class RootSearchView(ScimView):
    def post(self, request):
        data = check_search_request(request.data)
        start, count = self.paging(data)
        everything, total, understood = [], 0, 0
        for view_class in (UsersView, GroupsView):
            view = view_class()
            view.request = request
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
            raise bad("The filter fits neither Users nor Groups.", "invalidFilter")
        return _list(everything[start - 1 : start - 1 + count], total, start)


class NotFoundView(ScimView):
    def get(self, request, rest=""):
        raise Http404

    post = put = patch = delete = get
