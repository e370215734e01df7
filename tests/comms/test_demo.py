"""The comms demo step: a plan with complete messages and one missing a W, and notifications."""

from comms.demo import PLAN_NAME, demo_step
from comms.models import CommunicationPlan, Delivery, Message


def test_demo_step_is_idempotent_and_shows_an_incomplete_message(personas):
    demo_step()
    demo_step()
    plan = CommunicationPlan.objects.get(name=PLAN_NAME)
    messages = list(Message.objects.filter(plan=plan, parent=None))
    assert len(messages) == 4
    assert [m.subject for m in messages if m.missing_ws()] == ["Share what you learned"]
    inbox = Delivery.objects.filter(channel="in_app", employee__user__username="employee")
    assert inbox.count() == 3
    assert not Delivery.objects.filter(channel="email").exists()
