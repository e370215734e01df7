"""Background work of the surveys app: thin tasks that load by id and call one service."""

from celery import shared_task

from . import services


@shared_task(name="surveys.invitations_send")
def invitations_send_task(survey_id: int) -> int:
    return services.invitations_send(survey_id=survey_id)


@shared_task(name="surveys.reminders_send")
def reminders_send_task() -> int:
    return services.reminders_send()


@shared_task(name="surveys.close_due")
def surveys_close_due_task() -> int:
    return services.surveys_close_due()


@shared_task(name="surveys.follow_ups_send")
def follow_ups_send_task() -> int:
    return services.follow_ups_send()


@shared_task(name="surveys.evaluation_invite")
def evaluation_invite_task(employee_id: int, item_id: int, item_title: str) -> bool:
    return services.evaluation_invite(employee_id=employee_id, item_id=item_id, item_title=item_title)
