"""The typed ports of people.registry: a needed port without a provider stops start-up (system
check people.E002), a provider of another shape is refused, and nobody handles a missing one."""

import pytest
from django.core.checks import run_checks

from people.registry import BUDGET_SUMMARY, PORTS, SURVEY_MEASURE, PortNotProvided, Registry, registry


def _port_errors():
    return [e for e in run_checks() if e.id == "people.E002"]


def test_every_port_some_app_needs_is_provided_in_this_project():
    assert _port_errors() == []
    assert {port.name for port in registry.needs} - registry.optional <= set(registry.providers)
    declared = {port.name for port in PORTS}
    # No port is declared for nothing: each is provided, or used optionally until its app exists.
    assert declared - registry.optional <= set(registry.providers) <= declared
    assert registry.optional <= {port.name for port in registry.needs}


def test_the_system_check_fails_when_a_needed_port_has_no_provider(monkeypatch):
    monkeypatch.delitem(registry.providers, BUDGET_SUMMARY.name)
    (error,) = _port_errors()
    assert "budget_summary" in error.msg
    assert "comms" in error.msg  # who needs it
    assert "budgets" in error.hint  # who should provide it


def test_a_port_nobody_needs_may_go_unprovided():
    empty = Registry()
    assert empty.missing() == []
    empty.need(BUDGET_SUMMARY, app="comms")
    assert [port for port, _apps in empty.missing()] == [BUDGET_SUMMARY]


def test_using_an_unprovided_port_raises_instead_of_answering_none():
    with pytest.raises(PortNotProvided):
        Registry().use(BUDGET_SUMMARY)


def test_a_provider_of_another_shape_is_refused():
    with pytest.raises(TypeError, match="budget_summary"):
        Registry().provide(BUDGET_SUMMARY, lambda person: None)  # the contract's parameter is `employee`


def test_an_optional_need_does_not_stop_start_up_and_is_found_once_provided():
    local = Registry()
    local.need(SURVEY_MEASURE, app="monitoring", optional=True)
    assert local.missing() == []
    assert local.find(SURVEY_MEASURE) is None

    def measure(measure, audience, start, end):
        return None

    local.provide(SURVEY_MEASURE, measure)
    assert local.find(SURVEY_MEASURE) is measure
