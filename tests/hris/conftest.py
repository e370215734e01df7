"""Fixtures of the HRIS tests: API tokens per scope and a fingerprint of the people tables."""

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hris.models import ApiClient
from hris.services import api_client_create
from people.models import Department, Employee, JobGroup


@pytest.fixture
def make_token(db):
    def make(*scopes, name="test client", expired=False, revoked=False):
        client, token = api_client_create(name=name, scopes=list(scopes))
        if expired:
            ApiClient.objects.filter(pk=client.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        if revoked:
            ApiClient.objects.filter(pk=client.pk).update(revoked_at=timezone.now())
        return token

    return make


@pytest.fixture
def api(make_token):
    """api(*scopes) -> a test client sending a Bearer token with those scopes."""

    def make(*scopes, **kwargs):
        token = make_token(*scopes, **kwargs)
        return Client(headers={"Authorization": f"Bearer {token}"})

    return make


@pytest.fixture
def writer(api):
    return api("hris:write")


def people_fingerprint() -> tuple:
    """Row counts and a checksum of every row of the people tables."""
    digest = hashlib.sha256()
    counts = []
    for model in (Department, JobGroup, Employee):
        rows = list(model.objects.order_by("pk").values_list())
        counts.append(len(rows))
        digest.update(repr(rows).encode())
    return tuple(counts), digest.hexdigest()


def sync(client, payload, **headers):
    import json

    return client.post("/api/v1/hris/sync", data=json.dumps(payload), content_type="application/json", headers=headers)


def employee_row(n, **fields):
    row = {
        "external_id": f"E{n}",
        "first_name": f"First{n}",
        "last_name": f"Last{n}",
        "email": f"person{n}@example.nl",
        "department": "D10",
        "job_group": "JG-AM",
        "education_level": "bachelor",
        "fte": 0.8,
        "hired_on": "2021-03-01",
        "locale": "nl",
        "active": True,
    }
    row.update(fields)
    return row


def base_payload(n=3, **top):
    employees = [employee_row(i) for i in range(1, n + 1)]
    for row in employees[1:]:
        row["manager"] = "E1"
    payload = {
        "mode": "partial",
        "dry_run": False,
        "departments": [{"external_id": "D10", "name": "Sales", "parent": "D1"}, {"external_id": "D1", "name": "Org"}],
        "job_groups": [{"external_id": "JG-AM", "name": "Account managers"}],
        "employees": employees,
    }
    payload.update(top)
    return payload
