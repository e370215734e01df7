"""The access matrix's building blocks. Every app's `tests/<app>/access_table.py` lists `ROWS`."""

from dataclasses import dataclass, field
from typing import Any

PERSONAS = ("anonymous", "employee", "other_employee", "manager", "outsider_manager", "hr")


@dataclass(frozen=True)
class Row:
    """One URL name, how to call it, and the status each persona must get."""

    name: str
    expect: dict[str, int]
    method: str = "get"
    kwargs: Any = None  # a callable(personas) -> dict of URL kwargs
    data: Any = None  # a callable(personas) -> dict of form or JSON data, or a dict
    query: str = ""
    json: bool = False
    headers: dict = field(default_factory=dict)

    def __post_init__(self):
        missing = set(PERSONAS) - set(self.expect)
        if missing:
            raise ValueError(f"{self.name}: no expected status for {sorted(missing)}")


def same(status: int, **overrides) -> dict[str, int]:
    """Every persona gets `status`, except those overridden."""
    return {p: overrides.get(p, status) for p in PERSONAS}


def only_hr(denied: int = 403, anonymous: int = 302) -> dict[str, int]:
    return same(denied, anonymous=anonymous, hr=200)
