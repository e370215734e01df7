"""Who may open the survey pages and endpoints. The personas: employee, manager (and team lead,
indirect report) in Customer Service; other_employee and outsider_manager in Finance; hr at the top."""

from datetime import timedelta

from django.utils import timezone

from people.audience import Audience
from tests.access import Row, only_hr, same


def _survey(p, title, *, status="draft", published=False, department=True):
    from surveys.models import Survey
    from surveys.services import question_add, survey_close, survey_create, survey_open, survey_publish

    found = Survey.objects.filter(title=title).first()
    if found:
        return found
    audience = Audience.of("department", department=p.employee.department) if department else Audience.of("everyone")
    survey = survey_create(
        audience=audience, title=title, closes_at=timezone.now() + timedelta(days=7), breakdown_department_depth=1
    )
    question_add(survey=survey, kind="likert", text="Learning is fun")
    if status in ("open", "closed"):
        survey = survey_open(survey=survey)
    if status == "closed":
        survey = survey_close(survey=survey)
    if published:
        survey = survey_publish(survey=survey, note="We will add learning time.")
    return survey


def _draft(p):
    return {"pk": _survey(p, "Matrix draft").pk}


def _open(p):
    return {"pk": _survey(p, "Matrix open", status="open").pk}


def _closed(p):
    return {"pk": _survey(p, "Matrix closed", status="closed", department=False).pk}


def _published(p):
    return {"pk": _survey(p, "Matrix published", status="closed", published=True, department=False).pk}


def _token(p):
    survey = _survey(p, "Matrix open", status="open")
    return {"token": survey.invitations.get(employee=p.employee).token}


def _question(p):
    survey = _survey(p, "Matrix draft")
    return {"pk": survey.pk, "question_pk": survey.questions.first().pk}


def _csv(p):
    return {**_closed(p), "fmt": "csv"}


INVITED = same(404, anonymous=302, employee=302, manager=302)
MANAGERS_AND_HR = same(404, anonymous=302, manager=200, outsider_manager=200, hr=200)
EVERY_EMPLOYEE = same(200, anonymous=302)

ROWS = [
    Row("surveys:mine", EVERY_EMPLOYEE),
    Row("surveys:answer_start", INVITED, kwargs=_open),
    Row("surveys:answer", same(404, anonymous=302, employee=200), kwargs=_token),
    Row("surveys:answer", same(404, anonymous=302), kwargs=lambda p: {"token": "forged"}),
    # Closed, not published: managers see their own part (when above the minimum), L&D all.
    Row("surveys:results", MANAGERS_AND_HR, kwargs=_closed),
    Row("surveys:export", MANAGERS_AND_HR, kwargs=_csv),
    Row("surveys:results", EVERY_EMPLOYEE, kwargs=_published),
    Row("surveys:manage", only_hr()),
    Row("surveys:create", only_hr()),
    Row("surveys:detail", only_hr(), kwargs=_draft),
    Row("surveys:edit", only_hr(), kwargs=_draft),
    Row("surveys:rate", only_hr(), kwargs=_open),
    Row(
        "surveys:question_add",
        only_hr() | {"hr": 302},
        method="post",
        kwargs=_draft,
        data={"kind": "likert", "text": "Another", "side": "all", "required": "on"},
    ),
    Row("surveys:question_delete", only_hr() | {"hr": 302}, method="post", kwargs=_question),
    Row("surveys:open", only_hr() | {"hr": 302}, method="post", kwargs=_draft),
    Row("surveys:close", only_hr() | {"hr": 302}, method="post", kwargs=_open),
    Row("surveys:publish", only_hr() | {"hr": 302}, method="post", kwargs=_closed, data={"note": "We act."}),
    Row("api:survey-list", same(200, anonymous=401)),
    Row("api:survey-detail", same(404, anonymous=401, manager=200, outsider_manager=200, hr=200), kwargs=_closed),
    Row("api:survey-results", same(404, anonymous=401, manager=200, outsider_manager=200, hr=200), kwargs=_closed),
    Row("api:survey-results", same(200, anonymous=401), kwargs=_published),
]
