"""Demo data of the HRIS app: one API client with a known name (its token is never printed)."""

DEMO_CLIENT_NAME = "Demo HRIS connector"


def seed_api_client():
    from .models import ApiClient
    from .services import api_client_create

    if not ApiClient.objects.filter(name=DEMO_CLIENT_NAME).exists():
        api_client_create(name=DEMO_CLIENT_NAME, scopes=["hris:write", "reporting:read"])
