"""One rule for every link rendered anywhere (people.links.safe_link): our own paths and http(s),
never `javascript:`; the message preview included, with a first name from the sync as the link."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from people.links import safe_link
from people.models import Employee

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("/catalog/", "/catalog/"),
        ("https://leerlab.example/course?id=1", "https://leerlab.example/course?id=1"),
        ("HTTP://leerlab.example/", "HTTP://leerlab.example/"),
        ("javascript:alert(1)//", ""),
        ("JaVaScRiPt:alert(1)", ""),
        ("  javascript:alert(1)", ""),
        ("java\tscript:alert(1)", ""),
        ("data:text/html;base64,PHNjcmlwdD4=", ""),
        ("vbscript:msgbox", ""),
        ("//evil.example/", ""),
        ("/\\evil.example/", ""),
        ("https:evil.example", ""),
        ("ftp://files.example/", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_link_keeps_our_paths_and_http_only(link, expected):
    assert safe_link(link) == expected


def test_the_preview_never_renders_a_javascript_link_from_a_first_name(client_for, hr, plan_message, employee):
    Employee.objects.filter(pk=employee.pk).update(first_name="javascript:alert(1)//")
    plan_message.link = "{{ first_name }}"
    plan_message.save()
    url = reverse("comms:message_preview", args=[plan_message.pk])
    page = client_for(hr).get(url, {"employee": employee.pk}).content.decode()
    assert 'href="javascript:' not in page
    assert "javascript:alert(1)//" in page  # the subject still greets the person by the name the sync gave


def test_every_template_link_from_data_goes_through_safe_link():
    """An href or src filled from a variable is our own {% url %} or passes |safe_link."""
    offenders = []
    for path in ROOT.glob("*/templates/**/*.html"):
        for match in re.finditer(r'(?:href|src)="\{\{\s*([^}]*)\}\}', path.read_text()):
            expression = match.group(1)
            if "safe_link" not in expression and not re.fullmatch(r"(link|home_url|item_url)\s*", expression):
                offenders.append(f"{path.relative_to(ROOT)}: {expression}")
    assert offenders == []
