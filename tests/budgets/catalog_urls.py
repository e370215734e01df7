"""The project's URLs with a stand-in for the catalog's enrolment page, as the catalog will add it."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as project

catalog = ([path("enrolments/<int:pk>/", lambda request, pk: HttpResponse(), name="enrolment_detail")], "catalog")
urlpatterns = [p for p in project if getattr(p, "namespace", None) != "catalog"] + [path("catalog/", include(catalog))]
