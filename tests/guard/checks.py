"""What people must never read on a page: the page guard's checks, one function per defect.

`page_defects(html, language)` returns a list of findings (empty when the page reads well).
It reads the text a person sees: text nodes and the `title`, `aria-label`, `alt` and `placeholder`
attributes, but not the contents of form controls (what a person types back may be machine-shaped:
an RFC 5545 rule they edit, a subject with `{{ first_name }}` in it), nor `<script>`, `<style>` or
`<kbd>` (what a person is shown to type, on purpose: the placeholders a message may use).
"""

import gettext
import re
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SKIP_DIRS = {".venv", "node_modules", "staticfiles", "var", ".git", "artifacts"}
HIDDEN = {"script", "style", "kbd", "textarea", "template"}
VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
SHOWN_ATTRS = ("title", "aria-label", "alt", "placeholder")


class _Text(HTMLParser):
    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self.hidden = 0
        self.foreign: list[str] = []  # open elements in another language (lang="en" on a Dutch page)
        self.language = language

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        lang = dict(attrs).get("lang")
        if lang and tag not in VOID and self.language and not lang.startswith(self.language):
            self.foreign.append(tag)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.nodes.append(dict(attrs).get("value") or "")
        for name, value in attrs:
            if name in SHOWN_ATTRS and value:
                self.nodes.append(value)

    def handle_startendtag(self, tag, attrs):
        # A self-closed element never opens a hidden or foreign region.
        self.handle_starttag("input" if tag == "input" else "br", attrs)

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1
        if self.foreign and self.foreign[-1] == tag:
            self.foreign.pop()

    def handle_data(self, data):
        if not self.hidden and not self.foreign:
            self.nodes.append(data)


def visible_text(html: str, language: str = "") -> list[str]:
    """The text nodes a person reads in the page's `language` (an element marked with another `lang`,
    such as the language switch's "English", is left out), whitespace collapsed, empty ones left out."""
    parser = _Text(language)
    parser.feed(html)
    parser.close()
    return [node for node in (" ".join(n.split()) for n in parser.nodes) if node]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    languages: tuple[str, ...] = ("en", "nl")


RULES = (
    Rule("template syntax", re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")),
    Rule("more than four decimals", re.compile(r"\d[.,]\d{5,}")),
    Rule("a raw recurrence rule", re.compile(r"\b(?:FREQ|BYDAY|RRULE|BYMONTHDAY)=")),
    Rule("an empty Python list", re.compile(r"(?<![\w\]])\[\](?![\w\[])")),
    Rule("an ISO date-time", re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d")),
    Rule("an ISO date", re.compile(r"(?<![\d-])\d{4}-\d\d-\d\d(?![\d-])")),
    Rule("an amount without grouping", re.compile(r"(?<![\d.,])\d{4,}[.,]\d\d(?![\d.,])")),
    Rule("a Python None", re.compile(r"^None$")),
    Rule("the English word None", re.compile(r"\bNone\b"), ("nl",)),
    Rule("a Dutch amount written the English way", re.compile(r"€\s*\d+(?:,\d{3})*\.\d\d\b|€\d"), ("nl",)),
    Rule("an English amount written the Dutch way", re.compile(r"€\s+\d|€\d+(?:\.\d{3})*,\d\d\b"), ("en",)),
    Rule("a US date", re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}\b"), ("en",)),
)


@cache
def owned_translations() -> frozenset[str]:
    """The English phrases we own (our catalogues) whose Dutch differs: they must not show on a Dutch page."""
    owned = set()
    for mo in ROOT.glob("**/locale/nl/LC_MESSAGES/django.mo"):
        if SKIP_DIRS & set(mo.relative_to(ROOT).parts):
            continue
        with mo.open("rb") as fh:
            catalog = gettext.GNUTranslations(fh)._catalog
        for msgid, msgstr in catalog.items():
            if not isinstance(msgid, str) or not msgid or "\x04" in msgid:
                continue
            english = " ".join(msgid.split())
            # Two words or more: a single word such as "employee" is also a username or a name in the data.
            if msgstr != msgid and " " in english and re.search(r"[a-z]{3}", english):
                owned.add(english)
    return frozenset(owned)


def page_defects(html: str, language: str) -> list[str]:
    """Every finding on one page, as `rule: "…the text around it…"`."""
    findings = []
    nodes = visible_text(html, language)
    for node in nodes:
        for rule in RULES:
            if language in rule.languages and (match := rule.pattern.search(node)):
                start = max(0, match.start() - 40)
                findings.append(f'{rule.name}: "{node[start : match.end() + 40]}"')
    if language == "nl":
        owned = owned_translations()
        findings += [f'English on a Dutch page: "{node}"' for node in nodes if node in owned]
    return findings
