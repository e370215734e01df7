"""Domain events that trigger plan messages ("catalog.item_added", "budgets.expiring",
"surveys.opened", "goals.approved"). Sent inside the sender's transaction: our deliveries are
enqueued on its commit, so a rolled-back event sends nothing."""

from django.dispatch import receiver

from people.signals import domain_event

from .models import Trigger


@receiver(domain_event, dispatch_uid="comms.triggers")
def on_domain_event(sender, name=None, **payload):
    if name not in Trigger.values:
        return
    from .services import plan_trigger_fire

    plan_trigger_fire(name=name, payload=payload)
