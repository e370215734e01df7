"""Every write of the surveys app, by subject.

building    surveys, sections and questions; open, close (also when due), publish
answering   validating answers and storing one response per invitation
inviting    invitations, reminders, evaluations after a completed training, their follow-up
templates   the learning-needs survey, the barrier scan and the evaluation
effects     what named answers change elsewhere (the learning profile)
"""

from .answering import answers_clean, invitation_for, questions_for, response_submit, side_of
from .building import (
    question_add,
    question_delete,
    section_add,
    survey_close,
    survey_create,
    survey_open,
    survey_publish,
    survey_update,
    surveys_close_due,
)
from .inviting import evaluation_invite, follow_ups_send, invitations_create, invitations_send, reminders_send
from .templates import barrier_scan_create, evaluation_survey_for, learning_needs_create

__all__ = [
    "answers_clean",
    "barrier_scan_create",
    "evaluation_invite",
    "evaluation_survey_for",
    "follow_ups_send",
    "invitation_for",
    "invitations_create",
    "invitations_send",
    "learning_needs_create",
    "question_add",
    "question_delete",
    "questions_for",
    "reminders_send",
    "response_submit",
    "section_add",
    "side_of",
    "survey_close",
    "survey_create",
    "survey_open",
    "survey_publish",
    "survey_update",
    "surveys_close_due",
]
