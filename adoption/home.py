"""The L&D home: every programme with its stage, checklist progress and barrier lights; the
organisation's uptake and budget use; and what needs attention now, each a link. A fixed number of
queries however many programmes there are."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.selectors import offer_gap_count
from comms.selectors import ld_attention
from goals.models import Goal, GoalStatus
from goals.services.checks import show
from hris.models import ApiAuditEntry
from monitoring.periods import Period
from monitoring.selectors import metric_values
from people.audience import EVERYONE
from surveys.models import Status as SurveyStatus
from surveys.models import Survey

from .models import Programme
from .selectors import _related, actions_overdue, figures_kept, programme_rows
from .shown import light_label

SOON_DAYS = 7


def _attention(today: date) -> list[tuple[str, str]]:
    items = []
    gaps = offer_gap_count()
    if gaps:
        items.append(
            (
                ngettext("%(n)s gap in the offer", "%(n)s gaps in the offer", gaps) % {"n": gaps},
                reverse("catalog:diversity"),
            )
        )
    comms = ld_attention()
    for plan in comms["comms_incomplete_plans"]:
        items.append(
            (
                _("“%(plan)s” has messages missing a W") % {"plan": plan.name},
                reverse("comms:plan_detail", args=[plan.pk]),
            )
        )
    failed = comms["comms_failed_count"]
    if failed:
        items.append(
            (
                ngettext("%(n)s failed delivery", "%(n)s failed deliveries", failed) % {"n": failed},
                reverse("comms:plans"),
            )
        )
    since = timezone.now() - timedelta(days=SOON_DAYS)
    errors = ApiAuditEntry.objects.filter(created_at__gte=since, status__gte=400).count()
    if errors:
        items.append(
            (
                ngettext("%(n)s HRIS sync error this week", "%(n)s HRIS sync errors this week", errors) % {"n": errors},
                reverse("hris:clients"),
            )
        )
    for goal in Goal.objects.filter(status=GoalStatus.ACTIVE, at_risk=True).order_by("deadline", "pk")[:10]:
        items.append((_("Goal at risk: %(title)s") % {"title": goal.title}, reverse("goals:detail", args=[goal.pk])))
    soon = timezone.now() + timedelta(days=SOON_DAYS)
    for survey in Survey.objects.filter(status=SurveyStatus.OPEN, closes_at__lte=soon).order_by("closes_at", "pk")[:10]:
        items.append(
            (
                _("Survey closing soon: %(title)s") % {"title": survey.display_title},
                reverse("surveys:detail", args=[survey.pk]),
            )
        )
    for action in actions_overdue(today=today).select_related("programme").order_by("due_on", "pk")[:10]:
        items.append(
            (
                _("Action overdue in %(programme)s: %(text)s")
                % {"programme": action.programme.name, "text": action.text},
                reverse("adoption:detail", args=[action.programme_id]),
            )
        )
    return items


def ld_home(*, today: date, fresh: bool = False) -> dict:
    """The page's context. Its figures over the 365 days up to today are the ones the nightly task
    kept today (one query instead of two statements over everyone), with the time they were worked
    out; else, or when `fresh` asks, worked out now."""
    programmes = list(_related(Programme.objects.all()).order_by("name", "pk")[:100])
    kept = figures_kept(today=today, fresh=fresh)
    rows = programme_rows(programmes, today=today, kept=kept)
    figures = metric_values(
        EVERYONE, Period.rolling_year(today), ["participation", "budget_utilisation"], today=today, kept=kept
    )
    return {
        "kept_at": kept.taken_at if kept else None,
        "rows": rows,
        "uptake": show("participation", figures["participation"].value),
        "budget_use": show("budget_utilisation", figures["budget_utilisation"].value),
        "attention": _attention(today),
        "light_label": light_label,
    }
