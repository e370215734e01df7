"""Playwright driving Debian's Chromium against the live test server, with an axe-core audit of
every page a journey visits. Screenshots go to artifacts/screenshots/ (kept by CI as artefacts)."""

import json
import os
from pathlib import Path

import pytest

from tests.conftest import axe_violations

# Playwright's sync API runs an event loop in this thread; the live server's ORM use is still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = ROOT / "artifacts/screenshots"
PASSWORD = "secret-pass-123"  # tests/factories.py


class Journey:
    """A page in a fresh browser context, with helpers to log in, audit and keep screenshots."""

    def __init__(self, page, base_url, name):
        self.page = page
        self.base_url = base_url
        self.name = name
        self.step = 0
        self.audits: list[dict] = []
        # What the Content-Security-Policy refused (an inline script, an eval, a foreign host)
        self.csp_refusals: list[str] = []
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.csp_refusals.append(f"{self.page.url}: {message.text}")

    def goto(self, path: str):
        response = self.page.goto(f"{self.base_url}{path}")
        assert response is not None, path
        assert response.status < 400, f"{path}: {response.status}"
        return response

    def login(self, username: str, password: str = PASSWORD):
        self.goto("/accounts/login/")
        self.audit("login")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_load_state()

    def audit(self, label: str) -> list[dict]:
        """axe-core, WCAG 2.1 A and AA rules; fails on any serious or critical violation."""
        self.step += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.name}-{self.step:02d}-{label}.png"), full_page=True)
        violations = axe_violations(self.page)
        self.audits.append({"page": label, "url": self.page.url, "violations": violations})
        blocking = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        assert blocking == [], f"{label} ({self.page.url}): {json.dumps(blocking, indent=1)}"
        assert self.csp_refusals == [], self.csp_refusals
        return violations


@pytest.fixture
def journey(browser, live_server, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    j = Journey(page, live_server.url, request.node.name.replace("/", "_"))
    yield j
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{j.name}-axe.json").write_text(json.dumps(j.audits, indent=1))
    context.close()
