"""What the catalog adds to the shared pages: navigation, home panels, demo data and providers."""

from django.utils.translation import gettext_lazy as _

from people.registry import (
    AMBASSADORS_FOR,
    BUDGET_AVAILABLE,
    BUDGETS_AVAILABLE,
    COMPLETIONS_SINCE,
    EMPLOYEES_FOR_ITEM,
    ENROLMENTS_SINCE,
    ITEM_RATINGS,
    KEPT_TEAM_SUMS,
    LEARNING_NEEDS_ASKED,
    LEARNING_PREFERENCES_SET,
    NOTIFY,
    PUBLISHED_STORIES,
    HomePanel,
    NavItem,
    registry,
)


def _due_panel(request, roles):
    """What the employee must still do, near the top of their home (with the budget and the next
    learning moment)."""
    from .selectors import mandatory_due

    employee = roles.employee
    return {"my_dues": mandatory_due([employee]).get(employee.pk, [])}


def _employee_panel(request, roles):
    from .models import OPEN_STATUSES
    from .selectors import enrolments_of, for_you

    employee = roles.employee
    return {
        "for_you": for_you(employee=employee, limit=5),
        "my_open": list(enrolments_of(employee).filter(status__in=OPEN_STATUSES)[:5]),
    }


def _manager_panel(request, roles):
    """The decisions waiting, first on a manager's home, each with what the requester has left."""
    from .selectors import approvals_waiting_for

    waiting_qs = approvals_waiting_for(request.user).filter(routed_to_ld=False, employee__manager=roles.employee)
    waiting = list(waiting_qs[:5])
    available = registry.use(BUDGETS_AVAILABLE)(employee_ids=sorted({e.employee_id for e in waiting}))
    for enrolment in waiting:
        enrolment.requester_available = available.get(enrolment.employee_id)
    return {"waiting": waiting, "waiting_count": waiting_qs.count()}


def _ld_panel(request, roles):
    from .selectors import approvals_waiting_for, offer_gap_count

    return {"gap_count": offer_gap_count(), "ld_waiting_count": approvals_waiting_for(request.user).count()}


def _demo():
    from .demo import seed_catalog

    seed_catalog()


def _scale(employees: int):
    from .scale import seed_scale_enrolments

    seed_scale_enrolments(employees)


def register():
    from .selectors import completions_since, employees_for_item, enrolments_since
    from .services.offer import learning_profile_from_survey

    registry.add_nav(NavItem(_("Catalog"), "catalog:home", "catalog.browse", order=20))
    registry.add_nav(NavItem(_("My learning"), "catalog:my_enrolments", "catalog.request", order=21))
    registry.add_nav(NavItem(_("Approvals"), "catalog:approvals", "catalog.decide", order=22, group="team"))
    registry.add_nav(NavItem(_("Team learning"), "catalog:team", "catalog.team", order=23, group="team"))
    registry.add_nav(NavItem(_("Manage the offer"), "catalog:manage_items", "catalog.manage", order=24, group="manage"))
    registry.add_nav(NavItem(_("Offer diversity"), "catalog:diversity", "catalog.manage", order=25, group="manage"))
    # An employee's home: budget (10), next learning moment (11), what is due (12), then "for you" and
    # the enrolments (20). A manager's home starts with the decisions waiting (10). Issue 13.
    registry.add_panel(HomePanel("employee", "catalog/panels/due.html", _due_panel, order=12))
    registry.add_panel(HomePanel("employee", "catalog/panels/employee.html", _employee_panel, order=20))
    registry.add_panel(HomePanel("manager", "catalog/panels/manager.html", _manager_panel, order=10))
    registry.add_panel(HomePanel("ld", "catalog/panels/ld.html", _ld_panel, order=20))
    registry.add_demo_step(30, _demo)
    registry.add_scale_step(30, _scale)
    registry.provide(ENROLMENTS_SINCE, enrolments_since)
    # Colleagues' stories on an item's page and beside "for you", when engagement is installed.
    registry.need(PUBLISHED_STORIES, app="catalog", optional=True)
    registry.provide(COMPLETIONS_SINCE, completions_since)
    registry.provide(EMPLOYEES_FOR_ITEM, employees_for_item)
    registry.provide(LEARNING_PREFERENCES_SET, learning_profile_from_survey)
    registry.need(BUDGET_AVAILABLE, app="catalog")
    registry.need(BUDGETS_AVAILABLE, app="catalog")
    registry.need(NOTIFY, app="catalog")
    registry.need(ITEM_RATINGS, app="catalog")
    registry.need(LEARNING_NEEDS_ASKED, app="catalog")
    # a large team's overdue count from monitoring's kept figures; without monitoring, counted each time
    registry.need(KEPT_TEAM_SUMS, app="catalog", optional=True)
    registry.need(AMBASSADORS_FOR, app="catalog", optional=True)  # named on the front page when engagement is there
