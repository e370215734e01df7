"""Who may open the engagement pages (issue 19). Personas: employee, manager (and team lead,
indirect report) in Customer Service; other_employee and outsider_manager in Finance; hr (L&D
staff) at the top. A board is open to its team's and department's members and to L&D staff."""

from tests.access import Row, only_hr, same


def _service(p):
    return {"kind": "department", "pk": p.employee.department_id}


def _managers_team(p):
    return {"kind": "team", "pk": p.manager.pk}


def _dept(p):
    return {"pk": p.employee.department_id}


def _invitation(p):
    from engagement.models import Ambassadorship
    from engagement.services import ambassador_invite

    row = Ambassadorship.objects.filter(employee=p.employee).first()
    return {"pk": (row or ambassador_invite(employee=p.employee, by=p.hr)).pk}


def _ambassador(p):
    """The employee, ambassador for Customer Service (accepted)."""
    from engagement.models import Ambassadorship
    from engagement.services import ambassador_accept

    row = Ambassadorship.objects.get(pk=_invitation(p)["pk"])
    if row.status == "invited":
        ambassador_accept(ambassadorship=row, employee=p.employee)
    return _dept(p)


def _nomination(p):
    from engagement.models import Nomination
    from engagement.services import nomination_create

    row = Nomination.objects.filter(by=p.manager).first()
    return {"pk": (row or nomination_create(nominee=p.employee, by=p.manager, reason="Helps")).pk}


def _group(p):
    from engagement.models import NeedGroup
    from engagement.services import need_drop, need_group

    _ambassador(p)
    row = NeedGroup.objects.first()
    if row is None:
        need = need_drop(author=p.manager, text="Excel tips")
        row = need_group(department=p.employee.department, title="Excel", need_ids=[need.pk], by=p.employee)
    return {"pk": row.pk}


def _story(p):
    """A story of the employee's, waiting for moderation (made when the row is called)."""
    from catalog.models import Enrolment
    from engagement.models import Story
    from tests.catalog.factories import ItemFactory

    item = ItemFactory()
    Enrolment.objects.create(employee=p.employee, item=item, motivation="x", status="completed")
    story = Story.objects.create(writer=p.employee, item=item, effect="faster", text="I answer in half the time.")
    return {"pk": story.pk}


EVERYONE = same(200, anonymous=302)
# A department's page: its members (Customer Service) and L&D staff; Finance gets "not found".
MEMBERS = same(404, anonymous=302, employee=200, manager=200, hr=200)
# Customer Service's board: its people and L&D staff; Finance gets "not found".
SERVICE = same(404, anonymous=302, employee=200, manager=200, hr=200)

ROWS = [
    Row("engagement:mine", EVERYONE),
    Row("engagement:named", same(302), "post", data={"named": "on"}),
    Row("engagement:board", EVERYONE),
    Row("engagement:board_scope", SERVICE, kwargs=_service),
    Row("engagement:board_export", SERVICE, kwargs=_service),
    # The manager's team: its member (employee) and the manager who leads it; not L&D's list of
    # department boards, not Finance.
    Row("engagement:board_scope", same(404, anonymous=302, employee=200, manager=200), kwargs=_managers_team),
    Row("engagement:manage", only_hr()),
    Row("engagement:manage", only_hr(denied=403), "post", data={"kind": "attended", "points": "", "repeat_days": "0"}),
    # An empty reward form is refused with its errors (400) for L&D staff; nobody else may give one.
    Row("engagement:reward", same(403, anonymous=302, hr=400), "post", data={"reward-message": ""}),
    Row("engagement:ambassadors", only_hr()),
    Row("engagement:ambassador_invite", same(403, anonymous=302, hr=400), "post", data={"employee": ""}),
    Row("engagement:ambassador_end", only_hr(denied=403) | {"hr": 302}, "post", kwargs=_invitation),
    # Only the invited person answers; for everyone else the invitation does not exist.
    Row(
        "engagement:ambassador_answer",
        same(404, anonymous=302, employee=302),
        "post",
        kwargs=_invitation,
        data={"answer": "decline"},
    ),
    Row("engagement:nomination_dismiss", only_hr(denied=403) | {"hr": 302}, "post", kwargs=_nomination),
    Row("engagement:my_department", same(302)),
    Row("engagement:department", MEMBERS, kwargs=_dept),
    # Drop a need: the department's own people (L&D staff at the top are not in Customer Service).
    Row(
        "engagement:need_drop",
        same(404, anonymous=302, employee=302, manager=302),
        "post",
        kwargs=_dept,
        data={"text": "Excel tips"},
    ),
    Row(
        "engagement:nominate",
        same(404, anonymous=302, employee=302, manager=302, hr=302),
        "post",
        kwargs=_dept,
        data=lambda p: {"nominee": p.team_lead.pk, "reason": "Always helps"},
    ),
    # Grouping: the department's ambassador only (an empty choice is refused with its errors).
    Row("engagement:need_group", same(404, anonymous=302, employee=400), "post", kwargs=_ambassador, data={}),
    Row("engagement:needs", only_hr()),
    Row("engagement:need_forward", same(404, anonymous=302, employee=302), "post", kwargs=_group),
    Row("engagement:need_decide", same(403, anonymous=302, hr=400), "post", kwargs=_group, data={}),
    # Stories: everyone writes their own; only the writer withdraws (others: not found); L&D moderates.
    Row("engagement:stories_mine", EVERYONE),
    Row("engagement:stories_mine", same(400, anonymous=302), "post", data={"text": ""}),
    Row("engagement:story_withdraw", same(404, anonymous=302, employee=302), "post", kwargs=_story),
    Row("engagement:stories_moderate", only_hr()),
    Row("engagement:story_publish", same(403, anonymous=302, hr=302), "post", kwargs=_story),
    Row("engagement:story_reject", same(403, anonymous=302, hr=400), "post", kwargs=_story, data={"reason": ""}),
    Row("api:engagement-board", same(403, anonymous=401, hr=200), kwargs=lambda p: {"pk": p.employee.department_id}),
]
