"""Counts that reach the thousands in a large organisation read with the language's separator
(people.formatting.number): "1,210" in English, "1.210" in Dutch, never "1210". At the demo's 300
people no count has four digits, so the page guard's reading of every page cannot see this."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from comms.models import Message
from people.audience import AudienceKind
from tests.bigteam import grow_team

pytestmark = pytest.mark.django_db

TEAM = 1200


def _text(response) -> str:
    """What a person reads: the body without tags, scripts and styles."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", response.content.decode())
    return re.sub(r"<[^>]+>", " ", html)


def _read(client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return _text(response)


def _assert_separated(text: str, separator: str) -> None:
    """The grown team's count (1,2xx) shows with the separator, and no count of its size without."""
    assert re.search(rf"\b1{re.escape(separator)}2\d\d\b", text)
    bare = re.search(r"(?<![\d.,])1[2-3]\d\d(?![\d.,])", text)
    assert bare is None, " ".join(text[bare.start() - 300 : bare.end() + 80].split())


@pytest.fixture
def large(personas, client):
    grow_team(personas.manager, TEAM)
    client.force_login(personas.hr.user)
    return client


@pytest.mark.parametrize(("language", "separator"), [("en", ","), ("nl", ".")])
def test_the_ld_homes_headcounts_read_with_separators(large, language, separator):
    # the manager's department holds the team, the manager and the employee; the root all of them
    _assert_separated(_read(large, reverse("home"), language), separator)


@pytest.mark.parametrize(("language", "separator"), [("en", ","), ("nl", ".")])
def test_a_messages_preview_reads_its_audience_with_a_separator(large, language, separator):
    message = Message.objects.create(
        key="all", subject="S", body="B", channels=["email"], audience_kind=AudienceKind.EVERYONE
    )
    _assert_separated(_read(large, reverse("comms:message_preview", args=[message.pk]), language), separator)
