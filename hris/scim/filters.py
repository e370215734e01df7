"""SCIM filters (RFC 7644 §3.4.2.2), parsed by scim2-models and turned into a Django Q for the
list endpoints, or matched against a resource's JSON for PATCH paths like `emails[type eq "work"]`.

The attribute maps of the resources (resources.py) say which SCIM attribute is which column and of
what kind. A filter deeper than MAX_DEPTH or with more than MAX_TERMS comparisons is refused: the
database would otherwise get a statement of any size.
"""

from datetime import UTC, timedelta

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from scim2_models import ScimFilter
from scim2_models.exceptions import SCIMException
from scim2_models.path.expressions import Comparison, LogicalExpr, LogicalOperator, Not, Present, ValuePath
from scim2_models.path.visitor import FilterVisitor

MAX_DEPTH = 32
MAX_TERMS = 200
MAX_OFFSET = timedelta(hours=14)  # the largest offset a real time zone has (Kiribati, +14:00)
LOOKUPS = {"eq": "iexact", "co": "icontains", "sw": "istartswith", "ew": "iendswith"}
ORDERED = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}


class FilterError(ValueError):
    pass


def _nesting(text: str) -> int:
    """How deep the filter's parentheses and brackets go (outside quoted strings)."""
    depth = deepest = 0
    quoted = escaped = False
    for char in text:
        if quoted:
            quoted, escaped = (char != '"' or escaped), (char == "\\" and not escaped)
        elif char == '"':
            quoted = True
        elif char in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]":
            depth -= 1
    return deepest


def parse(text: str):
    """The filter's syntax tree, or FilterError (syntax, size, a NUL character)."""
    if _nesting(text) > MAX_DEPTH:
        raise FilterError(f"the filter is nested deeper than {MAX_DEPTH} levels")
    try:
        tree = ScimFilter(text).ast
    except SCIMException as exc:
        raise FilterError(str(exc) or "cannot read the filter") from None
    _Size().visit(tree)
    return tree


class _Size(FilterVisitor[None]):
    def __init__(self):
        self.depth = 0
        self.terms = 0

    def _inside(self, *nodes):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FilterError(f"the filter is nested deeper than {MAX_DEPTH} levels")
        for node in nodes:
            self.visit(node)
        self.depth -= 1

    def visit_comparison(self, node):
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise FilterError(f"the filter has more than {MAX_TERMS} comparisons")

    visit_present = visit_comparison

    def visit_not(self, node):
        self._inside(node.expr)

    def visit_logical_expr(self, node):
        self._inside(*node.terms)

    def visit_value_path(self, node):
        self._inside(node.val_filter)


def _name(attr_path, prefix: str = "") -> str:
    """The lower-case attribute path the maps use: `name.givenname`, `urn:...:user:employeenumber`."""
    name = f"{prefix}{attr_path.attr}" + (f".{attr_path.sub_attr}" if attr_path.sub_attr else "")
    return f"{attr_path.uri}:{name}".lower() if attr_path.uri else name.lower()


class ToQ(FilterVisitor[Q]):
    """fields: lower-case attribute path -> (orm field, kind) with kind "str", "bool", "int",
    "datetime", or a callable(op, value) -> Q."""

    def __init__(self, fields: dict, prefix: str = ""):
        self.fields = fields
        self.prefix = prefix

    def visit_logical_expr(self, node: LogicalExpr) -> Q:
        parts = [self.visit(term) for term in node.terms]
        combined = parts[0]
        for part in parts[1:]:
            combined = combined & part if node.op == LogicalOperator.and_ else combined | part
        return combined

    def visit_not(self, node: Not) -> Q:
        return ~self.visit(node.expr)

    def visit_value_path(self, node: ValuePath) -> Q:
        inner = ToQ(self.fields, prefix=f"{self.prefix}{node.attr_path.attr}.")
        return inner.visit(node.val_filter)

    def _spec(self, attr_path):
        key = _name(attr_path, self.prefix)
        if key not in self.fields:
            raise FilterError(f"unsupported attribute {key!r}")
        return self.fields[key]

    def visit_present(self, node: Present) -> Q:
        spec = self._spec(node.attr_path)
        if callable(spec):
            return spec("pr", None)
        orm, kind = spec
        q = Q(**{f"{orm}__isnull": False})
        return q & ~Q(**{orm: ""}) if kind == "str" else q

    def visit_comparison(self, node: Comparison) -> Q:
        spec = self._spec(node.attr_path)
        op, value = str(node.op), node.value
        if callable(spec):
            return spec(op, value)
        orm, kind = spec
        compare = {"bool": _boolean, "int": _integer, "datetime": _moment}.get(kind, text_q)
        return compare(orm, op, value, node.attr_path.attr)


def _boolean(orm, op, value, attr) -> Q:
    if not isinstance(value, bool) or op not in ("eq", "ne"):
        raise FilterError(f"{attr} takes eq or ne with true or false")
    q = Q(**{orm: value})
    return ~q if op == "ne" else q


def _integer(orm, op, value, attr) -> Q:
    try:
        number = int(str(value), 10)
    except (TypeError, ValueError):
        return Q(pk__in=[]) if op == "eq" else Q()  # an id of another kind matches nothing
    if not -(2**63) <= number < 2**63:
        return Q(pk__in=[]) if op in ("eq", "gt", "ge", "lt", "le") else Q()
    return _ordered(orm, op, number, attr)


def _ordered(orm, op, value, attr) -> Q:
    """eq, ne and the orderings of a number or an instant."""
    if op in ORDERED:
        return Q(**{f"{orm}__{ORDERED[op]}": value})
    if op in ("eq", "ne"):
        q = Q(**{orm: value})
        return ~q if op == "ne" else q
    raise FilterError(f"{attr} does not support {op}")


def _moment(orm, op, value, attr) -> Q:
    """A dateTime compared as an instant: offsets a real time zone cannot have are refused."""
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None or moment.tzinfo is None or abs(moment.utcoffset()) > MAX_OFFSET:
        raise FilterError(f"{attr} takes a date and time with a time zone between -12:00 and +14:00")
    return _ordered(orm, op, moment.astimezone(UTC), attr)


def text_q(orm, op, value, attr) -> Q:
    if value is None:
        q = Q(**{f"{orm}__isnull": True})
    elif op in LOOKUPS:
        q = Q(**{f"{orm}__{LOOKUPS[op]}": str(value)})
    elif op == "ne":
        return ~Q(**{f"{orm}__iexact": str(value)})
    elif op in ORDERED:
        q = Q(**{f"{orm}__{ORDERED[op]}": str(value)})
    else:
        raise FilterError(f"unsupported operator {op}")
    return q


class Matches(FilterVisitor[bool]):
    """Whether one JSON object (a member of a multi-valued attribute) satisfies the filter."""

    def __init__(self, item):
        self.item = item

    def visit_logical_expr(self, node) -> bool:
        results = (self.visit(term) for term in node.terms)
        return all(results) if node.op == LogicalOperator.and_ else any(results)

    def visit_not(self, node) -> bool:
        return not self.visit(node.expr)

    def visit_value_path(self, node) -> bool:
        return Matches(_lookup(self.item, [node.attr_path.attr])).visit(node.val_filter)

    def _value(self, attr_path):
        parts = [attr_path.attr] + ([attr_path.sub_attr] if attr_path.sub_attr else [])
        return _lookup(self.item, parts)

    def visit_present(self, node) -> bool:
        return self._value(node.attr_path) not in (None, "", [])

    def visit_comparison(self, node) -> bool:
        return _compare(str(node.op), self._value(node.attr_path), node.value)


def matches(tree, item) -> bool:
    return isinstance(item, dict) and Matches(item).visit(tree)


def _lookup(item, parts):
    value = item
    for part in parts:
        if not isinstance(value, dict):
            return None
        value = next((v for k, v in value.items() if k.lower() == part.lower()), None)
    return value


def _compare(op, value, target) -> bool:
    if isinstance(value, str) and isinstance(target, str):
        value, target = value.lower(), target.lower()
    if op == "eq":
        return value == target
    if op == "ne":
        return value != target
    if isinstance(value, str) and isinstance(target, str):
        checks = {"co": target in value, "sw": value.startswith(target), "ew": value.endswith(target)}
        if op in checks:
            return checks[op]
    if op in ORDERED and value is not None and target is not None:
        try:
            return {"gt": value > target, "ge": value >= target, "lt": value < target, "le": value <= target}[op]
        except TypeError:
            return False
    return False
