"""Every write to the catalog and to enrolments, by subject: one keyword-only function per use case.

enrolments  who decides, and the life cycle requested -> approved / rejected -> started -> completed,
            or cancelled (budgets take part through catalog.signals inside these transactions)
sessions    dated sessions and their seats (the seat race's guard is the session's row lock)
offer       learning items, skills as tags, job groups' skills, the approval threshold, profiles
mandatory   mandatory rules
stats       the per-department completion and rating table of the ranking
visits      who opened the catalog, once a person a day (monitoring's catalog reach)
"""

from .enrolments import (
    can_decide,
    enrolment_approve,
    enrolment_cancel,
    enrolment_complete,
    enrolment_goes_to_ld,
    enrolment_record_completion,
    enrolment_reject,
    enrolment_request,
    enrolment_request_external,
    enrolment_say_helped,
    enrolment_start,
)
from .mandatory import mandatory_rule_create, mandatory_rule_delete, mandatory_rule_update
from .offer import (
    ITEM_DEFAULTS,
    catalog_settings_update,
    item_create,
    item_deactivate,
    item_update,
    job_group_skills_set,
    learning_profile_update,
    skill_get_or_create,
    skill_rename,
)
from .sessions import (
    NON_FIELD,
    SessionFull,
    _lock_session,
    _reserve_seat,
    session_booked,
    session_cancel,
    session_create,
    session_update,
)
from .stats import item_announce, item_stats_refresh
from .visits import catalog_visit_record

__all__ = [
    "ITEM_DEFAULTS",
    "NON_FIELD",
    "SessionFull",
    "_lock_session",
    "_reserve_seat",
    "can_decide",
    "catalog_settings_update",
    "catalog_visit_record",
    "enrolment_approve",
    "enrolment_cancel",
    "enrolment_complete",
    "enrolment_goes_to_ld",
    "enrolment_record_completion",
    "enrolment_reject",
    "enrolment_request",
    "enrolment_request_external",
    "enrolment_say_helped",
    "enrolment_start",
    "item_announce",
    "item_create",
    "item_deactivate",
    "item_stats_refresh",
    "item_update",
    "job_group_skills_set",
    "learning_profile_update",
    "mandatory_rule_create",
    "mandatory_rule_delete",
    "mandatory_rule_update",
    "session_booked",
    "session_cancel",
    "session_create",
    "session_update",
    "skill_get_or_create",
    "skill_rename",
]
