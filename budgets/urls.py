from django.urls import path

from . import views

app_name = "budgets"
urlpatterns = [
    path("", views.my_budget, name="mine"),
    path("employee/<int:pk>/", views.employee_budget, name="employee"),
    path("team/", views.team, name="team"),
    path("overview/", views.overview, name="overview"),
    path("<int:pk>/adjust/", views.adjust, name="adjust"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/new/", views.policy_edit, name="policy_create"),
    path("policies/<int:pk>/", views.policy_edit, name="policy_edit"),
]
