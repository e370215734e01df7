"""Adoption's demo step: Customer Service (monitoring's and goals' pilot, which improves over the
year while the other departments hold steady) runs "Customer Service learns" in its second cycle:
the first cycle ran from six month ends ago to three, was reviewed (what worked, what did not, a
decision, three actions: one done, one overdue, one still open and carried into the second), and
the second runs now, so its barrier figures show the pilot moving against the rest of the
organisation. Warehouse Venlo, the next department, has just started the programme extended from
it (its plan copied; the goals demo's goals and the policy demo's learning hour are not linked, so
their stories stay theirs: steps 1 and 4 find the pilot's approved goal and moment by audience).
The pilot's sponsor has written to Customer Service from their sponsor's page (/adoption/sponsor/).
Idempotent: nothing is done when the pilot's programme exists."""

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from comms.models import CommunicationPlan
from monitoring.reports import month_ends
from people.audience import Audience, AudienceKind
from people.models import Department, Employee

from .models import Action, Programme
from .services import (
    action_done,
    cycle_start,
    programme_create,
    programme_extend,
    review_hold,
    sponsor_message_send,
)

PILOT = "D22"  # Customer Service
NEXT = "D11"  # Warehouse Venlo
NAME = "Customer Service learns"
NEXT_NAME = "Warehouse Venlo learns"


def _head(key: str) -> Employee | None:
    return (
        Employee.objects.filter(active=True, department__external_id=key, job_group__external_id="JG-MT")
        .order_by("pk")
        .first()
    )


@transaction.atomic
def demo_step() -> None:
    if Programme.objects.filter(name=NAME).exists():
        return
    today = timezone.localdate()
    owner = Employee.objects.filter(user__username="hr").first()
    manager = Employee.objects.filter(user__username="manager").first()
    pilot = Department.objects.filter(external_id=PILOT).first()
    warehouse = Department.objects.filter(external_id=NEXT).first()
    if owner is None or manager is None or pilot is None or warehouse is None:
        return
    sponsor = _head(PILOT) or manager.manager
    ends = month_ends(today)
    programme = programme_create(
        owner=owner,
        name=NAME,
        audience=Audience.of(AudienceKind.DEPARTMENT, department=pilot),
        sponsor=sponsor,
        comms_plan=CommunicationPlan.objects.order_by("pk").first(),
    )
    first = cycle_start(programme=programme, starts_on=ends[-7], ends_on=ends[-4], today=today)
    held = ends[-4]
    review = review_hold(
        cycle=first,
        by=owner,
        held_on=held,
        worked=(
            "The monthly learning hour: colleagues came back and brought others. "
            "Team leads who named one training in their team meeting saw it taken up."
        ),
        did_not_work=(
            "The monthly newsletter alone: few opened it until the team leads forwarded it. "
            "Nobody knew how much budget they had."
        ),
        decisions="Team leads forward the monthly message with a line of their own. Show the budget on the home page.",
        actions=[
            {"text": "Team leads forward the monthly message", "owner": manager, "due_on": held + timedelta(days=14)},
            {"text": "Ask the team which training they miss", "owner": manager, "due_on": held + timedelta(days=45)},
            {
                "text": "Show each colleague their budget in the team meeting",
                "owner": manager,
                "due_on": today + timedelta(days=21),
            },
        ],
    )
    done = review.actions.order_by("due_on").first()
    action_done(action=done)
    # The second action passed its date without being done: the L&D home shows it overdue. Its
    # owner was reminded when it fell due (the beat task's claim), not again now.
    Action.objects.filter(review=review, done_at__isnull=True, due_on__lt=today).update(reminded_at=timezone.now())
    cycle_start(programme=programme, starts_on=ends[-4], ends_on=today + timedelta(days=60), today=today)
    sponsor_message_send(
        sender=sponsor,
        key=uuid.uuid5(uuid.NAMESPACE_URL, "leerborg-demo:adoption.sponsor_message"),
        subject="Thank you for the learning hours",
        body=(
            "Since the learning hour started, more of you have taken a training than in any quarter before. "
            "Keep telling each other what helped; the second cycle builds on it."
        ),
        programme=programme,
    )
    extended = programme_extend(
        programme=programme,
        by=owner,
        name=NEXT_NAME,
        audience=Audience.of(AudienceKind.DEPARTMENT, department=warehouse),
        sponsor=_head(NEXT) or sponsor,
        today=today,
    )
    cycle_start(programme=extended, starts_on=today, ends_on=today + timedelta(days=90), today=today)
