"""PATCH (RFC 7644 §3.5.2), applied to a resource's JSON representation; the result is then saved
like a PUT. Accepts the shapes Entra ID and Okta send (a value object without a path, "Replace",
"False" as text, members removed by value)."""

import copy
import re

from . import filters
from .errors import ScimError, bad
from .resources import get, split_attr

PATH_RE = re.compile(r"^(?P<attr>[A-Za-z0-9_$\-]+)(?:\[(?P<filter>.*)\])?(?:\.(?P<sub>[A-Za-z0-9_$\-]+))?$")


def _find_key(obj: dict, name: str):
    return next((k for k in obj if k.lower() == name.lower()), None)


def apply_patch(resource: dict, operations, core: str) -> dict:
    if not isinstance(operations, list) or not operations:
        raise bad("Operations must be a non-empty list.", "invalidSyntax")
    doc = copy.deepcopy(resource)
    for operation in operations:
        if not isinstance(operation, dict):
            raise bad("Each operation must be an object.", "invalidSyntax")
        op = str(get(operation, "op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise bad(f"Unknown op {get(operation, 'op')!r}.", "invalidSyntax")
        path, value = get(operation, "path"), get(operation, "value")
        if path in (None, ""):
            if op == "remove":
                raise bad("remove needs a path.", "noTarget")
            if not isinstance(value, dict):
                raise bad("Without a path the value must be an object.", "invalidSyntax")
            for key, sub_value in value.items():
                _apply_one(doc, op, key, sub_value, core)
        elif isinstance(path, str):
            _apply_one(doc, op, path, value, core)
        else:
            raise bad("path must be a string.", "invalidPath")
    return doc


def _apply_one(doc, op, path, value, core):
    urn, rest = split_attr(path, core)
    target = doc
    if urn != core:
        if not rest:
            _whole_extension(doc, op, urn, value)
            return
        target = doc.setdefault(urn, {})
    match = PATH_RE.match(rest)
    if not match:
        raise bad(f"Cannot read the path {path!r}.", "invalidPath")
    attr, flt, sub = match.group("attr"), match.group("filter"), match.group("sub")
    if attr.lower() in ("id", "meta", "schemas"):
        raise ScimError(400, f"{attr} cannot be changed.", "mutability")
    key = _find_key(target, attr) or attr
    if flt is not None:
        _filtered(target, op, key, flt, sub, value, path)
    elif sub:
        _sub_attribute(target, op, key, sub, value)
    else:
        _attribute(target, op, key, value)


def _whole_extension(doc, op, urn, value):
    if op == "remove":
        doc.pop(urn, None)
    elif not isinstance(value, dict):
        raise bad("An extension value must be an object.")
    elif op == "replace":
        doc[urn] = dict(value)
    else:
        doc.setdefault(urn, {}).update(value)


def _filtered(target, op, key, flt, sub, value, path):
    """`emails[type eq "work"].value`, `members[value eq "12"]`: the items the filter selects."""
    try:
        tree = filters.parse(flt)
    except filters.FilterError as exc:
        raise bad(str(exc), "invalidPath") from exc
    items = target.get(key)
    if not isinstance(items, list):
        if op == "remove":
            return
        raise ScimError(400, f"No values match {path!r}.", "noTarget")
    hits = [item for item in items if filters.matches(tree, item)]
    if not hits and op != "remove" and key.lower() == "emails" and items:
        # We keep one address and no type or primary flag: Entra ID's
        # `emails[type eq "work"].value` means that one address.
        hits = items[:1]
    if not hits:
        if op == "remove":
            return
        if op != "add":
            raise ScimError(400, f"No values match {path!r}.", "noTarget")
    if op == "remove":
        if sub:
            for item in hits:
                item.pop(_find_key(item, sub), None)
        else:
            target[key] = [item for item in items if item not in hits]
        return
    for item in hits:
        if sub:
            item[_find_key(item, sub) or sub] = value
        elif isinstance(value, dict):
            item.update(value)


def _sub_attribute(target, op, key, sub, value):
    """`name.givenName`, `urn:...:User:manager.value`."""
    parent = target.get(key)
    if op == "remove":
        for item in parent if isinstance(parent, list) else [parent]:
            if isinstance(item, dict):
                item.pop(_find_key(item, sub), None)
        return
    if parent is None:
        parent = target[key] = {}
    for item in parent if isinstance(parent, list) else [parent]:
        if isinstance(item, dict):
            item[_find_key(item, sub) or sub] = value


def _attribute(target, op, key, value):
    if op == "remove":
        if value is not None and isinstance(target.get(key), list):
            # Entra ID removes members by value: {"op":"remove","path":"members","value":[{"value":"12"}]}
            listed = value if isinstance(value, list) else [value]
            drop = {str(get(v, "value")) for v in listed if isinstance(v, dict)}
            target[key] = [item for item in target[key] if str(get(item, "value")) not in drop]
        else:
            target.pop(key, None)
        return
    current = target.get(key)
    if op == "add" and isinstance(current, list):
        additions = value if isinstance(value, list) else [value]
        existing = {str(get(i, "value")) for i in current if isinstance(i, dict)}
        current.extend(a for a in additions if not (isinstance(a, dict) and str(get(a, "value")) in existing))
    elif op == "add" and isinstance(current, dict) and isinstance(value, dict):
        current.update(value)
    else:
        target[key] = value
