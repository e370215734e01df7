"""The home panel with stories from colleagues in the reader's job group."""

from .story_selectors import published_stories


def colleagues_stories_panel(request, roles) -> dict:
    """One query, none without a job group. L&D staff read every story on the moderation page, and
    their home is at its query ceiling, so the panel is for everyone else."""
    employee = roles.employee
    if roles.is_ld_staff or employee is None or employee.job_group_id is None:
        return {"stories": []}
    return {"stories": published_stories(job_group_id=employee.job_group_id, limit=3)}
