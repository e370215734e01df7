"""Monitoring's demo step: a year of history for the demo organisation, and its snapshots, so that
the dashboard tells a story. Departments differ (the share of people who take a training in any
twelve months, and who open the monthly message, is steady per department: Warehouse and Transport
red, Finance and IT amber, Sales and HR green), and Customer Service, the pilot, improves: its
people start one after another over the last ten months, open more of the messages and come to a
monthly learning hour in growing numbers. Barriers 3 and 4 differ too: how many trainings are asked
for from "for you" (FOR_YOU) and how many people have looked at their budget (KNOWS_BUDGET), both
highest in the pilot.

The history is written through the apps' demo helpers (catalog.demo.history_enrolments,
comms.demo.history_deliveries, policy.demo.history_moment); then the snapshots of the twelve month
ends the trends read (monitoring.services.snapshots_take). Idempotent: each part is skipped when
its marker exists, and a snapshot day already taken writes nothing."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from budgets.demo import history_budget_spend, history_budget_views
from catalog.demo import history_enrolments
from catalog.models import LearningItem, Status
from comms.demo import history_deliveries
from people.models import Department, Employee
from policy.demo import history_moment

from .reports import month_ends
from .services import snapshots_take

PILOT = "D22"  # Customer Service, the pilot of the budgets demo
# Per department: % of its people who take a training in any twelve months, % who open a message.
STEADY = {"D11": (15, 20), "D12": (30, 30), "D21": (70, 60), "D30": (45, 45), "D40": (50, 55), "D50": (80, 75)}
# Per department: % of the trainings asked for from "for you", and % who have looked at their
# budget this period. The pilot promoted both: most of its newcomers came through "for you", and
# nearly everyone looked at their budget after the pilot's first message.
FOR_YOU = {"D11": 5, "D12": 5, "D21": 30, "D30": 15, "D40": 20, "D50": 35, PILOT: 60}
KNOWS_BUDGET = {"D11": 30, "D12": 40, "D21": 85, "D30": 60, "D40": 55, "D50": 95, PILOT: 90}
HISTORY = "Demo history: a year of learning."
MOMENT = "Customer Service learning hour"
MONTH = 30  # days between two points of the story
PAID_UP_TO = 900  # the dearest training of the story paid from a learning budget of 1,000


def _noon(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _people(key: str) -> list[int]:
    return list(
        Employee.objects.filter(active=True, department__external_id=key).order_by("pk").values_list("pk", flat=True)
    )


def _enrolments(today, free: list[int], paid: list[int]) -> None:
    """The trainings of the story: this year's are paid from the learning budget (`_budget_use`
    books them), last year's were free."""
    current = paid or free
    rows = []
    for key, (share, _opened) in STEADY.items():
        people = _people(key)
        for i, pk in enumerate(people[: round(len(people) * share / 100)]):
            # one training a year, 365 days apart: any twelve months hold exactly one of them
            began = _noon(today - timedelta(days=(i % 12) * MONTH + 3))
            item = current[i % len(current)]
            via = i % 20 < FOR_YOU[key] // 5
            rows += [(pk, item, began, via), (pk, free[(i + 1) % len(free)], began - timedelta(days=365))]
    # The pilot: those who have not completed anything yet start one after another, more each month.
    newcomers = list(
        Employee.objects.filter(active=True, department__external_id=PILOT)
        .exclude(enrolments__status=Status.COMPLETED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for j, pk in enumerate(newcomers):
        months_ago = int(9 * (1 - ((j + 1) / len(newcomers)) ** 0.5))
        began = _noon(today - timedelta(days=months_ago * MONTH + 4))
        rows.append((pk, current[j % len(current)], began, j % 20 < FOR_YOU[PILOT] // 5))
    history_enrolments(rows, motivation=HISTORY)


def _budget_use(today) -> None:
    """This year's paid trainings of the story spent from the learning budget (so departments
    differ on barrier 4's budget use as they do on participation)."""
    from catalog.models import Enrolment

    rows = Enrolment.objects.filter(
        motivation=HISTORY, item__cost__gt=0, started_at__gte=_noon(date(today.year, 1, 1))
    ).values_list("employee_id", "pk", "item__cost", "item__title")
    history_budget_spend(list(rows))


def _budget_views(today) -> None:
    """Who has looked at their budget this period, spread over the months so far (the pilot's
    people between eight and two months ago, after its first messages)."""
    rows = []
    for key, share in KNOWS_BUDGET.items():
        people = _people(key)
        for i, pk in enumerate(people[: round(len(people) * share / 100)]):
            days_ago = (i * 37) % max((today - date(today.year, 1, 1)).days, 1)
            if key == PILOT:
                days_ago = 60 + (i * 7) % 180
            rows.append((pk, _noon(today - timedelta(days=days_ago))))
    history_budget_views(rows)


def _messages(today) -> None:
    steady = {key: (_people(key), opened) for key, (_share, opened) in STEADY.items()}
    pilot = _people(PILOT)
    for months_ago in range(12, -1, -1):
        sent = _noon(today - timedelta(days=months_ago * MONTH + 10))
        rows = []
        for people, opened in steady.values():
            rows += [(pk, i % 20 < opened // 5) for i, pk in enumerate(people)]
        pilot_opened = 20 + (12 - months_ago) * 5  # 20 % a year ago, 80 % now
        rows += [(pk, i % 20 < pilot_opened // 5) for i, pk in enumerate(pilot)]
        history_deliveries(
            key=f"demo.history.{months_ago}",
            subject="This month in learning",
            body="What colleagues learned this month, and what is new in the catalog.",
            sent_at=sent,
            rows=rows,
        )


def _moment(today) -> None:
    department = Department.objects.filter(external_id=PILOT).first()
    if department is None:
        return
    pilot = _people(PILOT)
    history_moment(
        title=MOMENT,
        department=department,
        starts_on=today - timedelta(days=365),
        attendance=lambda i: pilot[: min(len(pilot), 2 + 3 * i)],
    )


@transaction.atomic
def demo_step() -> None:
    today = timezone.localdate()
    from catalog.models import Enrolment

    if not Enrolment.objects.filter(motivation=HISTORY).exists():
        demo = LearningItem.objects.filter(provider_key__startswith="DEMO-", active=True).order_by("provider_key")
        free = list(demo.filter(cost=0).values_list("pk", flat=True))
        paid = list(demo.filter(cost__gt=0, cost__lte=PAID_UP_TO).values_list("pk", flat=True))
        if free:
            _enrolments(today, free, paid)
    _messages(today)
    _moment(today)
    _budget_use(today)
    _budget_views(today)
    for day in month_ends(today):
        snapshots_take(day=day)
