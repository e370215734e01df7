"""Kept figures (issue 21): the nightly task keeps the sums behind the dashboard and the department
pages per period, and the pages read them with the time they were worked out on them. The kept
figures equal the live ones exactly on the small organisation of conftest.py (EXPECTED in
test_metrics), by department, job group, education level, format and month; a running period's are
used only when worked out today; `?fresh=1` works them out now; the pages' query counts stay
constant as the organisation grows."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring.models import KeptFigures
from monitoring.periods import Period
from monitoring.reports import BREAKDOWN, FORMAT_BREAKDOWN
from monitoring.selectors import kept_figures, kept_months, metric_breakdown, metric_values
from monitoring.services import figures_due, figures_keep, figures_keep_due
from people.audience import EVERYONE, Audience, AudienceKind
from tests.catalog.factories import EnrolmentFactory
from tests.factories import EmployeeFactory
from tests.monitoring.test_metrics import EXPECTED

pytestmark = pytest.mark.django_db
Y2025 = Period.year(2025)
D = Decimal


def _pairs(figures: dict) -> dict:
    return {name: (f.value, f.numerator, f.denominator, f.reason) for name, f in figures.items()}


def _rows(rows: dict) -> dict:
    return {key: _pairs(figures) for key, figures in rows.items()}


def test_a_closed_year_is_kept_with_its_exact_figures_and_equals_the_live_ones(small):
    today = date(2026, 1, 10)
    # this year, this month and the 365 days up to today as on today, last year, and last year's
    # twelve closed months
    assert figures_keep_due(today=today) == 16
    assert figures_due(today=today) == []
    kept = kept_figures(EVERYONE, Y2025, today=today)
    values = metric_values(EVERYONE, Y2025, today=today, kept=kept)
    for name, (numerator, denominator, _value) in EXPECTED.items():
        assert (values[name].numerator, values[name].denominator) == (D(numerator), D(denominator)), name
    assert _pairs(values) == _pairs(metric_values(EVERYONE, Y2025, today=today))
    for by, names in (
        ("department", BREAKDOWN),
        ("job_group", BREAKDOWN),
        ("education_level", BREAKDOWN),
        ("format", FORMAT_BREAKDOWN),
    ):
        live = metric_breakdown(by, EVERYONE, Y2025, names, today=today)
        assert _rows(metric_breakdown(by, EVERYONE, Y2025, names, today=today, kept=kept)) == _rows(live), by
    months = kept_months(EVERYONE, Y2025, today=today)
    live = metric_breakdown("month", EVERYONE, Y2025, BREAKDOWN, today=today)
    assert len(live) == 12
    assert _rows(metric_breakdown("month", EVERYONE, Y2025, BREAKDOWN, today=today, kept=months)) == _rows(live)


def test_a_department_reads_its_subtree_and_sub_departments_from_the_organisations_kept_sums(small):
    today = date(2026, 1, 10)
    figures_keep(period=Y2025, as_of=date(2025, 12, 31))
    for department in (small.org, small.sales, small.north, small.it):
        audience = Audience.of(AudienceKind.DEPARTMENT, department=department)
        kept = kept_figures(audience, Y2025, today=today)
        assert _pairs(metric_values(audience, Y2025, today=today, kept=kept)) == _pairs(
            metric_values(audience, Y2025, today=today)
        )
    sales = Audience.of(AudienceKind.DEPARTMENT, department=small.sales)
    assert set(kept_figures(sales, Y2025, today=today).rows("department")) == {small.sales.pk}  # its own only
    kept = kept_figures(sales, Y2025, today=today, departments=[small.north.pk])
    assert set(kept.rows("department")) == {small.sales.pk, small.north.pk}
    north = metric_breakdown("department", sales, Y2025, BREAKDOWN, today=today, kept=kept)[small.north.pk]
    assert _pairs(north) == _pairs(metric_breakdown("department", sales, Y2025, BREAKDOWN, today=today)[small.north.pk])
    with pytest.raises(ValueError, match="only the organisation"):
        kept.rows("job_group")


def test_a_running_period_is_read_only_as_worked_out_today(small):
    today = date(2025, 5, 15)
    # this year, May and the 365 days as on today, 2024 and its twelve months, January to April 2025
    assert figures_keep_due(today=today) == 20
    assert kept_figures(EVERYONE, Y2025, today=today) is not None
    months = kept_months(EVERYONE, Y2025, today=today)
    live = metric_breakdown("month", EVERYONE, Y2025, BREAKDOWN, today=today)
    assert sorted(live) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    assert _rows(metric_breakdown("month", EVERYONE, Y2025, BREAKDOWN, today=today, kept=months)) == _rows(live)
    tomorrow = today + timedelta(days=1)
    assert kept_figures(EVERYONE, Y2025, today=tomorrow) is None  # yesterday's state is not today's
    assert kept_months(EVERYONE, Y2025, today=tomorrow) is None
    # the next night replaces the running year's, month's and 365 days' state, and keeps nothing twice
    assert figures_keep_due(today=tomorrow) == 3
    assert KeptFigures.objects.filter(start=date(2025, 1, 1), end=date(2025, 12, 31)).count() == 1
    rolling = KeptFigures.objects.filter(end__in=[today, tomorrow], as_of__in=[today, tomorrow])
    assert list(rolling.exclude(start__day=1).values_list("end", flat=True)) == [tomorrow]
    assert kept_figures(EVERYONE, Y2025, today=tomorrow) is not None


def test_a_team_or_a_department_and_job_group_are_not_kept(small):
    figures_keep(period=Y2025, as_of=date(2025, 12, 31))
    team = Audience.of(AudienceKind.TEAM, manager=small.a1)
    both = Audience.of(AudienceKind.DEPARTMENT_JOB_GROUP, department=small.sales, job_group=small.agents)
    assert kept_figures(team, Y2025, today=date(2026, 1, 10)) is None
    assert kept_figures(both, Y2025, today=date(2026, 1, 10)) is None


def _context_figures(response) -> dict:
    c = response.context
    tables = {key: [(r.key, _pairs(r.figures)) for r in c[key]] for key in ("departments", "job_groups", "levels")}
    tables |= {key: [(r.key, _pairs(r.figures)) for r in c[key]] for key in ("formats", "months") if key in c}
    return {"values": _pairs(c["overview"].values), **tables}


def test_the_dashboard_says_when_its_kept_figures_were_worked_out_and_equals_them_worked_out_now(
    client_for, hr, personas
):
    client = client_for(hr)
    live = client.get("/monitoring/")
    assert live.context["kept_at"] is None
    assert "These figures were worked out on" not in live.content.decode()
    figures_keep_due()
    kept = client.get("/monitoring/")
    html = kept.content.decode()
    assert kept.context["kept_at"] is not None
    assert "These figures were worked out on" in html
    assert "Work them out now" in html
    assert 'href="?fresh=1"' in html
    fresh = client.get("/monitoring/?fresh=1")
    assert fresh.context["kept_at"] is None
    assert _context_figures(kept) == _context_figures(fresh) == _context_figures(live)
    # a filtered dashboard is worked out now (its groupings within a department are not kept)
    filtered = client.get(f"/monitoring/?department={personas.employee.department_id}")
    assert filtered.context["kept_at"] is None


def test_the_ld_home_panel_reads_the_kept_lights_and_they_equal_the_live_ones(client_for, hr, personas):
    client = client_for(hr)
    live = client.get("/")
    assert live.context["monitoring_kept_at"] is None
    assert "These figures were worked out on" not in live.content.decode()
    figures_keep_due()
    kept = client.get("/")
    assert kept.context["monitoring_kept_at"] is not None
    assert "These figures were worked out on" in kept.content.decode()

    def lights(response):
        return [(c.indicator.light, c.sentence) for c in response.context["monitoring_cards"]]

    assert lights(kept) == lights(live)
    assert len(lights(kept)) == 4


def test_the_department_page_reads_the_kept_figures_too(client_for, hr, personas):
    client = client_for(hr)
    url = f"/monitoring/departments/{personas.employee.department_id}/"
    live = client.get(url)
    figures_keep_due()
    kept = client.get(url)
    assert kept.context["kept_at"] is not None
    assert "These figures were worked out on" in kept.content.decode()
    assert _pairs(kept.context["overview"].values) == _pairs(live.context["overview"].values)
    assert client.get(url + "?fresh=1").context["kept_at"] is None


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def grow_and_keep(personas, n: int) -> None:
    """n more people in the employee's department, each with a completed training, and the
    figures kept again for them, as the night would."""
    for _ in range(n):
        person = EmployeeFactory(department=personas.employee.department, manager=personas.manager)
        EnrolmentFactory(employee=person, status="completed")
    KeptFigures.objects.all().delete()
    figures_keep_due()


def test_the_pages_with_kept_figures_keep_their_query_count_as_the_organisation_grows(client_for, hr, personas):
    client = client_for(hr)
    urls = ["/monitoring/", f"/monitoring/departments/{personas.employee.department_id}/"]

    grow_and_keep(personas, 2)
    for url in urls:
        _count(client, url)
    small = [_count(client, url) for url in urls]
    grow_and_keep(personas, 60)
    assert [_count(client, url) for url in urls] == small
    live = _count(client, "/monitoring/?fresh=1")
    assert small[0] < live  # no fact statement at all: the kept row, the months, names and history


def test_the_kept_time_is_today_and_not_older(small):
    figures_keep_due()
    kept = kept_figures(EVERYONE, Period.this_year())
    assert timezone.localtime(kept.taken_at).date() == timezone.localdate()


def test_a_large_teams_figures_are_kept_and_equal_the_live_ones(client_for, manager, personas, monkeypatch):
    """A team is kept from services.TEAM_KEPT_FROM people up (lowered here to the managers' teams):
    the team page then reads them and says when they were worked out; a smaller team stays live."""
    client = client_for(manager)
    live = client.get("/monitoring/team/")
    monkeypatch.setattr("monitoring.services.TEAM_KEPT_FROM", 1)
    figures_keep_due()
    kept = client.get("/monitoring/team/")
    assert kept.context["kept_at"] is not None
    assert "These figures were worked out on" in kept.content.decode()
    assert _pairs(kept.context["overview"].values) == _pairs(live.context["overview"].values)
    assert [r.employee.pk for r in kept.context["people"]] == [r.employee.pk for r in live.context["people"]]
    assert client.get("/monitoring/team/?fresh=1").context["kept_at"] is None
    period = Period.this_year()
    for who in (personas.manager, personas.team_lead, personas.outsider_manager):
        team = Audience.of(AudienceKind.TEAM, manager=who)
        kept_sums = kept_figures(team, period)
        assert kept_sums is not None
        assert _pairs(metric_values(team, period, kept=kept_sums)) == _pairs(metric_values(team, period))
    monkeypatch.setattr("monitoring.services.TEAM_KEPT_FROM", 100)
    KeptFigures.objects.all().delete()
    figures_keep_due()
    assert kept_figures(Audience.of(AudienceKind.TEAM, manager=personas.manager), period) is None
    assert client.get("/monitoring/team/").context["kept_at"] is None


def test_the_team_sums_are_each_managers_direct_and_indirect_reports(small, monkeypatch):
    """On the hand-built organisation: a1 manages a2, a2 manages a3 (an indirect report of a1)."""
    from people.services import reporting_lines_refresh

    type(small.a1).objects.filter(pk=small.a2.pk).update(manager=small.a1)
    type(small.a1).objects.filter(pk=small.a3.pk).update(manager=small.a2)
    reporting_lines_refresh()
    monkeypatch.setattr("monitoring.services.TEAM_KEPT_FROM", 1)
    figures_keep(period=Y2025, as_of=date(2025, 12, 31))
    today = date(2026, 1, 10)
    a1_team = Audience.of(AudienceKind.TEAM, manager=small.a1)
    values = metric_values(a1_team, Y2025, today=today, kept=kept_figures(a1_team, Y2025, today=today))
    assert (values["participation"].numerator, values["participation"].denominator) == (1, 2)  # a2 began; a3 not
    assert _pairs(values) == _pairs(metric_values(a1_team, Y2025, today=today))
    a2_team = Audience.of(AudienceKind.TEAM, manager=small.a2)
    kept = kept_figures(a2_team, Y2025, today=today)
    assert _pairs(metric_values(a2_team, Y2025, today=today, kept=kept)) == _pairs(
        metric_values(a2_team, Y2025, today=today)
    )
    assert kept_figures(Audience.of(AudienceKind.TEAM, manager=small.d1), Y2025, today=today) is None  # no team


def test_the_as_of_sentence_reads_in_dutch_with_a_dutch_date(client_for, hr, personas):
    import re

    figures_keep_due()
    client = client_for(hr)
    client.cookies["django_language"] = "nl"
    html = client.get("/monitoring/").content.decode()
    sentence = re.search(r'id="figures-as-of">(.*?)</p>', html, re.S).group(1)
    assert "Deze cijfers zijn berekend op" in sentence
    assert "Nu berekenen" in sentence
    assert re.search(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}", sentence)  # 01-12-2026 00:40, not ISO
    assert not re.search(r"\d{4}-\d{2}-\d{2}", sentence)


def test_the_365_days_up_to_today_are_kept_with_the_live_figures_and_yesterdays_go(small):
    """The adoption pages' period (a snapshot's): kept as on today, equal to the live figures for
    the organisation and per department and job group; each night's start moves, so yesterday's
    row is deleted rather than left to pile up; a calendar year of 365 days stays."""
    today = date(2026, 1, 10)
    rolling = Period.rolling_year(today)
    figures_keep_due(today=today)
    kept = kept_figures(EVERYONE, rolling, today=today)
    assert kept is not None
    assert _pairs(metric_values(EVERYONE, rolling, today=today, kept=kept)) == _pairs(
        metric_values(EVERYONE, rolling, today=today)
    )
    for by in ("department", "job_group"):
        live = metric_breakdown(by, EVERYONE, rolling, BREAKDOWN, today=today)
        assert live, by
        assert _rows(metric_breakdown(by, EVERYONE, rolling, BREAKDOWN, today=today, kept=kept)) == _rows(live), by
    for day in range(1, 4):
        figures_keep_due(today=today + timedelta(days=day))
    later = today + timedelta(days=3)
    assert kept_figures(EVERYONE, rolling, today=today) is None
    assert kept_figures(EVERYONE, Period.rolling_year(later), today=later) is not None
    ends = KeptFigures.objects.filter(end=F("as_of")).exclude(start__day=1).values_list("end", flat=True)
    assert list(ends) == [later]  # one row of 365 days, today's
    assert kept_figures(EVERYONE, Y2025, today=later) is not None  # the closed year of 365 days stays


def test_on_the_last_day_of_a_common_year_its_365_days_are_the_year_and_kept_once(small):
    last = date(2025, 12, 31)
    assert Period.rolling_year(last) == Y2025
    assert (Y2025, last) in figures_due(today=last)
    assert len(figures_due(today=last)) == len(set(figures_due(today=last)))
    figures_keep_due(today=last)
    assert figures_keep_due(today=date(2026, 1, 1)) > 0
    assert KeptFigures.objects.filter(start=Y2025.start, end=Y2025.end).count() == 1


def test_a_row_of_today_without_a_fact_kept_since_is_worked_out_again(small):
    """After a deploy that keeps a new fact, today's rows are due again (the pages reading it need
    not wait for the night); the closed periods' rows stay as they are."""
    today = date(2026, 1, 10)
    figures_keep_due(today=today)
    assert figures_due(today=today) == []
    running = KeptFigures.objects.get(start=date(2026, 1, 1), end=date(2026, 12, 31), as_of=today)
    closed = KeptFigures.objects.get(start=Y2025.start, end=Y2025.end)
    for row in (running, closed):
        del row.sums[""][""]["idle_now"]
        row.save()
    assert figures_due(today=today) == [(Period.this_year(today), today)]
    assert figures_keep_due(today=today) == 1
    assert figures_due(today=today) == []


def test_each_persons_figures_are_kept_for_the_running_periods_once_and_go_with_their_state(small):
    """The night keeps every person's own figures (reports.PEOPLE_FACTS) with this year's, this
    month's and the 365 days' sums, equal to what the fact engine works out for them; a second run
    of the day replaces them, the next day's state takes their place, closed periods keep none."""
    from monitoring.facts import fact_sums
    from monitoring.models import KeptPersonFacts
    from monitoring.reports import PEOPLE_FACTS

    today = date(2025, 6, 10)
    figures_keep_due(today=today)
    running = [Period.this_year(today), Period.month(2025, 6), Period.rolling_year(today)]
    people = 0
    for period in running:
        kept = KeptFigures.objects.get(start=period.start, end=period.end, as_of=today)
        rows = {r.employee_id: r for r in KeptPersonFacts.objects.filter(kept=kept)}
        live = fact_sums(EVERYONE, period, PEOPLE_FACTS, by="employee", as_of=today)
        assert set(rows) == set(live), period
        for pk, sums in live.items():
            assert {f: D(getattr(rows[pk], f)) for f in PEOPLE_FACTS} == sums, (period, pk)
        people += len(rows)
        if period == running[0]:  # the comparison compares something
            assert any(sums["began"] and sums["used"] for sums in live.values())
    assert KeptPersonFacts.objects.count() == people
    assert not KeptPersonFacts.objects.filter(kept__as_of__lt=today).exists()  # closed months: none
    KeptFigures.objects.filter(as_of=today).update(sums={})  # a deploy during the day: worked out again
    figures_keep_due(today=today)
    assert KeptPersonFacts.objects.count() == people
    figures_keep_due(today=today + timedelta(days=1))
    assert not KeptPersonFacts.objects.filter(kept__as_of=today).exists()
    assert KeptPersonFacts.objects.filter(kept__as_of=today + timedelta(days=1)).count() == people


def test_each_reader_reads_only_the_part_of_the_kept_row_its_figures_need(personas, monkeypatch):
    """The kept row holds every department, job group, level, format and large team: the
    organisation's total with the groupings asked for, a department the departments' rows, a team
    its own row; what is read equals the whole row's part."""
    monkeypatch.setattr("monitoring.services.TEAM_KEPT_FROM", 1)
    figures_keep_due()
    period = Period.this_year()
    whole = kept_figures(EVERYONE, period)
    assert set(whole.sums) == {None, "department", "job_group", "education_level", "format"}
    levels = kept_figures(EVERYONE, period, parts=("education_level",))
    assert set(levels.sums) == {None, "education_level"}
    assert levels.rows("education_level") == whole.rows("education_level")
    assert levels.total() == whole.total()
    with pytest.raises(ValueError, match="not read"):
        levels.rows("department")
    assert set(kept_figures(EVERYONE, period, parts=()).sums) == {None}
    department = Audience.of(AudienceKind.DEPARTMENT, department=personas.employee.department)
    read = kept_figures(department, period)
    assert set(read.sums) == {"department"}
    assert read.total() == whole.rows("department")[personas.employee.department_id]
    team = Audience.of(AudienceKind.TEAM, manager=personas.manager)
    read = kept_figures(team, period)
    assert read.sums == {"team": {personas.manager.pk: read.total()}}
    assert read.total()["people"] > 0
    assert _pairs(metric_values(team, period, kept=read)) == _pairs(metric_values(team, period))
    assert kept_figures(Audience.of(AudienceKind.TEAM, manager=personas.employee), period) is None  # no team
