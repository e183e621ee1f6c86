"""Due dates as typed in the room."""

from __future__ import annotations

from datetime import date

import pytest

from facilitation.dates import DateError, parse_due

WEDNESDAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-15", date(2026, 12, 15)),
        ("+2w", date(2026, 12, 9)),
        ("+3d", date(2026, 11, 28)),
        ("in 2 weeks", date(2026, 12, 9)),
        ("+1m", date(2026, 12, 25)),
        ("today", WEDNESDAY),
        ("tomorrow", date(2026, 11, 26)),
        ("friday", date(2026, 11, 27)),
        ("next friday", date(2026, 11, 27)),
        ("Next Friday", date(2026, 11, 27)),
        ("wednesday", date(2026, 12, 2)),
        ("15 dec", date(2026, 12, 15)),
        ("Dec 15", date(2026, 12, 15)),
        ("3 jan", date(2027, 1, 3)),
        ("3 january 2028", date(2028, 1, 3)),
    ],
)
def test_forms(typed: str, expected: date) -> None:
    assert parse_due(typed, today=WEDNESDAY) == expected


def test_month_end_clamps() -> None:
    assert parse_due("+1m", today=date(2026, 1, 31)) == date(2026, 2, 28)


@pytest.mark.parametrize("typed", ["", "soon", "31 feb", "+2 fortnights", "2026-13-01"])
def test_unreadable_dates_say_what_works(typed: str) -> None:
    with pytest.raises(DateError, match="2026-12-15"):
        parse_due(typed, today=WEDNESDAY)
