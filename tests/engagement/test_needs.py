"""The needs inbox (issue 19), from a colleague to L&D and back: a colleague drops a need on the
department's page, the ambassador groups and forwards it (a NEED line on the ledger), L&D says what
became of it, and the colleague and the ambassador see it; the pages' queries stay constant."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comms.models import Delivery
from engagement.models import Activity, ActivityKind, Need, NeedGroup
from engagement.services import (
    ambassador_accept,
    ambassador_invite,
    group_decide,
    group_forward,
    need_drop,
    need_group,
    nomination_create,
)
from tests.catalog.factories import ItemFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ambassador(personas):
    """The employee, ambassador for Customer Service."""
    row = ambassador_invite(employee=personas.employee, by=personas.hr)
    ambassador_accept(ambassadorship=row, employee=personas.employee)
    return personas.employee


def _page(p):
    return reverse("engagement:department", args=[p.employee.department_id])


def test_a_need_goes_from_a_colleague_to_ld_and_back(personas, ambassador, client):
    dept = personas.employee.department_id
    client.force_login(personas.team_lead.user)
    response = client.post(reverse("engagement:need_drop", args=[dept]), {"text": "Handling angry callers"})
    assert response.status_code == 302
    client.post(reverse("engagement:need_drop", args=[dept]), {"text": "De-escalation role play"})
    need = Need.objects.get(text="Handling angry callers")
    assert need.author == personas.team_lead
    page = client.get(_page(personas))
    assert "in the inbox" in page.content.decode()
    assert "readings" not in page.context  # no uptake for a colleague

    client.force_login(ambassador.user)
    page = client.get(_page(personas))
    assert [n.text for n in page.context["inbox"]] == ["De-escalation role play", "Handling angry callers"]
    ids = [n.pk for n in page.context["inbox"]]
    response = client.post(reverse("engagement:need_group", args=[dept]), {"title": "Difficult calls", "needs": ids})
    assert response.status_code == 302
    group = NeedGroup.objects.get()
    assert set(group.needs.values_list("pk", flat=True)) == set(ids)
    assert client.post(reverse("engagement:need_forward", args=[group.pk])).status_code == 302
    line = Activity.objects.get(kind=ActivityKind.NEED)
    assert (line.employee, line.points > 0, line.label) == (ambassador, True, "Difficult calls")
    client.post(reverse("engagement:need_forward", args=[group.pk]))  # twice: counted once
    assert Activity.objects.filter(kind=ActivityKind.NEED).count() == 1

    client.force_login(personas.hr.user)
    page = client.get(reverse("engagement:needs"))
    assert [g.title for g, _became, _form in page.context["rows"]] == ["Difficult calls"]
    item = ItemFactory(title="Calm on the phone")
    bad = client.post(reverse("engagement:need_decide", args=[group.pk]), {f"g{group.pk}-outcome": "catalog"})
    assert bad.status_code == 400
    NeedGroup.objects.get(outcome="open")  # nothing changed
    response = client.post(
        reverse("engagement:need_decide", args=[group.pk]),
        {f"g{group.pk}-outcome": "catalog", f"g{group.pk}-item": item.pk},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.outcome, group.item, group.decided_by) == ("catalog", item, personas.hr)

    told = set(
        Delivery.objects.filter(message__subject="What became of a learning need").values_list("employee_id", flat=True)
    )
    assert told == {personas.team_lead.pk, ambassador.pk}
    for who in (personas.team_lead, ambassador):
        client.force_login(who.user)
        html = client.get(_page(personas)).content.decode()
        assert "it became the catalog item “Calm on the phone”" in html
        assert reverse("catalog:item_detail", args=[item.pk]) in html


def test_ld_declines_with_a_reason_and_the_colleague_reads_it_in_dutch(personas, ambassador, client):
    need = need_drop(author=personas.manager, text="Golf lessons")
    group = need_group(department=personas.employee.department, title="Sport", need_ids=[need.pk], by=ambassador)
    with pytest.raises(Exception, match="not been forwarded"):
        group_decide(group=group, by=personas.hr, outcome="declined", note="Not learning")
    group_forward(group=group, by=ambassador)
    with pytest.raises(Exception, match="reason"):
        group_decide(group=group, by=personas.hr, outcome="declined")
    group_decide(group=group, by=personas.hr, outcome="declined", note="Not a learning need")
    client.force_login(personas.manager.user)
    client.cookies["django_language"] = "nl"
    html = client.get(_page(personas), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "afgewezen: Not a learning need" in html


def test_only_the_ambassador_groups_and_forwards(personas, ambassador, client):
    need = need_drop(author=personas.manager, text="Excel")
    client.force_login(personas.manager.user)
    response = client.post(
        reverse("engagement:need_group", args=[personas.employee.department_id]), {"title": "X", "needs": [need.pk]}
    )
    assert response.status_code == 404
    group = need_group(department=personas.employee.department, title="X", need_ids=[need.pk], by=ambassador)
    assert client.post(reverse("engagement:need_forward", args=[group.pk])).status_code == 404
    assert NeedGroup.objects.get().forwarded_at is None


def _grow(p, n):
    for i in range(n):
        person = EmployeeFactory(department=p.employee.department, manager=p.manager)
        need = need_drop(author=person, text=f"Need {i}")
        if i % 2:
            group = need_group(department=p.employee.department, title=f"G{i}", need_ids=[need.pk], by=p.employee)
            group_forward(group=group, by=p.employee)
        nomination_create(nominee=person, by=p.manager, reason="Active")


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["employee", "hr", "team_lead"])
def test_the_department_page_queries_do_not_grow_with_the_department(personas, ambassador, client, who):
    client.force_login(getattr(personas, who).user)
    _grow(personas, 2)
    before = _count(client, _page(personas))
    _grow(personas, 8)
    assert _count(client, _page(personas)) == before
    assert before <= 30


@pytest.mark.parametrize("name", ["engagement:needs", "engagement:ambassadors"])
def test_ld_pages_queries_do_not_grow(personas, ambassador, client, name):
    client.force_login(personas.hr.user)
    _grow(personas, 2)
    before = _count(client, reverse(name))
    _grow(personas, 8)
    assert _count(client, reverse(name)) == before
    assert before <= 25


def _moment(title, **audience):
    from datetime import time

    from django.utils import timezone

    from people.audience import Audience
    from policy.services import moment_create

    return moment_create(
        title=title,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=timezone.localdate(),
        start_time=time(9, 0),
        timezone="Europe/Amsterdam",
        duration_minutes=30,
        audience=Audience.of(audience.pop("kind", "everyone"), **audience),
    )


def test_the_page_lists_the_moments_that_reach_the_department_only(personas, org, ambassador, client):
    _moment("Everyone's half hour")
    _moment("Service huddle", kind="department", department=org["service"])
    _moment("Finance close", kind="department", department=org["finance"])
    _moment("Leads' lunch", kind="job_group", job_group=org["leads"])  # the manager is a lead
    client.force_login(personas.employee.user)
    titles = sorted(m.title for m in client.get(_page(personas)).context["moments"])
    assert titles == ["Everyone's half hour", "Leads' lunch", "Service huddle"]
    with CaptureQueriesContext(connection) as ctx:
        client.get(_page(personas))
    before = len(ctx.captured_queries)
    for n in range(5):
        _moment(f"More {n}", kind="department", department=org["finance"])
    with CaptureQueriesContext(connection) as ctx:
        client.get(_page(personas))
    assert len(ctx.captured_queries) == before


def test_the_department_uptake_reads_the_kept_figures_and_says_when(personas, ambassador, client):
    """The department's uptake is monitoring's kept figures when the night kept them (the same
    readings as worked out live), with when they were worked out; else live, without the sentence."""
    from monitoring.services import figures_keep_due

    client.force_login(personas.hr.user)
    live = client.get(_page(personas))
    assert live.context["kept_at"] is None
    assert "These figures were worked out on" not in live.content.decode()
    figures_keep_due()
    kept = client.get(_page(personas))
    assert kept.context["kept_at"] is not None
    assert "These figures were worked out on" in kept.content.decode()

    def shown(response):
        return [(metric.name, fig.numerator, fig.denominator) for metric, fig, _light in response.context["readings"]]

    assert shown(kept) == shown(live)
