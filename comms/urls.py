from django.urls import path

from . import views

app_name = "comms"
urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/bell/", views.bell, name="bell"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("o/<str:token>.gif", views.open_pixel, name="open"),
    path("c/<str:token>/", views.click, name="click"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

urlpatterns += [
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_edit, name="plan_create"),
    path("plans/coverage/", views.coverage, name="coverage"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/activate/", views.plan_activate, name="plan_activate"),
    path("plans/<int:pk>/deactivate/", views.plan_deactivate, name="plan_deactivate"),
    path("plans/<int:pk>/timeline/", views.plan_timeline, name="plan_timeline"),
    path("plans/<int:pk>/reach/", views.plan_reach, name="plan_reach"),
    path("plans/<int:plan_pk>/messages/new/", views.message_edit, name="message_create"),
    path("plans/<int:plan_pk>/messages/<int:pk>/edit/", views.message_edit, name="message_edit"),
    path("messages/<int:pk>/preview/", views.message_preview, name="message_preview"),
    path("messages/<int:pk>/test/", views.message_test_send, name="message_test_send"),
    path("messages/<int:pk>/reach/", views.message_reach, name="message_reach"),
]
