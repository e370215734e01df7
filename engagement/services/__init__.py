"""Every write of the engagement app."""

from .ledger import activity_record, activity_reverse, participant_named_set, point_rule_save  # noqa: F401
