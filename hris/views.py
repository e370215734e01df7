"""HRIS pages for L&D staff: API clients (the token shown once) and the CSV import."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.access import capability_required

from . import csvimport
from .forms import ApiClientForm, CsvMappingForm, CsvUploadForm
from .models import ApiClient, CsvImport, CsvMapping
from .services import api_client_create, api_client_revoke, csv_mapping_save
from .sync import SyncRejected, hris_sync


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
    if api_client_revoke(client=client):
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


@capability_required("hris.import")
def csv_preview(request, pk):
    record = get_object_or_404(CsvImport, pk=pk)
    header, rows = csvimport.read_rows(record.content)
    remembered = CsvMapping.objects.filter(key="default").values_list("columns", flat=True).first() or {}
    if request.method == "POST":
        form = CsvMappingForm(request.POST, header=header)
        if form.is_valid():
            csv_mapping_save(columns=form.mapping())
            return redirect("hris:csv_preview", pk=record.pk)
    else:
        form = CsvMappingForm(initial=csvimport.guess_mapping(header, remembered), header=header)
    mapping = csvimport.guess_mapping(header, remembered)
    result, errors = None, []
    if all(target in mapping for target in csvimport.REQUIRED) and record.applied_at is None:
        payload = csvimport.build_payload(header, rows, mapping, record.mode)
        try:
            result = hris_sync(payload=payload, dry_run=True)
        except SyncRejected as exc:
            errors = csvimport.describe_errors(exc.errors, mapping)
    context = {
        "record": record,
        "form": form,
        "header": header,
        "row_count": len(rows),
        "result": result if record.applied_at is None else record.result,
        "errors": errors,
        "mapping_complete": all(target in mapping for target in csvimport.REQUIRED),
    }
    return render(request, "hris/csv_preview.html", context)


@require_POST
@capability_required("hris.import")
def csv_apply(request, pk):
    record = get_object_or_404(CsvImport, pk=pk, applied_at=None)
    header, rows = csvimport.read_rows(record.content)
    remembered = CsvMapping.objects.filter(key="default").values_list("columns", flat=True).first() or {}
    mapping = csvimport.guess_mapping(header, remembered)
    payload = csvimport.build_payload(header, rows, mapping, record.mode)
    try:
        result = hris_sync(payload=payload, dry_run=False)
    except SyncRejected:
        messages.error(request, _("The file has errors; nothing was changed."))
        return redirect("hris:csv_preview", pk=record.pk)
    CsvImport.objects.filter(pk=record.pk, applied_at=None).update(applied_at=timezone.now(), result=result)
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
