"""Each port of people.registry called through the registry with the app that really provides it
(never a hand-made stand-in): what it returns is of the contract's type and right for the data."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets.models import BudgetPolicy
from budgets.services import budget_allocate
from catalog.models import JobGroupSkill
from people.audience import EVERYONE
from people.registry import (
    AMBASSADOR_IDS,
    AMBASSADORS_FOR,
    BARRIER_SCAN_RESULTS,
    BUDGET_AVAILABLE,
    BUDGET_SUMMARY,
    BUDGETS_AVAILABLE,
    COMPLETIONS_SINCE,
    EMPLOYEES_FOR_ITEM,
    ENROLMENTS_SINCE,
    ITEM_RATINGS,
    KEPT_TEAM_SUMS,
    LEARNING_HOURS,
    LEARNING_NEEDS_ASKED,
    LEARNING_PREFERENCES_SET,
    NEXT_LEARNING_MOMENT,
    NOTIFY,
    PORTS,
    PROFILE_BADGES,
    PUBLISHED_STORIES,
    SURVEY_MEASURE,
    AskedFor,
    BarrierScanResult,
    BudgetSummary,
    Completion,
    ItemRating,
    KeptSums,
    PublishedStory,
    SurveyFigure,
    registry,
)
from policy.services import moment_create
from tests.catalog.factories import EnrolmentFactory, ItemFactory, SkillFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
TESTED = set()


def _tested(port):
    TESTED.add(port)
    return port


@pytest.fixture
def budgeted():
    employee = EmployeeFactory()
    BudgetPolicy.objects.create(name="All", amount=Decimal("1250.00"), period_start=date(2020, 1, 1), pro_rata=False)
    budget_allocate(employee_ids=[employee.pk])
    return employee


def test_budget_available(budgeted):
    provider = registry.use(_tested(BUDGET_AVAILABLE))
    assert provider(budgeted) == Decimal("1250.00")
    assert provider(EmployeeFactory()) is None  # hired after the allocation: no budget yet


def test_budgets_available(budgeted, django_assert_num_queries):
    newcomer = EmployeeFactory()  # hired after the allocation: no budget, so not in the answer
    provider = registry.use(_tested(BUDGETS_AVAILABLE))
    with django_assert_num_queries(1):
        assert provider([budgeted.pk, newcomer.pk]) == {budgeted.pk: Decimal("1250.00")}
    assert provider([]) == {}


def test_budget_summary(budgeted):
    summary = registry.use(_tested(BUDGET_SUMMARY))(budgeted)
    assert isinstance(summary, BudgetSummary)
    assert (summary.available, summary.committed, summary.spent) == (Decimal("1250.00"), 0, 0)
    assert summary.days_left == (summary.expires_on - timezone.localdate()).days


def test_next_learning_moment():
    employee = EmployeeFactory()
    moment_create(
        title="Learning half hour",
        rrule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=timezone.localdate(),
        start_time=time(9, 0),
        timezone="Europe/Amsterdam",
        duration_minutes=30,
    )
    text = registry.use(_tested(NEXT_LEARNING_MOMENT))(employee)
    assert text.startswith("Learning half hour, ")


def test_learning_hours():
    from policy.models import Attendance, LearningTimePolicy

    employee = EmployeeFactory(fte=Decimal("1.0"))
    provider = registry.use(_tested(LEARNING_HOURS))
    assert provider(employee).target is None  # no learning-time policy yet
    LearningTimePolicy.objects.create(audience=EVERYONE, hours_per_fte=Decimal("40"))
    today = timezone.localdate()
    moment = moment_create(
        title="Learning hour",
        rrule="FREQ=WEEKLY",
        starts_on=date(today.year, 1, 1),
        start_time=time(9, 0),
        timezone="UTC",
        duration_minutes=90,
    )
    start = datetime(today.year, 1, 1, 9, 0, tzinfo=UTC)
    Attendance.objects.create(moment=moment, occurrence_start=start, employee=employee, minutes=90)
    figure = provider(employee)
    assert (figure.hours, figure.target) == (Decimal("1.5"), Decimal("40"))


def test_enrolments_since():
    employee = EmployeeFactory()
    since = timezone.now() - timedelta(minutes=1)
    EnrolmentFactory(employee=employee)
    EnrolmentFactory(employee=EmployeeFactory())
    provider = registry.use(_tested(ENROLMENTS_SINCE))
    assert provider([employee.pk], since) == 1
    assert provider([employee.pk], since, until=since) == 0


def test_employees_for_item():
    welder, clerk = EmployeeFactory(), EmployeeFactory()
    skill = SkillFactory(name="Welding")
    JobGroupSkill.objects.create(job_group=welder.job_group, skill=skill)
    ids = registry.use(_tested(EMPLOYEES_FOR_ITEM))(ItemFactory(skills=[skill]))
    assert ids == [welder.pk]
    assert clerk.pk not in ids


def test_notify():
    employee = EmployeeFactory()
    notify = registry.use(_tested(NOTIFY))
    first = notify(key="ports.test", employee_ids=[employee.pk], subject="Hello", body="Text", category="surveys")
    assert first >= 1
    assert notify(key="ports.test", employee_ids=[employee.pk], subject="Hello", body="Text", category="surveys") == 0


def test_learning_preferences_set():
    from catalog.models import LearningProfile

    employee = EmployeeFactory()
    SkillFactory(name="Excel")
    registry.use(_tested(LEARNING_PREFERENCES_SET))(employee, ["video", "nonsense"], "More Excel, please")
    profile = LearningProfile.objects.get(employee=employee)
    assert profile.preferred_formats == ["video"]
    assert list(profile.needs.values_list("name", flat=True)) == ["Excel"]


def test_barrier_scan_results():
    from people.audience import EVERYONE
    from surveys.services import barrier_scan_create, response_submit, survey_close, survey_open

    staff = [EmployeeFactory() for _ in range(6)]
    bosses = [EmployeeFactory() for _ in range(5)]
    for i, person in enumerate(staff):
        person.manager = bosses[i % 5]
        person.save()
    scan = barrier_scan_create(audience=EVERYONE, closes_at=timezone.now() + timedelta(days=7))
    scan = survey_open(survey=scan)
    for person in staff + bosses:
        side = "managers" if person in bosses else "employees"
        data = {str(q.pk): ("2" if side == "employees" else "4") for q in scan.questions.filter(side=side)}
        response_submit(token=scan.invitations.get(employee=person).token, employee=person, data=data)
    survey_close(survey=scan)
    result = registry.use(_tested(BARRIER_SCAN_RESULTS))(EVERYONE)
    assert isinstance(result, BarrierScanResult)
    assert result.respondents == 11
    assert [(s.barrier, s.employees, s.managers, s.gap) for s in result.scores] == [
        (b, Decimal("2.00"), Decimal("4.00"), Decimal("-2.00")) for b in (1, 2, 3, 4)
    ]


def test_survey_measure_is_optional_until_the_surveys_app_provides_it():
    """Monitoring reads survey figures through an optional port: with no provider it shows "no
    survey yet"; the surveys app's own test of its provider lands with that app."""
    port = _tested(SURVEY_MEASURE)
    assert port.name in registry.optional
    provider = registry.find(port)
    if provider is not None:  # the surveys app has landed: its answer is of the contract's type
        figure = provider("awareness", EVERYONE, date(2020, 1, 1), date(2020, 12, 31))
        assert figure is None or isinstance(figure, SurveyFigure)
        # monitoring's evaluation score: the evaluations' "I was satisfied", one place for ratings
        from tests.surveys.helpers import evaluation_round

        evaluation_round(ItemFactory(), [5, 4, 4, 4, 3])
        today = timezone.localdate()
        figure = provider("evaluation_score", EVERYONE, today - timedelta(days=7), today + timedelta(days=7))
        assert figure == SurveyFigure(numerator=Decimal(20), denominator=Decimal(5), responses=5)


def test_completions_since():
    done = EnrolmentFactory(
        employee=EmployeeFactory(), status="completed", completed_at=timezone.now() - timedelta(days=3)
    )
    EnrolmentFactory(employee=EmployeeFactory(), status="completed", completed_at=timezone.now() - timedelta(days=30))
    EnrolmentFactory(employee=EmployeeFactory(), status="started")
    rows = registry.use(_tested(COMPLETIONS_SINCE))(timezone.now() - timedelta(days=7))
    assert rows == [Completion(done.employee_id, done.item_id, done.item.title, done.completed_at)]


def test_item_ratings():
    from tests.surveys.helpers import evaluation_round

    rated, unrated = ItemFactory(), ItemFactory()
    evaluation_round(rated, [5, 4, 4, 4, 3])
    assert registry.use(_tested(ITEM_RATINGS))([rated.pk, unrated.pk]) == {rated.pk: ItemRating(Decimal("4.0"), 5)}


def test_learning_needs_asked():
    from surveys.services import learning_needs_create, response_submit, survey_close, survey_open
    from tests.surveys.helpers import by_key

    people = [EmployeeFactory() for _ in range(10)]
    survey = survey_open(survey=learning_needs_create(audience=EVERYONE, closes_at=timezone.now() + timedelta(days=7)))
    q = by_key(survey)
    for person in people:
        data = {q["formats"].pk: ["1"], q["hours"].pk: "2", q["moment"].pk: "2", q["topics"].pk: "excel"}
        token = survey.invitations.get(employee=person).token
        response_submit(token=token, employee=person, data={str(k): v for k, v in data.items()})
    survey_close(survey=survey)
    asked = registry.use(_tested(LEARNING_NEEDS_ASKED))(["Excel", "Forklift"])
    assert isinstance(asked, AskedFor)
    assert (asked.survey_id, asked.respondents) == (survey.pk, 10)
    assert asked.formats == {"elearning": 10}
    assert asked.phrases == {"Excel": 10, "Forklift": 0}


def test_profile_badges():
    from engagement.services.rewards import reward_give
    from tests.factories import UserFactory

    person, other, ld = EmployeeFactory(), EmployeeFactory(), EmployeeFactory(user=UserFactory()).user
    reward_give(employee=person, by=ld, message="Thanks", badge="Mentor")
    reward_give(employee=person, by=ld, message="Thanks again", badge="Pioneer")
    reward_give(employee=person, by=ld, message="And again", badge="Mentor")
    reward_give(employee=person, by=ld, message="Only words")
    reward_give(employee=other, by=ld, message="Thanks", badge="Host")
    badges = registry.use(_tested(PROFILE_BADGES))(person)
    assert badges == ["Mentor", "Pioneer"]  # newest first, each once, nobody else's


def test_ambassador_ids_and_ambassadors_for():
    from engagement.services import ambassador_accept, ambassador_invite
    from tests.factories import DepartmentFactory

    root = DepartmentFactory(name="Top")
    sales = DepartmentFactory(name="Sales", parent=root)
    ld, accepted, invited = EmployeeFactory(department=root), EmployeeFactory(department=sales), EmployeeFactory()
    top = EmployeeFactory(department=root, first_name="Ada", last_name="Top")
    colleague = EmployeeFactory(department=sales)
    ambassador_accept(ambassadorship=ambassador_invite(employee=accepted, by=ld), employee=accepted)
    ambassador_accept(ambassadorship=ambassador_invite(employee=top, by=ld), employee=top)
    ambassador_invite(employee=invited, by=ld)  # not yet accepted: not an ambassador
    assert registry.use(_tested(AMBASSADOR_IDS))() == {accepted.pk, top.pk}
    found = registry.use(_tested(AMBASSADORS_FOR))(colleague)
    assert [(a.employee_id, a.department) for a in found] == [(accepted.pk, "Sales"), (top.pk, "Top")]
    assert registry.use(AMBASSADORS_FOR)(EmployeeFactory(department=None)) == []


def test_published_stories():
    from engagement.services.stories import story_publish, story_submit
    from people.models import JobGroup

    agents, leads = JobGroup.objects.create(name="Agents"), JobGroup.objects.create(name="Leads")
    item, other_item, moderator = ItemFactory(title="Excel"), ItemFactory(), EmployeeFactory()
    stories = {}
    for name, group, about, named in (
        ("ann", agents, item, True),
        ("bo", leads, item, False),
        ("cy", agents, other_item, False),
    ):
        writer = EmployeeFactory(first_name=name, last_name="Test", job_group=group)
        EnrolmentFactory(employee=writer, item=about, status="completed")
        stories[name] = story_submit(
            writer=writer, item_id=about.pk, effect="faster", text=f"{name} is faster", quote_with_name=named
        )
        story_publish(story_id=stories[name].pk, by=moderator)
    published = registry.use(_tested(PUBLISHED_STORIES))
    by_item = published(item_ids=[item.pk], limit=5)
    assert all(isinstance(s, PublishedStory) for s in by_item)
    assert [(s.story_id, s.writer, s.item_title, s.effect) for s in by_item] == [
        (stories["bo"].pk, None, "Excel", "faster"),  # newest first; named only with consent
        (stories["ann"].pk, "ann Test", "Excel", "faster"),
    ]
    assert [s.story_id for s in published(job_group_id=agents.pk, limit=1)] == [stories["cy"].pk]
    assert [s.story_id for s in published(story_ids=[stories["ann"].pk], limit=1)] == [stories["ann"].pk]
    assert published() == []


def test_kept_team_sums(personas, monkeypatch):
    """A kept team's current budgets as monitoring's nightly task kept them, equal to the budget
    page's live totals; None for a team that is not kept."""
    from budgets.selectors import team_totals
    from catalog.selectors import team_overdue_people
    from monitoring.services import figures_keep_due

    BudgetPolicy.objects.create(name="All", amount=Decimal("800.00"), period_start=date(2020, 1, 1), pro_rata=False)
    budget_allocate()
    monkeypatch.setattr("monitoring.services.TEAM_KEPT_FROM", 3)  # the manager's team of three
    figures_keep_due()
    facts = ("budgets_now", "allocated_now", "committed_now", "spent_now", "unviewed_now", "idle_now")
    kept = registry.use(_tested(KEPT_TEAM_SUMS))(personas.manager.pk, facts)
    assert isinstance(kept, KeptSums)
    live = team_totals(manager=personas.manager)
    assert kept.sums["budgets_now"] == live["employees"] == 3
    assert kept.sums["allocated_now"] == live["allocated"] == Decimal("2400.00")
    assert (kept.sums["committed_now"], kept.sums["spent_now"]) == (live["committed"], live["spent"])
    assert (kept.sums["unviewed_now"], kept.sums["idle_now"]) == (live["never_viewed"], live["idle"])
    assert registry.use(KEPT_TEAM_SUMS)(personas.team_lead.pk, facts) is None  # a team of one: not kept
    overdue = registry.use(KEPT_TEAM_SUMS)(personas.manager.pk, ("overdue_people_now",))
    assert overdue.sums["overdue_people_now"] == team_overdue_people(manager=personas.manager)


def test_every_port_is_tested_here():
    assert set(PORTS) == TESTED
