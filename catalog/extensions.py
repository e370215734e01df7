"""What the catalog adds to the shared pages: navigation, home panels, demo data and providers."""

from django.utils.translation import gettext_lazy as _

from people.registry import HomePanel, NavItem, registry


def _employee_panel(request, roles):
    from .models import OPEN_STATUSES
    from .selectors import enrolments_visible_to, for_you, mandatory_due

    employee = roles.employee
    return {
        "for_you": for_you(employee=employee, limit=5),
        "my_open": list(enrolments_visible_to(request.user).filter(employee=employee, status__in=OPEN_STATUSES)[:5]),
        "my_dues": mandatory_due([employee]).get(employee.pk, []),
    }


def _manager_panel(request, roles):
    from .selectors import approvals_waiting_for

    waiting = approvals_waiting_for(request.user).filter(routed_to_ld=False, employee__manager=roles.employee)
    return {"waiting": list(waiting[:5]), "waiting_count": waiting.count()}


def _ld_panel(request, roles):
    from .selectors import approvals_waiting_for, offer_gap_count

    return {"gap_count": offer_gap_count(), "ld_waiting_count": approvals_waiting_for(request.user).count()}


def _enrolments_since(employee_ids, since) -> int:
    from .selectors import enrolments_since

    return enrolments_since(employee_ids, since)


def _completed_learning_hours(employee_ids, start, end):
    from .selectors import completed_learning_hours

    return completed_learning_hours(employee_ids, start, end)


def _learning_items_lookup(ids):
    from .selectors import learning_items_lookup

    return learning_items_lookup(ids)


def _employees_for_item(item):
    from .selectors import employees_for_item

    return employees_for_item(item)


def _demo():
    from .demo import seed_catalog

    seed_catalog()


def register():
    registry.add_nav(NavItem(_("Catalog"), "catalog:home", "catalog.browse", order=20))
    registry.add_nav(NavItem(_("My learning"), "catalog:my_enrolments", "catalog.request", order=21))
    registry.add_nav(NavItem(_("Approvals"), "catalog:approvals", "catalog.decide", order=22, group="team"))
    registry.add_nav(NavItem(_("Team learning"), "catalog:team", "catalog.team", order=23, group="team"))
    registry.add_nav(NavItem(_("Manage the offer"), "catalog:manage_items", "catalog.manage", order=24, group="manage"))
    registry.add_nav(NavItem(_("Offer diversity"), "catalog:diversity", "catalog.manage", order=25, group="manage"))
    registry.add_panel(HomePanel("employee", "catalog/panels/employee.html", _employee_panel, order=20))
    registry.add_panel(HomePanel("manager", "catalog/panels/manager.html", _manager_panel, order=20))
    registry.add_panel(HomePanel("ld", "catalog/panels/ld.html", _ld_panel, order=20))
    registry.add_demo_step(30, _demo)
    registry.provide("enrolments_since", _enrolments_since)
    registry.provide("completed_learning_hours", _completed_learning_hours)
    registry.provide("learning_items_lookup", _learning_items_lookup)
    registry.provide("employees_for_item", _employees_for_item)
