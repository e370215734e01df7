"""Every write of the comms app, by subject.

delivery     messages and the fan-out: a Delivery row per recipient and channel, set-based, once
sending      claiming and sending deliveries (e-mail through the mail backend, chat webhooks),
             retries with back-off, and the recovery sweep
recipients   what recipients do: read, open, click, their preferences and unsubscribing
plans        the 5W communication plan: messages, activation, dated, recurring and triggered sending

How a message is delivered once and only once per person and channel:
1. `message_send` inserts the Delivery rows set-based (`INSERT ... SELECT ... ON CONFLICT DO
   NOTHING`); the unique constraint (message, employee, channel) makes a second or concurrent call
   insert nothing. Sending tasks are enqueued on commit, so a rollback sends nothing.
2. `deliveries_send` claims its rows with one conditional UPDATE (queued, unclaimed or claim
   stale); a concurrent or retried task finds nothing left to claim. Each row is marked sent
   straight after its send, so a crash redoes at most the one message in flight.
3. `deliveries_recover` (beat) re-enqueues rows stuck queued or claimed by a dead worker.
"""

from .delivery import message_send, notify, system_message_upsert
from .plans import (
    W_LABELS,
    message_test_send,
    occurrences_between,
    plan_activate,
    plan_deactivate,
    plan_incomplete_messages,
    plan_message_save,
    plan_message_send_now,
    plan_messages_send_due,
    plan_save,
    plan_trigger_fire,
)
from .recipients import (
    delivery_record_click,
    delivery_record_open,
    notification_mark_read,
    preferences_set,
    unsubscribe,
)
from .sending import SendResult, deliveries_claim, deliveries_recover, deliveries_send, email_for, webhook_payload

__all__ = [
    "W_LABELS",
    "SendResult",
    "deliveries_claim",
    "deliveries_recover",
    "deliveries_send",
    "delivery_record_click",
    "delivery_record_open",
    "email_for",
    "message_send",
    "message_test_send",
    "notification_mark_read",
    "notify",
    "occurrences_between",
    "plan_activate",
    "plan_deactivate",
    "plan_incomplete_messages",
    "plan_message_save",
    "plan_message_send_now",
    "plan_messages_send_due",
    "plan_save",
    "plan_trigger_fire",
    "preferences_set",
    "system_message_upsert",
    "unsubscribe",
    "webhook_payload",
]
