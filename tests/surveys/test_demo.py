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
