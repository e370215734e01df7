"""Stories: an employee writes what a completed training changed; L&D publishes or rejects it (a
rejection says why, in the writer's language); the writer may withdraw it. Publishing counts as
activity on the ledger (its rules apply); taking a published story back reverses that line, as a
cancelled enrolment's line is reversed. Every transition locks the story's row, so two moderators
at once make one transition and the second is told it already happened."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Enrolment, Status
from people.notices import literal, notify_each_language

from ..models import ActivityKind, Effect, Story, StoryState
from ..story_models import STORY_MAX
from .ledger import activity_record, activity_reverse

LIVE = (StoryState.SUBMITTED, StoryState.PUBLISHED)


def _source(story: Story) -> str:
    return f"story:{story.pk}"


def story_submit(*, writer, item_id, effect: str, text: str, quote_with_name: bool = False) -> Story:
    """The one validation of a story: a known effect, a few lines of text, a catalog item the
    writer completed, and no other live story of theirs about it."""
    text = (text or "").strip()
    errors = {}
    if effect not in Effect.values:
        errors["effect"] = _("Choose what the training changed: better, faster or smarter.")
    if not text:
        errors["text"] = _("Write a few lines about what changed.")
    elif len(text) > STORY_MAX:
        errors["text"] = _("At most %(max)s characters, please: a few lines.") % {"max": STORY_MAX}
    completed = Enrolment.objects.filter(employee=writer, item_id=item_id, status=Status.COMPLETED)
    if not item_id or not completed.exists():
        errors["item"] = _("Choose a training you completed.")
    elif Story.objects.filter(writer=writer, item_id=item_id, state__in=LIVE).exists():
        errors["item"] = _("You already have a story about this training.")
    if errors:
        raise ValidationError(errors)
    return Story.objects.create(
        writer=writer, item_id=item_id, effect=effect, text=text, quote_with_name=bool(quote_with_name)
    )


def _locked(story_id: int) -> Story:
    """The story's row, locked until the transaction ends (the race test patches this to show why)."""
    return Story.objects.select_for_update().get(pk=story_id)


def _move(story: Story, allowed, to: str, **fields) -> Story:
    """The one transition: a story leaving "published" (rejected, taken down, withdrawn) takes its
    line on the activity ledger back, as a cancelled enrolment's is."""
    if story.state not in allowed:
        raise ValidationError(
            _("This story is already “%(state)s”.") % {"state": StoryState(story.state).label}, code="state"
        )
    if story.state == StoryState.PUBLISHED and to != StoryState.PUBLISHED:
        activity_reverse(employee_id=story.writer_id, kind=ActivityKind.STORY, source=_source(story))
    story.state = to
    for name, value in fields.items():
        setattr(story, name, value)
    story.save(update_fields=["state", "updated_at", *fields])
    return story


@transaction.atomic
def story_publish(*, story_id: int, by) -> Story:
    """`by` is the L&D staff member's employee record."""
    now = timezone.now()
    story = _move(
        _locked(story_id),
        (StoryState.SUBMITTED,),
        StoryState.PUBLISHED,
        decided_by=by,
        decided_at=now,
        published_at=now,
    )
    activity_record(
        employee_id=story.writer_id,
        kind=ActivityKind.STORY,
        source=_source(story),
        subject=f"item:{story.item_id}",
        label=story.item.title,
        at=now,
    )
    writer, title = story.writer, story.item.title

    def compose():
        body = _("Your story about “%(title)s” is published: colleagues read it on the training's page.") % {
            "title": literal(title)
        }
        return _("Your story is published"), body

    notify_each_language(
        key=f"engagement.story_published:{story.pk}",
        people=[(writer.pk, writer.locale)],
        compose=compose,
        link=reverse("catalog:item_detail", args=[story.item_id]),
        category="system",
    )
    return story


@transaction.atomic
def story_reject(*, story_id: int, by, reason: str) -> Story:
    """Reject a waiting story, or take a published one down; the writer is told why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the writer why.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("At most 300 characters.")})
    story = _move(_locked(story_id), LIVE, StoryState.REJECTED, decided_by=by, decided_at=timezone.now(), reason=reason)
    writer = story.writer
    title = story.item.title

    def compose():
        body = _("Your story about “%(title)s” is not published. The reason: %(reason)s") % {
            "title": literal(title),
            "reason": literal(reason),
        }
        return _("Your story is not published"), body

    notify_each_language(
        key=f"engagement.story_rejected:{story.pk}",
        people=[(writer.pk, writer.locale)],
        compose=compose,
        link=reverse("engagement:stories_mine"),
        category="system",
    )
    return story


@transaction.atomic
def story_withdraw(*, story_id: int, writer) -> Story:
    story = _locked(story_id)
    if story.writer_id != writer.pk:
        raise ValidationError(_("Only the writer may withdraw a story."), code="writer")
    return _move(story, LIVE, StoryState.WITHDRAWN)
