"""Production settings pass Django's deployment checklist; the development fallback does not."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _check_deploy(**env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = _check_deploy(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="leren.example.nl",
        LEERBORG_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_development_secret_key(tmp_path):
    result = _check_deploy(DEBUG="false", ALLOWED_HOSTS="leren.example.nl", LEERBORG_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_check_deploy_refuses_debug(tmp_path):
    result = _check_deploy(DEBUG="true", SECRET_KEY=secrets.token_urlsafe(64), LEERBORG_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr
