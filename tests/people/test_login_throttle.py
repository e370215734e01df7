"""Sign-in is throttled (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account from
one address that pair waits, on the login page and the admin's alike, and is told why; password-reset
requests are throttled per address and per e-mail address."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tests.factories import UserFactory

PASSWORD = "secret-pass-123"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, url, username, password):
    return client.post(url, {"username": username, "password": password})


def _fail_until_locked(client, url, username, limit):
    """limit - 1 wrong passwords show the form again; the limit-th locks; then even the right one is refused."""
    for _attempt in range(limit - 1):
        response = _login(client, url, username, "wrong")
        assert response.status_code == 200  # the form again, with its error
    assert _login(client, url, username, "wrong").status_code == 429
    return _login(client, url, username, PASSWORD)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_too_many_wrong_passwords_lock_the_account_from_that_address_and_say_why(db, settings, url):
    user = UserFactory(username="ann", is_staff=True, is_superuser=True)
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    locked = _fail_until_locked(attacker, url, "ann", settings.AXES_FAILURE_LIMIT)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed sign-ins" in page
    assert "paused for 15 minutes" in page
    assert "_auth_user_id" not in attacker.session
    # the right password from another address still works: colleagues are not locked out
    colleague = Client(REMOTE_ADDR="198.51.100.7")
    assert _login(colleague, url, "ann", PASSWORD).status_code == 302
    assert colleague.session["_auth_user_id"] == str(user.pk)


def test_the_lock_lifts_after_the_cool_off(db, settings, time_machine):
    UserFactory(username="bob")
    time_machine.move_to("2026-03-02 10:00", tick=False)
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert _fail_until_locked(client, "/accounts/login/", "bob", settings.AXES_FAILURE_LIMIT).status_code == 429
    # (a refused attempt while locked starts the cool-off again, so nothing is tried in between)
    time_machine.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    assert _login(client, "/accounts/login/", "bob", PASSWORD).status_code == 302


def test_a_success_before_the_limit_resets_the_count(db, settings):
    UserFactory(username="cas")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _round in range(3):
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            assert _login(client, "/accounts/login/", "cas", "wrong").status_code == 200
        assert _login(client, "/accounts/login/", "cas", PASSWORD).status_code == 302
        client.logout()


def test_the_lockout_page_speaks_dutch(db, settings):
    UserFactory(username="dirk")
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="nl")
    page = _fail_until_locked(client, "/accounts/login/", "dirk", settings.AXES_FAILURE_LIMIT).content.decode()
    assert "Te veel mislukte aanmeldpogingen" in page
    assert "15 minuten" in page


def test_password_reset_requests_are_throttled_per_address_and_per_email(db, settings):
    settings.PASSWORD_RESET_RATE = "3/hour"
    UserFactory(username="eva", email="eva@example.test")
    flood = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [flood.post("/accounts/password/reset/", {"email": "eva@example.test"}).status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    # from another address, the same e-mail address is still throttled (no inbox flood by rotation)
    other = Client(REMOTE_ADDR="198.51.100.7")
    response = other.post("/accounts/password/reset/", {"email": "eva@example.test"})
    assert response.status_code == 429
    assert "Too many reset requests" in response.content.decode()
    assert len(mail.outbox) == 3
    assert User.objects.filter(username="eva").exists()
