"""Every survey page costs the same number of queries for 5 and for many more responses."""

import pytest
from django.urls import reverse

from people.audience import EVERYONE
from surveys.services import survey_close, survey_open
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.surveys.helpers import answer, survey_with_all_kinds

pytestmark = pytest.mark.django_db


def _closed_with(n):
    root = DepartmentFactory(name=f"Org {n}")
    departments = [DepartmentFactory(name=f"D{n}-{i}", parent=root) for i in range(3)]
    people = [EmployeeFactory(department=departments[i % 3]) for i in range(n)]
    survey = survey_open(survey=survey_with_all_kinds(audience=EVERYONE, breakdown_department_depth=1))
    for person in people:
        answer(survey, person)
    return survey_close(survey=survey)


@pytest.mark.parametrize("n", [5, 24])
def test_results_page_and_exports_cost_the_same(client, hr, n, django_assert_max_num_queries):
    survey = _closed_with(n)
    client.force_login(hr.user)
    for by in ("", "department", "job_group"):
        with django_assert_max_num_queries(16):
            assert client.get(reverse("surveys:results", args=[survey.pk]), {"by": by}).status_code == 200
    with django_assert_max_num_queries(14):
        response = client.get(reverse("surveys:export", args=[survey.pk, "csv"]), {"by": "department"})
        b"".join(response.streaming_content)
    with django_assert_max_num_queries(16):
        assert client.get(f"/api/v1/surveys/{survey.pk}/results/", {"by": "department"}).status_code == 200


def test_the_other_pages_have_a_fixed_cost(client, hr, employee, django_assert_max_num_queries):
    survey = _closed_with(5)
    client.force_login(hr.user)
    for name in ("surveys:manage", "surveys:mine"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("surveys:detail", args=[survey.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/surveys/").status_code == 200
