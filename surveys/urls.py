from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/answer/", views.answer_start, name="answer_start"),
    path("answer/<str:token>/", views.answer, name="answer"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.<str:fmt>", views.export, name="export"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.survey_new, name="create"),
    path("manage/<int:pk>/", views.detail, name="detail"),
    path("manage/<int:pk>/edit/", views.survey_edit, name="edit"),
    path("manage/<int:pk>/rate/", views.rate, name="rate"),
    path("manage/<int:pk>/questions/", views.question_new, name="question_add"),
    path("manage/<int:pk>/questions/<int:question_pk>/delete/", views.question_remove, name="question_delete"),
    path("manage/<int:pk>/open/", views.open_survey, name="open"),
    path("manage/<int:pk>/close/", views.close_survey, name="close"),
    path("manage/<int:pk>/publish/", views.publish, name="publish"),
]
