"""The REST API under /api/v1/: each app adds its viewsets and paths through its `api.register`."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

import people.api

APPS = [people.api]

router = DefaultRouter()
router.include_root_view = False
extra: list = []
for module in APPS:
    module.register(router, extra)

urlpatterns = [*extra, path("", include(router.urls))]
