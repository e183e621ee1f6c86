"""Numbers typed into forms: a value in range, or a refusal that names the field."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitation.entry import EntryError, parse_count, parse_minutes


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("45", 45), (" 45 ", 45), ("45 min", 45), ("45m", 45), ("45 minutes", 45), ("1h", 60), ("1 h 30", 90),
     ("1h30m", 90), ("2 hours", 120), ("1:30", 90), ("0:05", 5), ("４５", 45), ("600", 600)],
)  # fmt: skip
def test_minutes_forms(typed: str, expected: int) -> None:
    assert parse_minutes(typed, high=600) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "A stage lasts 1 to 600 minutes"), ("0", "not 0"), ("601", "not 601"), ("1.5", "not “1.5”"),
     ("-5", "not “-5”"), ("1:75", "60 minutes, not 75"), ("1h 90", "60 minutes, not 90"), ("ten", "not “ten”"),
     ("1_0", "not “1_0”"), ("9" * 5000, "…")],
)  # fmt: skip
def test_minutes_refusals_name_the_field(typed: str, message: str) -> None:
    with pytest.raises(EntryError, match=message):
        parse_minutes(typed, high=600)


@pytest.mark.parametrize(("typed", "expected"), [("0", 0), ("3", 3), (" 10000 ", 10_000), ("０", 0)])
def test_counts(typed: str, expected: int) -> None:
    assert parse_count(typed, "A tally", high=10_000) == expected


@pytest.mark.parametrize("typed", ["", "-1", "+3", "3.0", "1e3", "10001", "1,000", "three", "1 0", None])
def test_count_refusals_say_the_range(typed: str | None) -> None:
    with pytest.raises(EntryError, match="A tally is a whole number from 0 to 10,000"):
        parse_count(typed, "A tally", high=10_000)


TYPED = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=string.digits + " :hm-+._,", max_size=12),
    st.integers(-(10**12), 10**12).map(str),
)


@settings(max_examples=500, deadline=None)
@given(typed=TYPED, high=st.integers(1, 10_000))
def test_any_text_gives_a_count_in_range_or_a_refusal(typed: str, high: int) -> None:
    try:
        value = parse_count(typed, "Dots per participant", low=1, high=high)
    except EntryError as error:
        assert str(error).startswith("Dots per participant is a whole number from 1 to")
    else:
        assert 1 <= value <= high


@settings(max_examples=500, deadline=None)
@given(typed=TYPED)
def test_any_text_gives_minutes_in_range_or_a_refusal(typed: str) -> None:
    try:
        value = parse_minutes(typed, high=600)
    except EntryError as error:
        assert str(error).startswith("A stage lasts 1 to 600 minutes")
    else:
        assert 1 <= value <= 600
