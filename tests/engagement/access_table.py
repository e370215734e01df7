"""Who may open the engagement pages (issue 19). Personas: employee, manager (and team lead,
indirect report) in Customer Service; other_employee and outsider_manager in Finance; hr (L&D
staff) at the top. A board is open to its team's and department's members and to L&D staff."""

from tests.access import Row, only_hr, same


def _service(p):
    return {"kind": "department", "pk": p.employee.department_id}


def _managers_team(p):
    return {"kind": "team", "pk": p.manager.pk}


EVERYONE = same(200, anonymous=302)
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
    Row("api:engagement-board", same(403, anonymous=401, hr=200), kwargs=lambda p: {"pk": p.employee.department_id}),
]
