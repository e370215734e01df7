"""The adoption pages read the figures the nightly task kept (issue 21): the checklists' offer gaps
and the L&D home's uptake and budget use over the 365 days up to today come from monitoring's kept
sums when they were worked out today, equal the live ones, say when they were worked out, are
worked out now on `?fresh=1` or when none are kept, and the pages' query counts stay the same as
the organisation grows."""

import pytest
from django.urls import reverse

from adoption.models import Programme
from monitoring.models import KeptFigures
from monitoring.services import figures_keep_due
from people.audience import Audience, AudienceKind
from tests.adoption.helpers import running
from tests.bigteam import page_queries
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
SAID = "These figures were worked out on"


@pytest.fixture
def pilots(personas):
    """A department's programme and a job group's, with people in an offer gap in both."""
    from catalog.services import job_group_skills_set

    job_group_skills_set(job_group=personas.employee.job_group, skills=["Customer contact"])
    department = running(personas)
    agents = Audience.of(AudienceKind.JOB_GROUP, job_group=personas.employee.job_group)
    group = running(personas, name="Agents learn", audience=agents)
    return department, group


def _urls(pilots) -> list[str]:
    department, group = pilots
    return [
        reverse("adoption:home"),
        reverse("adoption:list"),
        reverse("adoption:detail", args=[department.pk]),
        reverse("adoption:detail", args=[group.pk]),
        reverse("adoption:report", args=[department.cycles.get().pk]),
    ]


def _shown(response) -> dict:
    c = response.context
    if "rows" in c:
        shown = {r.programme.pk: [(s.number, s.done, s.lines) for s in r.steps] for r in c["rows"]}
        return shown | ({"uptake": c["uptake"], "budget_use": c["budget_use"]} if "uptake" in c else {})
    if "row" in c:
        return {"steps": [(s.number, s.done, s.lines) for s in c["row"].steps]}
    return {"steps": [(s.number, s.done, s.lines) for s in c["steps"]]}


def test_the_pages_read_the_kept_figures_say_when_and_equal_the_live_ones(personas, client_for, pilots):
    client = client_for(personas.hr)
    for url in _urls(pilots):
        live = client.get(url)
        assert live.context["kept_at"] is None, url
        assert SAID not in live.content.decode(), url
    figures_keep_due()
    for url in _urls(pilots):
        live = client.get(url + ("&" if "?" in url else "?") + "fresh=1")
        kept = client.get(url)
        assert live.context["kept_at"] is None, url
        assert kept.context["kept_at"] is not None, url
        assert SAID in kept.content.decode(), url
        assert _shown(kept) == _shown(live), url
    step3 = _shown(client.get(reverse("adoption:detail", args=[pilots[0].pk])))["steps"][2]
    assert step3[1] is False  # a gap, read from the kept figures
    assert "people in the audience find nothing" in step3[2][0]


def test_the_sponsor_page_reads_the_kept_figures_too(personas, client_for, pilots):
    client = client_for(personas.outsider_manager)  # the pilots' sponsor
    assert client.get(reverse("adoption:sponsor")).context["kept_at"] is None
    figures_keep_due()
    response = client.get(reverse("adoption:sponsor"))
    assert response.context["kept_at"] is not None
    assert SAID in response.content.decode()


def test_the_pages_keep_their_query_count_as_the_organisation_grows(personas, client_for, pilots):
    client = client_for(personas.hr)

    def grow(n):
        for _ in range(n):
            EmployeeFactory(department=personas.employee.department, job_group=personas.employee.job_group)
        KeptFigures.objects.all().delete()
        figures_keep_due()
        return [page_queries(client, url)[0] for url in _urls(pilots)]

    small = grow(2)
    assert grow(40) == small
    assert Programme.objects.count() == 2
    fresh, _html = page_queries(client, reverse("adoption:home") + "?fresh=1")
    assert small[0] < fresh  # none of the statements over everyone: the kept row instead
