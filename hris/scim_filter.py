"""A SCIM 2.0 filter (RFC 7644 §3.4.2.2) parsed once, then turned into a Django Q or matched
against a resource's JSON (for PATCH paths like `emails[type eq "work"]`)."""

import re
from dataclasses import dataclass

from django.db.models import Q

TOKEN = re.compile(
    r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<lb>\[)|(?P<rb>\])|(?P<str>"(?:[^"\\]|\\.)*")|'
    r"(?P<word>[A-Za-z0-9_:.$\-]+))"
)
OPERATORS = {"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr"}


class FilterError(ValueError):
    pass


@dataclass
class Compare:
    attr: str
    op: str
    value: object = None


@dataclass
class Logical:
    op: str  # and / or
    left: object
    right: object


@dataclass
class Not:
    inner: object


def _tokens(text: str):
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise FilterError(f"cannot read the filter at {text[pos : pos + 20]!r}")
        pos = match.end()
        kind = match.lastgroup
        out.append((kind, match.group(kind)))
    return out


def parse(text: str):
    if "\x00" in text:  # no stored text holds it, and PostgreSQL refuses it in a query
        raise FilterError("the NUL character (U+0000) is not allowed")
    tokens = _tokens(text)
    node, rest = _or(tokens)
    if rest:
        raise FilterError(f"unexpected {rest[0][1]!r}")
    return node


def _or(tokens):
    left, tokens = _and(tokens)
    while tokens and tokens[0] == ("word", tokens[0][1]) and tokens[0][1].lower() == "or":
        right, tokens = _and(tokens[1:])
        left = Logical("or", left, right)
    return left, tokens


def _and(tokens):
    left, tokens = _atom(tokens)
    while tokens and tokens[0][0] == "word" and tokens[0][1].lower() == "and":
        right, tokens = _atom(tokens[1:])
        left = Logical("and", left, right)
    return left, tokens


def _value(kind, text):
    if kind == "str":
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    low = text.lower()
    if low == "true":
        return True
    if low == "false":
        return False
    if low == "null":
        return None
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            raise FilterError(f"bad value {text!r}") from None


def _atom(tokens):
    if not tokens:
        raise FilterError("the filter ends too early")
    kind, text = tokens[0]
    if kind == "lp":
        node, rest = _or(tokens[1:])
        if not rest or rest[0][0] != "rp":
            raise FilterError("missing )")
        return node, rest[1:]
    if kind == "word" and text.lower() == "not":
        if len(tokens) < 2 or tokens[1][0] != "lp":
            raise FilterError("not must be followed by (")
        node, rest = _atom(tokens[1:])
        return Not(node), rest
    if kind != "word":
        raise FilterError(f"unexpected {text!r}")
    attr = text
    rest = tokens[1:]
    if rest and rest[0][0] == "lb":  # attr[subfilter] - a value filter on a multi-valued attribute
        inner, rest = _or(rest[1:])
        if not rest or rest[0][0] != "rb":
            raise FilterError("missing ]")
        rest = rest[1:]
        return _prefix(attr, inner), rest
    if not rest or rest[0][0] != "word" or rest[0][1].lower() not in OPERATORS:
        raise FilterError(f"an operator expected after {attr!r}")
    op = rest[0][1].lower()
    if op == "pr":
        return Compare(attr, "pr"), rest[1:]
    if len(rest) < 2 or rest[1][0] not in ("str", "word"):
        raise FilterError(f"a value expected after {attr} {op}")
    return Compare(attr, op, _value(*rest[1])), rest[2:]


def _prefix(attr, node):
    if isinstance(node, Compare):
        return Compare(f"{attr}.{node.attr}", node.op, node.value)
    if isinstance(node, Not):
        return Not(_prefix(attr, node.inner))
    return Logical(node.op, _prefix(attr, node.left), _prefix(attr, node.right))


LOOKUPS = {"eq": "iexact", "co": "icontains", "sw": "istartswith", "ew": "iendswith"}
ORDERED = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}


def to_q(node, fields: dict) -> Q:
    """fields: lower-case SCIM attribute path -> (orm field, kind) with kind "str", "bool", "int"."""
    if isinstance(node, Logical):
        left, right = to_q(node.left, fields), to_q(node.right, fields)
        return left & right if node.op == "and" else left | right
    if isinstance(node, Not):
        return ~to_q(node.inner, fields)
    key = node.attr.lower()
    if key not in fields:
        raise FilterError(f"unsupported attribute {node.attr!r}")
    spec = fields[key]
    if callable(spec):
        return spec(node)
    orm, kind = spec
    if node.op == "pr":
        q = Q(**{f"{orm}__isnull": False})
        return q & ~Q(**{orm: ""}) if kind == "str" else q
    value = node.value
    if kind == "bool":
        if not isinstance(value, bool) or node.op not in ("eq", "ne"):
            raise FilterError(f"{node.attr} takes eq/ne true or false")
        q = Q(**{orm: value})
    elif kind == "int":
        try:
            number = int(value)
        except (TypeError, ValueError):
            return Q(pk__in=[]) if node.op == "eq" else Q()
        if node.op in ORDERED:
            q = Q(**{f"{orm}__{ORDERED[node.op]}": number})
        elif node.op in ("eq", "ne"):
            q = Q(**{orm: number})
        else:
            raise FilterError(f"{node.attr} does not support {node.op}")
    else:
        if value is None:
            q = Q(**{f"{orm}__isnull": True})
        elif node.op in LOOKUPS:
            q = Q(**{f"{orm}__{LOOKUPS[node.op]}": str(value)})
        elif node.op == "ne":
            return ~Q(**{f"{orm}__iexact": str(value)})
        elif node.op in ORDERED:
            q = Q(**{f"{orm}__{ORDERED[node.op]}": value})
        else:
            raise FilterError(f"unsupported operator {node.op}")
    return ~q if node.op == "ne" else q


def matches(node, item) -> bool:
    """Match a filter against one JSON object (a member of a multi-valued attribute)."""
    if isinstance(node, Logical):
        a, b = matches(node.left, item), matches(node.right, item)
        return (a and b) if node.op == "and" else (a or b)
    if isinstance(node, Not):
        return not matches(node.inner, item)
    if not isinstance(item, dict):
        return False
    value = item
    for part in node.attr.split("."):
        if not isinstance(value, dict):
            value = None
            break
        value = next((v for k, v in value.items() if k.lower() == part.lower()), None)
    if node.op == "pr":
        return value not in (None, "", [])
    target = node.value
    if isinstance(value, str) and isinstance(target, str):
        value, target = value.lower(), target.lower()
    if node.op == "eq":
        return value == target
    if node.op == "ne":
        return value != target
    if not isinstance(value, str) or not isinstance(target, str):
        if node.op in ORDERED and value is not None and target is not None:
            try:
                return {"gt": value > target, "ge": value >= target, "lt": value < target, "le": value <= target}[
                    node.op
                ]
            except TypeError:
                return False
        return False
    return {
        "co": target in value,
        "sw": value.startswith(target),
        "ew": value.endswith(target),
        "gt": value > target,
        "ge": value >= target,
        "lt": value < target,
        "le": value <= target,
    }[node.op]
