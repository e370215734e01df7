"""Mandatory rules: an item required for an audience, due within days of coming into force."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import RULE_FIELDS, MandatoryRule
from .common import on_locked_row, with_defaults


def _rule_apply(rule, *, item, audience, starts_on, due_days, renewal_months, active):
    errors = {}
    if item is None:
        errors["item"] = _("Choose the item that is required.")
    if starts_on is None:
        errors["starts_on"] = _("Give the date the rule comes into force.")
    if due_days is None or due_days < 0:
        errors["due_days"] = _("Give the number of days (0 or more).")
    if renewal_months is not None and renewal_months < 1:
        errors["renewal_months"] = _("Renew after at least one month, or leave it empty.")
    rule.item, rule.audience = item, audience
    rule.starts_on, rule.due_days, rule.renewal_months, rule.active = starts_on, due_days, renewal_months, active
    try:
        rule.full_clean(exclude=[name for name in ("item", "starts_on", "due_days") if name in errors])
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    rule.save()
    return rule


def _rule_fields(fields: dict) -> dict:
    """Every field of RULE_FIELDS: the given ones, the defaults for the rest."""
    defaults = {"renewal_months": None, "active": True}
    return with_defaults(fields, allowed=RULE_FIELDS, defaults=defaults, what="mandatory rule")


@transaction.atomic
def mandatory_rule_create(**fields) -> MandatoryRule:
    """A new rule (fields: RULE_FIELDS; item, audience, starts_on and due_days are required)."""
    return _rule_apply(MandatoryRule(), **_rule_fields(fields))


@transaction.atomic
def mandatory_rule_update(*, rule: MandatoryRule, **fields) -> MandatoryRule:
    """Replace the rule's fields (RULE_FIELDS; renewal and active take their defaults when left out)."""
    return on_locked_row(rule, _rule_apply, _rule_fields(fields))


@transaction.atomic
def mandatory_rule_delete(*, rule) -> None:
    rule.delete()
