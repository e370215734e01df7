"""Which survey a person may open, and which of its groups' figures they may see: L&D staff and
API clients every released group, a manager the released groups of their own part of the
organisation, everyone every released group once the results are published."""

from collections.abc import Callable

from django.http import Http404

from people.access import roles_of
from people.models import DepartmentClosure

from .anonymity import Group
from .models import Survey
from .selectors import surveys_visible_to


def access_survey(user, pk) -> Survey:
    survey = surveys_visible_to(user).filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def _own_part(employee, survey: Survey) -> set[int]:
    """The manager's department at the survey's breakdown level and every department below it (one query)."""
    if employee.department_id is None or survey.breakdown_department_depth is None:
        return set()
    chain = list(
        DepartmentClosure.objects.filter(descendant_id=employee.department_id)
        .order_by("-depth")
        .values_list("ancestor_id", flat=True)
    )
    top = chain[min(survey.breakdown_department_depth, len(chain) - 1)]
    return set(DepartmentClosure.objects.filter(ancestor_id=top).values_list("descendant_id", flat=True))


def group_filter(user, survey: Survey) -> Callable[[Group], bool]:
    """Among the released groups, those this person may see."""
    roles = roles_of(user)
    if roles.is_ld_staff or roles.is_api_client or survey.published_at is not None:
        return lambda group: True
    if roles.is_manager:
        part = _own_part(roles.employee, survey)
        return lambda group: group.department_id in part
    return lambda group: False
