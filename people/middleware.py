"""Speaks to a signed-in employee in their own language until they pick one with the switch."""

from django.conf import settings
from django.utils import translation

from .access import roles_of


class EmployeeLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and request.user.is_authenticated:
            employee = roles_of(request.user).employee
            if employee is not None:
                translation.activate(employee.locale)
                request.LANGUAGE_CODE = employee.locale
        return self.get_response(request)
