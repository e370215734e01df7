"""Importing learning items from a provider (CSV upload or the API): every row validated first by
the item's serializer, every error listed, and nothing written unless all rows are good. Rows are
upserted by (provider, provider key), through the item services."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as InvalidRow

from people.guards import csv_problem

from .models import ITEM_FIELDS, LearningItem
from .serializers import LearningItemWriteSerializer
from .services import item_create, item_update

REQUIRED = ("provider", "provider_key", "title", "format", "levels", "duration_hours")
MAX_ROWS = 10000
TRUE, FALSE = {"ja", "j"}, {"nee", "n"}  # Dutch answers, besides the ones the serializer knows


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _err(errors, path, code, message):
    errors.append({"path": path, "code": code, "message": str(message)})


def _errors_of(detail, path: str, errors: list) -> None:
    """A serializer's errors as flat entries (a list field's errors on the field itself)."""
    if isinstance(detail, dict):
        for name, inner in detail.items():
            _errors_of(inner, path if name == "non_field_errors" or isinstance(name, int) else f"{path}.{name}", errors)
    elif isinstance(detail, list) and detail and not isinstance(detail[0], list | dict):
        for message in detail:
            _err(errors, path, getattr(message, "code", "invalid"), message)
    elif isinstance(detail, list):
        for inner in detail:
            _errors_of(inner, path, errors)


def _validated(rows: list, path_prefix: str, first_index: int, errors: list) -> list[tuple[str, dict]]:
    """(path, validated row) for every good row; the errors of the others, duplicates included."""
    serializer, seen, good = LearningItemWriteSerializer(), {}, []
    for index, raw in enumerate(rows):
        path = f"{path_prefix}{index + first_index}"
        if not isinstance(raw, dict):
            _err(errors, path, "invalid", _("Each item must be an object."))
            continue
        for name in sorted(set(raw) - set(ITEM_FIELDS)):
            _err(errors, f"{path}.{name}", "unknown_field", _("Unknown field."))
        try:
            row = dict(serializer.run_validation(raw))
        except InvalidRow as exc:
            _errors_of(exc.detail, path, errors)
            continue
        key = (row["provider"], row["provider_key"])
        if key in seen:
            message = _("The same provider key appears twice in this import (also at %(other)s).")
            _err(errors, f"{path}.provider_key", "duplicate", message % {"other": seen[key]})
            continue
        seen[key] = path
        good.append((path, row))
    return good


def items_import(*, rows: list, path_prefix: str = "", first_index: int = 0) -> ImportResult:
    """Validate all rows, then upsert all of them in one transaction, or none."""
    result = ImportResult()
    if not isinstance(rows, list) or not rows:
        _err(result.errors, path_prefix or "items", "required", _("Send at least one item."))
        return result
    if len(rows) > MAX_ROWS:
        _err(result.errors, path_prefix or "items", "too_many", _("At most %(n)d items at a time.") % {"n": MAX_ROWS})
        return result
    good = _validated(rows, path_prefix, first_index, result.errors)
    if result.errors:
        return result
    with transaction.atomic():
        keys = {(row["provider"], row["provider_key"]) for _path, row in good}
        existing = {
            (i.provider, i.provider_key): i
            for i in LearningItem.objects.filter(
                provider__in={k[0] for k in keys}, provider_key__in={k[1] for k in keys}
            )
        }
        for path, row in good:
            item = existing.get((row["provider"], row["provider_key"]))
            try:
                if item is None:
                    item_create(**row)
                    result.created += 1
                else:
                    item_update(item=item, **row)
                    result.updated += 1
            except ValidationError as exc:
                _errors_of(exc.message_dict if hasattr(exc, "error_dict") else exc.messages, path, result.errors)
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = 0
    return result


def _from_csv(cells: dict) -> dict:
    """A CSV row as the serializer takes it: empty cells left out (the defaults apply), a decimal
    comma read as a point, Dutch yes and no for `active`."""
    row = {}
    for name, value in cells.items():
        if value == "":
            continue
        if name in ("duration_hours", "cost"):
            value = value.replace(",", ".")
        elif name == "active" and value.lower() in TRUE | FALSE:
            value = value.lower() in TRUE
        row[name] = value
    return row


def parse_csv(data: bytes) -> tuple[list[dict], list[dict]]:
    """CSV bytes (UTF-8, with or without BOM; comma or semicolon) to rows, or errors."""
    errors = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _err(errors, "file", "encoding", _("Save the file as UTF-8 CSV."))
        return [], errors
    try:
        sample = text[:4096]
        sample = sample[: sample.rindex("\n")] if "\n" in sample else sample  # whole lines only
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    rows = []
    try:
        return _read_items(reader, rows, errors)
    except csv.Error as exc:
        _err(errors, "file", "invalid_csv", csv_problem(exc, len(rows) + 2))  # after the header line
        return [], errors


def _read_items(reader: csv.DictReader, rows: list, errors: list) -> tuple[list[dict], list[dict]]:
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        _err(errors, "header", "missing_columns", _("Missing columns: %(names)s") % {"names": ", ".join(missing)})
        return [], errors
    for raw in reader:
        cells = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        rows.append(_from_csv({k: v for k, v in cells.items() if k in ITEM_FIELDS}))
    return rows, errors
