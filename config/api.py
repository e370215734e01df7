"""The REST API under /api/v1/: each app adds its viewsets and paths through its `api.register`."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

import adoption.api
import budgets.api
import catalog.api
import comms.api
import engagement.api
import goals.api
import hris.api
import monitoring.api
import people.api
import policy.api
import surveys.api

APPS = [
    people.api,
    hris.api,
    catalog.api,
    budgets.api,
    comms.api,
    policy.api,
    surveys.api,
    monitoring.api,
    goals.api,
    engagement.api,
    adoption.api,
]

router = DefaultRouter()
router.include_root_view = False
extra: list = []
for module in APPS:
    module.register(router, extra)

urlpatterns = [*extra, path("", include(router.urls))]
