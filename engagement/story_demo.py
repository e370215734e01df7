"""The stories of the demo: colleagues in several job groups tell what a training they completed
changed (each through the same services people use), L&D published most of them, one waits for
moderation and one was not published, with the reason. The demo employee's job group has a
published story from a colleague, so their home page shows one. Idempotent: once there are
stories, nothing is added."""

from catalog.models import Enrolment, Status
from people.models import Employee

from .models import Story
from .services import story_publish, story_reject, story_submit

TEXTS = [
    (
        "faster",
        "I used to spend an hour on the weekly report. With the spreadsheet tricks from this course it "
        "takes me ten minutes, and I have fewer mistakes in it.",
    ),
    (
        "better",
        "Since the training I let customers finish their story before I answer. Calls are calmer and I "
        "need fewer follow-up calls.",
    ),
    (
        "smarter",
        "I now plan my week in blocks: mornings for focused work, afternoons for meetings. My team "
        "knows when to reach me.",
    ),
    (
        "better",
        "Giving feedback felt awkward. Now I ask first what the other person saw, and the conversation goes both ways.",
    ),
    ("faster", "The checklist from the course saves me a trip back to the warehouse almost every day."),
    ("smarter", "I share what I learned in our Monday stand-up; two colleagues have since enrolled as well."),
    ("better", "My presentations are shorter and clearer: one message per slide, and I practise them once."),
    ("faster", "Shortcuts and templates: I answer routine e-mails in half the time."),
]
REJECTED_REASON = "Your story names a customer; please write it again without the name."


def _writers() -> list[tuple[Employee, int]]:
    """(writer, item) pairs from real completions: the demo employee's job group first (not the demo
    employee themselves: their own home shows colleagues' stories), then one per other job group."""
    demo = Employee.objects.filter(user__username="employee").first()
    done = (
        Enrolment.objects.filter(status=Status.COMPLETED, item__isnull=False, employee__active=True)
        .exclude(employee__user__username__in=["employee", "hr"])
        .select_related("employee")
        .order_by("-completed_at", "pk")
    )
    picked, seen_people, per_group = [], set(), {}
    for enrolment in done.iterator(chunk_size=500):
        person = enrolment.employee
        if person.pk in seen_people or person.job_group_id is None:
            continue
        wanted = 3 if demo is not None and person.job_group_id == demo.job_group_id else 1
        if per_group.get(person.job_group_id, 0) >= wanted:
            continue
        seen_people.add(person.pk)
        per_group[person.job_group_id] = per_group.get(person.job_group_id, 0) + 1
        picked.append((person, enrolment.item_id))
        if len(picked) == len(TEXTS):
            break
    return picked


def story_demo_step() -> None:
    hr = Employee.objects.filter(user__username="hr").first()
    if hr is None or Story.objects.exists():
        return
    for n, ((writer, item_id), (effect, text)) in enumerate(zip(_writers(), TEXTS, strict=False)):
        story = story_submit(writer=writer, item_id=item_id, effect=effect, text=text, quote_with_name=n % 2 == 0)
        if n == 1:
            continue  # waits for moderation
        if n == 3:
            story_reject(story_id=story.pk, by=hr, reason=REJECTED_REASON)
        else:
            story_publish(story_id=story.pk, by=hr)
