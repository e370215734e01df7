"""OpenAPI additions: the Bearer scheme, and the error responses every endpoint can give."""

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
