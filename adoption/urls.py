from django.urls import path

from . import views

app_name = "adoption"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("home/", views.home, name="home"),
    path("sponsor/", views.sponsor_page, name="sponsor"),
    path("new/", views.programme_new, name="create"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
    path("<int:pk>/cycles/new/", views.cycle_new, name="cycle_create"),
    path("<int:pk>/extend/", views.programme_extend, name="extend"),
    path("cycles/<int:pk>/review/", views.review_new, name="review"),
    path("cycles/<int:pk>/report/", views.cycle_report, name="report"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
]
