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
    path("import/", views.import_items, name="import_items"),
]
