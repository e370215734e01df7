"""The Celery app. Task defaults (acks_late, time limits) come from settings; periodic schedules
are declared once, in `BEAT_SCHEDULE` below, and kept in the database by django-celery-beat."""

import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class LeerborgTask(Task):
    """Retries with exponential back-off on connection trouble; a task is safe to run twice."""

    autoretry_for = (ConnectionError, TimeoutError)
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5


app = Celery("leerborg", task_cls=LeerborgTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work, in one place. Later apps add their entries here. The frequent entries run every
# minute; BEAT_FREQUENT_SECONDS changes that (the two-beat test runs them every second).
FREQUENT = float(os.environ.get("BEAT_FREQUENT_SECONDS", "60"))
BEAT_SCHEDULE: dict = {}
BEAT_SCHEDULE["policy-reminders"] = {"task": "policy.reminders_tick_task", "schedule": FREQUENT}
BEAT_SCHEDULE["policy-hours-keep"] = {"task": "policy.hours_keep_task", "schedule": FREQUENT}
BEAT_SCHEDULE["comms-plan-messages-due"] = {"task": "comms.tasks.plan_messages_send_due_task", "schedule": FREQUENT}
BEAT_SCHEDULE["comms-recover-deliveries"] = {"task": "comms.tasks.deliveries_recover_task", "schedule": FREQUENT}
BEAT_SCHEDULE["budgets-allocate"] = {"task": "budgets.tasks.budgets_allocate_task", "schedule": 60 * 60 * 6}
BEAT_SCHEDULE["budgets-expire"] = {"task": "budgets.tasks.budgets_expire_task", "schedule": 60 * 60 * 6}
BEAT_SCHEDULE["budgets-reminders"] = {"task": "budgets.tasks.budget_reminders_task", "schedule": 60 * 60 * 24}
BEAT_SCHEDULE["catalog-stats-nightly"] = {"task": "catalog.stats_refresh_all", "schedule": 24 * 60 * 60}
BEAT_SCHEDULE["people-erase-leavers"] = {"task": "people.tasks.leavers_erase_task", "schedule": 24 * 60 * 60}
BEAT_SCHEDULE["hris-records-prune"] = {"task": "hris.tasks.hris_records_prune_task", "schedule": 24 * 60 * 60}
BEAT_SCHEDULE["ops-outbox-relay"] = {"task": "ops.outbox_relay_task", "schedule": FREQUENT}
BEAT_SCHEDULE["ops-outbox-prune"] = {"task": "ops.outbox_prune_task", "schedule": 24 * 60 * 60}
BEAT_SCHEDULE["surveys-close-due"] = {"task": "surveys.close_due", "schedule": FREQUENT}
BEAT_SCHEDULE["surveys-reminders"] = {"task": "surveys.reminders_send", "schedule": 60 * 60}
BEAT_SCHEDULE["surveys-follow-ups"] = {"task": "surveys.follow_ups_send", "schedule": 60 * 60}
# Every tick, because it costs one query when the night is taken: the first tick after midnight
# takes it, and nights a stopped beat or worker missed are caught up.
BEAT_SCHEDULE["monitoring-snapshots"] = {"task": "monitoring.snapshots_catch_up_task", "schedule": FREQUENT}
# Every tick: one query when nothing is due; a goal's deadline is evaluated once, its trend read once a day.
BEAT_SCHEDULE["goals-tick"] = {"task": "goals.tick_task", "schedule": FREQUENT}
# Every tick: one query when no action is due; an owner is reminded of an action once.
BEAT_SCHEDULE["adoption-tick"] = {"task": "adoption.tick_task", "schedule": FREQUENT}
app.conf.beat_schedule = BEAT_SCHEDULE
