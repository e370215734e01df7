"""What engagement provides to the apps below through people.registry: the recognition a profile
shows, and the ambassadors a department's people can ask."""

from .models import Reward


def profile_badges(employee) -> list[str]:
    """The PROFILE_BADGES port: the person's badges, newest first, each once (one query)."""
    seen, badges = set(), []
    rows = Reward.objects.filter(employee=employee).exclude(badge="").order_by("-created_at")
    for badge in rows.values_list("badge", flat=True)[:20]:
        if badge not in seen:
            seen.add(badge)
            badges.append(badge)
    return badges
