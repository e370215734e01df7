"""The results page of a closed survey with N responses to 20 questions and three breakdown
attributes (department, job group, employee or manager), against one hand-written SQL query that
computes the same figures without suppression, in the same run.

    python -m bench.survey_results --scale 50000

Ours: everything the full results page shows (the figures per cell, the released groups under the
minimum-group and differencing rules, everyone's figures and the breakdown by each attribute). The
limit: one GROUPING SETS query over the same answers giving the same counts and sums per group.
The last line is JSON with responses, questions, ours_s, sql_s, ratio, equal, queries, peak_rss_mb.
"""

import argparse
import io
import json
import os
import random
import resource
import time
import uuid
from decimal import Decimal

from bench._db import ensure_database

DB_NAME = "lb_bench_surveys"
DEPARTMENTS, JOB_GROUPS, QUESTIONS = 24, 8, 20


def _prepare_env(args) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    ensure_database(os.environ["DATABASE_URL"], fresh=True)


def _survey():
    from datetime import timedelta

    from django.utils import timezone

    from people.audience import EVERYONE
    from people.models import JobGroup
    from people.services import department_create
    from surveys.services import question_add, survey_create

    root = department_create(name="Bench organisation")
    departments = [department_create(name=f"Department {i}", parent=root).pk for i in range(DEPARTMENTS)]
    job_groups = [JobGroup.objects.create(name=f"Job group {i}").pk for i in range(JOB_GROUPS)]
    survey = survey_create(
        audience=EVERYONE,
        title="Bench",
        closes_at=timezone.now() + timedelta(days=1),
        breakdown_department_depth=1,
        breakdown_job_group=True,
        breakdown_side=True,
    )
    choices = [{"en": f"Option {i}"} for i in range(4)]
    for i in range(QUESTIONS):
        kind = ("likert", "likert", "likert", "nps", "single")[i % 5] if i < QUESTIONS - 2 else "number"
        extra = {"choices": choices} if kind == "single" else {}
        if kind == "number":
            extra = {"min_value": 0, "max_value": 40}
        question_add(survey=survey, kind=kind, text=f"Question {i}", **extra)
    return survey, departments, job_groups


def _load(survey, departments, job_groups, n: int) -> None:
    """COPY n responses and their answers (skewed, so some groups are small)."""
    from django.db import connection

    from surveys.models import Answer, Response

    rng = random.Random(7)
    questions = list(survey.questions.order_by("pk").values_list("pk", "kind"))
    responses, answers = io.StringIO(), io.StringIO()
    for _ in range(n):
        rid = uuid.uuid4()
        department = departments[min(int(rng.expovariate(0.25)), DEPARTMENTS - 1)]
        side = "managers" if rng.random() < 0.12 else "employees"
        responses.write(f"{rid}\t{survey.pk}\tf\t\\N\t\\N\t{department}\t{rng.choice(job_groups)}\t{side}\n")
        for pk, kind in questions:
            value = {
                "likert": lambda: rng.randint(1, 5),
                "nps": lambda: rng.randint(0, 10),
                "single": lambda: rng.randint(1, 4),
                "number": lambda: rng.randint(0, 40),
            }[kind]()
            answers.write(f"{uuid.uuid4()}\t{rid}\t{pk}\t{value}\t\n")
    with connection.cursor() as cursor:
        for table, buffer, columns in (
            (
                Response._meta.db_table,
                responses,
                "id, survey_id, follow_up, employee_id, submitted_at, department_id, job_group_id, side",
            ),
            (Answer._meta.db_table, answers, "id, response_id, question_id, value, text"),
        ):
            buffer.seek(0)
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        cursor.execute(f"VACUUM ANALYZE {Response._meta.db_table}")
        cursor.execute(f"VACUUM ANALYZE {Answer._meta.db_table}")


def _ours(survey):
    from surveys.anonymity import EVERYONE
    from surveys.results import results_view
    from surveys.selectors import survey_figures

    figures = survey_figures(survey)
    views = [results_view(survey, figures, group=EVERYONE, by=by) for by in ("department", "job_group", "side")]
    return figures, views


SQL = """
SELECT d, jg, side, GROUPING(d, jg, side) AS g, qid, v, COUNT(*), SUM(val)
FROM (
    SELECT r.department_id AS d, r.job_group_id AS jg, r.side, a.question_id AS qid, a.value AS val,
           CASE WHEN q.kind = 'number' THEN NULL ELSE a.value END AS v
    FROM surveys_answer a
    JOIN surveys_response r ON r.id = a.response_id
    JOIN surveys_question q ON q.id = a.question_id
    WHERE r.survey_id = %s AND NOT r.follow_up AND q.kind <> 'text'
) x
GROUP BY GROUPING SETS ((qid, v), (d, qid, v), (jg, qid, v), (side, qid, v))
"""


def _sql(survey) -> dict:
    from django.db import connection

    from surveys.anonymity import Group

    result = {}
    with connection.cursor() as cursor:
        cursor.execute(SQL, [survey.pk])
        for department, job_group, side, grouping, question, value, n, total in cursor.fetchall():
            group = Group(
                department if not grouping & 4 else None,
                job_group if not grouping & 2 else None,
                side if not grouping & 1 else "",
            )
            entry = result.setdefault((group, question), [{}, Decimal(0), 0])
            if value is not None:
                entry[0][int(value)] = n
            entry[1] += total
            entry[2] += n
    return result


def _equal(views, limit: dict) -> bool:
    for view in views:
        for column in view.columns:
            for pk, f in column.questions.items():
                counts, total, answers = limit[(column.group, pk)]
                if f.counts != counts or f.total != total or f.answers != answers:
                    return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=50_000)
    parser.add_argument("--database", default=DB_NAME)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    _prepare_env(args)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from surveys.services import survey_close, survey_open

    survey, departments, job_groups = _survey()
    survey = survey_open(survey=survey)
    _load(survey, departments, job_groups, args.scale)
    survey = survey_close(survey=survey)
    ours_times, sql_times = [], []
    for _ in range(args.runs):  # alternate, best of each
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            figures, views = _ours(survey)
        ours_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        limit = _sql(survey)
        sql_times.append(time.perf_counter() - t0)
    ours, sql = min(ours_times), min(sql_times)
    shown = len(figures.released)
    hidden = sum(v.hidden for v in views)
    print(f"released groups: {shown}; breakdown groups held back: {hidden}")
    result = {
        "responses": args.scale,
        "questions": QUESTIONS,
        "ours_s": round(ours, 3),
        "sql_s": round(sql, 3),
        "ratio": round(ours / sql, 2),
        "equal": _equal(views, limit),
        "queries": len(queries),
        "released_groups": shown,
        "hidden_groups": hidden,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
