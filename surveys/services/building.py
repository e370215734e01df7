"""Building a survey and moving it through its life: draft → open → closed, then published."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from people.audience import Audience
from people.audit import audit_record, field_changes, saved_version

from ..models import Kind, Question, QuestionKind, Section, Status, Survey

# Fixed once the survey opens: who may be identified depends on them.
FIXED_WHEN_OPEN = (
    "anonymous",
    "min_group_ratings",
    "min_group_comments",
    "breakdown_department_depth",
    "breakdown_job_group",
    "breakdown_side",
    "audience_kind",
    "audience_department",
    "audience_job_group",
    "audience_manager",
    "kind",
)
SURVEY_FIELDS = (
    "title",
    "title_nl",
    "intro",
    "intro_nl",
    "kind",
    "anonymous",
    "min_group_ratings",
    "min_group_comments",
    "breakdown_department_depth",
    "breakdown_job_group",
    "breakdown_side",
    "opens_at",
    "closes_at",
    "reminder_days",
    "item_id",
    "follow_up_days",
)


ANONYMITY_FIELDS = ("anonymous", "min_group_ratings", "min_group_comments")


def _save(survey: Survey) -> Survey:
    if survey.kind == Kind.BARRIER_SCAN:
        survey.breakdown_side = True  # the perception gap compares the two sides
    survey.full_clean()
    if survey.opens_at and survey.opens_at >= survey.closes_at:
        raise ValidationError({"closes_at": _("The survey must close after it opens.")})
    before = saved_version(survey)
    survey.save()
    changes = field_changes(before, survey, ANONYMITY_FIELDS)
    if changes:
        audit_record(action="survey.anonymity", obj=survey, changes=changes)
    return survey


@transaction.atomic
def survey_create(*, audience: Audience, created_by=None, **fields) -> Survey:
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise TypeError(f"unknown survey fields {sorted(unknown)}")
    survey = Survey(created_by=created_by, **fields)
    survey.audience = audience
    return _save(survey)


@transaction.atomic
def survey_update(*, survey: Survey, audience: Audience | None = None, **fields) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == Status.CLOSED:
        raise ValidationError(_("A closed survey cannot be changed."))
    changing = set(fields) | ({"audience_kind"} if audience is not None and audience != survey.audience else set())
    if survey.status != Status.DRAFT:
        fixed = sorted(
            f for f in changing & set(FIXED_WHEN_OPEN) if f == "audience_kind" or getattr(survey, f) != fields[f]
        )
        if fixed:
            raise ValidationError(
                {f if f != "audience_kind" else "audience": _("Fixed once the survey is open.") for f in fixed}
            )
    for name, value in fields.items():
        if name not in SURVEY_FIELDS:
            raise TypeError(f"unknown survey field {name!r}")
        setattr(survey, name, value)
    if audience is not None:
        survey.audience = audience
    return _save(survey)


def _draft_only(survey: Survey) -> None:
    if survey.status != Status.DRAFT:
        raise ValidationError(_("Questions can only be changed while the survey is a draft."))


@transaction.atomic
def section_add(*, survey: Survey, title: str, title_nl: str = "", order: int | None = None) -> Section:
    _draft_only(survey)
    if order is None:
        order = survey.sections.count()
    section = Section(survey=survey, title=title, title_nl=title_nl, order=order)
    section.full_clean()
    section.save()
    return section


def _question_problems(question: Question) -> dict[str, str]:
    problems = {}
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        choices = question.choices
        if not isinstance(choices, list) or len(choices) < 2:
            problems["choices"] = _("Give at least two choices.")
        elif any(not isinstance(c, dict) or not str(c.get("en", "")).strip() for c in choices):
            problems["choices"] = _("Every choice needs an English wording.")
        elif len(choices) > 30:
            problems["choices"] = _("At most 30 choices.")
    elif question.choices:
        problems["choices"] = _("Only choice questions have choices.")
    if question.kind == QuestionKind.NUMBER:
        low, high = question.min_value, question.max_value
        if low is not None and high is not None and Decimal(low) > Decimal(high):
            problems["max_value"] = _("The highest number must not be below the lowest.")
    elif question.min_value is not None or question.max_value is not None:
        problems["min_value"] = _("Only number questions have a range.")
    if question.section_id and question.section.survey_id != question.survey_id:
        problems["section"] = _("That section belongs to another survey.")
    return problems


@transaction.atomic
def question_add(*, survey: Survey, kind: str, text: str, order: int | None = None, **fields) -> Question:
    _draft_only(survey)
    if order is None:
        order = survey.questions.count()
    question = Question(survey=survey, kind=kind, text=text, order=order, **fields)
    question.full_clean()
    problems = _question_problems(question)
    if problems:
        raise ValidationError(problems)
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    _draft_only(question.survey)
    question.delete()


@transaction.atomic
def survey_open(*, survey: Survey, now: datetime | None = None) -> Survey:
    """Open a draft: its anonymity settings are fixed from now on, everyone in the audience is
    invited (once) and the invitations go out through the delivery service on commit."""
    from .inviting import invitations_create

    now = now or timezone.now()
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if locked.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be opened."))
    if not locked.questions.exists():
        raise ValidationError(_("Add at least one question before opening the survey."))
    if locked.closes_at <= now:
        raise ValidationError({"closes_at": _("The closing date has passed; choose a later one.")})
    locked.status = Status.OPEN
    locked.opened_at = now
    locked.save(update_fields=["status", "opened_at"])
    if locked.kind != Kind.EVALUATION:  # evaluations invite each person when they complete the training
        invitations_create(survey=locked, now=now)
    return locked


@transaction.atomic
def survey_close(*, survey: Survey, now: datetime | None = None) -> Survey:
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if locked.status != Status.OPEN:
        raise ValidationError(_("Only an open survey can be closed."))
    locked.status = Status.CLOSED
    locked.closed_at = now or timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    # Rewrite every invitation row in this one transaction, so PostgreSQL's row versions no longer
    # carry the transaction in which each person answered (the one their response was written in).
    locked.invitations.update(answered=F("answered"))
    return locked


def surveys_close_due(*, now: datetime | None = None) -> int:
    """Close the open surveys whose closing time has passed (beat)."""
    now = now or timezone.now()
    closed = 0
    for survey in Survey.objects.filter(status=Status.OPEN, closes_at__lte=now):
        try:
            survey_close(survey=survey, now=now)
            closed += 1
        except ValidationError:
            continue  # closed meanwhile by someone else
    return closed


@transaction.atomic
def survey_publish(*, survey: Survey, note: str, now: datetime | None = None) -> Survey:
    """Share the aggregate results with the employees, with what L&D will do with them."""
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if locked.status != Status.CLOSED:
        raise ValidationError(_("Results can be published once the survey is closed."))
    if not note.strip():
        raise ValidationError({"publication_note": _("Say what you will do with the results.")})
    locked.publication_note = note.strip()
    locked.published_at = now or timezone.now()
    locked.save(update_fields=["publication_note", "published_at"])
    return locked
