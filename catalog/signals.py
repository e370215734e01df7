"""Signals that let other apps (budgets) take part in an enrolment's life, inside its transaction.

Receivers run synchronously in the transaction that changes the enrolment, after its row is
locked. A receiver of `enrolment_approving` that raises `catalog.exceptions.ApprovalRefused` stops
the approval: nothing is written, and the approver sees the message.
"""

import django.dispatch

# kwargs: enrolment, by (the approving user, or None for an automatic approval)
enrolment_approving = django.dispatch.Signal()
# Sent when an approved enrolment is cancelled or rejected after approval. kwargs: enrolment
enrolment_released = django.dispatch.Signal()
# kwargs: enrolment, amount (Decimal: the invoiced amount, or None to spend what was committed)
enrolment_completed = django.dispatch.Signal()
