"""The surveys admin writes through the services, and once a survey is open its anonymity, minimum
groups, breakdowns and audience are not editable there; responses and answers have no admin."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from people.audience import EVERYONE
from surveys import services
from surveys.models import Answer, Invitation, Response, Survey
from surveys.services import survey_open
from tests.surveys.helpers import survey_with_all_kinds

pytestmark = pytest.mark.django_db


def _form(survey, **changes):
    closes = timezone.localtime(survey.closes_at)
    data = {
        "title": survey.title,
        "title_nl": survey.title_nl,
        "intro": "",
        "intro_nl": "",
        "audience_kind": "everyone",
        "anonymous": "on",
        "min_group_ratings": str(survey.min_group_ratings),
        "min_group_comments": str(survey.min_group_comments),
        "breakdown_department_depth": str(survey.breakdown_department_depth or ""),
        "breakdown_job_group": "on" if survey.breakdown_job_group else "",
        "closes_at_0": closes.strftime("%Y-%m-%d"),
        "closes_at_1": closes.strftime("%H:%M:%S"),
        "reminder_days": str(survey.reminder_days),
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def _spy(monkeypatch, name):
    calls, real = [], getattr(services, name)
    monkeypatch.setattr(services, name, lambda **kw: calls.append(kw) or real(**kw))
    return calls


def test_a_draft_changed_in_the_admin_goes_through_survey_update(client, hr, monkeypatch):
    survey = survey_with_all_kinds(audience=EVERYONE)
    calls = _spy(monkeypatch, "survey_update")
    client.force_login(hr.user)
    response = client.post(
        reverse("admin:surveys_survey_change", args=[survey.pk]), _form(survey, title="Renamed", min_group_ratings="7")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    (call,) = calls
    assert call["title"] == "Renamed"
    survey.refresh_from_db()
    assert (survey.title, survey.min_group_ratings) == ("Renamed", 7)


def test_a_survey_added_in_the_admin_goes_through_survey_create(client, hr, monkeypatch):
    calls = _spy(monkeypatch, "survey_create")
    client.force_login(hr.user)
    blank = Survey(closes_at=timezone.now() + timedelta(days=10), title="New from the admin")
    response = client.post(reverse("admin:surveys_survey_add"), _form(blank))
    assert response.status_code == 302, response.content.decode()[:2000]
    (call,) = calls
    assert call["created_by"] == hr
    assert Survey.objects.get(title="New from the admin").status == "draft"


def test_once_open_anonymity_and_thresholds_are_not_editable_in_the_admin(client, hr):
    survey = survey_open(survey=survey_with_all_kinds(audience=EVERYONE))
    client.force_login(hr.user)
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    page = client.get(url).context["adminform"].form
    for name in ("anonymous", "min_group_ratings", "min_group_comments", "breakdown_job_group", "audience_kind"):
        assert name not in page.fields, name
    assert "title" in page.fields
    response = client.post(
        url, _form(survey, title="Still editable", anonymous="", min_group_ratings="3", min_group_comments="3")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    survey.refresh_from_db()
    assert (survey.title, survey.anonymous, survey.min_group_ratings, survey.min_group_comments) == (
        "Still editable",
        True,
        5,
        10,
    )


def test_a_closed_survey_cannot_be_changed_in_the_admin(client, hr):
    survey = services.survey_close(survey=survey_open(survey=survey_with_all_kinds(audience=EVERYONE)))
    client.force_login(hr.user)
    assert not client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).context["adminform"].form.fields


def test_the_admin_opens_and_closes_through_the_services(client, hr, monkeypatch):
    survey = survey_with_all_kinds(audience=EVERYONE)
    opened, closed = _spy(monkeypatch, "survey_open"), _spy(monkeypatch, "survey_close")
    client.force_login(hr.user)
    changelist = reverse("admin:surveys_survey_changelist")
    client.post(changelist, {"action": "open_surveys", "_selected_action": [survey.pk]})
    assert len(opened) == 1
    assert Survey.objects.get(pk=survey.pk).status == "open"
    client.post(changelist, {"action": "open_surveys", "_selected_action": [survey.pk]})  # refused: not a draft
    assert Survey.objects.get(pk=survey.pk).status == "open"
    client.post(changelist, {"action": "close_surveys", "_selected_action": [survey.pk]})
    assert len(closed) == 1
    assert Survey.objects.get(pk=survey.pk).status == "closed"


def test_nobody_browses_invitations_responses_or_answers_in_the_admin():
    for model in (Invitation, Response, Answer):
        assert model not in admin.site._registry
    assert Survey in admin.site._registry
