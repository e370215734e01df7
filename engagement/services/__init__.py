"""Every write of the engagement app."""

from .ledger import activity_record, activity_reverse, participant_named_set, point_rule_save  # noqa: F401
from .rewards import reward_give, reward_pool_left  # noqa: F401
