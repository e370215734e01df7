"""Importing learning items from a provider (CSV upload or the API): every row validated first,
every error listed, and nothing written unless all rows are good. Rows are upserted by
(provider, provider key)."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from .models import LEVELS, Delivery, Format, Language, LearningItem, Skill

FIELDS = (
    "provider",
    "provider_key",
    "title",
    "description",
    "format",
    "levels",
    "language",
    "duration_hours",
    "cost",
    "skills",
    "delivery",
    "url",
    "active",
)
REQUIRED = ("provider", "provider_key", "title", "format", "levels", "duration_hours")
MAX_ROWS = 10000


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


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value)
    for sep in ("|", ";"):
        text = text.replace(sep, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def _bool(value, default=True):
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "ja", "y"):
        return True
    if text in ("0", "false", "no", "nee", "n"):
        return False
    raise ValueError(text)


def _decimal(value, *, minimum, places):
    if isinstance(value, bool):
        raise InvalidOperation
    number = Decimal(str(value).strip().replace(",", "."))
    if not number.is_finite() or number < minimum:
        raise InvalidOperation
    return number.quantize(Decimal(1).scaleb(-places))


def clean_row(raw: dict, path: str, errors: list) -> dict | None:
    """One row to the item's fields, or None with its errors appended."""
    if not isinstance(raw, dict):
        _err(errors, path, "invalid", _("Each item must be an object."))
        return None
    before = len(errors)
    unknown = sorted(set(raw) - set(FIELDS))
    for name in unknown:
        _err(errors, f"{path}.{name}", "unknown_field", _("Unknown field."))
    row = {}
    for name in REQUIRED:
        value = raw.get(name)
        if value is None or (
            isinstance(value, str | list) and not (value.strip() if isinstance(value, str) else value)
        ):
            _err(errors, f"{path}.{name}", "required", _("This field is required."))
    for name, limit in (("provider", 120), ("provider_key", 100), ("title", 200)):
        value = raw.get(name)
        if value is not None and not isinstance(value, str | int):
            _err(errors, f"{path}.{name}", "invalid", _("Must be text."))
        elif value is not None:
            text = str(value).strip()
            if len(text) > limit:
                _err(errors, f"{path}.{name}", "max_length", _("At most %(n)d characters.") % {"n": limit})
            row[name] = text
    description = raw.get("description")
    row["description"] = "" if description is None else str(description).strip()
    fmt = raw.get("format")
    if fmt not in (None, ""):
        if str(fmt).strip() not in Format.values:
            _err(
                errors,
                f"{path}.format",
                "invalid_choice",
                _("Unknown format %(value)r; use one of: %(choices)s")
                % {"value": fmt, "choices": ", ".join(Format.values)},
            )
        else:
            row["format"] = str(fmt).strip()
    levels = _as_list(raw.get("levels"))
    bad_levels = [lv for lv in levels if lv not in LEVELS]
    if bad_levels:
        _err(
            errors,
            f"{path}.levels",
            "invalid_choice",
            _("Unknown education level %(value)r; use: %(choices)s")
            % {"value": bad_levels[0], "choices": ", ".join(LEVELS)},
        )
    for level in LEVELS:
        row[f"level_{level}"] = level in levels
    language = raw.get("language")
    if language in (None, ""):
        row["language"] = Language.NL
    elif str(language).strip() not in Language.values:
        _err(
            errors,
            f"{path}.language",
            "invalid_choice",
            _("Unknown language %(value)r; use: %(choices)s")
            % {"value": language, "choices": ", ".join(Language.values)},
        )
    else:
        row["language"] = str(language).strip()
    for name, minimum, places, required in (
        ("duration_hours", Decimal("0.1"), 1, True),
        ("cost", Decimal(0), 2, False),
    ):
        value = raw.get(name)
        if value in (None, ""):
            if not required:
                row[name] = Decimal(0)
            continue
        try:
            row[name] = _decimal(value, minimum=minimum, places=places)
        except (InvalidOperation, ValueError):
            message = (
                _("Enter the duration in hours, more than 0.")
                if name == "duration_hours"
                else _("Enter the cost in euros, 0 or more.")
            )
            _err(errors, f"{path}.{name}", "invalid", message)
    delivery = raw.get("delivery")
    if delivery in (None, ""):
        row["delivery"] = Delivery.ONLINE
    elif str(delivery).strip() not in Delivery.values:
        _err(
            errors,
            f"{path}.delivery",
            "invalid_choice",
            _("Unknown delivery %(value)r; use: %(choices)s")
            % {"value": delivery, "choices": ", ".join(Delivery.values)},
        )
    else:
        row["delivery"] = str(delivery).strip()
    url = str(raw.get("url") or "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            _err(errors, f"{path}.url", "invalid", _("Enter a full web address (https://...)."))
    row["url"] = url
    try:
        row["active"] = _bool(raw.get("active"))
    except ValueError:
        _err(errors, f"{path}.active", "invalid", _("Use true or false."))
    skills = _as_list(raw.get("skills"))
    if any(len(s) > 100 for s in skills):
        _err(errors, f"{path}.skills", "max_length", _("A skill name has at most 100 characters."))
    row["skills"] = skills
    return row if len(errors) == before else None


def items_import(*, rows: list, path_prefix: str = "", first_index: int = 0) -> ImportResult:
    """Validate all rows, then upsert all of them in one transaction, or none."""
    result = ImportResult()
    if not isinstance(rows, list) or not rows:
        _err(result.errors, path_prefix or "items", "required", _("Send at least one item."))
        return result
    if len(rows) > MAX_ROWS:
        _err(result.errors, path_prefix or "items", "too_many", _("At most %(n)d items at a time.") % {"n": MAX_ROWS})
        return result
    cleaned, seen = [], {}
    for index, raw in enumerate(rows):
        path = f"{path_prefix}{index + first_index}"
        row = clean_row(raw, path, result.errors)
        if row is None:
            continue
        key = (row["provider"], row["provider_key"])
        if key in seen:
            _err(
                result.errors,
                f"{path}.provider_key",
                "duplicate",
                _("The same provider key appears twice in this import (also at %(other)s).") % {"other": seen[key]},
            )
            continue
        seen[key] = path
        cleaned.append(row)
    if result.errors:
        return result
    with transaction.atomic():
        providers = {r["provider"] for r in cleaned}
        existing = {
            (i.provider, i.provider_key): i
            for i in LearningItem.objects.filter(
                provider__in=providers, provider_key__in={r["provider_key"] for r in cleaned}
            )
        }
        skill_names = {name.lower(): name for r in cleaned for name in r["skills"]}
        skills = {s.name.lower(): s for s in Skill.objects.all()}
        for lower, name in skill_names.items():
            if lower not in skills:
                skills[lower] = Skill.objects.create(name=name)
        for row in cleaned:
            names = row.pop("skills")
            item = existing.get((row["provider"], row["provider_key"]))
            if item is None:
                item = LearningItem(**row)
                result.created += 1
            else:
                for name, value in row.items():
                    setattr(item, name, value)
                result.updated += 1
            item.full_clean(validate_unique=False)
            item.save()
            item.skills.set([skills[n.lower()] for n in names])
    return result


def parse_csv(data: bytes) -> tuple[list[dict], list[dict]]:
    """CSV bytes (UTF-8, with or without BOM; comma or semicolon) to rows, or errors."""
    errors = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _err(errors, "file", "encoding", _("Save the file as UTF-8 CSV."))
        return [], errors
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        _err(errors, "header", "missing_columns", _("Missing columns: %(names)s") % {"names": ", ".join(missing)})
        return [], errors
    rows = []
    for raw in reader:
        rows.append(
            {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None and k.strip() in FIELDS}
        )
    return rows, errors
