"""OpenAPI additions: the Bearer scheme, and the error responses every endpoint can give."""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_STATUSES = {
    "400": "Invalid input; the problems are listed.",
    "401": "No valid token (missing, unknown, expired or revoked).",
    "403": "The token or person lacks the scope or role for this.",
    "404": "Not found, or not visible to you.",
    "409": "Conflicts with existing data (a duplicate key, or an Idempotency-Key reused for another body).",
    "413": "The request body is larger than allowed.",
    "429": "Too many requests for this client; retry later.",
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: `detail` for a single message, `errors` for a list of problems with "
    "JSON-pointer paths, or field names with their messages.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "path": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["path", "code", "message"],
            },
        },
    },
    "additionalProperties": True,
}


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "hris.authentication.BearerAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API client's token."}


def document_error_responses(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: every operation documents 400/401/403/404/409/413/429."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        if path.startswith("/scim/"):
            continue
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
    return result


# Array properties the server refuses empty, by (component, property).
NON_EMPTY_ARRAYS = {("LearningItemWriteRequest", "levels")}
_DECIMAL = re.compile(r"^\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$")


def state_real_limits(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: the limits the server holds, stated in the schema, so that a
    request the schema allows is not refused (schemathesis' positive_data_acceptance):
    - a decimal sent as text has at least one digit (drf-spectacular's pattern allows "", "." and "-");
    - FTE has at most two decimals; a page holds 1 to 1,000; the levels of an item are not empty;
    - the bulk sync needs its body, and an Idempotency-Key is at most 200 characters."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        for prop, schema in (component.get("properties") or {}).items():
            match = _DECIMAL.match(schema.get("pattern", "")) if schema.get("format") == "decimal" else None
            if match:
                whole, decimals = match.groups()
                schema["pattern"] = rf"^-?(?:\d{{1,{whole}}}(?:\.\d{{0,{decimals}}})?|\.\d{{1,{decimals}}})$"
            if prop == "fte" and schema.get("type") == "number":
                schema["multipleOf"] = 0.01
            if (name, prop) in NON_EMPTY_ARRAYS:
                schema["minItems"] = 1
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "page_size" and parameter.get("in") == "query":
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 1000}
                if parameter.get("name") == "Idempotency-Key":
                    parameter["schema"] = {"type": "string", "maxLength": 200}  # empty: no key
            if path == "/api/v1/hris/sync" and method == "post" and "requestBody" in operation:
                operation["requestBody"]["required"] = True
    return result
