"""People's own reactions to changes of employees: when someone leaves, their account stops
working at once, and when they come back it works again."""

from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.utils import timezone

from .models import Employee
from .signals import employees_changed


@receiver(employees_changed, dispatch_uid="people.accounts_follow_active")
def accounts_follow_active(sender, created=(), updated=(), deactivated=(), **kwargs):
    """Deactivated (HRIS full sync, SCIM `active: false`, the admin, the API): the leaving date is
    kept (erasure counts from it) and the account is switched off, which ends every session on its
    next request (Django's backends refuse an inactive account's session) and every password or
    single sign-on attempt. Active again: the date is cleared and the account switched on."""
    users = get_user_model().objects
    if deactivated:
        Employee.objects.filter(pk__in=deactivated, deactivated_at=None).update(deactivated_at=timezone.now())
        users.filter(employee__pk__in=deactivated, is_active=True).update(is_active=False)
    back = set(updated) - set(deactivated)
    if back:
        returned = Employee.objects.filter(pk__in=back, active=True, erased_at=None).exclude(deactivated_at=None)
        ids = list(returned.values_list("pk", flat=True))
        if ids:
            Employee.objects.filter(pk__in=ids).update(deactivated_at=None)
            users.filter(employee__pk__in=ids, is_active=False).update(is_active=True)
