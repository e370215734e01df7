"""HRIS pages for L&D staff: API clients (the token shown once) and the CSV import."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.access import capability_required

from . import csvimport
from .forms import ApiClientForm, CsvMappingForm, CsvUploadForm
from .models import ApiClient, CsvImport, CsvMapping
from .services import CsvImportRefused, api_client_create, api_client_revoke, csv_import_apply, csv_mapping_save


@capability_required("hris.clients")
def clients(request):
    form = ApiClientForm(request.POST or None)
    token = None
    if request.method == "POST" and form.is_valid():
        client, token = api_client_create(
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data["expires_at"],
            created_by=request.user,
        )
        messages.success(
            request,
            _("API client %(name)s created. Copy the token now: it is not shown again.") % {"name": client.name},
        )
        form = ApiClientForm()
    context = {"form": form, "token": token, "clients": ApiClient.objects.select_related("created_by")}
    return render(request, "hris/clients.html", context, status=200)


@require_POST
@capability_required("hris.clients")
def client_revoke(request, pk):
    client = get_object_or_404(ApiClient, pk=pk)
    if api_client_revoke(client=client, by=request.user):
        messages.success(request, _("API client %(name)s revoked.") % {"name": client.name})
    return redirect("hris:clients")


@capability_required("hris.import")
def csv_upload(request):
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = csvimport.decode(upload.read())
            csvimport.read_rows(text)
        except csvimport.CsvProblem as exc:
            form.add_error("file", str(exc))
        else:
            record = CsvImport.objects.create(
                uploaded_by=request.user, filename=upload.name[:255], content=text, mode=form.cleaned_data["mode"]
            )
            return redirect("hris:csv_preview", pk=record.pk)
    recent = CsvImport.objects.select_related("uploaded_by").defer("content")[:10]
    return render(request, "hris/csv_upload.html", {"form": form, "recent": recent})


def _remembered(user) -> tuple[dict, bool]:
    """The saved mapping offered to this person: their own, else the organisation's (one query)."""
    from .services import csv_mapping_key

    saved = dict(CsvMapping.objects.filter(key__in=[csv_mapping_key(user), "default"]).values_list("key", "columns"))
    mine = saved.get(csv_mapping_key(user))
    return (mine if mine is not None else saved.get("default") or {}), bool(saved)


CHANGES_SHOWN = 200


def _shown(name: str, value) -> str:
    """An employee's field value as people read it, in the page's language."""
    from people.formatting import day, figure
    from people.models import EducationLevel, Locale

    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "fte":
        return figure(value, 2)
    if name == "hired_on":
        return day(value)
    if name == "education_level":
        return str(EducationLevel(value).label) if value in EducationLevel.values else str(value)
    if name == "locale":
        return str(Locale(value).label) if value in Locale.values else str(value)
    return str(value)


def _changes(result) -> list[dict]:
    from people.models import Employee

    out = []
    for change in (result or {}).get("changes", []):
        fields = [
            {
                "label": Employee._meta.get_field(f["field"]).verbose_name,
                "old": _shown(f["field"], f["old"]),
                "new": _shown(f["field"], f["new"]),
            }
            for f in change["fields"]
        ]
        out.append({**change, "fields": fields})
    return out


def _preview(request, record, *, form=None, errors=None, status=200):
    header, rows = csvimport.read_rows(record.content)
    remembered, offered = _remembered(request.user)
    mapping = csvimport.guess_mapping(header, remembered)
    if form is None:
        form = CsvMappingForm(initial=mapping, header=header)
    complete = all(target in mapping for target in csvimport.REQUIRED)
    plan, result, problems = None, None, []
    if complete and record.applied_at is None:
        # What the file does once L&D confirms the new departments and job groups it names.
        plan, result, problems = csvimport.check(
            header, rows, mapping, record.mode, create_new=True, detail=CHANGES_SHOWN
        )
    context = {
        "record": record,
        "form": form,
        "header": header,
        "row_count": len(rows),
        "result": result if record.applied_at is None else record.result,
        "changes": _changes(result) if record.applied_at is None else [],
        "changes_more": max(
            0,
            (result or {}).get("employees", {}).get("created", 0)
            + (result or {}).get("employees", {}).get("updated", 0)
            - CHANGES_SHOWN,
        ),
        "errors": errors if errors is not None else problems,
        "mapping_complete": complete,
        "mapping_offered": offered,
        "mapped": [(csvimport.TARGETS[t], c) for t, c in mapping.items()],
        "unused_columns": plan.unused_columns if plan else [h for h in header if h not in mapping.values()],
        "new_departments": plan.new_departments if plan else [],
        "new_job_groups": plan.new_job_groups if plan else [],
    }
    return render(request, "hris/csv_preview.html", context, status=status)


@capability_required("hris.import")
def csv_preview(request, pk):
    record = get_object_or_404(CsvImport, pk=pk)
    if request.method == "POST":
        header, _rows = csvimport.read_rows(record.content)
        form = CsvMappingForm(request.POST, header=header)
        if form.is_valid():
            csv_mapping_save(columns=form.cleaned_data, header=header, user=request.user)
            return redirect("hris:csv_preview", pk=record.pk)
        return _preview(request, record, form=form)
    return _preview(request, record)


@require_POST
@capability_required("hris.import")
def csv_apply(request, pk):
    record = get_object_or_404(CsvImport, pk=pk, applied_at=None)
    header, _rows = csvimport.read_rows(record.content)
    remembered, _offered = _remembered(request.user)
    mapping = csvimport.guess_mapping(header, remembered)
    try:
        csv_import_apply(record=record, mapping=mapping, create_new=request.POST.get("create_new") == "on")
    except CsvImportRefused as exc:
        messages.error(request, _("The file has errors; nothing was changed."))
        return _preview(request, record, errors=exc.errors)
    messages.success(request, _("Import applied."))
    return redirect("hris:csv_preview", pk=record.pk)


def api_not_found(request, exception=None):
    """JSON 404 for the API and SCIM (pages keep Django's own 404)."""
    if request.path.startswith("/scim/"):
        return JsonResponse(
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "404", "detail": "Not found."},
            status=404,
            content_type="application/scim+json",
        )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
