from django.urls import path

from . import views

app_name = "engagement"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("named/", views.named_set, name="named"),
    path("boards/", views.board_view, name="board"),
    path("boards/<str:kind>/<int:pk>/", views.board_view, name="board_scope"),
    path("boards/<str:kind>/<int:pk>/export/", views.board_export, name="board_export"),
    path("manage/", views.manage, name="manage"),
    path("manage/reward/", views.reward, name="reward"),
]
