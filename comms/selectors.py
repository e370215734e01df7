"""Reads shared by the comms pages and API."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from people.audience import AUDIENCE_RELATED, NEEDS, AudienceKind, employees_in
from people.registry import ENROLMENTS_SINCE, registry

from .models import Channel, CommunicationPlan, Delivery, Message, When


def notifications_of(*, employee):
    return (
        Delivery.objects.filter(employee=employee, channel=Channel.IN_APP)
        .select_related("message")
        .order_by("-created_at", "-id")
    )


def unread_count(*, employee) -> int:
    return Delivery.objects.filter(employee=employee, channel=Channel.IN_APP, read_at=None).count()


REACH = {
    "recipients": Count("employee", distinct=True),
    "queued": Count("id", filter=Q(status=Delivery.Status.QUEUED)),
    "delivered": Count("id", filter=Q(status=Delivery.Status.SENT)),
    "failed": Count("id", filter=Q(status=Delivery.Status.FAILED)),
    "opened": Count("id", filter=Q(opened_at__isnull=False) | Q(read_at__isnull=False)),
    "clicked": Count("id", filter=Q(clicked_at__isnull=False)),
}
ENROLMENT_WINDOW = timedelta(days=14)


def reach_by_message(*, plan) -> dict[int, dict]:
    """Delivery counts per plan message (its occurrences included), from one query."""
    rows = (
        Delivery.objects.filter(message__plan=plan)
        .annotate(root=Coalesce("message__parent_id", "message_id"))
        .values("root")
        .annotate(**REACH)
    )
    return {row.pop("root"): row for row in rows}


def reach_of(*, messages_q: Q) -> dict:
    """Totals for a set of messages, plus enrolments by their recipients within 14 days after."""
    deliveries = Delivery.objects.filter(messages_q)
    totals = deliveries.aggregate(**REACH, first=Min("created_at"))
    totals["enrolments"] = None
    if totals["first"] is not None:
        ids = list(deliveries.exclude(employee=None).values_list("employee_id", flat=True).distinct())
        since = totals["first"]
        totals["enrolments"] = registry.use(ENROLMENTS_SINCE)(ids, since, until=since + ENROLMENT_WINDOW)
    return totals


def message_reach(*, message) -> dict:
    return reach_of(messages_q=Q(message=message) | Q(message__parent=message))


def plan_reach(*, plan) -> dict:
    return reach_of(messages_q=Q(message__plan=plan))


def plans_with_counts():
    return CommunicationPlan.objects.annotate(message_count=Count("messages")).order_by("name")


def plan_messages(*, plan):
    return Message.objects.filter(plan=plan, parent=None).select_related(*AUDIENCE_RELATED).order_by("send_at", "id")


def failed_deliveries(*, plan=None, limit=50):
    qs = Delivery.objects.filter(status=Delivery.Status.FAILED).select_related("message", "employee")
    if plan is not None:
        qs = qs.filter(message__plan=plan)
    return qs.order_by("-created_at")[:limit]


def audience_ids(message) -> list[int]:
    """Who a plan message reaches, resolved now: the active employees in its audience."""
    return list(employees_in(message.audience).order_by("pk").values_list("pk", flat=True))


def plan_timeline(*, plan, start, weeks: int):
    """The plan's sendings week by week from `start` (a Monday-based calendar), and its triggers."""
    start_day = timezone.localtime(start).date()
    monday = start_day - timedelta(days=start_day.weekday())
    first = timezone.make_aware(datetime.combine(monday, time.min))
    end = first + timedelta(weeks=weeks)
    calendar = [{"start": monday + timedelta(weeks=i), "items": []} for i in range(weeks)]
    triggered = []
    for message in plan_messages(plan=plan):
        if message.when == When.TRIGGER:
            triggered.append(message)
            continue
        for at in message.send_times(first, end):
            index = (timezone.localtime(at).date() - monday).days // 7
            if 0 <= index < weeks:
                calendar[index]["items"].append((at, message))
    for week in calendar:
        week["items"].sort(key=lambda item: item[0])
    return calendar, triggered


def coverage(*, start, weeks: int) -> list[dict]:
    """Per department, job group and 'managers': how many sendings of active plans reach them in
    the coming weeks (triggered messages are listed apart: nobody knows when they fire). A message
    for a department's job group counts for the departments and for the job group (it reaches part
    of each); a message for a manager's team gets a row of its own."""
    from people.models import Department, JobGroup
    from people.selectors import DepartmentTree

    end = start + timedelta(weeks=weeks)
    departments = list(Department.objects.order_by("name"))
    tree = DepartmentTree({d.pk: d.parent_id for d in departments})

    active = Message.objects.filter(
        parent=None, plan__status=CommunicationPlan.Status.ACTIVE, when__in=[When.AT, When.RECURRING]
    ).select_related("audience_manager")
    dept_counts: dict = {}
    group_counts: dict = {}
    teams: dict = {}
    everyone = managers = 0
    for message in active:
        n = len(message.send_times(start, end))
        audience = message.audience
        if not n or audience.kind not in NEEDS:
            continue
        if audience.kind == AudienceKind.EVERYONE:
            everyone += n
        elif audience.kind == AudienceKind.MANAGERS:
            managers += n
        elif audience.kind == AudienceKind.TEAM:
            name = message.audience_label
            teams[name] = teams.get(name, 0) + n
        if audience.department_id:
            for pk in tree.subtree(audience.department_id):
                dept_counts[pk] = dept_counts.get(pk, 0) + n
        if audience.job_group_id:
            group_counts[audience.job_group_id] = group_counts.get(audience.job_group_id, 0) + n
    rows = [
        {"kind": _("Department"), "name": d.name, "count": everyone + dept_counts.get(d.pk, 0)} for d in departments
    ]
    rows += [
        {"kind": _("Job group"), "name": g.name, "count": everyone + group_counts.get(g.pk, 0)}
        for g in JobGroup.objects.order_by("name")
    ]
    rows.append({"kind": _("Role"), "name": _("Managers"), "count": everyone + managers})
    rows += [{"kind": _("Team"), "name": name, "count": everyone + n} for name, n in sorted(teams.items())]
    return rows


def ld_attention() -> dict:
    """For the L&D home: plans with messages that miss a W, and deliveries that failed (2 queries)."""
    incomplete_plans = {
        m.plan for m in Message.objects.filter(plan__isnull=False, parent=None).select_related("plan") if m.missing_ws()
    }
    return {
        "comms_incomplete_plans": sorted(incomplete_plans, key=lambda p: p.name),
        "comms_failed_count": Delivery.objects.filter(status=Delivery.Status.FAILED).count(),
    }
