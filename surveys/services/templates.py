"""The three templates that feed the rest of the platform: learning needs, the barrier scan (mirrored
statements for employees and managers on each of the four barriers) and the evaluation of a training.
Wording in English and Dutch; the Dutch sits beside the English because each question carries both."""

from contextlib import suppress
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from people.audience import EVERYONE, Audience

from ..models import Kind, QuestionKind, Side, Status, Survey
from .building import question_add, section_add, survey_close, survey_create, survey_open

# (barrier, key, employees' statement en/nl, managers' statement en/nl)
BARRIER_STATEMENTS = [
    (
        1,
        "time",
        ("I have enough time to learn during work.", "Ik heb genoeg tijd om onder werktijd te leren."),
        (
            "My people have enough time to learn during work.",
            "Mijn mensen hebben genoeg tijd om onder werktijd te leren.",
        ),
    ),
    (
        1,
        "initiative",
        ("I take the initiative to learn new things.", "Ik neem zelf het initiatief om nieuwe dingen te leren."),
        ("My people take the initiative to learn new things.", "Mijn mensen nemen zelf het initiatief om te leren."),
    ),
    (
        2,
        "know_offer",
        ("I know what learning opportunities there are.", "Ik weet welke leermogelijkheden er zijn."),
        ("My people know what learning opportunities there are.", "Mijn mensen weten welke leermogelijkheden er zijn."),
    ),
    (
        2,
        "why",
        ("It is clear to me why learning matters here.", "Het is mij duidelijk waarom leren hier belangrijk is."),
        ("My people know why learning matters here.", "Mijn mensen weten waarom leren hier belangrijk is."),
    ),
    (
        3,
        "fits",
        ("The training on offer fits my work and how I learn.", "Het aanbod past bij mijn werk en hoe ik leer."),
        (
            "The training on offer fits my people's work and how they learn.",
            "Het aanbod past bij het werk van mijn mensen en hoe zij leren.",
        ),
    ),
    (
        4,
        "budget",
        ("I know how much learning budget I have.", "Ik weet hoeveel leerbudget ik heb."),
        ("My people know their learning budget.", "Mijn mensen kennen hun leerbudget."),
    ),
    (
        4,
        "follow_up",
        ("Someone follows up on what I learn.", "Iemand volgt op wat ik leer."),
        ("I follow up on what my people learn.", "Ik volg op wat mijn mensen leren."),
    ),
]

FORMATS = [
    ("elearning", "E-learning", "E-learning"),
    ("classroom", "Classroom", "Klassikaal"),
    ("webinar", "Webinar", "Webinar"),
    ("coaching", "Coaching", "Coaching"),
    ("micro", "Micro-learning", "Microlearning"),
    ("video", "Video", "Video"),
    ("on_the_job", "On-the-job assignment", "Leren in het werk"),
    ("peer", "Peer learning", "Leren van collega's"),
]
MOMENTS = [
    ("start", "At the start of the day", "Aan het begin van de dag"),
    ("midday", "Around lunch", "Rond de lunch"),
    ("end", "At the end of the day", "Aan het eind van de dag"),
    ("own_time", "In my own time", "In mijn eigen tijd"),
]


def _choices(rows) -> list[dict]:
    return [{"value": value, "en": en, "nl": nl} for value, en, nl in rows]


@transaction.atomic
def barrier_scan_create(*, audience: Audience, closes_at: datetime, created_by=None, **fields) -> Survey:
    survey = survey_create(
        audience=audience,
        kind=Kind.BARRIER_SCAN,
        closes_at=closes_at,
        created_by=created_by,
        title=fields.pop("title", "Barrier scan: how do we learn here?"),
        title_nl=fields.pop("title_nl", "Barrièrescan: hoe leren wij hier?"),
        breakdown_side=True,
        **fields,
    )
    order = 0
    for barrier, key, (en_e, nl_e), (en_m, nl_m) in BARRIER_STATEMENTS:
        for side, en, nl in ((Side.EMPLOYEES, en_e, nl_e), (Side.MANAGERS, en_m, nl_m)):
            question_add(
                survey=survey,
                kind=QuestionKind.LIKERT,
                text=en,
                text_nl=nl,
                key=key,
                barrier=barrier,
                side=side,
                order=order,
            )
            order += 1
    question_add(
        survey=survey,
        kind=QuestionKind.TEXT,
        text="What would help you (or your people) learn more?",
        text_nl="Wat zou jou (of je mensen) helpen meer te leren?",
        required=False,
        key="comment",
        order=order,
    )
    return survey


@transaction.atomic
def learning_needs_create(*, audience: Audience, closes_at: datetime, created_by=None, **fields) -> Survey:
    survey = survey_create(
        audience=audience,
        kind=Kind.LEARNING_NEEDS,
        closes_at=closes_at,
        created_by=created_by,
        title=fields.pop("title", "What would you like to learn?"),
        title_nl=fields.pop("title_nl", "Wat wil jij leren?"),
        **fields,
    )
    what = section_add(survey=survey, title="What", title_nl="Wat")
    how = section_add(survey=survey, title="How and when", title_nl="Hoe en wanneer")
    question_add(
        survey=survey,
        section=what,
        kind=QuestionKind.TEXT,
        key="topics",
        required=False,
        text="Which topics or skills would you like to learn?",
        text_nl="Welke onderwerpen of vaardigheden wil je leren?",
    )
    question_add(
        survey=survey,
        section=how,
        kind=QuestionKind.MULTIPLE,
        key="formats",
        choices=_choices(FORMATS),
        text="How do you like to learn?",
        text_nl="Hoe leer je het liefst?",
    )
    question_add(
        survey=survey,
        section=how,
        kind=QuestionKind.NUMBER,
        key="hours",
        min_value=0,
        max_value=40,
        text="How many hours a month could you spend on learning?",
        text_nl="Hoeveel uur per maand zou je aan leren kunnen besteden?",
    )
    question_add(
        survey=survey,
        section=how,
        kind=QuestionKind.SINGLE,
        key="moment",
        choices=_choices(MOMENTS),
        text="When do you prefer to learn?",
        text_nl="Wanneer leer je het liefst?",
    )
    return survey


def _evaluation_questions(survey: Survey) -> None:
    rows = [
        (
            QuestionKind.LIKERT,
            "reaction",
            "I was satisfied with this training.",
            "Ik was tevreden over deze training.",
            False,
        ),
        (
            QuestionKind.LIKERT,
            "relevance",
            "The training was relevant to my work.",
            "De training was relevant voor mijn werk.",
            False,
        ),
        (
            QuestionKind.NPS,
            "recommend",
            "Would you recommend it to a colleague?",
            "Zou je deze training een collega aanraden?",
            False,
        ),
        (
            QuestionKind.LIKERT,
            "apply",
            "I apply what I learned in my work.",
            "Ik pas wat ik leerde toe in mijn werk.",
            True,
        ),
    ]
    for order, (kind, key, en, nl, follow_up) in enumerate(rows):
        question_add(survey=survey, kind=kind, key=key, text=en, text_nl=nl, follow_up=follow_up, order=order)
    question_add(
        survey=survey,
        kind=QuestionKind.TEXT,
        key="comment",
        required=False,
        order=len(rows),
        text="Anything else you want to tell us?",
        text_nl="Wil je nog iets kwijt?",
    )


def evaluation_survey_for(*, item_id: int, item_title: str, now: datetime, follow_up_days: int = 30) -> Survey:
    """The open evaluation of this learning item, made and opened on its first completion. It closes
    after a quarter; later completions start the next one (so results never change once shown)."""
    current = Survey.objects.filter(
        kind=Kind.EVALUATION, item_id=item_id, status=Status.OPEN, closes_at__gt=now
    ).first()
    if current is not None:
        return current
    # A round past its closing time that beat has not closed yet would hold the one open place.
    for expired in Survey.objects.filter(kind=Kind.EVALUATION, item_id=item_id, status=Status.OPEN):
        with suppress(ValidationError):  # closed meanwhile
            survey_close(survey=expired, now=now)
    try:
        with transaction.atomic():
            survey = survey_create(
                audience=EVERYONE,
                kind=Kind.EVALUATION,
                item_id=item_id,
                follow_up_days=follow_up_days,
                title=f"Evaluation: {item_title}"[:200],
                title_nl=f"Evaluatie: {item_title}"[:200],
                closes_at=now + timedelta(days=91),
            )
            _evaluation_questions(survey)
            return survey_open(survey=survey, now=now)
    except IntegrityError:  # another completion made it at the same moment
        return Survey.objects.get(kind=Kind.EVALUATION, item_id=item_id, status=Status.OPEN)


def default_closes_at(days: int = 21) -> datetime:
    return timezone.now() + timedelta(days=days)
