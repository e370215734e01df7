"""Real events from the apps below become activity: a training requested, completed or cancelled,
a learning moment attended (and hosted: its host counts when someone checks in), an evaluation
answered. Each is recorded inside the sender's
transaction, so a rollback undoes it and a repeated signal finds the line already there."""

from datetime import datetime

from django.dispatch import receiver

from people.signals import domain_event

from .models import ActivityKind
from .services import activity_record, activity_reverse


def _enrolment_source(enrolment) -> str:
    return f"enrolment:{enrolment.pk}"


@receiver(domain_event, dispatch_uid="engagement.activity")
def on_domain_event(sender, name=None, **payload):
    if name in ("catalog.enrolment_requested", "catalog.enrolment_completed", "catalog.enrolment_cancelled"):
        enrolment = payload.get("enrolment")
        if enrolment is None or not enrolment.item_id:
            return  # external training outside the catalog counts once it is in it
        common = {"employee_id": enrolment.employee_id, "source": _enrolment_source(enrolment)}
        if name == "catalog.enrolment_requested":
            activity_record(
                kind=ActivityKind.ENROLLED,
                subject=f"item:{enrolment.item_id}",
                label=enrolment.item.title,
                at=enrolment.created_at,
                **common,
            )
        elif name == "catalog.enrolment_completed":
            activity_record(
                kind=ActivityKind.COMPLETED,
                subject=f"item:{enrolment.item_id}",
                label=enrolment.item.title,
                at=enrolment.completed_at,
                **common,
            )
        else:
            activity_reverse(kind=ActivityKind.ENROLLED, **common)
    elif name == "policy.checked_in":
        data = payload.get("payload") or {}
        occurrence = datetime.fromisoformat(data["occurrence"])
        activity_record(
            employee_id=data["employee_id"],
            kind=ActivityKind.ATTENDED,
            source=f"attendance:{data['moment_id']}:{data['occurrence']}",
            subject=f"moment:{data['moment_id']}",
            label=data.get("title", ""),
            at=occurrence,
        )
        host_id = data.get("host_id")
        if host_id and host_id != data["employee_id"]:
            # the session took place: its host counts once per occurrence, at the first check-in
            activity_record(
                employee_id=host_id,
                kind=ActivityKind.HOSTED,
                source=f"hosted:{data['moment_id']}:{data['occurrence']}",
                subject=f"moment:{data['moment_id']}",
                label=data.get("title", ""),
                at=occurrence,
            )
    elif name == "surveys.response_submitted":
        if payload.get("survey_kind") != "evaluation" or not payload.get("employee_id"):
            return
        activity_record(
            employee_id=payload["employee_id"],
            kind=ActivityKind.EVALUATED,
            source=f"survey:{payload['survey_id']}",
            label=payload.get("title", ""),
            at=payload.get("at"),
        )
