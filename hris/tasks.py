"""Background work of the HRIS app: thin tasks that call one service."""

from celery import shared_task
from django.conf import settings

from .services import hris_records_prune


@shared_task
def hris_records_prune_task() -> tuple[int, int]:
    """Idempotent: a second run finds nothing old left to delete."""
    return hris_records_prune(
        idempotency_days=settings.HRIS_IDEMPOTENCY_DAYS, audit_days=settings.HRIS_AUDIT_RETENTION_DAYS
    )
