"""Every write of the engagement app."""

from . import ambassadors  # noqa: F401
from .ambassadors import (  # noqa: F401
    ambassador_accept,
    ambassador_decline,
    ambassador_end,
    ambassador_invite,
    ambassador_step_down,
    nomination_create,
    nomination_dismiss,
)
from .ledger import activity_record, activity_reverse, participant_named_set, point_rule_save  # noqa: F401
from .needs import group_decide, group_forward, need_drop, need_group  # noqa: F401
from .rewards import reward_give, reward_pool_left  # noqa: F401
from .stories import story_publish, story_reject, story_submit, story_withdraw  # noqa: F401
