"""The goal pages, the home panels and the API: what each shows, and their query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import Goal
from surveys.services import survey_close
from tests.factories import EmployeeFactory
from tests.goals.helpers import active, draft, service_audience, snapshots, submitted
from tests.surveys.helpers import open_and_answer, survey_with_all_kinds

pytestmark = pytest.mark.django_db


def _form(personas, **overrides):
    data = {
        "title": "More of Customer Service learns",
        "why": "Customers notice it.",
        "audience_kind": "department",
        "audience_department": personas.employee.department_id,
        "metric": "participation",
        "target": "40",
        "deadline": str(timezone.localdate() + timedelta(days=183)),
        "sponsor": personas.manager.pk,
        "check": "1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def bigger_org(personas):
    """Twenty more people in Finance: Customer Service (4) is then under a quarter of 27."""
    for _ in range(20):
        EmployeeFactory(department=personas.other_employee.department)


def test_the_form_shows_the_reach_and_nudges_when_wider_than_a_quarter(client_for, personas, bigger_org):
    client = client_for(personas.hr)
    narrow = client.post(reverse("goals:create"), _form(personas))
    assert narrow.status_code == 200
    text = narrow.content.decode()
    assert "This audience reaches 4 people (15% of the organisation)." in text
    assert "more than a quarter" not in text
    wide = client.post(reverse("goals:create"), _form(personas, audience_kind="everyone")).content.decode()
    assert "This audience reaches 27 people (100% of the organisation)." in wide
    assert "That is more than a quarter of the organisation. Start small" in wide
    assert not Goal.objects.exists()  # checking saves nothing


def test_the_form_shows_the_baseline_the_pace_warning_and_the_surveys_key_results(client_for, personas):
    today = timezone.localdate()
    department = personas.employee.department
    snapshots("participation", department, {today - timedelta(days=60): 0, today - timedelta(days=30): 1})
    people = [personas.employee, personas.manager, personas.team_lead, personas.indirect_report, personas.hr]
    survey = survey_with_all_kinds(kind="learning_needs", title="What we want to learn")
    survey = survey_close(survey=open_and_answer(survey, people))
    response = client_for(personas.hr).post(reverse("goals:create"), _form(personas, surveys=[survey.pk]))
    text = response.content.decode()
    assert "Baseline now (the 365 days up to today): 0.0%." in text
    assert "the fastest this audience ever changed in the snapshots is 1.0 percentage points a month" in text
    assert "What we want to learn" in text
    assert "5 respondents" in text
    assert "on average 4.0" in text


def test_the_form_refuses_what_the_checks_refuse(client_for, personas):
    past = _form(personas, deadline=str(timezone.localdate()), save="1")
    del past["check"]
    response = client_for(personas.hr).post(reverse("goals:create"), past)
    assert response.status_code == 400
    assert "The deadline must lie in the future." in response.content.decode()
    other_team = _form(personas, save="1", sponsor=personas.manager.pk)
    del other_team["check"]
    response = client_for(personas.outsider_manager).post(reverse("goals:create"), other_team)
    assert "A manager proposes goals for their own team only." in response.content.decode()
    assert not Goal.objects.exists()


def test_saving_submitting_and_approving_through_the_pages(client_for, personas):
    data = _form(personas, save="1")
    del data["check"]
    owner, sponsor = client_for(personas.hr), client_for(personas.manager)
    response = owner.post(reverse("goals:create"), data)
    goal = Goal.objects.get()
    assert response.url == reverse("goals:detail", args=[goal.pk])
    owner.post(reverse("goals:submit", args=[goal.pk]))
    assert Goal.objects.get().status == "submitted"
    home = sponsor.get(reverse("home")).content.decode()
    assert "1 goal waits for your decision:" in home
    assert goal.title in home
    response = sponsor.post(reverse("goals:decide", args=[goal.pk]), {"decision": "reject", "comment": ""})
    assert Goal.objects.get().status == "submitted"  # a rejection needs a comment
    page = sponsor.get(response.url).content.decode()
    assert "Say why you reject it" in page
    sponsor.post(reverse("goals:decide", args=[goal.pk]), {"decision": "approve", "comment": "Go"})
    assert Goal.objects.get().status == "active"
    assert "No goal waits for your decision." in sponsor.get(reverse("home")).content.decode()


def test_employees_in_the_audience_see_our_goals_on_their_home(client_for, personas):
    goal = active(personas)
    snapshots("participation", personas.employee.department, {timezone.localdate(): 12})
    home = client_for(personas.employee).get(reverse("home")).content.decode()
    assert "Our goals" in home
    assert goal.why in home
    assert "Target: 50.0% by" in home
    assert "Where we are: 12.0%." in home
    assert "Our goals" not in client_for(personas.other_employee).get(reverse("home")).content.decode()


def test_the_goal_page_shows_progress_as_a_chart_and_a_table(client_for, personas):
    goal = active(personas)
    start = goal.baseline_on
    snapshots("participation", personas.employee.department, {start + timedelta(days=d): d // 3 for d in (1, 2, 3)})
    text = client_for(personas.hr).get(reverse("goals:detail", args=[goal.pk]), {"today": ""}).content.decode()
    assert 'id="goal-chart-data"' in text
    assert "vendor/chartjs/chart.umd.min.js" in text
    assert "<caption>The figure on each snapshot day" in text
    assert text.count('<th scope="row">') == 1  # the baseline only: later snapshots are tomorrow's and after


def _many(personas, n):
    for i in range(n):
        submitted(personas, title=f"Waiting {i}")
        active(personas, title=f"Running {i}")


@pytest.mark.parametrize("n", [1, 6])
def test_the_inbox_the_list_and_the_api_cost_the_same_for_more_goals(
    client_for, personas, n, django_assert_max_num_queries, api
):
    _many(personas, n)
    sponsor, owner = client_for(personas.manager), client_for(personas.hr)
    with django_assert_max_num_queries(40):
        assert sponsor.get(reverse("home")).status_code == 200
    with django_assert_max_num_queries(14):
        assert owner.get(reverse("goals:list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert sponsor.get(reverse("goals:list")).status_code == 200
    goal = Goal.objects.filter(status="active").first()
    with django_assert_max_num_queries(14):
        assert owner.get(reverse("goals:detail", args=[goal.pk])).status_code == 200
    reporting = api("reporting:read")
    with django_assert_max_num_queries(12):
        response = reporting.get("/api/v1/goals/")
    assert len(response.json()["results"]) == 2 * n


def test_the_home_query_count_does_not_grow_with_the_goals(client_for, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sponsor = client_for(personas.manager)
    _many(personas, 1)
    sponsor.get(reverse("home"))  # warm what is cached per process
    counts = []
    for more in (0, 4):
        _many(personas, more)
        with CaptureQueriesContext(connection) as ctx:
            assert sponsor.get(reverse("home")).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_api_gives_status_baseline_target_current_value_and_history(personas, api):
    goal = active(personas, target=Decimal("30"))
    snapshots("participation", personas.employee.department, {timezone.localdate(): 7})
    reporting = api("reporting:read")
    row = reporting.get("/api/v1/goals/").json()["results"][0]
    assert (row["status"], row["baseline"], row["target"], row["current"]) == ("active", "0.0000", "30.0000", "7.0000")
    assert [h["to_status"] for h in row["history"]] == ["draft", "submitted", "approved", "active"]
    assert row["history"][2]["by"] == personas.manager.full_name
    one = reporting.get(f"/api/v1/goals/{goal.pk}/").json()
    assert one["progress"][0] == {"day": str(goal.baseline_on), "actual": "0.0000", "expected": "0.0000"}
    assert service_audience(personas).department_id == one["department"]
    draft(personas, title="Not yet submitted")
    assert reporting.get("/api/v1/goals/").json()["results"][0]["current"] is None


def test_the_list_filters_by_status_and_searches_titles(client_for, personas):
    active(personas, title="Running goal")
    draft(personas, title="Drafted goal")
    client = client_for(personas.hr)
    text = client.get(reverse("goals:list"), {"status": "active"}).content.decode()
    assert "Running goal" in text
    assert "Drafted goal" not in text
    text = client.get(reverse("goals:list"), {"q": "drafted"}).content.decode()
    assert "Drafted goal" in text
    assert "Running goal" not in text


def test_ld_staff_mark_and_unmark_a_sponsor_who_is_then_offered_in_the_form(client_for, personas):
    from goals.models import Sponsor

    client = client_for(personas.hr)
    assert personas.other_employee.full_name not in client.get(reverse("goals:create")).content.decode()
    response = client.post(reverse("goals:sponsors"), {"employee": personas.other_employee.pk})
    assert response.status_code == 302
    mark = Sponsor.objects.get(employee=personas.other_employee)
    assert personas.other_employee.full_name in client.get(reverse("goals:create")).content.decode()
    client.post(reverse("goals:sponsor_remove", args=[mark.pk]))
    assert not Sponsor.objects.exists()
