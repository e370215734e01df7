"""The budgets app's Dutch catalogue is complete, not fuzzy, and compiled."""

from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[2] / "budgets/locale/nl/LC_MESSAGES/django.po"


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO))
    assert not po.metadata_is_fuzzy
    assert [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags] == []
    assert len(po) > 150


def test_compiled_catalogue_matches_the_source():
    compiled = polib.mofile(str(PO.with_suffix(".mo")))
    source = polib.pofile(str(PO))
    assert {e.msgid: e.msgstr for e in compiled if not e.msgid_plural} == {
        e.msgid: e.msgstr for e in source if not e.msgid_plural and not e.obsolete
    }
