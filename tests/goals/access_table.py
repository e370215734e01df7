"""Who may open the goal pages and take each step (issue 16). The personas: employee, manager (and
team lead, indirect report) in Customer Service; other_employee and outsider_manager in Finance;
hr (L&D staff) at the top. The goals: hr owns them and the manager sponsors them."""

from datetime import timedelta

from django.utils import timezone

from tests.access import Row, only_hr, same


def _goal(p, status):
    from goals.models import Goal
    from tests.goals.helpers import active, draft, submitted

    title = f"Matrix {status}"
    found = Goal.objects.filter(title=title).first()
    if found:
        return found
    make = {"draft": draft, "submitted": submitted, "active": active}[status]
    return make(p, title=title)


def _draft(p):
    return {"pk": _goal(p, "draft").pk}


def _submitted(p):
    return {"pk": _goal(p, "submitted").pk}


def _active(p):
    return {"pk": _goal(p, "active").pk}


def _sponsor_mark(p):
    from goals.services import sponsor_mark

    return {"pk": sponsor_mark(employee=p.employee, by=p.hr).pk}


def _proposal(p):
    """A goal for Customer Service: the manager's own team; not the outsider manager's."""
    return {
        "title": "More of us learn",
        "why": "Customers notice it.",
        "audience_kind": "department",
        "audience_department": p.employee.department_id,
        "metric": "participation",
        "target": "40",
        "deadline": str(timezone.localdate() + timedelta(days=120)),
        "sponsor": p.team_lead.pk,
        "save": "1",
    }


OWNER_AND_SPONSOR = same(404, anonymous=302, manager=200, hr=200)
PROPOSERS = same(403, anonymous=302, manager=200, outsider_manager=200, hr=200)

ROWS = [
    Row("goals:list", same(200, anonymous=302)),
    Row("goals:create", PROPOSERS),
    # A manager proposes for their own team (saved: 302); the outsider manager for another team is
    # refused with the form's error (400); employees may not propose.
    Row("goals:create", same(403, anonymous=302, manager=302, outsider_manager=400, hr=302), "post", data=_proposal),
    Row("goals:detail", OWNER_AND_SPONSOR, kwargs=_draft),
    # An active goal is read by its audience too (Customer Service), not by Finance.
    Row("goals:detail", same(404, anonymous=302, employee=200, manager=200, hr=200), kwargs=_active),
    Row("goals:edit", same(404, anonymous=302, manager=403, hr=200), kwargs=_draft),
    Row("goals:submit", same(404, anonymous=302, manager=403, hr=302), "post", kwargs=_draft),
    # Only the sponsor decides; the owner (hr) may not approve their own goal.
    Row(
        "goals:decide",
        same(404, anonymous=302, manager=302, hr=403),
        "post",
        kwargs=_submitted,
        data={"decision": "approve"},
    ),
    # The audience reads an active goal but only its owner withdraws it.
    Row("goals:withdraw", same(404, anonymous=302, employee=403, manager=403, hr=302), "post", kwargs=_active),
    Row("goals:sponsors", only_hr()),
    Row("goals:sponsor_remove", same(403, anonymous=302, hr=302), "post", kwargs=_sponsor_mark),
    # The sponsor field's search: whoever may propose a goal (or run a programme) chooses its sponsor.
    Row("goals:sponsor_search", PROPOSERS, query="name=sponsor&id=id_sponsor&sponsor_search=a"),
    # The API is for reporting clients and L&D staff; people read goals on the pages.
    Row("api:goal-list", same(403, anonymous=401, hr=200)),
    Row("api:goal-detail", same(403, anonymous=401, hr=200), kwargs=_active),
]
