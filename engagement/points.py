"""The point rules as they apply today: L&D's rows, and the defaults for a kind without one."""

from dataclasses import dataclass

from .models import ActivityKind, PointRule


@dataclass(frozen=True)
class Rule:
    kind: str
    points: int
    daily_cap: int | None
    repeat_days: int


# Completing and attending are what matters; enrolling is worth little (and is undone when the
# enrolment is cancelled); one trivial action repeated earns nothing.
DEFAULTS = {
    ActivityKind.ENROLLED: Rule(ActivityKind.ENROLLED, 1, 3, 30),
    ActivityKind.COMPLETED: Rule(ActivityKind.COMPLETED, 10, 30, 365),
    ActivityKind.ATTENDED: Rule(ActivityKind.ATTENDED, 3, 6, 0),
    ActivityKind.EVALUATED: Rule(ActivityKind.EVALUATED, 2, 6, 0),
    ActivityKind.STORY: Rule(ActivityKind.STORY, 5, 5, 0),
    ActivityKind.HOSTED: Rule(ActivityKind.HOSTED, 8, 16, 0),
    ActivityKind.NEED: Rule(ActivityKind.NEED, 2, 4, 0),
}


def rule_for(kind: str) -> Rule:
    row = PointRule.objects.filter(kind=kind).first()
    if row is None:
        return DEFAULTS[kind]
    return Rule(kind, row.points, row.daily_cap, row.repeat_days)


def rules_all() -> list[Rule]:
    rows = {r.kind: r for r in PointRule.objects.all()}
    return [
        Rule(kind, rows[kind].points, rows[kind].daily_cap, rows[kind].repeat_days) if kind in rows else DEFAULTS[kind]
        for kind in ActivityKind.values
    ]
