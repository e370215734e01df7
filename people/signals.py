"""Signals through which higher apps react to people and to each other without importing upward."""

import django.dispatch

# Sent inside the transaction of any write path (services, admin, HRIS sync, SCIM, CSV import) that
# creates employees or changes what budgets and scopes depend on: department, job group, manager,
# FTE, hire date or active. Keyword arguments: created, updated, deactivated (sets of employee ids).
employees_changed = django.dispatch.Signal()

# A named business event for cross-app triggers (e.g. "catalog.item_added", "goals.approved").
# Keyword arguments: name (str) and whatever the event carries, documented where it is sent.
domain_event = django.dispatch.Signal()

RELEVANT_FIELDS = frozenset({"department", "job_group", "manager", "fte", "hired_on", "active"})
