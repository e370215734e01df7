"""The page guard's rules (tests/guard/checks.py) on the new L&D pages of the demo organisation,
in Dutch and English, directly: the guard's walk reaches them too, but stops at the first page
that fails anywhere in the walk, so these are checked on their own as well."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from people.audit import audit_record
from people.models import Employee
from tests.guard.checks import page_defects

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_audit_log_and_a_persons_data_read_well(language):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    person = Employee.objects.get(user__username="employee")
    hr = get_user_model().objects.get(username="hr")
    audit_record(
        action="budget.adjusted",
        object_type="budgets.budget",
        object_id=1,
        subject=person,
        by=hr,
        reason="Dubbele boeking",
        changes={"amount": "-100.00"},
    )
    client = Client()
    client.force_login(hr)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    problems = []
    for path in (
        "/people/audit/",
        "/people/audit/?action=budget.adjusted",
        f"/people/{person.pk}/data/",
        f"/people/{person.pk}/erase/",
        f"/people/{person.pk}/",
        "/people/me/data/",
        "/privacy/",
        "/accounts/login/",
    ):
        response = client.get(path) if path != "/accounts/login/" else Client().get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, path
        problems += [f"{path}: {finding}" for finding in page_defects(response.content.decode(), language)]
    assert problems == []
