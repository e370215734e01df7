from django.urls import path

from . import views

app_name = "hris"
urlpatterns = [
    path("clients/", views.clients, name="clients"),
    path("clients/<int:pk>/revoke/", views.client_revoke, name="client_revoke"),
    path("import/", views.csv_upload, name="csv_upload"),
    path("import/<int:pk>/", views.csv_preview, name="csv_preview"),
    path("import/<int:pk>/apply/", views.csv_apply, name="csv_apply"),
]
