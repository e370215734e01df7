"""The sync's fast path gives exactly what the serializer gives: the same cleaned rows and the
same problems, on rows made to hit every edge the fast path takes a shortcut around."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hris.serializers import SyncEmployeeSerializer
from hris.sync import FastRows, Problems, _clean_rows

TEXT = st.one_of(
    st.sampled_from(["Zoë", "de Vries", " padded ", "tab\tinside", "\\N", "", " ", "\u00a0x", "a\x00b", "x" * 151]),
    st.text(max_size=160),
    st.integers(),
    st.none(),
)
KEY = st.one_of(st.sampled_from(["E1", "E2", "D10", " E3", "x" * 101, "", None]), st.text(max_size=110))
EMAIL = st.one_of(
    st.sampled_from(
        [
            "a@b.nl",
            "Zoë.deVries@example.nl",
            "a..b@example.nl",
            "a@b",
            "a@b.nl\n",
            " a@b.nl",
            "a@-b.nl",
            "a@b-.nl",
            "first.last+tag@sub.example.co.uk",
            "x@localhost",
            "a@\u212aelvin.nl",  # the Kelvin sign, which an ignore-case [a-z] would match
            "a\x00@b.nl",
            "x" * 250 + "@b.nl",
            "a@1.2.3.4",
            "a@[127.0.0.1]",
        ]
    ),
    st.emails().map(str),
    st.text(max_size=40),
    st.integers(),
)
FTE = st.one_of(
    st.sampled_from([0.8, 1, 1.0, 1.5, 1.51, 0, -1, 0.123, True, "0.8", None]), st.floats(), st.integers(-2, 3)
)
DATE = st.one_of(
    st.sampled_from(["2021-03-01", "2021-02-30", "20210301", "01-03-2021", "2021-3-1", None, 5]), st.text()
)
FIELDS = {
    "external_id": KEY,
    "first_name": TEXT,
    "last_name": TEXT,
    "email": EMAIL,
    "department": KEY,
    "job_group": KEY,
    "manager": KEY,
    "education_level": st.sampled_from(["basic", "master", "phd", "", None, 3, "Basic"]),
    "fte": FTE,
    "hired_on": DATE,
    "locale": st.sampled_from(["nl", "en", "de", None, "NL"]),
    "active": st.sampled_from([True, False, 1, 0, "true", None]),
    "nickname": st.just("Zo"),  # unknown
}
ROW = st.fixed_dictionaries({}, optional=FIELDS)
REQUIRED = ("external_id", "first_name", "last_name", "email", "nickname")
VALID = st.fixed_dictionaries(
    {
        "external_id": st.sampled_from(["E1", "E2"]),
        "first_name": st.sampled_from(["Zoë", "Ann"]),
        "last_name": st.sampled_from(["de Vries", "Li"]),
        "email": st.sampled_from(["zoe@example.nl", "ann.li@example.co.uk"]),
    },
    optional={name: FIELDS[name] for name in FIELDS if name not in REQUIRED},
)


def _both(rows):
    out = []
    for fast in (True, False):
        problems = Problems()
        cleaned = _clean_rows("employees", rows, SyncEmployeeSerializer, problems, fast=fast)
        out.append((cleaned, problems.errors))
    return out


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(ROW, VALID), max_size=6))
def test_the_fast_path_gives_the_serializers_rows_and_problems(rows):
    fast, reference = _both(rows)
    assert fast == reference


def test_the_fast_path_takes_the_common_rows_itself():
    """Not vacuous: plainly valid rows never reach the serializer."""
    quick = FastRows(SyncEmployeeSerializer())
    row = {
        "external_id": "E1",
        "first_name": "Zoë",
        "last_name": "de Vries",
        "email": "zoe.devries@example.nl",
        "department": "D10",
        "manager": None,
        "education_level": "bachelor",
        "fte": 0.8,
        "hired_on": "2021-03-01",
        "locale": "nl",
        "active": True,
    }
    cleaned = quick.row(row)
    assert cleaned == SyncEmployeeSerializer().run_validation(row)
    assert quick.row({**row, "email": "Zoë.deVries@example.nl"}) is not cleaned  # the serializer decides


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("first_name", 42, "invalid_type"),
        ("first_name", "x" * 151, "too_long"),
        ("first_name", " ", "required"),
        ("first_name", None, "invalid_type"),
        ("first_name", "a\x00b", "invalid"),
        ("fte", 2, "out_of_range"),
        ("nickname", "Zo", "unknown_field"),
    ],
)
def test_problems_keep_the_documented_codes(field, value, code):
    problems = Problems()
    row = {"external_id": "E1", "first_name": "A", "last_name": "B", "email": "a@b.nl", field: value}
    assert _clean_rows("employees", [row], SyncEmployeeSerializer, problems) == []
    assert [(e["path"], e["code"]) for e in problems.errors] == [(f"/employees/0/{field}", code)]
