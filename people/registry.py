"""Extension points that higher apps fill in their AppConfig.ready(), so the lower `people` app
never imports them: navigation links, home-page panels, demo-data steps (and the steps that grow the demo to
thousands of people), and typed ports.

A port is a function one app needs from an app it may not import (one on a higher floor, or a
sibling). The port is declared here with its contract (a Protocol with the call's signature and
return type); the app that needs it says so with `registry.need(port, app=...)`, the app that has
it offers it with `registry.provide(port, func)`, both in `AppConfig.ready()`. The system check
`people.E002` (people/checks.py) stops start-up when a needed port has no provider, so callers use
`registry.use(port)` and never handle a missing one. A downward need is a plain import instead.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

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


@dataclass(frozen=True)
class PersonalData:
    """One app's part of what the platform holds about a person, for "download my data" and for
    erasure (people.privacy). `collect(employee)` returns rows of plain values (JSON-safe, each a
    dict of column title to value, titles translated); `erase(employee)` removes or replaces the
    person's own data inside the erasure's transaction (None when there is nothing to erase)."""

    key: str
    title: str  # a lazy translation
    collect: Callable
    erase: Callable | None = None
    order: int = 50


# --- the ports ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetSummary:
    """An employee's current budget in figures (amounts in euros, hours as numbers)."""

    budget_id: int
    allocated: Decimal
    committed: Decimal
    spent: Decimal
    available: Decimal
    hours_allocated: Decimal
    hours_used: Decimal
    period_start: date
    period_end: date
    expires_on: date
    days_left: int


class BudgetAvailable(Protocol):
    """What the employee can still spend today, or None when no budget covers them."""

    def __call__(self, employee: Any) -> Decimal | None: ...


class LearningHoursOf(Protocol):
    """The employee's learning hours in their learning-time policy's current period and its target
    (an object with `hours`, `target` (None without a policy), `period_start`, `period_end`): the one
    figure every page shows."""

    def __call__(self, employee: Any) -> Any: ...


class BudgetsAvailable(Protocol):
    """What each of these employees can still spend today (one query for all of them); an
    employee without a budget is left out."""

    def __call__(self, employee_ids: list[int]) -> dict[int, Decimal]: ...


class BudgetSummaryOf(Protocol):
    """The employee's current budget, or None when no budget covers them."""

    def __call__(self, employee: Any) -> BudgetSummary | None: ...


class NextLearningMoment(Protocol):
    """“Title, Tuesday 3 March 15:00” for the employee's next learning moment, or None."""

    def __call__(self, employee: Any) -> str | None: ...


class EnrolmentsSince(Protocol):
    """How many enrolments these employees requested from `since` (up to `until` when given)."""

    def __call__(self, employee_ids: list[int], since: datetime, until: datetime | None = None) -> int: ...


class EmployeesForItem(Protocol):
    """Ids of the active employees whose job group needs one of the item's skills."""

    def __call__(self, item: Any) -> list[int]: ...


class Notify(Protocol):
    """Send one message (found or made by `key`) to these employees through the delivery service,
    once per person and channel however often it is called; returns how many deliveries are new.
    The caller writes subject and body in the recipients' language (one key per language)."""

    def __call__(
        self, *, key: str, employee_ids: list[int], subject: str, body: str, link: str = "", category: str = "system"
    ) -> int: ...


class LearningPreferencesSet(Protocol):
    """Write what someone answered in a named learning-needs survey into their learning profile
    (which "for you" reads): the formats they prefer, and the skills named in their own words."""

    def __call__(self, employee: Any, preferred_formats: list[str], wishes: str) -> None: ...


@dataclass(frozen=True)
class BarrierScore:
    """One barrier's mean agreement (1-5) in a barrier scan, for employees and for managers, and the
    perception gap (employees minus managers). A figure is None where anonymity does not allow it."""

    barrier: int  # 1-4, as in the design notes
    employees: Decimal | None
    managers: Decimal | None
    gap: Decimal | None
    employee_respondents: int | None
    manager_respondents: int | None


@dataclass(frozen=True)
class BarrierScanResult:
    survey_id: int
    title: str
    closed_at: datetime
    respondents: int
    scores: tuple[BarrierScore, ...]


class BarrierScanResults(Protocol):
    """The latest barrier scan closed on or before `on` (today when None) whose released groups
    include this audience, as anonymity-safe figures per barrier; None when there is none."""

    def __call__(self, audience: Any, on: date | None = None) -> BarrierScanResult | None: ...


@dataclass(frozen=True)
class SurveyFigure:
    """A survey measure over an audience's answers: the value is numerator / denominator (a share
    of respondents, or for a gap the points between two groups' shares out of 100), with the
    number of responses behind it."""

    numerator: Decimal
    denominator: Decimal
    responses: int


class SurveyMeasure(Protocol):
    """A survey-based measure (monitoring asks for "perception_gap", "awareness" and
    "evaluation_score") over the
    answers of the people in `audience` (a people.audience.Audience) given from `start` to `end`
    (dates, inclusive), or None when no survey has answers for it, or too few to show."""

    def __call__(self, measure: str, audience: Any, start: date, end: date) -> SurveyFigure | None: ...


@dataclass(frozen=True)
class ItemRating:
    """A learning item's rating from its evaluations: the mean answer to "I was satisfied with this
    training" (1-5) and how many answers it rests on."""

    mean: Decimal
    respondents: int


class ItemRatings(Protocol):
    """The ratings of these learning items (every rated item when None), from the evaluations that
    anonymity allows to show; an item without one is left out. The catalog's one source of ratings."""

    def __call__(self, item_ids: list[int] | None = None) -> dict[int, ItemRating]: ...


@dataclass(frozen=True)
class Completion:
    employee_id: int
    item_id: int
    item_title: str
    completed_at: datetime


class CompletionsSince(Protocol):
    """The catalog items completed from `since` on, oldest first (the surveys demo evaluates them)."""

    def __call__(self, since: datetime) -> list[Completion]: ...


@dataclass(frozen=True)
class AskedFor:
    """What the respondents of a closed learning-needs survey asked for, as anonymity allows:
    `formats` the people who chose each format (catalog's format values) when everyone's figures
    may be shown; `phrases` the people whose "which topics or skills" answer names each phrase, or
    None when the survey's comments may not be shown (they are read from the free text)."""

    survey_id: int
    title: str
    closed_at: datetime
    respondents: int
    formats: dict[str, int]
    phrases: dict[str, int] | None


class LearningNeedsAsked(Protocol):
    """The latest closed learning-needs survey whose everyone's figures may be shown, with how many
    named each of `phrases` (the catalog's skill names) in their topics; None when there is none."""

    def __call__(self, phrases: list[str]) -> AskedFor | None: ...


class ProfileBadges(Protocol):
    """The recognition a person's profile shows (badges, "ambassador for Finance"), as short texts
    in the reader's language; empty when there is none."""

    def __call__(self, employee: Any) -> list[str]: ...


class AmbassadorIds(Protocol):
    """The ids of the employees who are ambassadors now (appointed and accepted)."""

    def __call__(self) -> set[int]: ...


@dataclass(frozen=True)
class Ambassador:
    employee_id: int
    name: str
    department_id: int
    department: str


class AmbassadorsFor(Protocol):
    """The ambassadors a person can ask: those of their own department and the departments above
    it, nearest first (empty when there is none, or for someone without a department)."""

    def __call__(self, employee: Any) -> list[Ambassador]: ...


@dataclass(frozen=True)
class PublishedStory:
    """A colleague's published story: what a training changed in their work. `writer` is their
    name when they agreed to be named, otherwise None (the reader shows "a colleague"); `effect`
    is "better", "faster" or "smarter", `effect_label` says it in the active language."""

    story_id: int
    item_id: int
    item_title: str
    effect: str
    effect_label: str
    text: str
    writer: str | None
    published_at: datetime


class PublishedStories(Protocol):
    """Published stories, newest first, at most `limit`: about these catalog items (`item_ids`),
    written by people of this job group (`job_group_id`), or these very stories (`story_ids`, as a
    message quotes them); one query. Empty when none is given."""

    def __call__(
        self,
        item_ids: list[int] | None = None,
        job_group_id: int | None = None,
        limit: int = 3,
        story_ids: list[int] | None = None,
    ) -> list[PublishedStory]: ...


@dataclass(frozen=True)
class KeptSums:
    """Sums the nightly task kept, and when it worked them out."""

    taken_at: datetime
    sums: dict[str, Decimal]


# Monitoring keeps the sums of every team of this many active people or more: a caller that knows
# a team is smaller reads live at once, so a small and a large team cost the same queries.
KEPT_TEAM_FROM = 500


class KeptTeamSums(Protocol):
    """A large team's sums of monitoring's facts (names in monitoring.facts.FACTS that the nightly
    task keeps) this year as on today, as kept with the time they were worked out; None when the
    team is too small to be kept or not kept today: then the caller sums them itself."""

    def __call__(self, manager_id: int, facts: tuple[str, ...]) -> KeptSums | None: ...


C = TypeVar("C")


@dataclass(frozen=True)
class Port(Generic[C]):
    """A named contract between two apps: `contract` is the Protocol the provider must satisfy."""

    name: str
    contract: type[C]
    provider_app: str  # who is expected to provide it (for the start-up message)

    def parameters(self) -> list[str]:
        return list(inspect.signature(self.contract.__call__).parameters)[1:]  # without self


BUDGET_AVAILABLE: Port[BudgetAvailable] = Port("budget_available", BudgetAvailable, "budgets")
BUDGET_SUMMARY: Port[BudgetSummaryOf] = Port("budget_summary", BudgetSummaryOf, "budgets")
BUDGETS_AVAILABLE: Port[BudgetsAvailable] = Port("budgets_available", BudgetsAvailable, "budgets")
NEXT_LEARNING_MOMENT: Port[NextLearningMoment] = Port("next_learning_moment", NextLearningMoment, "policy")
ENROLMENTS_SINCE: Port[EnrolmentsSince] = Port("enrolments_since", EnrolmentsSince, "catalog")
EMPLOYEES_FOR_ITEM: Port[EmployeesForItem] = Port("employees_for_item", EmployeesForItem, "catalog")
NOTIFY: Port[Notify] = Port("notify", Notify, "comms")
LEARNING_HOURS: Port[LearningHoursOf] = Port("learning_hours", LearningHoursOf, "policy")
BARRIER_SCAN_RESULTS: Port[BarrierScanResults] = Port("barrier_scan_results", BarrierScanResults, "surveys")
LEARNING_PREFERENCES_SET: Port[LearningPreferencesSet] = Port(
    "learning_preferences_set", LearningPreferencesSet, "catalog"
)
SURVEY_MEASURE: Port[SurveyMeasure] = Port("survey_measure", SurveyMeasure, "surveys")
ITEM_RATINGS: Port[ItemRatings] = Port("item_ratings", ItemRatings, "surveys")
COMPLETIONS_SINCE: Port[CompletionsSince] = Port("completions_since", CompletionsSince, "catalog")
LEARNING_NEEDS_ASKED: Port[LearningNeedsAsked] = Port("learning_needs_asked", LearningNeedsAsked, "surveys")
PROFILE_BADGES: Port[ProfileBadges] = Port("profile_badges", ProfileBadges, "engagement")
AMBASSADOR_IDS: Port[AmbassadorIds] = Port("ambassador_ids", AmbassadorIds, "engagement")
AMBASSADORS_FOR: Port[AmbassadorsFor] = Port("ambassadors_for", AmbassadorsFor, "engagement")
PUBLISHED_STORIES: Port[PublishedStories] = Port("published_stories", PublishedStories, "engagement")
KEPT_TEAM_SUMS: Port[KeptTeamSums] = Port("kept_team_sums", KeptTeamSums, "monitoring")
PORTS = (
    BUDGET_AVAILABLE,
    BUDGET_SUMMARY,
    BUDGETS_AVAILABLE,
    NEXT_LEARNING_MOMENT,
    ENROLMENTS_SINCE,
    EMPLOYEES_FOR_ITEM,
    NOTIFY,
    LEARNING_HOURS,
    BARRIER_SCAN_RESULTS,
    LEARNING_PREFERENCES_SET,
    SURVEY_MEASURE,
    ITEM_RATINGS,
    COMPLETIONS_SINCE,
    LEARNING_NEEDS_ASKED,
    PROFILE_BADGES,
    AMBASSADOR_IDS,
    AMBASSADORS_FOR,
    PUBLISHED_STORIES,
    KEPT_TEAM_SUMS,
)


class PortNotProvided(LookupError):
    pass


def _check_shape(port: Port, func: Callable) -> None:
    """The provider takes the contract's parameters, by the same names (keyword calls must work)."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):  # a builtin without a signature: trust it
        return
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return
    missing = [name for name in port.parameters() if name not in params]
    if missing:
        raise TypeError(f"{func!r} cannot provide the port {port.name}: it lacks the parameters {missing}")


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    panels: list[HomePanel] = field(default_factory=list)
    demo_steps: list[tuple[int, Callable[[], None]]] = field(default_factory=list)
    # Steps that grow the demo to N active employees (`seed_demo --employees N`), each given N.
    scale_steps: list[tuple[int, Callable[[int], None]]] = field(default_factory=list)
    providers: dict[str, Callable] = field(default_factory=dict)
    needs: dict[Port, set[str]] = field(default_factory=dict)  # port -> the apps that use it
    optional: set[str] = field(default_factory=set)  # ports whose users cope without a provider
    personal_data: list[PersonalData] = field(default_factory=list)

    def add_personal_data(self, part: PersonalData):
        if all(p.key != part.key for p in self.personal_data):
            self.personal_data.append(part)
            self.personal_data.sort(key=lambda p: p.order)

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

    def add_scale_step(self, order: int, step: Callable[[int], None]):
        if (order, step) not in self.scale_steps:
            self.scale_steps.append((order, step))
            self.scale_steps.sort(key=lambda s: s[0])

    def provide(self, port: Port[C], func: C) -> None:
        """Offer `func` for `port` (from the providing app's ready())."""
        _check_shape(port, func)
        self.providers[port.name] = func

    def need(self, port: Port, *, app: str, optional: bool = False) -> None:
        """Declare that `app` uses `port`: start-up fails (people.E002) while nobody provides it,
        unless `optional` (the app reads it with `find` and shows "not yet" without a provider,
        as monitoring does with surveys)."""
        self.needs.setdefault(port, set()).add(app)
        if optional:
            self.optional.add(port.name)

    def use(self, port: Port[C]) -> C:
        try:
            return self.providers[port.name]
        except KeyError:
            raise PortNotProvided(f"no provider for the port {port.name} (expected from {port.provider_app})") from None

    def find(self, port: Port[C]) -> C | None:
        """The provider of an optional port, or None while nobody provides it."""
        return self.providers.get(port.name)

    def missing(self) -> list[tuple[Port, set[str]]]:
        """Ports some app needs (not optionally) that nobody provides."""
        return [
            (port, apps)
            for port, apps in sorted(self.needs.items(), key=lambda kv: kv[0].name)
            if apps and port.name not in self.providers and port.name not in self.optional
        ]


registry = Registry()
