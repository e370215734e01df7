"""Events from other apps that start survey work: a completed training invites its evaluation."""

from django.dispatch import receiver

from ops.outbox import outbox_enqueue
from people.signals import domain_event


@receiver(domain_event, dispatch_uid="surveys.evaluations")
def on_enrolment_completed(sender, name=None, enrolment=None, **payload):
    """catalog.enrolment_completed (sent on the catalog's commit): invite the evaluation in the
    background, once per person and training (the invitation's unique key), through the outbox so a
    broker outage neither fails the completion nor loses the invitation."""
    if name != "catalog.enrolment_completed" or enrolment is None or not getattr(enrolment, "item_id", None):
        return
    from .tasks import evaluation_invite_task

    outbox_enqueue(evaluation_invite_task.name, enrolment.employee_id, enrolment.item_id, str(enrolment.item.title))
