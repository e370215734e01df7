"""The L&D dashboard's figures at scale (issue 14): the four barrier indicators and the department
and job-group breakdowns for a year, computed live by monitoring's fact engine, against ONE
hand-written SQL statement in this file that computes the same figures, in the same run; and the
same figures read from snapshots.

    python -m bench.dashboard --scale 50000 [--runs 3] [--database-url postgres://...]

The organisation is written in bulk (INSERT ... SELECT over generate_series) into its own database
(lb_bench_dashboard, dropped and rebuilt): N employees in 48 teams under 8 divisions under one root
(the departments through people's service, so the closure table is right), 10 job groups, 40 items,
20 enrolments each in every state spread over the year, a budget each with a commitment for 3 in 5,
four messages in the last 90 days (opened by some), a learning moment attended by a third, catalog
visits by half. The year is the last whole one (its snapshot of 31 December covers exactly it, as
a snapshot covers the 365 days up to its day); the live and hand-written figures are computed as on
that day.

- ours_s: monitoring.selectors.metric_overview (the barrier metrics and the department and job-group
  breakdowns in one statement, as the dashboard page asks for them) + barrier_indicators (the
  lights, thresholds), median of --runs.
- sql_s: the hand-written statement (grouping the per-person facts three ways in one query).
- snapshot_s: the same figures from MetricSnapshot (one query), after snapshots_take for that day.
- equal: every numerator and denominator of every metric, organisation, department and job group,
  the same in all three.
- queries_small / queries_large: the dashboard page's query count at 1,000 employees and at N.

Last line, JSON: employees, enrolments, ours_s, sql_s, ratio (goal <= 1.5), snapshot_s,
snapshot_ratio (goal <= 0.2), equal, queries_small, queries_large, peak_rss_mb, seed_s, snapshot_take_s.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
from datetime import date
from decimal import Decimal

SERVER = "postgres://postgres@127.0.0.1:5432"
SMALL = 1000
FORMATS = ["elearning", "classroom", "webinar", "coaching", "micro", "video", "on_the_job", "peer"]
LEVELS = ["basic", "secondary", "bachelor", "master"]
Q4 = Decimal("0.0001")


def setup_django(url: str) -> None:
    from bench._db import ensure_database

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    # as bench.pages renders pages: no collectstatic manifest, no HTTPS redirect, quiet logs
    for name, value in (("DEBUG", "false"), ("STATIC_MANIFEST", "false"), ("SECURE_SSL_REDIRECT", "false"),
                        ("LOG_LEVEL", "ERROR"), ("ALLOWED_HOSTS", "testserver,localhost")):  # fmt: skip
        os.environ.setdefault(name, value)
    ensure_database(url, fresh=True)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


# --- the organisation ----------------------------------------------------------------------------


def build_structure(year: int) -> dict:
    from budgets.models import BudgetPolicy
    from catalog.models import JobGroupSkill, LearningItem, Skill
    from people.models import JobGroup
    from people.services import department_create
    from policy.models import LearningTimePolicy

    root = department_create(name="Bench", external_id="B")
    teams = []
    for d in range(8):
        division = department_create(name=f"Division {d}", parent=root, external_id=f"B{d}")
        teams += [department_create(name=f"Team {d}.{t}", parent=division, external_id=f"B{d}.{t}") for t in range(6)]
    groups = [JobGroup.objects.create(name=f"Group {g}", external_id=f"G{g}") for g in range(10)]
    skills = [Skill.objects.create(name=f"Skill {s}") for s in range(5)]
    for g, group in enumerate(groups[:8]):  # two job groups need no skills
        JobGroupSkill.objects.create(job_group=group, skill=skills[g % 5])
    items = []
    for i in range(40):
        levels = {f"level_{lv}": (i + k) % 3 != 0 for k, lv in enumerate(LEVELS)}
        if i % 5 == 4:
            levels["level_basic"] = False
        item = LearningItem.objects.create(
            title=f"Item {i}",
            provider="Bench",
            provider_key=f"BENCH-{i}",
            format=FORMATS[i % len(FORMATS)],
            duration_hours=Decimal(1 + i % 8),
            cost=Decimal(0),
            active=i % 13 != 12,
            **levels,
        )
        if i % 4:  # not every item teaches a skill; level_basic items leave "skill 4" out
            item.skills.add(skills[i % 5] if not (i % 5 == 4 and levels["level_basic"]) else skills[(i + 1) % 5])
        items.append(item.pk)
    LearningTimePolicy.objects.create(audience_kind="everyone", hours_per_fte=Decimal(40), period="year")
    policy = BudgetPolicy.objects.create(
        name="Bench", amount=Decimal("1000.00"), hours=Decimal(40), period_start=date(year, 1, 1), pro_rata=False
    )
    return {"teams": [t.pk for t in teams], "groups": [g.pk for g in groups], "items": items, "policy": policy.pk}


def add_people(structure: dict, first: int, last: int, year: int) -> None:
    """Employees first..last-1 (by number) with everything they did in the year, in bulk SQL."""
    from django.db import connection, transaction

    teams, groups, items = structure["teams"], structure["groups"], structure["items"]
    y0 = f"{year}-01-01"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO people_employee (created_at, updated_at, first_name, last_name, email, external_id,
                education_level, fte, locale, active, department_id, job_group_id, hired_on)
            SELECT now(), now(), 'B', 'E' || g, 'e' || g || '@bench.invalid', 'E' || g,
                (%(levels)s::text[])[1 + g %% 4],
                CASE WHEN g %% 5 = 0 THEN 0.5 WHEN g %% 7 = 0 THEN 0.8 ELSE 1.0 END,
                'nl', g %% 97 <> 0, (%(teams)s::bigint[])[1 + g %% %(nteams)s],
                (%(groups)s::bigint[])[1 + (g / 3) %% %(ngroups)s],
                CASE WHEN g %% 17 = 0 THEN %(y0)s::date + (g %% 300) WHEN g %% 53 = 0 THEN %(y0)s::date + 400 END
            FROM generate_series(%(first)s, %(last)s - 1) g
            """,
            {
                "levels": LEVELS, "teams": teams, "nteams": len(teams), "groups": groups,
                "ngroups": len(groups), "y0": y0, "first": first, "last": last,
            },
        )  # fmt: skip
        people = "SELECT id, substr(external_id, 2)::int AS g FROM people_employee WHERE external_id ~ '^E[0-9]+$' "
        people += f"AND substr(external_id, 2)::int BETWEEN {int(first)} AND {int(last) - 1}"
        # 20 enrolments each, every one a different item; statuses and dates spread over the year
        cur.execute(
            f"""
            INSERT INTO catalog_enrolment (created_at, updated_at, external_title, external_provider, external_url,
                motivation, status, requested_at, routed_to_ld, routing_note, decision_comment, auto_approved,
                source, employee_id, item_id, via_for_you, started_at, completed_at, rating)
            SELECT now(), now(), '', '', '', 'bench', s.status, s.requested, false, '', '', true, 'web', p.id,
                (%(items)s::bigint[])[1 + (p.g * 7 + k) %% 40], k %% 5 = 0,
                CASE WHEN s.status IN ('started', 'completed') THEN s.requested + interval '3 days' END,
                CASE WHEN s.status = 'completed' THEN s.requested + interval '10 days' END,
                CASE WHEN s.status = 'completed' AND (p.g + k) %% 3 <> 0 THEN 1 + (p.g + k) %% 5 END
            FROM ({people}) p CROSS JOIN generate_series(1, 20) k
            CROSS JOIN LATERAL (SELECT
                (ARRAY['completed', 'completed', 'started', 'requested', 'approved', 'cancelled', 'rejected',
                       'completed'])[1 + (p.g + k * 3) %% 8]::text AS status,
                (%(y0)s::date + ((p.g * 13 + k * 17) %% 380) - 10)::timestamptz + interval '9 hours' AS requested
            ) s
            WHERE (p.g %% 11 <> 0 OR k <= 2)
            """,
            {"items": items, "y0": y0},
        )
        cur.execute(
            f"""
            INSERT INTO budgets_budget (period_start, period_end, expires_on, allocated, committed, spent,
                hours_allocated, hours_used, entitlement, hours_entitlement, basis_amount, basis_hours, created_at,
                employee_id, policy_id, first_viewed_at)
            SELECT %(y0)s::date, %(y1)s::date, %(y1)s::date, 1000,
                CASE WHEN p.g %% 5 < 3 THEN 100 + p.g %% 400 ELSE 0 END,
                CASE WHEN p.g %% 5 < 2 THEN p.g %% 300 ELSE 0 END, 40, 0, 1000, 40, 1000, 40, now(), p.id, %(policy)s,
                CASE WHEN p.g %% 3 <> 0 THEN %(y0)s::timestamptz + (p.g %% 400) * interval '1 day' END
            FROM ({people}) p
            """,
            {"y0": y0, "y1": f"{year}-12-31", "policy": structure["policy"]},
        )
        cur.execute(
            f"""
            INSERT INTO budgets_ledgerentry (created_at, budget_id, allocated, committed, spent, hours_allocated,
                hours_used, kind, description, reason)
            SELECT %(y0)s::timestamptz + ((p.g * 3) %% 360) * interval '1 day', b.id, 0, b.committed, 0, 0, 0,
                'commitment', 'bench', ''
            FROM ({people}) p JOIN budgets_budget b ON b.employee_id = p.id WHERE b.committed > 0
            """,
            {"y0": y0},
        )
        cur.execute("SELECT id FROM comms_message WHERE subject LIKE 'Bench %%' ORDER BY id")
        for n, (message_id,) in enumerate(cur.fetchall()):
            cur.execute(
                f"""
                INSERT INTO comms_delivery (channel, status, attempts, error, created_at, sent_at, opened_at,
                    message_id, employee_id)
                SELECT 'in_app', CASE WHEN p.g %% 23 = 0 THEN 'failed' ELSE 'sent' END, 1, '', t.at,
                    CASE WHEN p.g %% 23 <> 0 THEN t.at END,
                    CASE WHEN (p.g + %(n)s) %% 3 = 0 THEN t.at + interval '2 hours' END, %(m)s, p.id
                FROM ({people}) p
                CROSS JOIN (SELECT %(y1)s::timestamptz - (%(n)s * 30 + 5 + 0) * interval '1 day' AS at) t
                """,
                {"n": n, "m": message_id, "y1": f"{year}-12-31 10:00"},
            )
        cur.execute("SELECT id FROM policy_learningmoment WHERE title = 'Bench moment'")
        moment_id = cur.fetchone()[0]
        cur.execute(
            f"""
            INSERT INTO policy_attendance (occurrence_start, minutes, checked_in_at, employee_id, moment_id)
            SELECT %(y0)s::timestamptz + (o * 90 + 20) * interval '1 day' + interval '12 hours', 30 + o * 15, now(),
                p.id, %(m)s
            FROM ({people}) p CROSS JOIN generate_series(0, 3) o WHERE (p.g + o) %% 3 = 0
            """,
            {"y0": y0, "m": moment_id},
        )
        cur.execute(
            f"""
            INSERT INTO catalog_catalogvisit (day, employee_id)
            SELECT %(y0)s::date + (p.g %% 365), p.id FROM ({people}) p WHERE p.g %% 2 = 0
            """,
            {"y0": y0},
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def add_fixed(year: int) -> None:
    from comms.models import Message
    from policy.models import LearningMoment

    for n in range(4):
        Message.objects.create(subject=f"Bench {n}", body="Bench", category="plan", channels=["in_app"])
    LearningMoment.objects.create(
        title="Bench moment", rrule="FREQ=MONTHLY", starts_on=date(year, 1, 1), start_time="12:00"
    )


# --- the three ways -------------------------------------------------------------------------------


def wanted_metrics() -> tuple[list[str], list[str]]:
    from monitoring import metrics
    from monitoring.reports import BREAKDOWN
    from monitoring.selectors import BARRIERS

    barrier = [n for b in BARRIERS for n in b.metrics if not metrics.get(n).from_survey]
    return barrier, list(BREAKDOWN)


def ours(period, today) -> dict:
    """What the dashboard computes: the four cards, the department and job-group breakdowns."""
    from monitoring.reports import BREAKDOWN
    from monitoring.selectors import BARRIERS, barrier_indicators, metric_overview

    wanted = [n for b in BARRIERS for n in b.metrics]
    values, groups = metric_overview(_everyone(), period, wanted, BREAKDOWN, ("department", "job_group"), today=today)
    result = {}
    for card in barrier_indicators(_everyone(), period, today=today, values=values):
        for r in card.readings:
            if not r.metric.from_survey:
                result[("org", 0, r.metric.name)] = (r.figure.numerator, r.figure.denominator)
    for by, kind in (("department", "dept"), ("job_group", "jg")):
        for key, figures in groups[by].items():
            for name, f in figures.items():
                result[(kind, key, name)] = (f.numerator, f.denominator)
    return result


def _everyone():
    from people.audience import EVERYONE

    return EVERYONE


# The per-person facts, written by hand: the same definitions as monitoring/facts.py, in plain SQL.
HAND_SQL = """
WITH p AS (
    SELECT e.id, e.department_id, e.job_group_id, e.education_level,
        e.fte * (%(last_month)s + 1 - GREATEST(COALESCE(EXTRACT(YEAR FROM e.hired_on) * 12
            + EXTRACT(MONTH FROM e.hired_on) - 1, %(first_month)s), %(first_month)s)) / %(months)s AS fte_part,
        EXISTS (SELECT 1 FROM catalog_jobgroupskill j WHERE j.job_group_id = e.job_group_id) AS needs
    FROM people_employee e
    WHERE e.active AND (e.hired_on IS NULL OR e.hired_on <= %(end)s)
), fit AS (  -- per job group and level: an active item teaches one of the group's skills
    SELECT DISTINCT j.job_group_id, lv.level
    FROM catalog_jobgroupskill j
    JOIN catalog_learningitem_skills s ON s.skill_id = j.skill_id
    JOIN catalog_learningitem i ON i.id = s.learningitem_id AND i.active
    CROSS JOIN LATERAL (VALUES ('basic', i.level_basic), ('secondary', i.level_secondary),
        ('bachelor', i.level_bachelor), ('master', i.level_master)) lv(level, ok)
    WHERE lv.ok
), en AS (
    SELECT x.employee_id,
        COUNT(*) FILTER (WHERE x.began >= %(since)s AND x.began < %(until)s) AS began_n,
        COUNT(*) FILTER (WHERE x.began >= %(since)s AND x.began < %(until)s AND x.status = 'completed') AS completed_n,
        COUNT(*) FILTER (WHERE x.req) AS requested_n,
        COUNT(*) FILTER (WHERE x.req AND NOT x.mandatory) AS elective_n,
        COUNT(*) FILTER (WHERE x.req AND x.via_for_you) AS for_you_n,
        SUM(x.hours) FILTER (WHERE x.fin) AS hours,
        SUM(x.rating) FILTER (WHERE x.fin) AS rating_sum,
        COUNT(x.rating) FILTER (WHERE x.fin) AS rated_n
    FROM (
        SELECT n.employee_id, n.status, n.via_for_you, n.rating, COALESCE(n.started_at, n.completed_at) AS began,
            COALESCE(i.duration_hours, n.external_hours, 0) AS hours,
            EXISTS (SELECT 1 FROM catalog_mandatoryrule r WHERE r.item_id = n.item_id AND r.active) AS mandatory,
            n.requested_at >= %(since)s AND n.requested_at < %(until)s
                AND n.status NOT IN ('rejected', 'cancelled') AS req,
            n.status = 'completed' AND n.completed_at >= %(since)s AND n.completed_at < %(until)s AS fin
        FROM catalog_enrolment n LEFT JOIN catalog_learningitem i ON i.id = n.item_id
    ) x
    GROUP BY x.employee_id
), at AS (
    SELECT employee_id, SUM(minutes) AS minutes FROM policy_attendance
    WHERE occurrence_start >= %(since)s AND occurrence_start < %(until)s GROUP BY employee_id
), vi AS (
    SELECT DISTINCT employee_id FROM catalog_catalogvisit WHERE day >= %(start)s AND day <= %(end)s
), bu AS (
    SELECT b.employee_id, COUNT(*) AS budgets_n, COUNT(*) FILTER (WHERE b.first_viewed_at < %(until)s) AS viewed_n,
        SUM(b.allocated) AS allocated, SUM(b.committed) + SUM(b.spent) AS used,
        COUNT(*) FILTER (WHERE b.mid <= %(as_of)s) AS midway_n,
        COUNT(*) FILTER (WHERE b.mid <= %(as_of)s AND NOT EXISTS (
            SELECT 1 FROM budgets_ledgerentry l WHERE l.budget_id = b.id AND l.kind IN ('commitment', 'spend')
            AND l.created_at < ((b.mid + 1)::timestamp AT TIME ZONE %(tz)s))) AS unused_n
    FROM (SELECT *, period_start + (period_end - period_start) / 2 AS mid FROM budgets_budget
          WHERE period_start <= %(end)s AND period_end >= %(start)s) b
    GROUP BY b.employee_id
), de AS (
    SELECT employee_id, COUNT(*) AS delivered_n,
        COUNT(*) FILTER (WHERE opened_at IS NOT NULL OR read_at IS NOT NULL) AS opened_n
    FROM comms_delivery WHERE status = 'sent' AND sent_at >= %(reach_from)s AND sent_at < %(reach_until)s
    GROUP BY employee_id
), f AS MATERIALIZED (
    SELECT p.id, p.department_id, p.job_group_id, 1 AS people, p.fte_part AS fte,
        p.fte_part * %(policy_per_year)s * %(days)s / 365.0 AS target,
        COALESCE(en.hours, 0) + COALESCE(at.minutes, 0) / 60.0 AS hours,
        CASE WHEN en.began_n > 0 THEN 1 ELSE 0 END AS participated,
        COALESCE(en.began_n, 0) AS began, COALESCE(en.completed_n, 0) AS completed,
        COALESCE(en.requested_n, 0) AS requested, COALESCE(en.elective_n, 0) AS elective,
        COALESCE(en.for_you_n, 0) AS for_you, COALESCE(en.rating_sum, 0) AS rating_sum,
        COALESCE(en.rated_n, 0) AS rated,
        CASE WHEN vi.employee_id IS NOT NULL THEN 1 ELSE 0 END AS visited,
        CASE WHEN bu.budgets_n > 0 THEN 1 ELSE 0 END AS with_budget,
        CASE WHEN bu.viewed_n > 0 THEN 1 ELSE 0 END AS viewed_budget,
        COALESCE(bu.allocated, 0) AS allocated, COALESCE(bu.used, 0) AS used,
        CASE WHEN bu.midway_n > 0 THEN 1 ELSE 0 END AS midway,
        CASE WHEN bu.midway_n > 0 AND bu.unused_n = bu.midway_n THEN 1 ELSE 0 END AS unused_midway,
        COALESCE(de.delivered_n, 0) AS delivered, COALESCE(de.opened_n, 0) AS opened,
        CASE WHEN p.needs THEN 1 ELSE 0 END AS needs_skills,
        CASE WHEN p.needs AND fit.level IS NULL THEN 1 ELSE 0 END AS in_gap,
        CASE WHEN COALESCE(en.began_n, 0) + COALESCE(en.requested_n, 0) = 0 AND COALESCE(at.minutes, 0) = 0
            THEN 1 ELSE 0 END AS no_activity
    FROM p
    LEFT JOIN en ON en.employee_id = p.id
    LEFT JOIN at ON at.employee_id = p.id
    LEFT JOIN vi ON vi.employee_id = p.id
    LEFT JOIN bu ON bu.employee_id = p.id
    LEFT JOIN de ON de.employee_id = p.id
    LEFT JOIN fit ON fit.job_group_id = p.job_group_id AND fit.level = p.education_level
)
SELECT 'org' AS kind, 0 AS key, {sums} FROM f
UNION ALL
SELECT 'dept', c.ancestor_id, {sums} FROM f JOIN people_departmentclosure c ON c.descendant_id = f.department_id
GROUP BY c.ancestor_id
UNION ALL
SELECT 'jg', f.job_group_id, {sums} FROM f WHERE f.job_group_id IS NOT NULL GROUP BY f.job_group_id
"""
HAND_FACTS = [
    "people", "fte", "target", "hours", "participated", "began", "completed", "requested", "elective", "for_you",
    "rating_sum", "rated", "visited", "with_budget", "viewed_budget", "allocated", "used", "midway",
    "unused_midway", "delivered", "opened", "needs_skills", "in_gap", "no_activity",
]  # fmt: skip
# the fact engine's names where the hand-written ones differ
RENAMED = {"target_hours": "target", "policy_hours": "hours"}


def hand_params(period, today) -> dict:
    from datetime import timedelta

    from django.conf import settings

    from monitoring.facts import REACH_DAYS
    from monitoring.periods import _aware

    as_of = period.as_of(today)
    until = _aware(as_of + timedelta(days=1))
    return {
        "start": period.start,
        "end": period.end,
        "since": period.since,
        "until": period.until,
        "as_of": as_of,
        "first_month": period.first_month,
        "last_month": period.last_month,
        "months": Decimal(period.months),
        "days": period.days,
        "reach_from": until - timedelta(days=REACH_DAYS),
        "reach_until": until,
        "tz": settings.TIME_ZONE,
        "policy_per_year": Decimal(40),
    }


def hand_written(period, today) -> dict:
    """The same figures from the one statement above."""
    from django.db import connection

    from monitoring import metrics

    sums = ", ".join(f"SUM({f}) AS {f}" for f in HAND_FACTS)
    with connection.cursor() as cur:
        cur.execute(HAND_SQL.format(sums=sums), hand_params(period, today))
        rows = cur.fetchall()
    barrier, breakdown = wanted_metrics()
    result = {}
    for kind, key, *values in rows:
        facts = dict(zip(HAND_FACTS, values, strict=True))
        for name in barrier if kind == "org" else breakdown:
            m = metrics.get(name)
            num = facts[RENAMED.get(m.numerator, m.numerator)]
            den = facts[RENAMED.get(m.denominator, m.denominator)]
            result[(kind, key, name)] = (num, den)
    return result


def from_snapshots(day) -> dict:
    from monitoring.models import MetricSnapshot

    barrier, breakdown = wanted_metrics()
    kinds = {"organisation": "org", "department": "dept", "job_group": "jg"}
    result = {}
    rows = MetricSnapshot.objects.filter(day=day, metric__in=set(barrier) | set(breakdown)).values_list(
        "scope_kind", "scope_id", "metric", "numerator", "denominator"
    )
    for kind, scope_id, name, num, den in rows:
        kind = kinds[kind]
        if name in (barrier if kind == "org" else breakdown):
            result[(kind, scope_id, name)] = (num, den)
    return result


def _norm(figures: dict) -> dict:
    return {k: (Decimal(n).quantize(Q4), Decimal(d).quantize(Q4)) for k, (n, d) in figures.items()}


def _timed(func, *args):
    from django.db import reset_queries

    reset_queries()
    start = time.perf_counter()
    value = func(*args)
    return time.perf_counter() - start, value


def page_queries(year: int) -> int:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from people.access import LD_STAFF_GROUP
    from people.models import Employee

    user, _created = get_user_model().objects.get_or_create(username="bench-ld")
    user.groups.add(Group.objects.get_or_create(name=LD_STAFF_GROUP)[0])
    Employee.objects.filter(external_id="E1").update(user=user)
    client = Client()
    client.force_login(user)
    client.get(f"/monitoring/?year={year}", secure=True)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/monitoring/?year={year}", secure=True)
    assert response.status_code == 200, response.status_code
    return len(ctx)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", f"{SERVER}/lb_bench_dashboard"))
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from django.utils import timezone

    from monitoring.periods import Period
    from monitoring.services import snapshots_take

    year = timezone.localdate().year - 1
    period, today = Period.year(year), date(year, 12, 31)
    started = time.perf_counter()
    structure = build_structure(year)
    add_fixed(year)
    add_people(structure, 1, SMALL + 1, year)
    queries_small = page_queries(year)
    add_people(structure, SMALL + 1, max(args.scale, SMALL) + 1, year)
    seed_s = time.perf_counter() - started
    print(f"seeded {args.scale} employees in {seed_s:.1f} s", file=sys.stderr, flush=True)
    queries_large = page_queries(year)
    take_s, _rows = _timed(lambda: snapshots_take(day=today))
    ours_t, sql_t, snap_t = [], [], []
    for _run in range(args.runs):  # interleaved, so the shared machine's load falls on all three alike
        t, live = _timed(ours, period, today)
        ours_t.append(t)
        t, hand = _timed(hand_written, period, today)
        sql_t.append(t)
        t, snap = _timed(from_snapshots, today)
        snap_t.append(t)
    live, hand, snap = _norm(live), _norm(hand), _norm(snap)
    equal = live == hand == snap
    if not equal:
        for key in sorted(set(live) | set(hand) | set(snap), key=str):
            if not (live.get(key) == hand.get(key) == snap.get(key)):
                print("differs", key, live.get(key), hand.get(key), snap.get(key), file=sys.stderr)
    from catalog.models import Enrolment
    from people.models import Employee

    ours_s, sql_s, snapshot_s = (statistics.median(t) for t in (ours_t, sql_t, snap_t))
    result = {
        "employees": Employee.objects.filter(active=True).count(),
        "enrolments": Enrolment.objects.count(),
        "year": year,
        "ours_s": round(ours_s, 3),
        "sql_s": round(sql_s, 3),
        "ratio": round(ours_s / sql_s, 2),
        "snapshot_s": round(snapshot_s, 4),
        "snapshot_ratio": round(snapshot_s / sql_s, 4),
        "equal": equal,
        "figures": len(live),
        "queries_small": queries_small,
        "queries_large": queries_large,
        "snapshot_take_s": round(take_s, 2),
        "seed_s": round(seed_s, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
