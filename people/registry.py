"""Extension points that higher apps fill in their AppConfig.ready(), so the lower `people` app
never imports them: navigation links, home-page panels and demo-data steps."""

from collections.abc import Callable
from dataclasses import dataclass, field

# Navigation groups: "mine" links stand in the bar itself; "team" and "manage" links are gathered
# in a "My team" and a "Manage" menu, so the bar fits however many apps add links.
NAV_GROUPS = ("mine", "team", "manage")


@dataclass(frozen=True)
class NavItem:
    label: str  # a lazy translation
    url_name: str
    capability: str
    order: int = 50
    group: str = "mine"

    def __post_init__(self):
        if self.group not in NAV_GROUPS:
            raise ValueError(f"unknown navigation group {self.group!r}")


@dataclass(frozen=True)
class HomePanel:
    """A section of the home page for one role: `employee`, `manager` or `ld`."""

    role: str
    template: str
    context: Callable  # (request, roles) -> dict; must run a constant number of queries
    order: int = 50


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    panels: list[HomePanel] = field(default_factory=list)
    demo_steps: list[tuple[int, Callable[[], None]]] = field(default_factory=list)
    providers: dict[str, Callable] = field(default_factory=dict)

    def add_nav(self, item: NavItem):
        if item not in self.nav:
            self.nav.append(item)
            self.nav.sort(key=lambda i: i.order)

    def add_panel(self, panel: HomePanel):
        if panel not in self.panels:
            self.panels.append(panel)
            self.panels.sort(key=lambda p: p.order)

    def add_demo_step(self, order: int, step: Callable[[], None]):
        if (order, step) not in self.demo_steps:
            self.demo_steps.append((order, step))
            self.demo_steps.sort(key=lambda s: s[0])

    def provide(self, name: str, func: Callable):
        """Offer a function to lower or sibling apps, e.g. "budget_available" (employee -> Decimal)."""
        self.providers[name] = func

    def get(self, name: str) -> Callable | None:
        return self.providers.get(name)


registry = Registry()
