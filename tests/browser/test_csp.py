"""The Content-Security-Policy in a real browser: an inline script and an event-handler attribute
slipped into one of our pages (as an injection would) do not run, and Chromium reports the refusal.
The negative control serves the same page without the header: the same script runs, so the test can
fail."""

import pytest

pytestmark = pytest.mark.browser

INJECTED = (
    '<script>window.__injected = true;</script><img src="/no-such-image" alt="" onerror="window.__handler = true">'
)


def _serve_with_injection(journey, keep_policy: bool):
    def handle(route):
        response = route.fetch()
        headers = dict(response.headers)
        if not keep_policy:
            headers = {k: v for k, v in headers.items() if k.lower() != "content-security-policy"}
        body = response.text().replace("</body>", INJECTED + "</body>")
        route.fulfill(status=response.status, headers=headers, body=body)

    journey.page.route(f"{journey.base_url}/accounts/login/", handle)
    journey.page.goto(f"{journey.base_url}/accounts/login/")
    journey.page.wait_for_timeout(500)  # the image's error event
    return journey.page.evaluate("[window.__injected === true, window.__handler === true]")


def test_an_injected_inline_script_and_handler_do_not_run(journey, db):
    assert _serve_with_injection(journey, keep_policy=True) == [False, False]
    assert journey.csp_refusals, "Chromium reports what the policy refused"


def test_control_without_the_policy_the_injected_script_runs(journey, db):
    assert _serve_with_injection(journey, keep_policy=False) == [True, True]
    assert journey.csp_refusals == []
