"""The homes lead with each role's job (issue 13) and the manager's home costs the same for three
reports and for thousands through the reporting lines (issue 21): the decisions waiting first with
each requester's available budget, then each person's learning computed in SQL for a few people."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import Budget
from budgets.services import budget_allocate
from catalog.models import Enrolment, MandatoryRule, Status
from people.audience import EVERYONE
from policy.models import LearningTimePolicy
from tests.bigteam import give_budgets, grow_team, page_queries
from tests.budgets.conftest import policy  # noqa: F401 - the budget policy fixture
from tests.catalog.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learning(personas, policy, time_machine):  # noqa: F811
    """Mid-2026: budgets, a learning-time policy, a mandatory rule, and some learning by Zoë."""
    time_machine.move_to("2026-06-15 10:00")
    budget_allocate()
    LearningTimePolicy.objects.create(audience_kind="everyone", hours_per_fte=Decimal("40"))
    MandatoryRule.objects.create(
        item=ItemFactory(title="Code of conduct"), audience=EVERYONE, starts_on=date(2026, 1, 1), due_days=30
    )
    course = ItemFactory(title="Writing well", duration_hours=Decimal("6.0"), cost=Decimal("250.00"))
    done = datetime(2026, 3, 2, 12, tzinfo=UTC)
    Enrolment.objects.create(
        employee=personas.employee, item=course, status=Status.COMPLETED, started_at=done, completed_at=done
    )
    Budget.objects.filter(employee=personas.employee).update(spent=Decimal("250.00"))
    pricey = ItemFactory(title="Negotiation masterclass", cost=Decimal("900.00"))
    Enrolment.objects.create(employee=personas.employee, item=pricey, status=Status.REQUESTED, motivation="Please")
    return Budget.objects.get(employee=personas.employee)


def zoe_row(page: str) -> str:
    name = page.index("Zoë de Vries</a>", page.index('id="team-people-heading"'))
    return page[page.rindex("<tr>", 0, name) : page.index("</tr>", name)]


def test_manager_home_leads_with_decisions_then_each_persons_learning(personas, client_for, learning):
    client = client_for(personas.manager)
    small, page = page_queries(client)
    assert page.index("1 request waiting for you") < page.index("Learning per person this year")
    decision = page[page.index('id="decision-') :]
    assert "€750.00" in decision[: decision.index("</tr>")]  # Zoë's €1,000 less the €250 spent
    row = zoe_row(page)
    # started 1, completed 1, 6 of 40 hours, €250.00 of €1,000.00, overdue on the code of conduct
    assert [cell.split(">")[-1] for cell in row.split("</td>")[1:4]] == ["1", "1", "6 of 40"]
    assert "€250.00 of €1,000.00" in row
    assert 'text-bg-danger">1<' in row
    assert "2 direct reports, 1 more below them" in page

    grown = grow_team(personas.team_lead, 3000)  # below the team lead: the manager's indirect reports
    give_budgets(grown, learning)
    # A team of 500 or more reads its totals from what the night keeps: before the first night it
    # looks for them (one query) and sums live; once kept, the look-up replaces the live sum.
    unkept, _page = page_queries(client)
    assert unkept == small + 1, (small, unkept)
    from monitoring.services import figures_keep_due

    figures_keep_due()
    large, page = page_queries(client)
    assert large == small, (small, large)
    assert "2 direct reports, 3,001 more below them" in page  # Zoë and the team lead; the rest below
    assert page.count('href="/people/') - page.count('href="/people/profile') <= 12 + 5  # a few rows, not 3,000
    assert zoe_row(page) == row  # her figures unchanged by the 3,000 others


def test_employee_home_leads_with_budget_next_moment_and_what_is_due(personas, client_for, learning):
    page = page_queries(client_for(personas.employee))[1]
    order = [
        page.index('id="budget-panel-heading"'),
        page.index('id="next-moment-heading"'),
        page.index('id="panel-due-heading"'),
        page.index('id="panel-foryou-heading"'),
        page.index("My current enrolments"),
    ]
    assert order == sorted(order)
    assert "Code of conduct" in page[order[2] : order[3]]
    # one hours figure on the home: the policy's, as on the learning-moments page
    assert "6 of 40 hours" in page
    assert "6 of 40 hours" in client_for(personas.employee).get(reverse("policy:my_moments")).content.decode()
    assert "the policy gives you" not in page


def test_ld_staff_without_a_team_get_no_team_pages(personas, client_for):
    page = client_for(personas.hr).get("/").content.decode()
    for name in ("catalog:team", "budgets:team", "policy:team_hours", "monitoring:team"):
        assert reverse(name) not in page, name
    assert 'id="team-heading"' not in page
