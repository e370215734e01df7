"""Factories for the catalog's tests."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from catalog.models import Enrolment, LearningItem, Session, Skill


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Skill {n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningItem
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Item {n}")
    provider = "Acme Learning"
    provider_key = factory.Sequence(lambda n: f"K{n:05d}")
    format = "elearning"
    level_secondary = True
    language = "en"
    duration_hours = Decimal("2.0")
    cost = Decimal("0.00")

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    item = factory.SubFactory(ItemFactory, format="classroom")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=4))
    place = "Venlo"
    seats = 10


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """An enrolment in a given state, made directly (the services are tested on their own)."""

    class Meta:
        model = Enrolment

    item = factory.SubFactory(ItemFactory)
    motivation = "Because it helps."
    status = "requested"


def counted_slowly(session_booked):
    """The race tests' window: a pause after the seats taken are counted, before anything is written."""
    import time

    def count(session):
        taken = session_booked(session)
        time.sleep(0.05)
        return taken

    return count


def unlocked_session(session_id):
    """The negative control: the session read without the row lock that guards its seats."""
    from catalog.models import Session

    return Session.objects.select_related("item").get(pk=session_id)
