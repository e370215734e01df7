"""The issue's case: a department of 12 respondents whose sub-departments have 8 and 4. Every filter
combination and breakdown is asked of the results page, both exports and the API; all the groups
any of them showed are put together, and the 4 cannot be derived from them."""

import csv
import io
from itertools import product

import pytest
from django.urls import reverse

from people.audience import EVERYONE
from surveys.anonymity import Group, derivable_minimum
from surveys.selectors import cells_of
from surveys.services import survey_close
from tests.surveys.helpers import department_of_12, open_and_answer, survey_with_all_kinds

pytestmark = pytest.mark.django_db


@pytest.fixture
def scan(personas):
    org = department_of_12()
    people = org["people"]["north"] + org["people"]["south"] + org["people"]["support"]
    survey = survey_with_all_kinds(audience=EVERYONE, breakdown_department_depth=2, breakdown_job_group=True)
    # South answers differently from everyone, so its figures would stand out if derivable.
    survey = open_and_answer(
        survey,
        people,
        lambda i, e: {"likert": "1" if e.department_id == org["south"].pk else "5", "text": f"comment {i}"},
    )
    survey_close(survey=survey)
    return survey, org


def _queries(org):
    departments = [None, org["root"].pk, org["sales"].pk, org["north"].pk, org["south"].pk, org["support"].pk]
    job_group = org["people"]["north"][0].job_group_id
    for department, jg, side, by in product(
        departments, [None, job_group], ["", "employees"], ["", "department", "job_group"]
    ):
        query = {"by": by}
        if department:
            query["department"] = department
        if jg:
            query["job_group"] = jg
        if side:
            query["side"] = side
        yield query


def test_the_4_cannot_be_derived_from_any_page_export_or_api_call(client, hr, scan):
    survey, org = scan
    client.force_login(hr.user)
    labels_seen, groups_seen = set(), set()
    for query in _queries(org):
        page = client.get(reverse("surveys:results", args=[survey.pk]), query)
        assert page.status_code == 200
        view = page.context["view"]
        groups_seen |= {c.group for c in view.columns}
        if view.comments is not None:
            assert view.selected is not None
        exported = client.get(reverse("surveys:export", args=[survey.pk, "csv"]), query)
        rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
        labels_seen |= {row[0] for row in rows[1:]}
        api = client.get(f"/api/v1/surveys/{survey.pk}/results/", query)
        assert api.status_code == 200, api.content
        body = api.json()
        for shown in ([body["selected"]] if body["selected"] else []) + body["breakdown"]:
            g = shown["group"]
            groups_seen.add(Group(g["department"], g["job_group"], g["side"]))
    cells = cells_of(survey)
    assert cells.size(Group(org["south"].pk)) == 4
    assert cells.size(Group(org["sales"].pk)) == 12
    assert Group(org["sales"].pk) in groups_seen  # the department of 12 is shown
    assert Group(org["south"].pk) not in groups_seen
    assert Group(org["north"].pk) not in groups_seen  # Sales minus North would be South
    assert "South" not in " ".join(labels_seen)
    assert "North" not in " ".join(labels_seen)
    assert derivable_minimum(cells, groups_seen) >= survey.min_group_ratings


def test_a_hidden_group_says_so_on_the_page_in_the_export_and_the_api(client, hr, scan):
    survey, org = scan
    client.force_login(hr.user)
    query = {"department": org["south"].pk}
    page = client.get(reverse("surveys:results", args=[survey.pk]), query)
    assert "hidden to protect anonymity" in page.content.decode()
    assert page.context["view"].selected is None
    exported = client.get(reverse("surveys:export", args=[survey.pk, "xlsx"]), query)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)][1:] == []
    body = client.get(f"/api/v1/surveys/{survey.pk}/results/", query).json()
    assert body["shown"] is False
    assert body["selected"] is None
    assert body["comments"] is None


def test_comments_need_the_larger_group(client, hr, scan):
    survey, org = scan
    client.force_login(hr.user)
    everyone = client.get(reverse("surveys:results", args=[survey.pk])).context["view"]
    assert len(everyone.comments) == 21
    sales = client.get(reverse("surveys:results", args=[survey.pk]), {"department": org["sales"].pk}).context["view"]
    assert sales.selected is not None
    assert sales.selected.respondents == 12
    # 12 >= 10, yet everyone's comments minus Sales' would be Support's 9: Sales' comments stay hidden
    assert sales.comments is None
    support = client.get(reverse("surveys:results", args=[survey.pk]), {"department": org["support"].pk}).context[
        "view"
    ]
    assert support.comments is None


def test_a_manager_sees_only_their_own_part(client, scan):
    survey, org = scan
    boss = org["people"]["support"][0]
    from tests.factories import EmployeeFactory, UserFactory

    boss.user = UserFactory(username="support-boss")
    boss.save()
    EmployeeFactory(department=org["support"], manager=boss)
    client.force_login(boss.user)
    own = client.get(reverse("surveys:results", args=[survey.pk]), {"department": org["support"].pk}).context["view"]
    assert own.selected is not None
    other = client.get(reverse("surveys:results", args=[survey.pk]), {"department": org["sales"].pk}).context["view"]
    assert other.selected is None
    whole = client.get(reverse("surveys:results", args=[survey.pk])).context["view"]
    assert whole.selected is None


def test_the_export_is_formula_safe(client, hr, personas):
    from surveys.services import survey_open
    from tests.factories import EmployeeFactory
    from tests.surveys.helpers import answer

    people = [EmployeeFactory() for _ in range(5)]
    survey = survey_open(survey=survey_with_all_kinds(min_group_comments=5))
    for i, person in enumerate(people):
        answer(survey, person, text='=HYPERLINK("http://x.test","click")' if i == 0 else "fine")
    survey_close(survey=survey)
    client.force_login(hr.user)
    exported = client.get(reverse("surveys:export", args=[survey.pk, "csv"]))
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text
    assert ",=HYPERLINK" not in text
