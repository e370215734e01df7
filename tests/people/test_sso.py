"""Single sign-on against a real OpenID Connect provider on loopback (tests/people/oidc_provider.py):
mozilla-django-oidc exchanges the code over HTTP, fetches the JWKS and checks the id token's
signature, state and nonce as it does with Entra ID or Okta. Nothing of the library is mocked."""

from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client

from people.models import Employee
from tests.factories import EmployeeFactory
from tests.people.oidc_provider import Provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    idp = Provider().start()
    for name, value in idp.settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "people.sso.EmployeeOIDCBackend"]
    yield idp
    idp.stop()


def sign_in(client: Client, provider: Provider, *, state: str | None = None):
    """The browser's trip: our start page, the provider's authorize page, back to our callback."""
    start = client.get("/accounts/sso/")
    assert start.status_code == 302
    assert start["Location"].startswith(provider.base + "/authorize?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/accounts/sso/callback/"
    query = back.query if state is None else back.query.rsplit("state=", 1)[0] + f"state={state}"
    return client.get(f"{back.path}?{query}")


def signed_in_user(client: Client):
    user_id = client.session.get(SESSION_KEY)
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


@pytest.fixture
def newcomer(db):
    """Synced from the HRIS, never signed in: no account yet."""
    return EmployeeFactory(first_name="Noor", last_name="Bakker", email="noor.bakker@example.nl", external_id="E-777")


def test_first_sign_in_matches_by_email_creates_the_account_and_remembers_the_subject(provider, newcomer):
    provider.person = {"sub": "idp-noor", "email": "Noor.Bakker@example.nl", "email_verified": True}
    client = Client()
    done = sign_in(client, provider)
    assert done.status_code == 302
    assert "sso=failed" not in done["Location"]
    newcomer.refresh_from_db()
    assert newcomer.user is not None
    assert newcomer.oidc_subject == "idp-noor"
    assert signed_in_user(client) == newcomer.user
    assert newcomer.user.username == f"sso-{newcomer.pk}"  # nothing personal in the username
    assert not newcomer.user.has_usable_password()
    assert client.get("/").status_code == 200


def test_returning_sign_in_matches_by_subject_even_after_the_email_changed(provider, newcomer):
    provider.person = {"sub": "idp-noor", "email": "noor.bakker@example.nl"}
    sign_in(Client(), provider)
    users = get_user_model().objects.count()
    provider.person = {"sub": "idp-noor", "email": "n.bakker@new-domain.example"}
    client = Client()
    sign_in(client, provider)
    assert get_user_model().objects.count() == users
    assert signed_in_user(client) == Employee.objects.get(pk=newcomer.pk).user


def test_the_hris_key_claim_matches_before_the_email(provider, newcomer, settings):
    settings.OIDC_EXTERNAL_ID_CLAIM = "employee_id"
    other = EmployeeFactory(email="shared.mailbox@example.nl")
    provider.person = {"sub": "idp-x", "employee_id": "E-777", "email": other.email}
    client = Client()
    sign_in(client, provider)
    assert signed_in_user(client) == Employee.objects.get(pk=newcomer.pk).user
    assert Employee.objects.get(pk=other.pk).user is None


def test_an_unknown_person_is_turned_away_and_gets_no_account(provider, newcomer):
    provider.person = {"sub": "idp-stranger", "email": "stranger@elsewhere.example"}
    client = Client()
    users = get_user_model().objects.count()
    done = sign_in(client, provider)
    assert done.status_code == 302
    assert done["Location"].endswith("/accounts/login/?sso=failed")
    assert signed_in_user(client) is None
    assert get_user_model().objects.count() == users
    assert "did not work" in client.get(done["Location"]).content.decode()


def test_someone_who_left_cannot_sign_in_even_with_a_known_subject(provider, newcomer):
    provider.person = {"sub": "idp-noor", "email": "noor.bakker@example.nl"}
    sign_in(Client(), provider)
    Employee.objects.filter(pk=newcomer.pk).update(active=False)
    client = Client()
    done = sign_in(client, provider)
    assert done["Location"].endswith("?sso=failed")
    assert signed_in_user(client) is None


def test_an_unverified_email_does_not_match(provider, newcomer):
    provider.person = {"sub": "idp-noor", "email": "noor.bakker@example.nl", "email_verified": False}
    client = Client()
    sign_in(client, provider)
    assert signed_in_user(client) is None


def test_a_forged_state_is_refused(provider, newcomer):
    provider.person = {"sub": "idp-noor", "email": "noor.bakker@example.nl"}
    client = Client()
    done = sign_in(client, provider, state="forged-state")
    assert done.status_code in (302, 400)
    assert signed_in_user(client) is None
    assert Employee.objects.get(pk=newcomer.pk).user is None


def test_an_id_token_with_another_nonce_is_refused(provider, newcomer):
    provider.person = {"sub": "idp-noor", "email": "noor.bakker@example.nl"}
    provider.tamper_nonce = True
    client = Client()
    done = sign_in(client, provider)
    assert done.status_code in (302, 400)
    assert signed_in_user(client) is None
    assert Employee.objects.get(pk=newcomer.pk).user is None


def test_the_same_flow_without_tampering_signs_in(provider, newcomer):
    """The negative control of the two refusals above: the same steps, untouched, do sign in."""
    provider.person = {"sub": "idp-noor", "email": "noor.bakker@example.nl"}
    client = Client()
    sign_in(client, provider)
    assert signed_in_user(client) is not None


def test_local_passwords_switched_off_refuse_a_correct_password(provider, personas, settings, client):
    login = client.get("/accounts/login/").content.decode()
    assert "/accounts/sso/" in login
    assert 'name="password"' in login
    settings.LOCAL_PASSWORDS = False
    assert 'name="password"' not in client.get("/accounts/login/").content.decode()
    client.post("/accounts/login/", {"username": "employee", "password": "secret-pass-123"})
    assert signed_in_user(client) is None
    settings.LOCAL_PASSWORDS = True
    client.post("/accounts/login/", {"username": "employee", "password": "secret-pass-123"})
    assert signed_in_user(client) == personas.employee.user


def test_without_configuration_single_sign_on_is_not_offered(client, db):
    assert client.get("/accounts/sso/").status_code == 404
    assert "/accounts/sso/" not in client.get("/accounts/login/").content.decode()
