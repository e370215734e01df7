"""Learning time's reactions to people: someone who leaves loses their private calendar feed."""

from django.dispatch import receiver

from people.signals import employees_changed

from .models import CalendarFeed


@receiver(employees_changed, dispatch_uid="policy.feeds_revoked_on_leave")
def feeds_revoked_on_leave(sender, deactivated=(), **kwargs):
    """The feed's token is a credential that works without signing in: revoked, not just paused,
    so it does not work again if the person returns (they get a new one)."""
    if deactivated:
        CalendarFeed.objects.filter(employee_id__in=deactivated).delete()
