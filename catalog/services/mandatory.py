"""Mandatory rules: an item required for an audience, due within days of coming into force."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from people.audience import Audience

from ..models import (
    LearningItem,
)


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


@transaction.atomic
def mandatory_rule_create(
    *,
    item: LearningItem,
    audience: Audience,
    starts_on: date,
    due_days: int,
    renewal_months: int | None = None,
    active: bool = True,
):
    from ..models import MandatoryRule

    return _rule_apply(
        MandatoryRule(),
        item=item,
        audience=audience,
        starts_on=starts_on,
        due_days=due_days,
        renewal_months=renewal_months,
        active=active,
    )


@transaction.atomic
def mandatory_rule_update(
    *,
    rule,
    item: LearningItem,
    audience: Audience,
    starts_on: date,
    due_days: int,
    renewal_months: int | None = None,
    active: bool = True,
):
    from ..models import MandatoryRule

    locked = MandatoryRule.objects.select_for_update().get(pk=rule.pk)
    _rule_apply(
        locked,
        item=item,
        audience=audience,
        starts_on=starts_on,
        due_days=due_days,
        renewal_months=renewal_months,
        active=active,
    )
    for field in MandatoryRule._meta.concrete_fields:
        setattr(rule, field.attname, getattr(locked, field.attname))
    return rule


@transaction.atomic
def mandatory_rule_delete(*, rule) -> None:
    rule.delete()
