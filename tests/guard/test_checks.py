"""The page guard's checks catch each defect they name, and pass a page that reads well."""

import pytest

from tests.guard.checks import owned_translations, page_defects, visible_text


def page(body: str, language: str = "nl") -> str:
    return f'<!doctype html><html lang="{language}"><body>{body}</body></html>'


@pytest.mark.parametrize(
    ("body", "language", "rule"),
    [
        ("<p>Beste {{ first_name }},</p>", "nl", "template syntax"),
        ("<p>{% translate 'x' %}</p>", "en", "template syntax"),
        ("<td>7,60000000000000</td>", "nl", "more than four decimals"),
        ("<td>472.800000000000000</td>", "en", "more than four decimals"),
        ("<td>FREQ=WEEKLY;BYDAY=TU 15:00</td>", "en", "a raw recurrence rule"),
        ("<code>FREQ=WEEKLY;BYDAY=TU</code>", "en", "a raw recurrence rule"),
        ("<td>[]</td>", "en", "an empty Python list"),
        ("<td>2026-05-01T09:00:00+00:00</td>", "en", "an ISO date-time"),
        ("<td>Marieke 2026-01-01</td>", "nl", "an ISO date"),
        ("<td>1000.00</td>", "en", "an amount without grouping"),
        ("<td>1000,00</td>", "nl", "an amount without grouping"),
        ("<td>None</td>", "en", "a Python None"),
        ('<img alt="None" src="x.svg">', "en", "a Python None"),
        ("<p>None: wat over is vervalt</p>", "nl", "the English word None"),
        ("<td>€ 30.00</td>", "nl", "a Dutch amount written the English way"),
        ("<td>€30,00</td>", "nl", "a Dutch amount written the English way"),
        ("<td>€ 1,250.00</td>", "en", "an English amount written the Dutch way"),
        ("<td>€1.250,00</td>", "en", "an English amount written the Dutch way"),
        ("<td>12/01/2026</td>", "en", "a US date"),
        ("<td>Jan. 1, 2026</td>", "en", "a US date"),
        ("<td>December 7, 2026</td>", "en", "a US date"),
    ],
)
def test_each_rule_finds_its_defect(body, language, rule):
    findings = page_defects(page(body, language), language)
    assert any(f.startswith(rule + ":") for f in findings), findings


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("<td>€ 1.250,00</td><td>7,6</td><td>30-11-2026</td><td>19%</td><p>Elke dinsdag 15:00–15:30</p>", "nl"),
        ("<td>€1,250.00</td><td>7.6</td><td>30 Nov 2026</td><td>19%</td><p>Every Tuesday 15:00–15:30</p>", "en"),
        ("<p>None: what is left expires</p><td>None.</td>", "en"),
    ],
)
def test_a_page_that_reads_well_passes(body, language):
    assert page_defects(page(body, language), language) == []


def test_what_people_type_is_not_what_they_read():
    """Form controls hold machine values, <kbd> shows what to type, <script> is code."""
    body = (
        '<input value="FREQ=WEEKLY;BYDAY=TU"><textarea>Hallo {{ first_name }}</textarea>'
        "<kbd>{{ first_name }}</kbd><script>var x = [];</script>"
    )
    assert page_defects(page(body), "nl") == []


def test_english_text_we_translate_is_found_on_a_dutch_page():
    english = sorted(owned_translations())[0]
    assert page_defects(page(f"<p>{english}</p>"), "nl") == [f'English on a Dutch page: "{english}"']
    assert page_defects(page(f"<p>{english}</p>", "en"), "en") == []


def test_text_marked_in_another_language_is_not_read_as_the_pages():
    """The language switch says "English" in English, and a preview shows a message as an English
    recipient reads it: marked with lang, so a Dutch page may hold them."""
    english = sorted(owned_translations())[0]
    html = page(f'<button lang="en">English</button><div lang="en"><p>{english}</p><p>€1,000.00</p></div>')
    assert page_defects(html, "nl") == []
    assert "English" not in visible_text(html, "nl")


def test_visible_text_reads_shown_attributes():
    html = page('<a title="Bewerk" aria-label="Bewerk dit">x</a><input type="submit" value="Opslaan">')
    assert visible_text(html, "nl") == ["Bewerk", "Bewerk dit", "x", "Opslaan"]
