from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("departments/<int:pk>/", views.department, name="department"),
    path("team/", views.team, name="team"),
    path("thresholds/", views.threshold_edit, name="thresholds"),
]
