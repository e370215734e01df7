"""Which programme a person may open (programmes_visible_to), and what they may do with it."""

from django.http import Http404

from people.access import roles_of

from .models import Action, Programme
from .selectors import programmes_visible_to


def access_programme(user, pk) -> Programme:
    programme = programmes_visible_to(user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    return programme


def may_manage(user, programme: Programme) -> bool:
    return roles_of(user).is_ld_staff and roles_of(user).is_employee


def may_close(user, action: Action) -> bool:
    """The action's owner or L&D staff mark it done."""
    roles = roles_of(user)
    return roles.is_ld_staff or (roles.employee is not None and action.owner_id == roles.employee.pk)
