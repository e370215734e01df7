from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("me/", views.profile, name="profile"),
    path("<int:pk>/", views.employee_detail, name="employee_detail"),
    path("<int:pk>/edit/", views.employee_edit, name="employee_edit"),
    path("audience/", views.audience_field, name="audience_field"),
    path("search/", views.employee_search, name="employee_search"),
    path("audience/managers/", views.manager_search, name="manager_search"),
    path("audit/", views.audit_log, name="audit_log"),
    path("me/data/", views.my_data, name="my_data"),
    path("<int:pk>/data/", views.employee_data, name="employee_data"),
    path("<int:pk>/erase/", views.employee_erase, name="employee_erase"),
]
