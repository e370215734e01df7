"""Goals' writes: the life of a goal (flow), its checks, and what beat does (progress)."""

from .checks import goal_pace, goal_problems, goal_warnings, live_figure
from .flow import (
    GoalRefused,
    goal_approve,
    goal_create,
    goal_reject,
    goal_submit,
    goal_update,
    goal_withdraw,
    sponsor_mark,
    sponsor_unmark,
)
from .progress import goal_evaluate, goal_risk_check, goals_tick

__all__ = [
    "GoalRefused",
    "goal_approve",
    "goal_create",
    "goal_evaluate",
    "goal_pace",
    "goal_problems",
    "goal_reject",
    "goal_risk_check",
    "goal_submit",
    "goal_update",
    "goal_warnings",
    "goal_withdraw",
    "goals_tick",
    "live_figure",
    "sponsor_mark",
    "sponsor_unmark",
]
