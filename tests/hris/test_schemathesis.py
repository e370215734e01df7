"""schemathesis against the live OpenAPI schema: no server error, no response outside the schema,
and invalid input (per the schema) refused."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import DepartmentFactory, EmployeeFactory

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
    ]
)


@pytest.mark.timeout(300)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, make_token, settings, tmp_path):
    settings.HRIS_API_THROTTLE_RATE = "100000/minute"
    for _ in range(3):
        EmployeeFactory()
    DepartmentFactory()
    token = make_token("hris:write", "reporting:read")
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{live_server.url}/api/schema/",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            CHECKS,
            "--max-examples",
            os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"),
            "--workers",
            "1",
            "--seed",
            "1",
            "--phases",
            "examples,coverage,fuzzing",
            "--no-color",
        ],
        cwd=tmp_path,  # schemathesis keeps its own files in the working directory
        capture_output=True,
        text=True,
        timeout=280,
    )
    output = result.stdout + result.stderr
    if os.environ.get("SCHEMATHESIS_OUTPUT"):
        Path(os.environ["SCHEMATHESIS_OUTPUT"]).write_text(output)
    assert result.returncode == 0, output[-8000:]
    assert "No issues found" in output or "passed" in output, output[-3000:]
