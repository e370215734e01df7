"""Answering: one response per invitation, also under a double submit or two tabs, and nothing
stored unless every answer is valid. In an anonymous survey nothing written links the response to
the person: the invitation is only flagged as answered, the response has a random key and no time."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.formatting import figure
from people.models import DepartmentClosure, Employee

from ..models import Answer, Invitation, Question, QuestionKind, Response, Side, Survey

TEXT_LIMIT = 2000


@dataclass(frozen=True)
class CleanAnswer:
    question: Question
    value: Decimal | None = None
    text: str = ""


def side_of(employee: Employee) -> str:
    """Managers (anyone with an active report) answer the managers' statements of a barrier scan."""
    return Side.MANAGERS if Employee.objects.filter(manager=employee, active=True).exists() else Side.EMPLOYEES


def questions_for(survey: Survey, *, side: str, follow_up: bool = False) -> list[Question]:
    return [
        q
        for q in survey.questions.select_related("section").order_by("section__order", "order", "pk")
        if q.follow_up == follow_up and q.side in (Side.ALL, side)
    ]


def _integer(raw, low: int, high: int) -> int:
    try:
        number = int(str(raw).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("Choose a value from %(low)s to %(high)s.") % {"low": low, "high": high}) from None
    if not low <= number <= high:
        raise ValidationError(_("Choose a value from %(low)s to %(high)s.") % {"low": low, "high": high})
    return number


def _plain(value: Decimal) -> str:
    return figure(value, 0 if value == value.to_integral_value() else 2)


def _number(question: Question, raw) -> Decimal:
    try:
        number = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter a number.")) from None
    if not number.is_finite() or abs(number) >= Decimal("10000000"):
        raise ValidationError(_("Enter a number."))
    if question.min_value is not None and number < question.min_value:
        raise ValidationError(_("Enter at least %(min)s.") % {"min": _plain(question.min_value)})
    if question.max_value is not None and number > question.max_value:
        raise ValidationError(_("Enter at most %(max)s.") % {"max": _plain(question.max_value)})
    return number.quantize(Decimal("0.01"))


def _blank(raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, list | tuple):
        return not [r for r in raw if str(r).strip()]
    return not str(raw).strip()


def _clean_one(question: Question, raw) -> list[CleanAnswer]:
    kind = question.kind
    if kind == QuestionKind.TEXT:
        if not isinstance(raw, str):
            raise ValidationError(_("Enter text."))
        text = raw.strip()
        if len(text) > TEXT_LIMIT:
            raise ValidationError(_("At most %(n)s characters.") % {"n": TEXT_LIMIT})
        return [CleanAnswer(question, text=text)]
    if kind == QuestionKind.NUMBER:
        return [CleanAnswer(question, value=_number(question, raw))]
    high = {QuestionKind.LIKERT: 5, QuestionKind.NPS: 10}.get(kind, len(question.choices or []))
    low = 0 if kind == QuestionKind.NPS else 1
    if kind == QuestionKind.MULTIPLE:
        values = raw if isinstance(raw, list | tuple) else [raw]
        numbers = sorted({_integer(v, low, high) for v in values if str(v).strip()})
        return [CleanAnswer(question, value=Decimal(n)) for n in numbers]
    if isinstance(raw, list | tuple | dict):
        raise ValidationError(_("Choose one value."))
    return [CleanAnswer(question, value=Decimal(_integer(raw, low, high)))]


def answers_clean(questions: list[Question], data: dict) -> list[CleanAnswer]:
    """Validate the raw answers (`{question_id: value or list}`), every problem at once, keyed
    `q<id>`; unknown question ids are refused too."""
    errors: dict[str, str] = {}
    clean: list[CleanAnswer] = []
    known = {q.pk for q in questions}
    for key in data:
        try:
            if int(key) not in known:
                errors["answers"] = _("An answer was given to a question this survey does not ask you.")
        except (TypeError, ValueError):
            errors["answers"] = _("An answer was given to a question this survey does not ask you.")
    given = {int(k): v for k, v in data.items() if str(k).isdigit()}
    for question in questions:
        raw = given.get(question.pk)
        if _blank(raw):
            if question.required:
                errors[f"q{question.pk}"] = _("This question needs an answer.")
            continue
        try:
            clean.extend(_clean_one(question, raw))
        except ValidationError as exc:
            errors[f"q{question.pk}"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return clean


def _department_at_level(employee: Employee, depth: int) -> int | None:
    """The employee's department, or its ancestor `depth` levels below the top when deeper."""
    if employee.department_id is None:
        return None
    chain = list(
        DepartmentClosure.objects.filter(descendant_id=employee.department_id)
        .order_by("-depth")
        .values_list("ancestor_id", flat=True)
    )  # the top first, the department itself last
    return chain[min(depth, len(chain) - 1)] if chain else employee.department_id


def invitation_for(*, token: str, employee: Employee | None) -> Invitation:
    """The invitation behind a link, for the signed-in person only (a forged or someone else's
    link answers the same "not valid", so links reveal nothing)."""
    invitation = Invitation.objects.select_related("survey").filter(token=token).first()
    if invitation is None or employee is None or invitation.employee_id != employee.pk:
        raise PermissionDenied(_("This survey link is not valid for you."))
    return invitation


def _claim(invitation: Invitation) -> bool:
    """Mark the invitation answered, only if it was not: the one guard against a double submit
    (PostgreSQL re-checks the condition after a concurrent update commits)."""
    return Invitation.objects.filter(pk=invitation.pk, answered=False).update(answered=True) == 1


@transaction.atomic
def response_submit(*, token: str, employee: Employee | None, data: dict, now: datetime | None = None) -> Response:
    invitation = invitation_for(token=token, employee=employee)
    survey = invitation.survey
    now = now or timezone.now()
    if not survey.is_answerable(now):
        raise ValidationError(_("This survey is closed; answers are no longer accepted."), code="closed")
    if invitation.answered:
        raise ValidationError(_("You have already answered this survey. Thank you!"), code="answered")
    side = side_of(employee)
    clean = answers_clean(questions_for(survey, side=side, follow_up=invitation.follow_up), data)
    if not _claim(invitation):
        raise ValidationError(_("You have already answered this survey. Thank you!"), code="answered")
    response = Response.objects.create(
        survey=survey,
        follow_up=invitation.follow_up,
        employee=None if survey.anonymous else employee,
        submitted_at=None if survey.anonymous else now,
        department_id=(
            _department_at_level(employee, survey.breakdown_department_depth)
            if survey.breakdown_department_depth is not None
            else None
        ),
        job_group_id=employee.job_group_id if survey.breakdown_job_group else None,
        side=side if survey.breakdown_side else "",
    )
    Answer.objects.bulk_create(
        [Answer(response=response, question=a.question, value=a.value, text=a.text) for a in clean]
    )
    if not survey.anonymous:
        from .effects import named_response_effects

        named_response_effects(survey=survey, employee=employee, answers=clean)
    from people.signals import domain_event

    # Who answered is known from the invitation anyway; what they answered is not in the event.
    domain_event.send(
        sender=Response,
        name="surveys.response_submitted",
        survey_id=survey.pk,
        survey_kind=survey.kind,
        title=survey.title,
        employee_id=employee.pk if employee is not None else None,
        at=now,
    )
    return response
