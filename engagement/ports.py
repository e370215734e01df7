"""What engagement provides to the apps below through people.registry: the recognition a profile
shows, and the ambassadors a department's people can ask."""

from django.db.models import F

from people.registry import Ambassador

from .models import Ambassadorship, AmbassadorStatus, Reward


def profile_badges(employee) -> list[str]:
    """The PROFILE_BADGES port: the person's badges, newest first, each once (one query)."""
    seen, badges = set(), []
    rows = Reward.objects.filter(employee=employee).exclude(badge="").order_by("-created_at")
    for badge in rows.values_list("badge", flat=True)[:20]:
        if badge not in seen:
            seen.add(badge)
            badges.append(badge)
    return badges


def ambassador_ids() -> set[int]:
    """The AMBASSADOR_IDS port: the employees who are ambassadors now (accepted, still active)."""
    return set(
        Ambassadorship.objects.filter(status=AmbassadorStatus.ACCEPTED, employee__active=True).values_list(
            "employee_id", flat=True
        )
    )


def ambassadors_for(employee) -> list[Ambassador]:
    """The AMBASSADORS_FOR port: the ambassadors of the person's department and the departments
    above it, nearest first (one query; none without a department)."""
    if employee is None or not employee.department_id:
        return []
    rows = (
        Ambassadorship.objects.filter(
            status=AmbassadorStatus.ACCEPTED,
            employee__active=True,
            department__subtree_links__descendant_id=employee.department_id,
        )
        .annotate(depth=F("department__subtree_links__depth"))
        .order_by("depth", "employee__last_name", "employee__first_name")
        .values("employee_id", "employee__first_name", "employee__last_name", "department_id", "department__name")
    )
    return [
        Ambassador(
            employee_id=r["employee_id"],
            name=f"{r['employee__first_name']} {r['employee__last_name']}",
            department_id=r["department_id"],
            department=r["department__name"],
        )
        for r in rows
    ]
