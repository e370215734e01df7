"""Building surveys and answering them the way people do (through the services)."""

from datetime import timedelta

from django.utils import timezone

from people.audience import EVERYONE, Audience
from surveys.models import QuestionKind
from surveys.services import question_add, response_submit, survey_create, survey_open
from tests.factories import DepartmentFactory, EmployeeFactory, JobGroupFactory


def survey_with_all_kinds(audience: Audience = EVERYONE, **fields):
    """A draft with one question of every type, breakdowns by department (level 2) and job group."""
    defaults = {
        "title": "Everything",
        "title_nl": "Alles",
        "closes_at": timezone.now() + timedelta(days=14),
        "breakdown_department_depth": 2,
        "breakdown_job_group": True,
    }
    survey = survey_create(audience=audience, **{**defaults, **fields})
    choices = [{"en": "Red", "nl": "Rood"}, {"en": "Green", "nl": "Groen"}, {"en": "Blue", "nl": "Blauw"}]
    question_add(survey=survey, kind=QuestionKind.LIKERT, text="Learning is fun", text_nl="Leren is leuk", key="likert")
    question_add(survey=survey, kind=QuestionKind.SINGLE, text="Pick one", choices=choices, key="single")
    question_add(survey=survey, kind=QuestionKind.MULTIPLE, text="Pick some", choices=choices, key="multiple")
    question_add(survey=survey, kind=QuestionKind.NPS, text="Recommend?", key="nps")
    question_add(survey=survey, kind=QuestionKind.NUMBER, text="Hours", min_value=0, max_value=40, key="number")
    question_add(survey=survey, kind=QuestionKind.TEXT, text="Anything else?", required=False, key="text")
    return survey


def by_key(survey) -> dict:
    return {q.key: q for q in survey.questions.all()}


def valid_answers(survey, **overrides) -> dict:
    q = by_key(survey)
    data = {
        q["likert"].pk: "4",
        q["single"].pk: "2",
        q["multiple"].pk: ["1", "3"],
        q["nps"].pk: "9",
        q["number"].pk: "6",
        q["text"].pk: "More time, please.",
    }
    for key, value in overrides.items():
        data[q[key].pk] = value
    return {str(k): v for k, v in data.items()}


def answer(survey, employee, **overrides):
    invitation = survey.invitations.get(employee=employee, follow_up=False)
    return response_submit(token=invitation.token, employee=employee, data=valid_answers(survey, **overrides))


def department_of_12():
    """Org > Sales (12 people: North 8, South 4) and Support (9): the issue's differencing case."""
    root = DepartmentFactory(name="Org")
    sales = DepartmentFactory(name="Sales", parent=root)
    north = DepartmentFactory(name="North", parent=sales)
    south = DepartmentFactory(name="South", parent=sales)
    support = DepartmentFactory(name="Support", parent=root)
    agents = JobGroupFactory(name="Agents")
    people = {
        "north": [EmployeeFactory(department=north, job_group=agents) for _ in range(8)],
        "south": [EmployeeFactory(department=south, job_group=agents) for _ in range(4)],
        "support": [EmployeeFactory(department=support, job_group=agents) for _ in range(9)],
    }
    return {"root": root, "sales": sales, "north": north, "south": south, "support": support, "people": people}


def open_and_answer(survey, people, value_for=lambda i, e: {}):
    survey = survey_open(survey=survey)
    for i, employee in enumerate(people):
        answer(survey, employee, **value_for(i, employee))
    return survey


def evaluation_round(item, satisfied: list[int], *, now=None, close: bool = True):
    """One evaluation round of a learning item the way it happens: each person completes it (the
    invitation), answers "I was satisfied" with the given value, and the round closes."""
    from surveys.services import evaluation_invite, survey_close

    now = now or timezone.now()
    survey = None
    for value in satisfied:
        employee = EmployeeFactory()
        evaluation_invite(employee_id=employee.pk, item_id=item.pk, item_title=item.title, now=now)
        invitation = employee.survey_invitations.get(follow_up=False)
        survey = invitation.survey
        q = by_key(survey)
        data = {q["reaction"].pk: str(value), q["relevance"].pk: "4", q["recommend"].pk: "8"}
        response_submit(token=invitation.token, employee=employee, data={str(k): v for k, v in data.items()}, now=now)
    if close and survey is not None:
        survey = survey_close(survey=survey, now=now + timedelta(days=1))
    return survey
