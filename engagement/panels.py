"""The employee's home panel: the ambassadors of their department and the departments above it,
nearest first, so colleagues know whom to ask, and the person's own invitation waiting for an
answer. One query for both. L&D staff, who appoint the ambassadors and see them all on their
Ambassadors page, are not shown it (their home is the heaviest and at its query ceiling)."""

from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from people.models import DepartmentClosure

from .models import LIVE, Ambassadorship, AmbassadorStatus


def ambassadors_panel(request, roles) -> dict:
    me = roles.employee
    if me is None or roles.is_ld_staff:
        return {}
    above = DepartmentClosure.objects.filter(descendant_id=me.department_id)
    theirs = Q(status=AmbassadorStatus.ACCEPTED, employee__active=True, department_id__in=above.values("ancestor_id"))
    depth = above.filter(ancestor_id=OuterRef("department_id")).values("depth")[:1]
    rows = list(
        Ambassadorship.objects.filter(theirs | Q(employee=me, status__in=LIVE))
        .annotate(depth=Coalesce(Subquery(depth), Value(0)))
        .select_related("employee", "department")
        .order_by("depth", "employee__last_name", "employee__first_name")
    )
    invitation = next((r for r in rows if r.employee_id == me.pk and r.status == AmbassadorStatus.INVITED), None)
    ambassadors = [r for r in rows if r.status == AmbassadorStatus.ACCEPTED and r.employee.active]
    return {"ambassadors": ambassadors, "invitation": invitation, "department_id": me.department_id, "me_id": me.pk}
