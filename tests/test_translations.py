"""The Dutch translation is complete, compiled, and covers every string marked for translation."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.conftest import _missing

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "node_modules", "staticfiles", "var", ".git", "artifacts"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def catalogues() -> list[Path]:
    return sorted(
        p for p in ROOT.glob("**/locale/nl/LC_MESSAGES/django.po") if not SKIP_DIRS & set(p.relative_to(ROOT).parts)
    )


def test_there_are_catalogues():
    names = {str(p.relative_to(ROOT)) for p in catalogues()}
    assert "locale/nl/LC_MESSAGES/django.po" in names
    assert "people/locale/nl/LC_MESSAGES/django.po" in names


@pytest.mark.parametrize("po_path", catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {po_path}: {untranslated}"
    assert fuzzy == [], f"fuzzy in {po_path}: {fuzzy}"
    obsolete = [e.msgid for e in po.obsolete_entries()]
    assert obsolete == [], f"obsolete (#~) entries in {po_path}, strings the code no longer has: {obsolete}"
    bad = []
    for e in po.translated_entries():
        targets = [e.msgstr] if not e.msgid_plural else list(e.msgstr_plural.values())
        for target in targets:
            if set(PLACEHOLDER.findall(target)) - set(PLACEHOLDER.findall(e.msgid + (e.msgid_plural or ""))):
                bad.append((e.msgid, target))
    assert bad == [], f"placeholders that the English text does not have: {bad}"

    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run `make messages`"
    compiled = {(e.msgctxt, e.msgid): (e.msgstr or dict(e.msgstr_plural)) for e in polib.mofile(str(mo_path))}
    source = {(e.msgctxt, e.msgid): (e.msgstr or dict(e.msgstr_plural)) for e in po.translated_entries()}
    assert compiled == source, f"{mo_path} is stale: run `make messages`"


def test_every_marked_string_is_in_a_catalogue(tmp_path):
    """Extract afresh in a copy of the tree and compare with the committed catalogues."""
    if not shutil.which("xgettext"):
        _missing("needs GNU gettext (xgettext) to extract messages")
    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*SKIP_DIRS, "*.mo", "__pycache__"), symlinks=True)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "nl",
            "--no-location",
            "--ignore=tests/*",
            "--ignore=bench/*",
            "--ignore=scripts/*",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", "LEERBORG_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    missing = {}
    for fresh_path in sorted(copy.glob("**/locale/nl/LC_MESSAGES/django.po")):
        fresh = polib.pofile(str(fresh_path))
        po_path = ROOT / fresh_path.relative_to(copy)
        committed = polib.pofile(str(po_path)) if po_path.exists() else []
        known = {(e.msgctxt, e.msgid) for e in committed if not e.obsolete}
        new = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known and not e.obsolete)
        if new:
            missing[str(po_path.relative_to(ROOT))] = new
    assert missing == {}, f"strings marked for translation but missing from the catalogues: {missing}"
