"""Who may open the adoption pages (issue 20). The programme's pilot is Customer Service (the
manager's team); its sponsor is the outsider manager in Finance; hr (L&D staff) runs it. Employees
see none of it; the manager sees their team's programme, the sponsor the one they sponsor."""

from datetime import timedelta

from django.utils import timezone

from tests.access import Row, only_hr, same


def _programme(p):
    from adoption.models import Programme
    from tests.adoption.helpers import running

    found = Programme.objects.filter(name="Matrix programme").first()
    return found or running(p, name="Matrix programme")


def _pk(p):
    return {"pk": _programme(p).pk}


def _cycle(p):
    return {"pk": _programme(p).cycles.get(number=1).pk}


def _action(p):
    """An action of a held review, owned by the manager."""
    from adoption.models import Action
    from adoption.services import review_hold

    programme = _programme(p)
    cycle = programme.cycles.get(number=1)
    if not hasattr(cycle, "review"):
        review_hold(
            cycle=cycle,
            by=p.hr,
            worked="Lunch sessions",
            did_not_work="Mails",
            actions=[{"text": "Ask the team", "owner": p.manager, "due_on": timezone.localdate() + timedelta(days=9)}],
        )
    return {"pk": Action.objects.filter(programme=programme).first().pk}


def _new(p):
    return {
        "name": "Finance learns",
        "audience_kind": "department",
        "audience_department": p.other_employee.department_id,
        "sponsor": p.outsider_manager.pk,
        "save": "1",
    }


def _message(p):
    import uuid

    return {"target": f"programme:{_programme(p).pk}", "subject": "Why", "body": "Because", "key": str(uuid.uuid4())}


TEAM_AND_SPONSOR = same(404, anonymous=302, manager=200, outsider_manager=200, hr=200)
L_AND_D = same(403, anonymous=302, hr=200)

ROWS = [
    Row("adoption:list", same(403, anonymous=302, manager=200, outsider_manager=200, hr=200)),
    Row("adoption:home", only_hr()),
    # Managers and marked sponsors, and L&D staff; each sees and writes to only what they sponsor:
    # the programme is the outsider manager's, so the others' choice of it is a form error.
    Row("adoption:sponsor", same(403, anonymous=302, manager=200, outsider_manager=200, hr=200)),
    Row(
        "adoption:sponsor",
        same(403, anonymous=302, manager=400, outsider_manager=302, hr=400),
        "post",
        data=_message,
    ),
    Row("adoption:create", L_AND_D),
    Row("adoption:create", same(403, anonymous=302, hr=302), "post", data=_new),
    Row("adoption:detail", TEAM_AND_SPONSOR, kwargs=_pk),
    Row("adoption:edit", L_AND_D, kwargs=_pk),
    Row("adoption:cycle_create", L_AND_D, kwargs=_pk),
    Row("adoption:extend", L_AND_D, kwargs=_pk),
    Row("adoption:review", L_AND_D, kwargs=_cycle),
    Row("adoption:report", TEAM_AND_SPONSOR, kwargs=_cycle),
    # The owner (the manager) and L&D staff close an action; the sponsor reads it but may not.
    Row(
        "adoption:action_done",
        same(404, anonymous=302, manager=302, outsider_manager=403, hr=302),
        "post",
        kwargs=_action,
    ),
    Row("api:programme-list", same(403, anonymous=401, hr=200)),
    Row("api:programme-detail", same(403, anonymous=401, hr=200), kwargs=_pk),
]
