"""The surveys demo step: a closed, published barrier scan whose results differ between departments
(shown only where anonymity allows), and an open learning-needs survey the employee can answer."""

from django.urls import reverse

from people.audience import Audience
from surveys.anonymity import Group, derivable_minimum
from surveys.demo import NEEDS_TITLE, SCAN_TITLE, demo_step
from surveys.models import Survey
from surveys.ports import barrier_scores
from surveys.selectors import survey_figures
from tests.factories import EmployeeFactory


def test_demo_step_is_idempotent_with_a_closed_scan_and_an_open_needs_survey(personas, org, client):
    # Two departments of twelve (a manager and eleven reports each) beside the personas.
    for department in (org["service"], org["finance"]):
        boss = EmployeeFactory(department=department)
        for _ in range(11):
            EmployeeFactory(department=department, manager=boss)
    demo_step()
    demo_step()
    scan = Survey.objects.get(title=SCAN_TITLE)
    assert scan.status == "closed"
    assert scan.published_at is not None
    figures = survey_figures(scan)
    # Everyone's figures are shown; which departments are depends on who answered, but never a group
    # that subtraction would reveal below the minimum.
    assert Group() in figures.released
    assert derivable_minimum(figures.cells, figures.released) >= scan.min_group_ratings
    gap = barrier_scores(figures, Group())
    assert all(s.managers is None or s.employees is None or s.gap == s.employees - s.managers for s in gap)

    needs = Survey.objects.get(title=NEEDS_TITLE)
    assert needs.status == "open"
    client.force_login(personas.employee.user)
    page = client.get(reverse("surveys:answer_start", args=[needs.pk]), follow=True)
    assert page.status_code == 200
    assert "How do you like to learn?" in page.content.decode()
    assert Audience.of("everyone") == needs.audience

    # Last year's, closed: what the catalog's "asked for vs offered" compares with the offer.
    from surveys.demo import PAST_NEEDS_TITLE
    from surveys.ports import learning_needs_asked

    past = Survey.objects.get(title=PAST_NEEDS_TITLE)
    assert past.status == "closed"
    asked = learning_needs_asked(["Data literacy", "Planning"])
    assert asked is not None
    assert asked.survey_id == past.pk
    assert asked.formats["coaching"] > 0
    assert asked.phrases is None or asked.phrases["Planning"] > 0


def test_demo_evaluates_the_completed_trainings_so_items_show_a_rating(personas, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from surveys.models import Kind, Response
    from surveys.ports import item_ratings
    from tests.catalog.factories import EnrolmentFactory, ItemFactory

    now = timezone.now()
    item, recent = ItemFactory(title="Handling difficult calls"), ItemFactory(title="Excel basics")
    for days in range(200, 210):  # ten completions half a year ago: a closed round
        EnrolmentFactory(
            employee=EmployeeFactory(), item=item, status="completed", completed_at=now - timedelta(days=days)
        )
    for days in range(10, 14):  # four this month: below the minimum, their round stays open
        EnrolmentFactory(
            employee=EmployeeFactory(), item=recent, status="completed", completed_at=now - timedelta(days=days)
        )
    demo_step()
    demo_step()
    old = Survey.objects.get(kind=Kind.EVALUATION, item_id=item.pk)
    assert old.status == "closed"
    answered = Response.objects.filter(survey=old, follow_up=False).count()
    assert 5 <= answered <= 10
    assert Response.objects.filter(survey=old, follow_up=True).exists()  # some answered the follow-up
    ratings = item_ratings([item.pk, recent.pk])
    assert set(ratings) == {item.pk}
    assert ratings[item.pk].respondents == answered
    assert 1 <= ratings[item.pk].mean <= 5
    current = Survey.objects.get(kind=Kind.EVALUATION, item_id=recent.pk)
    assert current.status == "open"
    assert Response.objects.filter(survey=current).exists()
