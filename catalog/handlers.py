"""Tells other apps (comms) when the offer grows: an item added, or a skill added to an item.

Connected to the model signals so every write path (pages, admin, CSV import, API) announces it;
sent on commit, so a rolled-back import announces nothing."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from people.signals import domain_event

from .models import LearningItem


def _announce(item: LearningItem) -> None:
    transaction.on_commit(lambda: domain_event.send(sender=LearningItem, name="catalog.item_added", item=item))


@receiver(post_save, sender=LearningItem, dispatch_uid="catalog_item_added")
def item_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        # Skills set right after creation belong to the same announcement.
        instance._catalog_announced = True
        _announce(instance)


@receiver(m2m_changed, sender=LearningItem.skills.through, dispatch_uid="catalog_item_skill_added")
def item_skills_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "post_add" and pk_set and not reverse and not getattr(instance, "_catalog_announced", False):
        _announce(instance)
