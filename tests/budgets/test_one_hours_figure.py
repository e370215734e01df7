"""Issue 13: one truth for learning hours. The home said "2.00 of 40.0 hours", the budget page "1 of
40" for the same person (the budget ledger's hours against the budget policy's). Every page now
shows the learning-time policy's figure (policy.selectors.hours_overview, through the LEARNING_HOURS
port on the budget page)."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from budgets.models import BudgetPolicy
from budgets.services import budget_allocate
from people.audience import EVERYONE
from policy.models import Attendance, LearningTimePolicy
from policy.services import moment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_hours(personas):
    employee = personas.employee
    BudgetPolicy.objects.create(
        name="Iedereen", amount=Decimal("1000.00"), hours=Decimal("16"), period_start=date(2020, 1, 1)
    )
    budget_allocate()
    LearningTimePolicy.objects.create(audience=EVERYONE, hours_per_fte=Decimal("40"))
    today = timezone.localdate()
    moment = moment_create(
        title="Leeruur",
        rrule="FREQ=WEEKLY",
        starts_on=date(today.year, 1, 1),
        start_time=time(9, 0),
        timezone="Europe/Amsterdam",
        duration_minutes=120,
    )
    start = datetime(today.year, 1, 1, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    Attendance.objects.create(moment=moment, occurrence_start=start, employee=employee, minutes=120)
    return employee


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_home_the_moments_page_and_the_budget_page_say_the_same_hours(client_for, two_hours, language):
    client = client_for(two_hours)
    client.cookies["django_language"] = language
    expected = {"en": "2 of 40 hours", "nl": "2 van 40 uur"}[language]
    for url in (reverse("home"), reverse("policy:my_moments"), reverse("budgets:mine")):
        text = " ".join(client.get(url).content.decode().split())
        assert expected in text, url
    assert {"en": "0 of 16 hours", "nl": "0 van 16 uur"}[language] not in " ".join(
        client.get(reverse("budgets:mine")).content.decode().split()
    )
