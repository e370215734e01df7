from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = _("Budgets")

    def ready(self):
        from people.registry import (
            BUDGET_AVAILABLE,
            BUDGET_SUMMARY,
            BUDGETS_AVAILABLE,
            KEPT_TEAM_SUMS,
            LEARNING_HOURS,
            HomePanel,
            NavItem,
            registry,
        )

        from . import panels, receivers, rules  # noqa: F401 - registers capabilities and receivers
        from .demo import seed_budgets
        from .scale import seed_scale_ledger
        from .selectors import budget_available, budget_summary, budgets_available

        registry.provide(BUDGET_AVAILABLE, budget_available)
        registry.provide(BUDGET_SUMMARY, budget_summary)
        registry.provide(BUDGETS_AVAILABLE, budgets_available)
        registry.need(LEARNING_HOURS, app="budgets")
        # a large team's totals from monitoring's kept figures; without monitoring, summed each time
        registry.need(KEPT_TEAM_SUMS, app="budgets", optional=True)
        registry.add_nav(NavItem(_("My budget"), "budgets:mine", "budgets.view_own", order=30))
        registry.add_nav(NavItem(_("Team budgets"), "budgets:team", "budgets.team", order=31, group="team"))
        registry.add_nav(NavItem(_("Budgets"), "budgets:overview", "budgets.manage", order=32, group="manage"))
        registry.add_panel(HomePanel("employee", "budgets/panels/employee.html", panels.employee_panel, order=10))
        registry.add_panel(HomePanel("manager", "budgets/panels/manager.html", panels.manager_panel, order=20))
        registry.add_panel(HomePanel("ld", "budgets/panels/ld.html", panels.ld_panel, order=20))
        registry.add_demo_step(20, seed_budgets)  # before the catalog's enrolments
        registry.add_scale_step(40, seed_scale_ledger)  # after the catalog's enrolments
        from .privacy import register as register_personal_data

        register_personal_data()
