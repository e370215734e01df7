"""schemathesis against the live OpenAPI schema with every check: no server error, no response
outside the schema, invalid input (per the schema) refused and valid input (per the schema) not
refused, and the rest (headers, methods, authentication, resources after delete).

Split by part of the API, each run with its own time limit, so one slow part on a loaded machine
cannot take the whole run past its limit, and a failure names its part; a test checks that the
parts together cover every operation of the schema, so a new endpoint cannot fall outside."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import DepartmentFactory, EmployeeFactory

# Every operation of the schema belongs to exactly one part.
PARTS = {
    "employees": r"^/api/v1/employees/",
    "organisation": r"^/api/v1/(departments|job-groups)/",
    "learning": r"^/api/v1/(hris/sync|learning-items/|enrolments/|mandatory-rules/)",
    "reading": r"^/api/v1/(budgets|me|metrics|moments|notifications|surveys|goals|engagement|programmes)/",
}


# What no schema can say, with the reason: a request the schema allows and the server refuses (400)
# because of the data, not its shape. Everything else a valid request gets answered 2xx/404/409.
DATA_DEPENDENT = {
    r"^/api/v1/(enrolments|mandatory-rules|departments|employees|job-groups)/": (
        "POST",
        "a reference (HRIS key, item, parent department, manager) to an object that does not exist",
    ),
    r"^/api/v1/metrics/": ("GET", "a period whose end lies before its start"),
}
CONFIG = "".join(
    f"""
[[operations]]
include-path-regex = '{path}'
include-method = "{method}"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]
"""
    for path, (method, _why) in DATA_DEPENDENT.items()
)


def _schema_paths() -> list[str]:
    from drf_spectacular.generators import SchemaGenerator

    return list(SchemaGenerator().get_schema(request=None, public=True)["paths"])


def test_the_parts_cover_every_operation_once(db):
    placed = {path: [name for name, rx in PARTS.items() if re.search(rx, path)] for path in _schema_paths()}
    assert {path: parts for path, parts in placed.items() if len(parts) != 1} == {}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("part", list(PARTS))
def test_schemathesis_with_every_check_finds_nothing(live_server, make_token, settings, tmp_path, part):
    settings.HRIS_API_THROTTLE_RATE = "100000/minute"
    for _ in range(3):
        EmployeeFactory()
    DepartmentFactory()
    token = make_token("hris:write", "reporting:read", "lms:write")
    (tmp_path / "schemathesis.toml").write_text(CONFIG)
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{live_server.url}/api/schema/",
            "--include-path-regex",
            PARTS[part],
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            "--max-examples",
            os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "3"),
            "--workers",
            "1",
            "--seed",
            "1",
            "--phases",
            "examples,coverage,fuzzing",
            "--generation-database",
            "none",
            "--no-color",
        ],
        cwd=tmp_path,  # schemathesis keeps its own files in the working directory
        capture_output=True,
        text=True,
        timeout=280,
    )
    output = result.stdout + result.stderr
    if os.environ.get("SCHEMATHESIS_OUTPUT"):
        Path(f"{os.environ['SCHEMATHESIS_OUTPUT']}.{part}").write_text(output)
    assert result.returncode == 0, output[-8000:]
    assert "No issues found" in output or "passed" in output, output[-3000:]
