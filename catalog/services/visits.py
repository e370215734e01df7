"""Catalog visits: who looked at the offer, once a person a day."""

from datetime import date

from django.utils import timezone

from people.models import Employee

from ..models import CatalogVisit


def catalog_visit_record(*, employee: Employee, day: date | None = None) -> bool:
    """Record that the employee opened the catalog on `day` (today); True when this was the day's
    first visit. The unique key keeps a second tab or a race from writing twice."""
    day = day or timezone.localdate()
    _visit, created = CatalogVisit.objects.get_or_create(employee=employee, day=day)
    return created
