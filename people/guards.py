"""What every request passes before our code reads it, and the one error shape of /api/ and /scim/:
text no database can store (NUL, lone surrogates), JSON nested too deep to read, bodies over the
limit (a JSON 413), date-times whose offset PostgreSQL cannot take."""

import csv
import json
import re
from datetime import UTC

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

MAX_DEPTH = 64  # no resource of ours nests deeper than a handful of levels
SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _pointer(path) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def text_problems(data, *, max_depth: int = MAX_DEPTH) -> list[dict]:
    """Every string (keys included) no stored text can hold, and nesting deeper than `max_depth`,
    as {"path": JSON pointer, "code", "message"}. A walk with a stack: any depth, no recursion."""
    problems, stack = [], [(data, ())]
    while stack and len(problems) < 20:
        value, path = stack.pop()
        if len(path) > max_depth:
            problems.append(_problem(path, "too_deep", _("Nested deeper than %(max)d levels.") % {"max": max_depth}))
            continue
        if isinstance(value, str):
            if "\x00" in value:
                problems.append(_problem(path, "invalid", _("Text may not contain the NUL character.")))
            elif _SURROGATE.search(value):
                problems.append(_problem(path, "invalid", _("Text may not contain a lone surrogate.")))
        elif isinstance(value, dict):
            for key, item in value.items():
                stack.append((key, path))
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, index)) for index, item in enumerate(value))
    return problems


def _problem(path, code, message) -> dict:
    return {"path": _pointer(path), "code": code, "message": message}


class InputRefused(exceptions.ParseError):
    """A body refused before any serializer sees it; `errors` says where."""

    def __init__(self, errors: list[dict]):
        super().__init__(errors[0]["message"])
        self.errors = errors


def load_json(raw: bytes | str):
    """json.loads that refuses what a parser guard refuses, as InputRefused."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise InputRefused([_problem((), "too_deep", _("JSON nested too deeply."))]) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputRefused([_problem((), "malformed_json", _("Malformed JSON: %(error)s") % {"error": exc})]) from None
    problems = text_problems(data)
    if problems:
        raise InputRefused(problems)
    return data


class SafeJSONParser(JSONParser):
    """DRF's JSON parser with the guards: the default parser of every API view."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise InputRefused([_problem((), "malformed_json", _("The body is not valid UTF-8."))]) from None
        return load_json(text)


def api_exception_handler(exc, context):
    """DRF's handler, plus: an oversized body is a JSON 413, and a refused body lists its problems."""
    from rest_framework.views import exception_handler  # rest_framework.views reads the parser setting

    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, InputRefused):
        response.data = {"detail": str(exc.detail), "errors": exc.errors}
    return response


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = gettext_lazy("The request body is larger than allowed.")
    default_code = "too_large"


def error_response(request, status: int, code: str, message: str):
    """An error before any view ran: SCIM's shape under /scim/, ours under /api/, text elsewhere."""
    if request.path.startswith("/scim/"):
        body = {"schemas": [SCIM_ERROR], "status": str(status), "detail": message}
        return JsonResponse(body, status=status, content_type="application/scim+json")
    if request.path.startswith("/api/"):
        body = {"detail": message, "errors": [{"path": "", "code": code, "message": message}]}
        return JsonResponse(body, status=status)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8", status=status)


def _is_api(request) -> bool:
    return request.path.startswith(("/api/", "/scim/"))


class RequestGuardMiddleware:
    """Refuses a NUL in a page's path (no lookup can hold it; the API and SCIM answer their own JSON
    404 and audit the call); and, under /api/ and /scim/, a body
    larger than the view accepts (DATA_UPLOAD_MAX_MEMORY_SIZE, or the setting its `body_limit_setting`
    names) with a JSON 413 instead of Django's HTML 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path and not _is_api(request):
            return error_response(request, 400, "null_character", _("The address may not contain a NUL character."))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _is_api(request):
            return None
        name = getattr(getattr(view_func, "cls", None), "body_limit_setting", "DATA_UPLOAD_MAX_MEMORY_SIZE")
        limit = getattr(settings, name)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(request, 400, "invalid", _("Invalid Content-Length."))
        if limit is not None and length > limit:
            return _too_large(request, limit)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig) and _is_api(request):
            return _too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return None


def _too_large(request, limit):
    message = _("The request body is larger than %(limit)d bytes.") % {"limit": limit}
    return error_response(request, 413, "too_large", message)


def to_utc(value):
    """An aware date-time in UTC, so no offset reaches PostgreSQL (it takes at most ±15:59); one
    that leaves the calendar in UTC (year 1 with a positive offset, 9999 with a negative one) is a
    validation error, not a crash."""
    if value is None:
        return None
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValidationError(_("This date and time lies outside the supported range."), code="out_of_range") from None


def csv_problem(exc: Exception, line: int) -> str:
    """What a person reads when Python's csv module cannot read a line: a cell over
    csv.field_size_limit() (131,072 characters), or a stray quote."""
    if "field limit" in str(exc):
        message = _("Line %(line)d has a cell longer than %(max)s characters.")
        return message % {"line": line, "max": f"{csv.field_size_limit():,}"}
    return _("Line %(line)d is not valid CSV: check the quotes.") % {"line": line}


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY (camera, microphone, geolocation, ... switched off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
