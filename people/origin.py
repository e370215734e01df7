"""A create form opened from another page ("create from the programme"): the audience and title it
starts with, read from the query string, and, once the object is made, a signal naming the page it
was made from (the `from` parameter, kept because the form posts back to its own address), so the
app that asked, on a floor above, links the new object without this app knowing it."""

from django.dispatch import Signal

from .audience import Audience, AudienceKind

ORIGIN = "from"
# sender: the model; obj: the new object; origin: the `from` value ("programme:7"); user: who made it
created_from = Signal()


MAX_ID = 2**31 - 1  # beyond it PostgreSQL's integer would refuse the query, not answer "none"


def _id(value) -> int | None:
    value = str(value or "")
    return int(value) if value.isdigit() and len(value) < 11 and int(value) <= MAX_ID else None


def initial_from(query, *, title_field: str = "title") -> dict:
    """The form's initial values from ?audience_kind=&audience_department=&audience_job_group=&title=;
    a value that does not parse is left out (the form starts as it always does)."""
    initial = {}
    kind = query.get("audience_kind", "")
    if kind in AudienceKind.values:
        initial["audience"] = Audience.of(
            kind,
            department=_id(query.get("audience_department")),
            job_group=_id(query.get("audience_job_group")),
            manager=_id(query.get("audience_manager")),
        )
    title = (query.get("title") or "").strip()
    if title:
        initial[title_field] = title[:200]
    return initial


def tell_created(request, obj) -> None:
    """After a create form saved `obj`: tell whoever listens where it was made from, if anywhere."""
    origin = request.GET.get(ORIGIN, "")
    if origin:
        created_from.send(sender=type(obj), obj=obj, origin=origin, user=request.user)
