"""Thin Celery tasks of the delivery service: each loads by id and calls one service."""

from datetime import timedelta

from celery import shared_task

from . import conf, services


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliveries_send_task(self, message_id: int, channel: str, lo=None, hi=None, claim_timeout_s=None):
    """Send one batch; rows that failed are retried with back-off (their attempts are counted on the
    row, so the task itself may retry without limit: the row gives up after COMMS_MAX_ATTEMPTS)."""
    timeout = timedelta(seconds=claim_timeout_s) if claim_timeout_s is not None else None
    result = services.deliveries_send(message_id=message_id, channel=channel, lo=lo, hi=hi, claim_timeout=timeout)
    if result.retry_in is not None and self.request.retries < conf.max_attempts() * 2:
        raise self.retry(countdown=result.retry_in)
    return {"sent": result.sent, "failed": result.failed}


@shared_task(acks_late=True)
def deliveries_recover_task(grace_s=None, claim_timeout_s=None):
    """The recovery sweep (beat): deliveries stuck queued or claimed by a dead worker go out again."""
    return services.deliveries_recover(
        grace=timedelta(seconds=grace_s) if grace_s is not None else None,
        claim_timeout=timedelta(seconds=claim_timeout_s) if claim_timeout_s is not None else None,
    )


@shared_task(acks_late=True)
def message_send_task(message_id: int, employee_ids: list[int]):
    from .models import Message

    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return 0
    return services.message_send(message=message, employee_ids=employee_ids)


@shared_task(acks_late=True)
def plan_messages_send_due_task():
    """Beat: dated and recurring messages of active plans whose time has come."""
    return services.plan_messages_send_due()
