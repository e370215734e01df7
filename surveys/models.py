"""Surveys, their questions, who is invited and what was answered.

Anonymity is a property of the data, not of the pages: in an anonymous survey the invitation knows
only that its person answered (no time), and the response holds a random key, no person, no time,
and only the breakdown attributes the survey declares (captured when answered). Answer rows have
random keys too, so not even their order links them to an invitation.
"""

import secrets
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from people.audience import AudienceModel, audience_check
from people.models import Department, Employee, JobGroup

MIN_GROUP_FLOOR = 3  # below this no setting is accepted: a group of two knows each other's answers


class Kind(models.TextChoices):
    CUSTOM = "custom", _("Survey")
    LEARNING_NEEDS = "learning_needs", _("Learning needs")
    BARRIER_SCAN = "barrier_scan", _("Barrier scan")
    EVALUATION = "evaluation", _("Evaluation of a training")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Side(models.TextChoices):
    """Who a mirrored barrier-scan statement is for, and who answered it."""

    ALL = "all", _("Everyone")
    EMPLOYEES = "employees", _("Employees")
    MANAGERS = "managers", _("Managers")


class Barrier(models.IntegerChoices):
    PERSPECTIVES = 1, _("Different perspectives")
    COMMUNICATION = 2, _("Too little communication")
    PERSONALISATION = 3, _("Too little personalisation")
    MONITORING = 4, _("Poor monitoring")


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Agree or disagree (1-5)")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    NPS = "nps", _("Would recommend (0-10)")
    NUMBER = "number", _("A number")
    TEXT = "text", _("Free text")


RATING_KINDS = (QuestionKind.LIKERT, QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.NPS)


def _bilingual(en: str, nl: str) -> str:
    return nl if (get_language() or "en").startswith("nl") and nl else en


class Survey(AudienceModel):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CUSTOM)
    title = models.CharField(_("title (English)"), max_length=200)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200, blank=True)
    intro = models.TextField(_("introduction (English)"), blank=True)
    intro_nl = models.TextField(_("introduction (Dutch)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    anonymous = models.BooleanField(
        _("anonymous"), default=True, help_text=_("Chosen before the survey opens; fixed after.")
    )
    min_group_ratings = models.PositiveSmallIntegerField(
        _("minimum group for figures"), default=5, validators=[MinValueValidator(MIN_GROUP_FLOOR)]
    )
    min_group_comments = models.PositiveSmallIntegerField(
        _("minimum group for comments"), default=10, validators=[MinValueValidator(MIN_GROUP_FLOOR)]
    )
    # The breakdown attributes a response keeps (captured when answered). Department: the
    # respondent's department at this depth of the tree (0 = the top), deeper ones counted there.
    breakdown_department_depth = models.PositiveSmallIntegerField(
        _("break down by department down to level"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    breakdown_job_group = models.BooleanField(_("break down by job group"), default=False)
    breakdown_side = models.BooleanField(
        _("break down by employees and managers"), default=False, help_text=_("Always on for a barrier scan.")
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reminder_days = models.PositiveSmallIntegerField(
        _("remind after (days)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    # Evaluations: the learning item (catalog's id: catalog is a sibling, so no foreign key) and the
    # follow-up asked this many days after the completion.
    item_id = models.PositiveIntegerField(_("learning item"), null=True, blank=True, db_index=True)
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow-up after (days)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    publication_note = models.TextField(_("what we do with it"), blank=True)
    created_by = models.ForeignKey(
        Employee, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-closes_at", "-pk"]
        constraints = [
            audience_check(),
            models.CheckConstraint(
                condition=models.Q(min_group_ratings__gte=MIN_GROUP_FLOOR)
                & models.Q(min_group_comments__gte=models.F("min_group_ratings")),
                name="survey_min_groups",
            ),
            models.UniqueConstraint(
                fields=["item_id"],
                condition=models.Q(kind="evaluation", status="open"),
                name="survey_one_open_evaluation_per_item",
            ),
        ]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        return _bilingual(self.title, self.title_nl)

    @property
    def display_intro(self) -> str:
        return _bilingual(self.intro, self.intro_nl)

    def is_answerable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == Status.OPEN and now < self.closes_at and (self.opens_at is None or now >= self.opens_at)

    @property
    def results_ready(self) -> bool:
        """Figures are shown once the survey is closed: a live result would let anyone subtract
        yesterday's figures from today's and read the answers given in between."""
        return self.status == Status.CLOSED


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title (English)"), max_length=200)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        return _bilingual(self.title, self.title_nl)


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Section, verbose_name=_("section"), null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question (English)"), max_length=300)
    text_nl = models.CharField(_("question (Dutch)"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)
    # Choices: [{"en": "...", "nl": "..."}, ...]; an answer stores the option's position (1-based).
    choices = models.JSONField(_("choices"), default=list, blank=True)
    min_value = models.DecimalField(_("lowest number"), max_digits=9, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("highest number"), max_digits=9, decimal_places=2, null=True, blank=True)
    # What a template's question means to the rest of the platform (e.g. "formats", "reaction").
    key = models.SlugField(_("key"), max_length=40, blank=True)
    barrier = models.PositiveSmallIntegerField(_("barrier"), choices=Barrier.choices, null=True, blank=True)
    side = models.CharField(_("asked of"), max_length=10, choices=Side.choices, default=Side.ALL)
    follow_up = models.BooleanField(
        _("asked in the follow-up"), default=False, help_text=_("Evaluations: asked some days after the training.")
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(barrier__isnull=True) | models.Q(barrier__gte=1, barrier__lte=4),
                name="question_barrier_range",
            )
        ]

    def __str__(self):
        return self.display_text

    @property
    def display_text(self) -> str:
        return _bilingual(self.text, self.text_nl)

    def choice_labels(self) -> list[str]:
        nl = (get_language() or "en").startswith("nl")
        return [(c.get("nl") if nl and c.get("nl") else c.get("en", "")) for c in self.choices or []]

    def scale(self) -> list[int]:
        """The values a rating question can take, in order."""
        if self.kind == QuestionKind.LIKERT:
            return [1, 2, 3, 4, 5]
        if self.kind == QuestionKind.NPS:
            return list(range(11))
        if self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            return list(range(1, len(self.choices or []) + 1))
        return []


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """One per invited person. In an anonymous survey it knows only *that* its person answered: no
    time, and no field that changes when they answer (there is no updated_at)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="survey_invitations")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    answered = models.BooleanField(_("answered"), default=False)
    invited_on = models.DateField(_("invited on"))
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    # Evaluations: the follow-up is a second invitation to the same survey's follow-up questions.
    follow_up = models.BooleanField(_("follow-up"), default=False)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["survey", "employee", "follow_up"], name="invitation_once_per_person")
        ]
        indexes = [models.Index(fields=["survey", "answered"], name="invitation_survey_answered")]

    def __str__(self):
        return f"{self.survey_id} → {self.employee_id}"


class Response(models.Model):
    """One person's answers. Anonymous: a random key, no person, no time; only the declared
    breakdown attributes (department at the chosen level, job group, employee or manager)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    follow_up = models.BooleanField(default=False)
    # Named surveys only (both empty when anonymous):
    employee = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_responses"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The declared breakdown attributes (empty when the survey does not declare them):
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    job_group = models.ForeignKey(JobGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    side = models.CharField(max_length=10, choices=Side.choices, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["survey", "department", "job_group", "side"], name="response_cells")]

    def __str__(self):
        return str(self.pk)


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # A rating, a choice's position (a multiple-choice answer is one row per option) or a number.
    value = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question", "value"], name="answer_once_per_value"),
        ]
        indexes = [models.Index(fields=["question", "value"], name="answer_question_value")]

    def __str__(self):
        return f"{self.question_id}: {self.value if self.value is not None else self.text[:20]}"
