"""Reads of the stories: the trainings someone may write about, their own stories, what waits for
L&D, and the published stories other pages show (the PUBLISHED_STORIES port)."""

from catalog.models import Enrolment, LearningItem, Status
from people.registry import PublishedStory

from .models import Story, StoryState
from .story_models import EFFECT_SHORT


def story_items(*, employee):
    """The catalog items this person completed: the only ones they may write a story about."""
    done = Enrolment.objects.filter(employee=employee, status=Status.COMPLETED, item__isnull=False)
    return LearningItem.objects.filter(pk__in=done.values("item_id")).order_by("title")


def stories_of(*, writer):
    return Story.objects.filter(writer=writer).select_related("item").order_by("-created_at")


def stories_to_moderate():
    """Waiting ones first (oldest first: they waited longest), then the latest published ones."""
    waiting = list(
        Story.objects.filter(state=StoryState.SUBMITTED).select_related("item", "writer").order_by("created_at")[:200]
    )
    published = list(
        Story.objects.filter(state=StoryState.PUBLISHED).select_related("item", "writer").order_by("-published_at")[:50]
    )
    return waiting, published


def published_stories(
    item_ids: list[int] | None = None,
    job_group_id: int | None = None,
    limit: int = 3,
    story_ids: list[int] | None = None,
) -> list[PublishedStory]:
    """The PUBLISHED_STORIES port: one query, or none when there is nothing to ask for."""
    if not item_ids and job_group_id is None and not story_ids:
        return []
    rows = Story.objects.filter(state=StoryState.PUBLISHED)
    if story_ids:
        rows = rows.filter(pk__in=list(story_ids))
    if item_ids:
        rows = rows.filter(item_id__in=list(item_ids))
    if job_group_id is not None:
        rows = rows.filter(writer__job_group_id=job_group_id)
    rows = rows.order_by("-published_at", "-pk").values(
        "pk",
        "item_id",
        "item__title",
        "effect",
        "text",
        "quote_with_name",
        "writer__first_name",
        "writer__last_name",
        "published_at",
    )[:limit]
    return [
        PublishedStory(
            story_id=r["pk"],
            item_id=r["item_id"],
            item_title=r["item__title"],
            effect=r["effect"],
            effect_label=str(EFFECT_SHORT[r["effect"]]),
            text=r["text"],
            writer=f"{r['writer__first_name']} {r['writer__last_name']}".strip() if r["quote_with_name"] else None,
            published_at=r["published_at"],
        )
        for r in rows
    ]
