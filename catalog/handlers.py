"""Tells other apps (comms) when the offer grows: an item added, or a skill added to an item.

Connected to the model signals so every write path (pages, admin, CSV import, API) announces it.
The announcement is recorded in the outbox in the write's own transaction (a rolled-back import
announces nothing, a process that dies right after the commit loses nothing) and sent by the worker
after the commit, when the item's skills are in (`catalog.item_announce`)."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from ops.outbox import outbox_enqueue

from .models import Enrolment, JobGroupSkill, LearningItem, LearningProfile


def _announce(item: LearningItem) -> None:
    from .tasks import item_announce_task

    outbox_enqueue(item_announce_task.name, item.pk)


@receiver(post_save, sender=LearningItem, dispatch_uid="catalog_item_added")
def item_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        # Skills set right after creation in the same transaction belong to the same announcement.
        # Without a transaction the announcement goes out at once, before any skill exists, so the
        # skills added next announce the item again (comms keys it by item: nobody gets it twice).
        if transaction.get_connection().in_atomic_block:
            instance._catalog_announced = True
        _announce(instance)


@receiver(m2m_changed, sender=LearningItem.skills.through, dispatch_uid="catalog_item_skill_added")
def item_skills_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "post_add" and pk_set and not reverse and not getattr(instance, "_catalog_announced", False):
        _announce(instance)


# --- keeping the cached "for you" rankings honest -----------------------------------------------


def _catalog_changed(**kwargs):
    from .selectors import catalog_changed

    transaction.on_commit(catalog_changed)


def _employee_changed(employee_id):
    from .selectors import employee_learning_changed

    transaction.on_commit(lambda: employee_learning_changed(employee_id))


for _model in (LearningItem, JobGroupSkill):
    post_save.connect(_catalog_changed, sender=_model, dispatch_uid=f"catalog_changed_save_{_model.__name__}")
    post_delete.connect(_catalog_changed, sender=_model, dispatch_uid=f"catalog_changed_delete_{_model.__name__}")
m2m_changed.connect(_catalog_changed, sender=LearningItem.skills.through, dispatch_uid="catalog_changed_skills")


@receiver(post_save, sender=Enrolment, dispatch_uid="catalog_enrolment_changed")
def enrolment_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _employee_changed(instance.employee_id)


@receiver(post_save, sender=LearningProfile, dispatch_uid="catalog_profile_changed")
def profile_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _employee_changed(instance.employee_id)


@receiver(m2m_changed, sender=LearningProfile.needs.through, dispatch_uid="catalog_profile_needs_changed")
def profile_needs_changed(sender, instance, action, reverse, **kwargs):
    if action.startswith("post_") and not reverse:
        _employee_changed(instance.employee_id)
