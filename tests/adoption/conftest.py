"""The API token fixtures of the HRIS tests, for the adoption API's tests."""

from tests.hris.conftest import api, make_token  # noqa: F401
