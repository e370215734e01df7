"""Background work on people: thin tasks that load by id and call one service."""

from celery import shared_task

from .models import Employee
from .services import employee_deactivate


@shared_task
def employee_deactivate_task(employee_id: int) -> bool:
    employee = Employee.objects.filter(pk=employee_id).first()
    if employee is None:
        return False
    return employee_deactivate(employee=employee)


@shared_task
def leavers_erase_task() -> int:
    """Erase the personal data of everyone who left longer ago than PRIVACY_ERASE_AFTER_DAYS."""
    from .privacy import leavers_erase

    return leavers_erase()
