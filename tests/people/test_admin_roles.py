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


def test_every_grant_through_the_admin_is_recorded_by_the_rights_service(client, db, manager):
    from people.models import RightsGrant

    admin = UserFactory(username="root2", is_superuser=True, is_staff=True)
    client.force_login(admin)
    group = Group.objects.get(name=LD_STAFF_GROUP)
    target = manager.user
    form = {
        "username": target.username,
        "email": target.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "09:00:00",
    }
    url = f"/admin/auth/user/{target.pk}/change/"
    assert client.post(url, {**form, "groups": [group.pk], "is_staff": "on", "is_superuser": "on"}).status_code == 302
    granted = RightsGrant.objects.filter(user=target, by=admin, granted=True)
    assert sorted(granted.values_list("right", "name")) == [("group", LD_STAFF_GROUP), ("staff", ""), ("superuser", "")]
    # Taking rights away is recorded the same way; saving without a change records nothing.
    assert client.post(url, {**form, "groups": [group.pk]}).status_code == 302
    assert client.post(url, {**form, "groups": [group.pk]}).status_code == 302
    taken = RightsGrant.objects.filter(user=target, granted=False)
    assert sorted(taken.values_list("right", flat=True)) == ["staff", "superuser"]
    assert RightsGrant.objects.count() == 5
    target.refresh_from_db()
    assert (target.is_staff, target.is_superuser) == (False, False)
    assert target.groups.filter(name=LD_STAFF_GROUP).exists()


def test_the_rights_service_refuses_anyone_but_an_administrator(db, hr, manager):
    from django.core.exceptions import PermissionDenied

    from people.models import RightsGrant
    from people.services import user_rights_set

    with pytest.raises(PermissionDenied):
        user_rights_set(user=manager.user, by=hr.user, is_staff=True, is_superuser=True)
    manager.user.refresh_from_db()
    assert (manager.user.is_staff, manager.user.is_superuser) == (False, False)
    assert not RightsGrant.objects.exists()


def test_one_list_of_administrators_only_apps_governs_admin_and_permissions(client_for, hr):
    import config.apps
    from people.access import ADMINISTRATORS_ONLY

    assert not hasattr(config.apps, "ADMINISTRATORS_ONLY")  # no second list to drift
    assert {"auth", "axes", "django_celery_beat"} <= ADMINISTRATORS_ONLY
    assert not hr.user.has_perm("django_celery_beat.change_periodictask")
    assert not hr.user.has_perm("auth.change_user")
    assert hr.user.has_perm("people.change_employee")
    for path in ("/admin/django_celery_beat/periodictask/", "/admin/people/rightsgrant/"):
        assert client_for(hr).get(path).status_code == 403
