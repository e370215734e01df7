"""Only administrators grant rights: L&D staff run the learning domain in the admin but cannot see
or change accounts, groups or permissions (no making anyone a superuser, no changing another
staff member's password); an administrator can, and the admin log records the grant."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User

from people.access import LD_STAFF_GROUP
from tests.factories import UserFactory

PAGES = ["/admin/auth/user/", "/admin/auth/group/", "/admin/axes/accessattempt/"]


@pytest.mark.parametrize("path", PAGES)
def test_ld_staff_cannot_open_accounts_groups_or_sign_in_locks(client_for, hr, path):
    assert client_for(hr).get(path).status_code == 403


def test_ld_staff_still_run_the_learning_domain_in_the_admin(client_for, hr):
    index = client_for(hr).get("/admin/")
    assert index.status_code == 200
    assert b"/admin/auth/" not in index.content
    assert client_for(hr).get("/admin/people/employee/").status_code == 200


def test_ld_staff_cannot_make_anyone_a_superuser_or_change_a_password(client_for, hr, manager):
    target = manager.user
    client = client_for(hr)
    response = client.post(
        f"/admin/auth/user/{target.pk}/change/",
        {"username": target.username, "is_superuser": "on", "is_staff": "on", "groups": []},
    )
    assert response.status_code == 403
    response = client.post(
        f"/admin/auth/user/{target.pk}/password/", {"password1": "N3w-pass-9876", "password2": "N3w-pass-9876"}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert (target.is_superuser, target.is_staff) == (False, False)
    assert target.check_password("secret-pass-123")


def test_an_administrator_grants_the_ld_role_and_the_admin_log_records_it(client, db, manager):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    group = Group.objects.get(name=LD_STAFF_GROUP)
    target = manager.user
    response = client.post(
        f"/admin/auth/user/{target.pk}/change/",
        {
            "username": target.username,
            "email": target.email,
            "is_active": "on",
            "groups": [group.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert User.objects.get(pk=target.pk).groups.filter(name=LD_STAFF_GROUP).exists()
    entry = LogEntry.objects.get(object_id=str(target.pk), user=admin)
    assert "Groups" in entry.get_change_message()
