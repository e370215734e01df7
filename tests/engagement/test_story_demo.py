"""The demo holds stories (issue 19): published ones across job groups and trainings, one waiting
for moderation, one not published with its reason; the demo employee's home shows a colleague's
story; seeding twice adds none."""

import pytest
from django.core.management import call_command

from engagement.models import Story, StoryState
from people.models import Employee

pytestmark = pytest.mark.django_db


def test_the_demo_has_stories_in_every_state_and_on_the_employees_home(client):
    call_command("seed_demo")
    published = Story.objects.filter(state=StoryState.PUBLISHED)
    assert published.count() >= 4
    assert published.values("writer__job_group").distinct().count() >= 3
    assert published.values("item").distinct().count() >= 3
    assert published.filter(quote_with_name=True).exists()
    assert published.filter(quote_with_name=False).exists()
    assert Story.objects.filter(state=StoryState.SUBMITTED).count() == 1
    assert Story.objects.get(state=StoryState.REJECTED).reason
    employee = Employee.objects.get(user__username="employee")
    client.force_login(employee.user)
    home = client.get("/").content.decode()
    assert any(s.text in home for s in published.filter(writer__job_group=employee.job_group_id))
    stories = Story.objects.count()
    call_command("seed_demo")
    assert Story.objects.count() == stories
