"""The employee's home: the catalog, budget and moment panels show the real learning content, so the
placeholder "My learning" card is shown only while no app adds an employee panel."""

from django.urls import reverse

from people.registry import registry

PLACEHOLDER = "Your trainings, learning budget and learning moments appear on this page."


def test_the_panels_replace_the_placeholder_card_and_the_profile_card_stays(client_for, employee):
    html = client_for(employee).get(reverse("home")).content.decode()
    assert PLACEHOLDER not in html
    assert reverse("people:profile") in html  # the profile card
    assert "My learning budget" in html  # budgets
    assert "My current enrolments" in html  # catalog: my trainings
    assert "Next learning moment" in html  # policy
    assert html.count("<h1") == 1


def test_without_employee_panels_the_placeholder_card_remains(client_for, employee, monkeypatch):
    monkeypatch.setattr(registry, "panels", [p for p in registry.panels if p.role != "employee"])
    html = client_for(employee).get(reverse("home")).content.decode()
    assert PLACEHOLDER in html
    assert "My learning budget" not in html
    assert reverse("people:profile") in html
