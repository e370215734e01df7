"""SCIM errors (RFC 7644 §3.12) and the checks every request body passes first."""

import re

from rest_framework import exceptions

NUL_REFUSED = "Text may not contain the NUL character (U+0000)."
SURROGATE_REFUSED = "Text may not contain a lone surrogate (U+D800 to U+DFFF)."
_SURROGATE = re.compile("[\ud800-\udfff]")


class ScimError(exceptions.APIException):
    def __init__(self, status_code: int, detail: str, scim_type: str | None = None):
        super().__init__(detail)
        self.status_code = status_code
        self.scim_type = scim_type


def bad(detail, scim_type="invalidValue") -> ScimError:
    return ScimError(400, detail, scim_type)


def _texts(value):
    """Every string in a JSON value, keys included (a walk with a stack: any depth)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_text(data) -> None:
    """Refuse what no stored text can hold: PostgreSQL refuses the NUL character, and UTF-8 has no
    lone surrogates (JSON's "\\ud800" escape makes one)."""
    for text in _texts(data):
        if "\x00" in text:
            raise bad(NUL_REFUSED)
        if _SURROGATE.search(text):
            raise bad(SURROGATE_REFUSED)
