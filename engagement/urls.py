from django.urls import path

from . import views, views_ambassadors, views_stories

app_name = "engagement"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("named/", views.named_set, name="named"),
    path("boards/", views.board_view, name="board"),
    path("boards/<str:kind>/<int:pk>/", views.board_view, name="board_scope"),
    path("boards/<str:kind>/<int:pk>/export/", views.board_export, name="board_export"),
    path("manage/", views.manage, name="manage"),
    path("manage/reward/", views.reward, name="reward"),
    path("ambassadors/", views_ambassadors.ambassadors, name="ambassadors"),
    path("ambassadors/invite/", views_ambassadors.invite, name="ambassador_invite"),
    path("ambassadors/<int:pk>/end/", views_ambassadors.end, name="ambassador_end"),
    path("ambassadors/<int:pk>/answer/", views_ambassadors.answer, name="ambassador_answer"),
    path("ambassadors/nominations/<int:pk>/dismiss/", views_ambassadors.nomination_dismiss, name="nomination_dismiss"),
    path("department/", views_ambassadors.my_department, name="my_department"),
    path("department/<int:pk>/", views_ambassadors.department, name="department"),
    path("department/<int:pk>/need/", views_ambassadors.need_drop, name="need_drop"),
    path("department/<int:pk>/nominate/", views_ambassadors.nominate, name="nominate"),
    path("department/<int:pk>/group/", views_ambassadors.group_create, name="need_group"),
    path("needs/", views_ambassadors.needs, name="needs"),
    path("needs/<int:pk>/forward/", views_ambassadors.group_forward, name="need_forward"),
    path("needs/<int:pk>/decide/", views_ambassadors.group_decide, name="need_decide"),
    path("stories/", views_stories.stories_mine, name="stories_mine"),
    path("stories/<int:pk>/withdraw/", views_stories.story_withdraw, name="story_withdraw"),
    path("stories/moderate/", views_stories.stories_moderate, name="stories_moderate"),
    path("stories/<int:pk>/publish/", views_stories.story_publish, name="story_publish"),
    path("stories/<int:pk>/reject/", views_stories.story_reject, name="story_reject"),
]
