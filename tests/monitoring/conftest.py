"""A small hand-built organisation whose figures for 2025 are worked out by hand in test_metrics.

Organisation
  Sales          a1 (Agents, secondary, 1.0 FTE)
    Sales North  a2 (Agents, basic, 0.5 FTE), a3 (Agents, bachelor, 1.0 FTE, hired 1 July 2025)
  IT             d1 (Devs, bachelor, 0.8 FTE), e1 (Devs, bachelor, 1.0 FTE, did nothing),
                 gone (left: inactive), later (hired in 2026)
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from budgets.models import Budget, BudgetPolicy, EntryKind, LedgerEntry
from catalog.models import CatalogVisit, JobGroupSkill, MandatoryRule
from comms.models import Delivery, Message
from people.audience import Audience, AudienceKind
from policy.models import Attendance, LearningTimePolicy
from policy.services import moment_create
from tests.catalog.factories import EnrolmentFactory, ItemFactory, SkillFactory
from tests.factories import DepartmentFactory, EmployeeFactory, JobGroupFactory

K = AudienceKind


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour)).replace(tzinfo=UTC)


@dataclass
class Small:
    org: object
    sales: object
    north: object
    it: object
    agents: object
    devs: object
    nobody: object  # a job group without people
    a1: object
    a2: object
    a3: object
    d1: object
    e1: object
    gone: object
    later: object


def _people():
    org = DepartmentFactory(name="Organisation")
    sales = DepartmentFactory(name="Sales", parent=org)
    north = DepartmentFactory(name="Sales North", parent=sales)
    it = DepartmentFactory(name="IT", parent=org)
    agents, devs, nobody = JobGroupFactory(name="Agents"), JobGroupFactory(name="Devs"), JobGroupFactory(name="Nobody")
    person = EmployeeFactory
    return Small(
        org=org,
        sales=sales,
        north=north,
        it=it,
        agents=agents,
        devs=devs,
        nobody=nobody,
        a1=person(department=sales, job_group=agents, education_level="secondary"),
        a2=person(department=north, job_group=agents, education_level="basic", fte=Decimal("0.50")),
        a3=person(department=north, job_group=agents, education_level="bachelor", hired_on=date(2025, 7, 1)),
        d1=person(department=it, job_group=devs, education_level="bachelor", fte=Decimal("0.80")),
        e1=person(department=it, job_group=devs, education_level="bachelor"),
        gone=person(department=it, job_group=devs, active=False),
        later=person(department=it, job_group=devs, hired_on=date(2026, 2, 1)),
    )


def _enrol(employee, requested: date, **fields):
    enrolment = EnrolmentFactory(employee=employee, **fields)
    type(enrolment).objects.filter(pk=enrolment.pk).update(requested_at=at(requested))
    return enrolment


def _learning(s: Small):
    selling, python = SkillFactory(name="Selling"), SkillFactory(name="Python")
    JobGroupSkill.objects.create(job_group=s.agents, skill=selling)
    JobGroupSkill.objects.create(job_group=s.devs, skill=python)
    x = ItemFactory(title="X", skills=[selling], level_secondary=True, duration_hours=Decimal("2.0"))
    y = ItemFactory(title="Y", level_secondary=True)
    m = ItemFactory(title="M", level_basic=True)
    ItemFactory(title="Z", skills=[python], level_secondary=False, level_bachelor=True)
    MandatoryRule.objects.create(
        item=m, audience=Audience.of(K.DEPARTMENT, department=s.sales), starts_on=date(2025, 1, 1), due_days=200
    )
    _enrol(
        s.a1, date(2025, 2, 20), item=x, status="completed",
        started_at=at(date(2025, 3, 1)), completed_at=at(date(2025, 3, 10)), rating=4,
    )  # fmt: skip
    _enrol(s.a1, date(2025, 5, 1), item=y, status="requested", via_for_you=True)
    _enrol(
        s.a1,
        date(2024, 6, 1),
        item=m,
        status="completed",
        started_at=at(date(2024, 6, 2)),
        completed_at=at(date(2024, 6, 3)),
        rating=1,
    )  # fmt: skip  (2024: outside the period)
    _enrol(s.a2, date(2025, 3, 25), item=m, status="started", started_at=at(date(2025, 4, 1)))
    _enrol(
        s.d1, date(2025, 8, 1), item=None, external_title="Conference", external_hours=Decimal("10.0"),
        status="completed", completed_at=at(date(2025, 9, 1)), rating=5,
    )  # fmt: skip
    _enrol(
        s.gone,
        date(2025, 2, 1),
        item=x,
        status="completed",
        started_at=at(date(2025, 2, 2)),
        completed_at=at(date(2025, 2, 3)),
        rating=1,
    )  # fmt: skip  (left: never counted)
    moment = moment_create(
        title="Learning hour", rrule="FREQ=WEEKLY;BYDAY=TU", starts_on=date(2025, 1, 7), start_time=time(9, 0),
        timezone="Europe/Amsterdam", duration_minutes=90,
    )  # fmt: skip
    Attendance.objects.create(moment=moment, occurrence_start=at(date(2025, 8, 5)), employee=s.a3, minutes=90)
    Attendance.objects.create(moment=moment, occurrence_start=at(date(2024, 8, 6)), employee=s.a1, minutes=60)
    for day, who in (
        (date(2025, 3, 1), s.a1),
        (date(2025, 4, 1), s.a1),
        (date(2025, 5, 5), s.d1),
        (date(2024, 12, 31), s.a2),
    ):
        CatalogVisit.objects.create(employee=who, day=day)


def _policies(s: Small):
    LearningTimePolicy.objects.create(audience=Audience.of(K.EVERYONE), hours_per_fte=Decimal("20"))
    LearningTimePolicy.objects.create(audience=Audience.of(K.DEPARTMENT, department=s.org), hours_per_fte=Decimal("10"))
    LearningTimePolicy.objects.create(
        audience=Audience.of(K.DEPARTMENT, department=s.north), hours_per_fte=Decimal("5"), period="month"
    )
    LearningTimePolicy.objects.create(audience=Audience.of(K.JOB_GROUP, job_group=s.devs), hours_per_fte=Decimal("30"))


def _budget(employee, policy, allocated, committed, spent, viewed=None, booked: list | None = None):
    budget = Budget.objects.create(
        employee=employee, policy=policy, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
        expires_on=date(2025, 12, 31), allocated=Decimal(allocated), committed=Decimal(committed),
        spent=Decimal(spent), first_viewed_at=viewed,
    )  # fmt: skip
    for kind, day in booked or []:
        entry = LedgerEntry.objects.create(budget=budget, kind=kind, committed=Decimal(1))
        LedgerEntry.objects.filter(pk=entry.pk).update(created_at=at(day))


def _budgets(s: Small):
    policy = BudgetPolicy.objects.create(name="All", amount=Decimal("1000"), period_start=date(2025, 1, 1))
    _budget(s.a1, policy, 1000, 100, 200, at(date(2025, 2, 1)), [(EntryKind.COMMITMENT, date(2025, 3, 1))])
    _budget(s.a2, policy, 500, 0, 0)
    _budget(s.d1, policy, 1000, 0, 500, at(date(2025, 3, 1)), [(EntryKind.SPEND, date(2025, 9, 1))])


def _deliveries(s: Small):
    message = Message.objects.create(subject="News", body="Read this", category="plan")
    other = Message.objects.create(subject="More", body="And this", category="plan")
    sent = Delivery.Status.SENT
    rows = [
        (message, s.a1, sent, date(2025, 11, 1), date(2025, 11, 2), None),
        (other, s.a1, sent, date(2025, 12, 15), None, None),
        (message, s.a2, sent, date(2025, 12, 1), None, date(2025, 12, 2)),
        (message, s.d1, sent, date(2025, 6, 1), date(2025, 6, 1), None),  # older than 90 days
        (message, s.a3, Delivery.Status.FAILED, date(2025, 12, 1), None, None),
    ]
    for msg, who, status, sent_on, opened, read in rows:
        Delivery.objects.create(
            message=msg, employee=who, channel="email", status=status, created_at=at(sent_on),
            sent_at=at(sent_on) if status == sent else None,
            opened_at=at(opened) if opened else None, read_at=at(read) if read else None,
        )  # fmt: skip


def build_small() -> Small:
    s = _people()
    _learning(s)
    _policies(s)
    _budgets(s)
    _deliveries(s)
    return s


@pytest.fixture
def small(db):
    return build_small()
