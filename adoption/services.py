"""Adoption's writes: a programme and its links, starting a cycle (its figures at the start frozen),
holding the review with its actions, closing actions, reminding owners of actions due (once), and
extending a programme to the next department or job group, and a sponsor's message to the audience
of what they sponsor."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from goals.selectors import sponsor_candidates
from ops.outbox import outbox_enqueue
from people.audience import Audience, audience_problems
from people.audit import audit_record
from people.formatting import day as show_day
from people.models import Employee
from people.notices import literal, notify_each_language

from . import effects
from .models import PROGRAMME_AUDIENCE_KINDS, Action, Cycle, Programme, Review, SponsorMessage

LINKS = ("goals", "surveys", "moments")


def programme_problems(
    *, name: str, audience: Audience, owner: Employee, sponsor: Employee | None, comparison_department
) -> dict[str, str]:
    """What is wrong with a programme, per field; empty when sound. The one validation of the form
    and the services."""
    problems = {}
    if not (name or "").strip():
        problems["name"] = _("Give the programme a name.")
    from people.models import Department, JobGroup

    department = Department.objects.filter(pk=audience.department_id).first() if audience.department_id else None
    job_group = JobGroup.objects.filter(pk=audience.job_group_id).first() if audience.job_group_id else None
    for _part, message in audience_problems(
        audience.kind, department=department, job_group=job_group, kinds=PROGRAMME_AUDIENCE_KINDS
    ).items():
        problems["audience"] = message
    if sponsor is not None:
        if sponsor.pk == owner.pk:
            problems["sponsor"] = _("The sponsor is someone in management, not the programme's owner.")
        elif not sponsor_candidates().filter(pk=sponsor.pk).exists():
            problems["sponsor"] = _("%(name)s is neither a manager nor marked as a sponsor.") % {
                "name": sponsor.full_name
            }
    if comparison_department is not None and audience.department_id == comparison_department.pk:
        problems["comparison_department"] = _("Compare the pilot with another department, not with itself.")
    return problems


def _links(programme: Programme, links: dict) -> None:
    for name in LINKS:
        if name in links:
            getattr(programme, name).set(links[name])


@transaction.atomic
def programme_create(
    *,
    owner: Employee,
    name: str,
    audience: Audience,
    sponsor: Employee | None = None,
    comparison_department=None,
    comms_plan=None,
    extended_from: Programme | None = None,
    **links,
) -> Programme:
    problems = programme_problems(
        name=name, audience=audience, owner=owner, sponsor=sponsor, comparison_department=comparison_department
    )
    if problems:
        raise ValidationError(problems)
    programme = Programme(
        name=name.strip(),
        owner=owner,
        sponsor=sponsor,
        comparison_department=comparison_department,
        comms_plan=comms_plan,
        extended_from=extended_from,
    )
    programme.audience = audience
    programme.full_clean()
    programme.save()
    _links(programme, links)
    return programme


@transaction.atomic
def programme_update(
    *,
    programme: Programme,
    name: str,
    audience: Audience,
    sponsor=None,
    comparison_department=None,
    comms_plan=None,
    **links,
) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    problems = programme_problems(
        name=name,
        audience=audience,
        owner=programme.owner,
        sponsor=sponsor,
        comparison_department=comparison_department,
    )
    if programme.cycles.exists() and audience != programme.audience:
        problems["audience"] = _(
            "The pilot is fixed once a cycle has started; extend the programme to another audience."
        )
    if problems:
        raise ValidationError(problems)
    programme.name = name.strip()
    programme.audience = audience
    programme.sponsor = sponsor
    programme.comparison_department = comparison_department
    programme.comms_plan = comms_plan
    programme.full_clean()
    programme.save()
    _links(programme, links)
    return programme


# --- cycles ---------------------------------------------------------------------------------------


@transaction.atomic
def cycle_start(*, programme: Programme, starts_on: date, ends_on: date, today: date | None = None) -> Cycle:
    """The next cycle, its barrier figures at the start frozen for the pilot and the comparison group."""
    today = today or timezone.localdate()
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    last = programme.cycles.order_by("-number").first()
    problems = {}
    if starts_on > today:
        problems["starts_on"] = _("A cycle starts today or earlier: its figures at the start are taken when it starts.")
    if ends_on <= starts_on:
        problems["ends_on"] = _("The cycle must end after it starts.")
    if last is not None and starts_on < last.ends_on:
        problems["starts_on"] = _("The previous cycle runs until %(day)s.") % {"day": show_day(last.ends_on)}
    if problems:
        raise ValidationError(problems)
    cycle = Cycle.objects.create(
        programme=programme, number=(last.number + 1) if last else 1, starts_on=starts_on, ends_on=ends_on
    )
    effects.freeze(cycle)
    Cycle.objects.filter(pk=cycle.pk).update(baseline_day=starts_on)
    cycle.baseline_day = starts_on
    return cycle


# --- reviews and actions --------------------------------------------------------------------------


def _action_problems(actions: list[dict], today: date) -> dict[str, str]:
    problems = {}
    for n, action in enumerate(actions):
        if not (action.get("text") or "").strip():
            problems[f"action-{n}"] = _("Say what is to be done.")
        elif action.get("owner") is None:
            problems[f"action-{n}"] = _("Give the action an owner.")
        elif action.get("due_on") is None or action["due_on"] < today:
            problems[f"action-{n}"] = _("Give the action a due date from today on.")
    return problems


@transaction.atomic
def review_hold(
    *,
    cycle: Cycle,
    by: Employee,
    worked: str,
    did_not_work: str,
    decisions: str = "",
    actions: list[dict] = (),
    held_on: date | None = None,
) -> Review:
    """The review at the end of a cycle, once; its actions ({text, owner, due_on}) stay open, and
    show in every later cycle, until done."""
    held_on = held_on or timezone.localdate()
    cycle = Cycle.objects.select_for_update().select_related("programme").get(pk=cycle.pk)
    problems = {}
    if Review.objects.filter(cycle=cycle).exists():
        problems["worked"] = _("This cycle has been reviewed already.")
    if not worked.strip():
        problems["worked"] = _("Write down what worked.")
    if not did_not_work.strip():
        problems["did_not_work"] = _("Write down what did not work.")
    if held_on < cycle.starts_on:
        problems["worked"] = _("A cycle is reviewed after it has started.")
    problems.update(_action_problems(list(actions), held_on))
    if problems:
        raise ValidationError(problems)
    review = Review.objects.create(
        cycle=cycle,
        held_on=held_on,
        worked=worked.strip(),
        did_not_work=did_not_work.strip(),
        decisions=decisions.strip(),
        by=by,
    )
    Action.objects.bulk_create(
        Action(review=review, programme=cycle.programme, text=a["text"].strip(), owner=a["owner"], due_on=a["due_on"])
        for a in actions
    )
    audit_record(
        action="programme.reviewed",
        obj=cycle.programme,
        changes={"cycle": cycle.pk, "actions": len(actions)},
        reason=review.decisions,
        by=by.user,
    )
    return review


def action_done(*, action: Action) -> bool:
    """Mark an action done (once: a second click changes nothing)."""
    return bool(Action.objects.filter(pk=action.pk, done_at__isnull=True).update(done_at=timezone.now()))


def actions_remind_due(*, today: date | None = None) -> int:
    """Beat's entry: each open action due today or earlier whose owner was not reminded is claimed
    (a conditional update, so a second beat or a retry claims nothing) and its reminder queued
    through the outbox in the same transaction. Returns how many were claimed."""
    today = today or timezone.localdate()
    due = list(
        Action.objects.filter(done_at__isnull=True, reminded_at__isnull=True, due_on__lte=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    claimed = 0
    for pk in due:
        with transaction.atomic():
            if Action.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=timezone.now()):
                outbox_enqueue("adoption.action_remind_task", pk)
                claimed += 1
    return claimed


def action_remind(*, action_id: int) -> int:
    """Tell the action's owner it is due, in their language, through the delivery service (one
    message key per action: a retried task sends nothing twice)."""
    action = Action.objects.select_related("owner", "programme").filter(pk=action_id, done_at__isnull=True).first()
    if action is None:
        return 0
    values = {"text": literal(action.text), "programme": literal(action.programme.name)}

    def compose():
        values["due"] = show_day(action.due_on)
        subject = _("An action of %(programme)s is due: %(text)s") % values
        body = (
            _("You agreed in the review of %(programme)s to: %(text)s (due %(due)s). Mark it done when it is.") % values
        )
        return subject, body

    link = settings.SITE_URL.rstrip("/") + reverse("adoption:detail", args=[action.programme_id])
    people = [(action.owner_id, action.owner.locale)] if action.owner.active else []
    return notify_each_language(
        key=f"adoption.action_due:{action.pk}", people=people, compose=compose, link=link, category="system"
    )


# --- extend ---------------------------------------------------------------------------------------


@transaction.atomic
def programme_extend(
    *,
    programme: Programme,
    by: Employee,
    name: str,
    audience: Audience,
    sponsor: Employee | None = None,
    today: date | None = None,
) -> Programme:
    """A new programme for the next department or job group, with the setup copied: each goal as a
    new draft for the new audience (its baseline is taken when it is submitted), the learning
    moments re-aimed at the new audience, the communication plan's messages in a new draft plan,
    and the surveys as new drafts for the new audience. The cycles, reviews and figures stay with
    the original; its lessons are shown on the new programme's page."""
    from comms.services.plans import plan_message_save, plan_save
    from goals.services import goal_create
    from policy.models import MOMENT_FIELDS
    from policy.services import moment_create
    from surveys.services.building import SURVEY_FIELDS, question_add, survey_create

    today = today or timezone.localdate()
    new = programme_create(
        owner=by,
        name=name,
        audience=audience,
        sponsor=sponsor,
        comparison_department=programme.comparison_department,
        extended_from=programme,
    )
    goals = []
    for goal in programme.goals.all():
        goal_sponsor = sponsor or goal.sponsor
        if goal_sponsor.pk == by.pk:
            continue
        goals.append(
            goal_create(
                owner=by,
                title=goal.title,
                why=goal.why,
                audience=audience,
                metric=goal.metric,
                target=goal.target,
                deadline=max(goal.deadline, today + timedelta(days=90)),
                sponsor=goal_sponsor,
            )
        )
    moments = []
    for moment in programme.moments.all():
        fields = {f: getattr(moment, f) for f in MOMENT_FIELDS if f not in ("audience", "host")}
        fields["starts_on"] = max(moment.starts_on, today)
        fields["ends_on"] = None
        moments.append(moment_create(by=by, audience=audience, host=moment.host, **fields))
    surveys = []
    for survey in programme.surveys.all():
        fields = {f: getattr(survey, f) for f in SURVEY_FIELDS if f not in ("opens_at", "closes_at")}
        span = (survey.closes_at - survey.opens_at) if survey.opens_at else timedelta(days=14)
        fields["closes_at"] = timezone.now() + max(span, timedelta(days=1))
        copy = survey_create(audience=audience, created_by=by, **fields)
        for q in survey.questions.order_by("order", "pk"):
            question_add(
                survey=copy,
                kind=q.kind,
                text=q.text,
                text_nl=q.text_nl,
                required=q.required,
                choices=q.choices,
                min_value=q.min_value,
                max_value=q.max_value,
                key=q.key,
                barrier=q.barrier,
                side=q.side,
            )
        surveys.append(copy)
    plan = None
    if programme.comms_plan_id:
        old = programme.comms_plan
        plan_name = _("%(plan)s for %(name)s") % {"plan": old.name, "name": name}
        plan = plan_save(name=plan_name[:200], description=old.description)
        for m in old.messages.filter(parent=None).order_by("pk"):
            plan_message_save(
                plan=plan,
                audience=audience,
                subject=m.subject,
                body=m.body,
                link=m.link,
                channels=[c for c in m.channels if c != "webhook"],
                reason=m.reason,
                when=m.when,
                send_at=m.send_at if m.send_at is None or m.send_at >= timezone.now() else None,
                recurrence=m.recurrence,
                trigger=m.trigger,
                mandatory=m.mandatory,
            )
    new.comms_plan = plan
    new.save(update_fields=["comms_plan"])
    new.goals.set(goals)
    new.moments.set(moments)
    new.surveys.set(surveys)
    return new


# --- the sponsor's message --------------------------------------------------------------------------

SUBJECT_MAX = 150
BODY_MAX = 2000


def sponsor_message_problems(*, sender: Employee, subject: str, body: str, goal=None, programme=None) -> dict:
    """What is wrong with a sponsor's message, per field; empty when sound (the one validation)."""
    problems = {}
    target = goal or programme
    if (goal is None) == (programme is None):
        problems["target"] = _("Choose one goal or programme.")
    elif target.sponsor_id != sender.pk:
        problems["target"] = _("You can only write to the audience of what you sponsor.")
    if not (subject or "").strip():
        problems["subject"] = _("Give the message a subject.")
    elif len(subject) > SUBJECT_MAX:
        problems["subject"] = _("Keep the subject under %(n)s characters.") % {"n": SUBJECT_MAX}
    if not (body or "").strip():
        problems["body"] = _("Write the message.")
    elif len(body) > BODY_MAX:
        problems["body"] = _("Keep the message under %(n)s characters.") % {"n": BODY_MAX}
    return problems


def sponsor_message_send(
    *, sender: Employee, key, subject: str, body: str, goal=None, programme=None
) -> tuple[SponsorMessage, bool]:
    """Send the message to each active person in the goal's or programme's audience, once, each
    with the lines around it in their own language. `key` comes with the form: the same form sent
    twice (a double click, a resent request) finds the first message (the unique key) and sends
    nothing more. Returns the message and whether it was sent now."""
    from django.db import IntegrityError

    from people.audience import employees_in

    problems = sponsor_message_problems(sender=sender, subject=subject, body=body, goal=goal, programme=programme)
    if problems:
        raise ValidationError(problems)
    target = goal or programme
    try:
        with transaction.atomic():
            message = SponsorMessage.objects.create(
                key=key, sender=sender, goal=goal, programme=programme, subject=subject.strip(), body=body.strip()
            )
            people = list(employees_in(target.audience).values_list("pk", "locale"))
            values = {
                "sponsor": literal(sender.full_name),
                "what": literal(getattr(target, "title", None) or target.name),
            }

            def compose():
                intro = _("A message from %(sponsor)s, who sponsors “%(what)s”:") % values
                return literal(message.subject), intro + "\n\n" + literal(message.body)

            link = settings.SITE_URL.rstrip("/") + (
                reverse("goals:detail", args=[goal.pk]) if goal else reverse("home")
            )
            notify_each_language(
                key=f"adoption.sponsor_message:{message.pk}",
                people=people,
                compose=compose,
                link=link,
                category="system",
            )
            message.recipients = len(people)
            message.save(update_fields=["recipients"])
            audit_record(
                action="sponsor.message_sent",
                obj=message,
                changes={
                    "goal": goal.pk if goal else None,
                    "programme": programme.pk if programme else None,
                    "recipients": len(people),
                },
                by=sender.user,
            )
    except IntegrityError:
        existing = SponsorMessage.objects.filter(key=key).first()
        if existing is None:
            raise
        return existing, False
    return message, True


# --- made from the programme ------------------------------------------------------------------------


@transaction.atomic
def programme_link(*, programme: Programme, obj) -> bool:
    """Link a goal, survey, learning moment or communication plan to the programme (made from its
    page, with its audience filled in). A plan becomes the programme's plan when it has none yet.
    Returns whether anything changed."""
    from comms.models import CommunicationPlan
    from goals.models import Goal
    from policy.models import LearningMoment
    from surveys.models import Survey

    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    many = {Goal: programme.goals, Survey: programme.surveys, LearningMoment: programme.moments}
    for model, related in many.items():
        if isinstance(obj, model):
            if related.filter(pk=obj.pk).exists():
                return False
            related.add(obj)
            return True
    if isinstance(obj, CommunicationPlan):
        if programme.comms_plan_id is not None:
            return False
        programme.comms_plan = obj
        programme.save(update_fields=["comms_plan"])
        return True
    raise ValueError(f"a programme does not link {type(obj).__name__}")


def created_from_programme(sender, *, obj, origin: str, user, **kwargs) -> None:
    """people.origin's signal: an object made from a programme's page ("programme:<pk>") is linked
    to it, when the person who made it runs that programme."""
    from .access import may_manage
    from .selectors import programmes_visible_to

    kind, _sep, pk = origin.partition(":")
    if kind != "programme" or not pk.isdigit():
        return
    programme = programmes_visible_to(user).filter(pk=int(pk)).first()
    if programme is not None and may_manage(user, programme):
        programme_link(programme=programme, obj=obj)
