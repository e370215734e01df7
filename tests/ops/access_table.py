"""Readiness is for the load balancer: open to everyone, like /healthz (it names no person or data)."""

from tests.access import Row, same

ROWS = [Row("ready", same(200))]
