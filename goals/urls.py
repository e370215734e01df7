from django.urls import path

from . import views

app_name = "goals"
urlpatterns = [
    path("", views.goal_list, name="list"),
    path("new/", views.goal_new, name="create"),
    path("<int:pk>/", views.goal_detail, name="detail"),
    path("<int:pk>/edit/", views.goal_edit, name="edit"),
    path("<int:pk>/submit/", views.goal_submit_view, name="submit"),
    path("<int:pk>/decide/", views.goal_decide, name="decide"),
    path("<int:pk>/withdraw/", views.goal_withdraw_view, name="withdraw"),
    path("sponsors/", views.sponsors, name="sponsors"),
    path("sponsors/<int:pk>/remove/", views.sponsor_remove, name="sponsor_remove"),
    path("sponsors/search/", views.sponsor_search, name="sponsor_search"),
]
