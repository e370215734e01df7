"""Who may open monitoring's pages: L&D staff the dashboard, any department and the thresholds; a
manager their own team only; employees nothing of others (their own figures are on their home)."""

from tests.access import Row, only_hr, same

MANAGERS = {"manager": 200, "outsider_manager": 200}


def a_department(p) -> dict:
    return {"pk": p.employee.department_id}


ROWS = [
    Row("monitoring:dashboard", only_hr()),
    Row("monitoring:dashboard", only_hr(), query="year=2025&department=999999"),  # a form error, not a 500
    Row("monitoring:dashboard", only_hr(), query="export=csv&table=departments"),
    Row("monitoring:dashboard", only_hr(), query="export=xlsx&table=job_groups"),
    Row("monitoring:department", only_hr(), kwargs=a_department),
    Row("monitoring:department", only_hr(), kwargs=a_department, query="export=csv&table=people"),
    Row("monitoring:department", same(403, anonymous=302, hr=404), kwargs=lambda p: {"pk": 999999}),
    Row("monitoring:team", same(403, anonymous=302, **MANAGERS)),
    Row("monitoring:team", same(403, anonymous=302, **MANAGERS), query="export=csv&table=people"),
    Row("monitoring:thresholds", only_hr()),
    Row(
        "monitoring:thresholds",
        same(403, anonymous=302, hr=400),
        method="post",
        data={"participation-green": "x"},
    ),
]


def participation(p) -> dict:
    return {"name": "participation"}


# The API: L&D staff (and reporting clients) anything; a manager their own team only (each team
# asked by id in tests/monitoring/test_api.py); an employee nothing.
ROWS += [
    Row("api:metric-list", same(403, anonymous=401, hr=200, **MANAGERS)),
    Row("api:metric-value", same(403, anonymous=401, hr=200), kwargs=participation),
    Row(
        "api:metric-value",
        same(403, anonymous=401, hr=400, **dict.fromkeys(MANAGERS, 400)),
        kwargs=participation,
        query="audience_kind=team&manager=999999",
    ),
    Row("api:metric-breakdown", same(403, anonymous=401, hr=200), kwargs=participation, query="by=department"),
    Row("api:metric-series", same(403, anonymous=401, hr=200), kwargs=participation),
]
