from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("items/", views.browse, name="browse"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/request/", views.item_request, name="item_request"),
    path("external/", views.external_request, name="external_request"),
    path("enrolments/", views.my_enrolments, name="my_enrolments"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path("enrolments/<int:pk>/cancel/", views.enrolment_cancel, name="enrolment_cancel"),
    path("enrolments/<int:pk>/start/", views.enrolment_start, name="enrolment_start"),
    path("enrolments/<int:pk>/complete/", views.enrolment_complete, name="enrolment_complete"),
    path("enrolments/<int:pk>/approve/", views.enrolment_approve, name="enrolment_approve"),
    path("enrolments/<int:pk>/reject/", views.enrolment_reject, name="enrolment_reject"),
    path("approvals/", views.approvals, name="approvals"),
    path("team/", views.team, name="team"),
    path("profile/", views.profile, name="profile"),
    path("diversity/", views.diversity, name="diversity"),
    path("diversity/asked/", views.asked_offered, name="asked_offered"),
    path("import/", views.import_items, name="import_items"),
    path("manage/items/", views.manage_items, name="manage_items"),
    path("manage/items/new/", views.manage_item_create, name="manage_item_create"),
    path("manage/items/<int:pk>/", views.manage_item_edit, name="manage_item_edit"),
    path("manage/items/<int:pk>/deactivate/", views.manage_item_deactivate, name="manage_item_deactivate"),
    path("manage/items/<int:pk>/sessions/", views.manage_sessions, name="manage_sessions"),
    path("manage/sessions/<int:pk>/", views.manage_session_edit, name="manage_session_edit"),
    path("manage/sessions/<int:pk>/cancel/", views.manage_session_cancel, name="manage_session_cancel"),
    path("manage/rules/", views.manage_rules, name="manage_rules"),
    path("manage/rules/new/", views.manage_rule_create, name="manage_rule_create"),
    path("manage/rules/<int:pk>/", views.manage_rule_edit, name="manage_rule_edit"),
    path("manage/rules/<int:pk>/delete/", views.manage_rule_delete, name="manage_rule_delete"),
    path("manage/job-groups/", views.manage_job_groups, name="manage_job_groups"),
    path("manage/job-groups/<int:pk>/", views.manage_job_group_skills, name="manage_job_group_skills"),
    path("manage/settings/", views.manage_settings, name="manage_settings"),
]
