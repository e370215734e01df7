"""The narrow-screen guard: every page each demo persona reaches fits a 390 px wide phone.

Issue 13: "on a 390 px wide phone nothing is cut off or needs sideways scrolling". The page list is
tests/crawl.py's walk (the page guard's), made with Django's test client; each page is then opened in
Chromium at 390×844 and fails when the document is wider than the window. A table that is wide by
nature sits in a `.table-responsive` wrapper, which scrolls inside itself and leaves the page alone.

Both languages, one browser context per persona and language, no waits beyond `load`. Each page as
the browser has built it (after its scripts ran) also goes through the page guard's checks
(tests/guard/checks.py), so what the guard forbids is looked for in the real browser too.
"""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tests.conftest import session_cookie
from tests.crawl import reachable_pages
from tests.guard.checks import page_defects
from tests.guard.test_page_guard import demo_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONAS = ("hr", "manager", "employee")
LANGUAGES = ("nl", "en")
PHONE = {"width": 390, "height": 844}

# Wider than the window? Then the deepest elements that stick out past its right edge and are not
# inside something that scrolls sideways by itself, widest first, as CSS selectors.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const doc = document.documentElement;
  if (doc.scrollWidth <= width) return null;
  const scrolls = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const x = getComputedStyle(a).overflowX;
      if (x !== 'visible' && a.getBoundingClientRect().right <= width + 1) {
        // An absolutely positioned element escapes a scroller that is not its containing block.
        return getComputedStyle(el).position !== 'absolute' || getComputedStyle(a).position !== 'static';
      }
    }
    return false;
  };
  const selector = (el) => {
    const parts = [];
    for (; el && el.nodeType === 1 && el !== document.body && parts.length < 4; el = el.parentElement) {
      let part = el.tagName.toLowerCase();
      if (el.id) { parts.unshift(part + '#' + el.id); break; }
      const classes = [...el.classList].slice(0, 3);
      if (classes.length) part += '.' + classes.join('.');
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  const out = [...document.body.querySelectorAll('*')].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.right > width + 1 && !scrolls(el);
  });
  const deepest = out.filter((el) => !out.some((o) => o !== el && el.contains(o)));
  deepest.sort((a, b) => b.getBoundingClientRect().width - a.getBoundingClientRect().width);
  return {
    scrollWidth: doc.scrollWidth,
    innerWidth: width,
    widest: deepest.slice(0, 3).map((el) => selector(el) + ' (' + Math.round(el.getBoundingClientRect().width) + 'px)'),
  };
}"""


# Tables that scroll sideways inside their wrapper but that a keyboard cannot reach or that a
# screen reader cannot name (WCAG 2.1.1, axe's scrollable-region-focusable).
UNREACHABLE = """() => [...document.querySelectorAll('.table-responsive')]
  .filter((w) => w.scrollWidth > w.clientWidth + 1)
  .filter((w) => w.tabIndex < 0 || !(w.getAttribute('aria-labelledby')
    && document.getElementById(w.getAttribute('aria-labelledby'))
    && document.getElementById(w.getAttribute('aria-labelledby')).textContent.trim()))
  .map((w) => (w.querySelector('caption') || w).textContent.trim().slice(0, 60))"""


# Buttons that start out of sight on a phone, past the window's right edge inside a table that
# scrolls: a decision nobody sees is a decision nobody takes (such tables stack as cards instead).
BUTTONS_OUT_OF_SIGHT = """() => [...document.querySelectorAll('.table-responsive button, .table-responsive .btn')]
  .filter((b) => b.getBoundingClientRect().width > 0 && b.getBoundingClientRect().right > window.innerWidth + 1)
  .map((b) => b.textContent.trim().slice(0, 40))"""


@pytest.fixture
def demo_pages():
    """The crawl's HTML pages for each persona and language."""
    call_command("seed_demo", stdout=StringIO())
    found = {}
    for persona in PERSONAS:
        for language in LANGUAGES:
            client = Client()
            client.force_login(demo_user(persona))
            pages = reachable_pages(client, language=language, per_name=2)
            found[persona, language] = [p.url for p in pages if p.status == 200 and p.content_type == "text/html"]
    return found


def test_every_page_fits_a_390px_phone(demo_pages, browser, live_server):
    cookies = {p: session_cookie(demo_user(p), live_server.url) for p in PERSONAS}
    too_wide, defects, unreachable, hidden_buttons, scrolling = [], [], [], [], 0
    opened = 0
    for (persona, language), urls in demo_pages.items():
        assert urls, f"the walk found no page for {persona} in {language}"
        context = browser.new_context(viewport=PHONE, locale={"nl": "nl-NL", "en": "en-GB"}[language])
        context.add_cookies(
            [cookies[persona], {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        try:
            for url in urls:
                response = page.goto(f"{live_server.url}{url}", wait_until="load")
                assert response is not None, f"{persona} {url}: no response"
                assert response.status == 200, f"{persona} {url}: {response.status}"
                opened += 1
                overflow = page.evaluate(OVERFLOW)
                if overflow:
                    too_wide.append(
                        f"{persona} {language} {url}: {overflow['scrollWidth']}px in {overflow['innerWidth']}px; "
                        f"widest: {', '.join(overflow['widest']) or '?'}"
                    )
                defects += [f"{persona} {language} {url}: {d}" for d in page_defects(page.content(), language)]
                unreachable += [f"{persona} {language} {url}: {t!r}" for t in page.evaluate(UNREACHABLE)]
                hidden_buttons += [f"{persona} {language} {url}: {b!r}" for b in page.evaluate(BUTTONS_OUT_OF_SIGHT)]
                scrolling += page.evaluate("() => [...document.querySelectorAll('[data-scroll-region]')].length")
        finally:
            context.close()
    assert too_wide == [], f"{len(too_wide)} of {opened} pages are wider than a 390px phone:\n" + "\n".join(too_wide)
    assert defects == [], f"{len(defects)} findings in the browser:\n" + "\n".join(defects[:50])
    assert unreachable == [], "tables that scroll but a keyboard cannot reach:\n" + "\n".join(unreachable[:50])
    where = sorted({b.split(": ")[0] for b in hidden_buttons})
    assert hidden_buttons == [], f"buttons out of sight on a phone, on {len(where)} pages:\n" + "\n".join(where)
    assert scrolling > 0  # the check above met tables that scroll on a phone
