from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.my_moments, name="my_moments"),
    path("<int:pk>/", views.moment_detail, name="moment_detail"),
    path("<int:pk>/calendar.ics", views.moment_ics, name="moment_ics"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("<int:pk>/mute/", views.mute, name="mute"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("feed/reset/", views.feed_reset, name="feed_reset"),
    path("team/", views.team_hours, name="team_hours"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.moment_create, name="moment_create"),
    path("manage/<int:pk>/edit/", views.moment_edit, name="moment_edit"),
    path("manage/<int:pk>/occurrences/", views.occurrences, name="occurrences"),
    path("policies/new/", views.policy_create, name="policy_create"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("policies/<int:pk>/delete/", views.policy_delete, name="policy_delete"),
]
