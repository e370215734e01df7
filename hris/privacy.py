"""The HRIS part of a person's data: what the identity provider's SCIM knows about them."""

from django.utils.translation import gettext_lazy as _

from people.registry import PersonalData, registry

from .models import ScimIdentity


def collect(employee) -> list[dict]:
    return [
        {str(_("SCIM user name")): s.user_name, str(_("Identity provider id")): s.external_id}
        for s in ScimIdentity.objects.filter(employee=employee)
    ]


def erase(employee) -> None:
    ScimIdentity.objects.filter(employee=employee).delete()


def register() -> None:
    registry.add_personal_data(PersonalData("hris", _("Identity provider record"), collect, erase, order=10))
