"""Due dates as typed in the room: a value or a clear refusal for any text on any day."""

from __future__ import annotations

import re
import string
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from facilitation.dates import HINT, MONTH_NAMES, YEARS, DateError, due_warning, local_today, parse_due

WEDNESDAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-15", date(2026, 12, 15)),
        ("2026-1-5", date(2026, 1, 5)),
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
        ("15th of December", date(2026, 12, 15)),
        ("December 15, 2027", date(2027, 12, 15)),
        ("３ jan", date(2027, 1, 3)),  # full-width digit
        ("3 jan", date(2027, 1, 3)),
        ("25 nov", WEDNESDAY),  # today is still to come
        ("3 january 2028", date(2028, 1, 3)),
        ("2020-01-01", date(2020, 1, 1)),  # a past date typed in full is kept (and warned about)
    ],
)
def test_forms(typed: str, expected: date) -> None:
    assert parse_due(typed, today=WEDNESDAY) == expected


def test_month_end_clamps() -> None:
    assert parse_due("+1m", today=date(2026, 1, 31)) == date(2026, 2, 28)
    assert parse_due("+1m", today=date(2028, 1, 31)) == date(2028, 2, 29)
    assert parse_due("+1y", today=date(2028, 2, 29)) == date(2029, 2, 28)


def test_29_feb_typed_when_the_next_february_has_28_days_is_not_a_real_date() -> None:
    """The issue's example: typed on 29 Nov 2026, "29 feb" is refused, not moved to 29 Feb 2028."""
    with pytest.raises(DateError, match="not a real date: February 2027 has no day 29"):
        parse_due("29 feb", today=date(2026, 11, 29))


@pytest.mark.parametrize(
    ("typed", "today", "expected"),
    [
        ("29 feb", date(2028, 1, 10), date(2028, 2, 29)),  # the next February is a leap one
        ("feb 29", date(2028, 2, 29), date(2028, 2, 29)),  # on the day itself
        ("29 feb 2028", date(2026, 11, 29), date(2028, 2, 29)),  # the year typed
        ("1 jan", date(2026, 12, 31), date(2027, 1, 1)),  # across a year end
        ("31 dec", date(2026, 12, 31), date(2026, 12, 31)),
        ("tomorrow", date(2026, 12, 31), date(2027, 1, 1)),
        ("+1m", date(2026, 12, 31), date(2027, 1, 31)),
        ("+1d", date(2028, 2, 28), date(2028, 2, 29)),
    ],
)
def test_leap_days_month_and_year_ends(typed: str, today: date, expected: date) -> None:
    assert parse_due(typed, today=today) == expected


@pytest.mark.parametrize(
    ("typed", "today"),
    [
        ("29 feb", date(2028, 11, 29)),  # was a ValueError traceback: the 29th moved to 2029
        ("feb 29", date(2026, 3, 1)),
        ("31 apr", WEDNESDAY),
        ("31 jun 2027", WEDNESDAY),
        ("2026-02-29", WEDNESDAY),
    ],
)
def test_days_that_do_not_exist_are_refused_as_not_real(typed: str, today: date) -> None:
    with pytest.raises(DateError, match="not a real date"):
        parse_due(typed, today=today)


@pytest.mark.parametrize(
    ("typed", "today"),
    [
        ("tomorrow", date.max),
        ("+1d", date.max),
        ("+9999y", WEDNESDAY),
        ("next month", date(9999, 12, 5)),
        ("friday", date.max),
        ("1 jan", date.max),
        ("12026-01-01", WEDNESDAY),
        ("99999-12-31", WEDNESDAY),
        ("15 dec 10000", WEDNESDAY),
        ("dec 15, 123456", WEDNESDAY),
        ("+99999w", WEDNESDAY),
        ("+10000d", date(2099, 1, 1)),
        ("in 123456 days", WEDNESDAY),
        ("+1000000000d", WEDNESDAY),
        ("+99999999999999999999999999y", WEDNESDAY),
        ("+100000m", WEDNESDAY),
        ("+74y", WEDNESDAY),
        ("2100-01-01", WEDNESDAY),
        ("1 jan 2100", WEDNESDAY),
        ("tomorrow", date(2099, 12, 31)),
        ("1 jan", date(2099, 12, 31)),
        ("friday", date(2099, 12, 31)),
    ],
)
def test_beyond_the_years_the_app_keeps_is_refused(typed: str, today: date) -> None:
    """A due date after 2099 (``dates.YEARS``, what an import accepts) is refused as too far in the future
    whatever its form, however many digits its count or year has ("+99999w" said "Could not read", as if the
    form were wrong; "+124y" was saved, and the workshop's JSON export then refused by its own import)."""
    with pytest.raises(DateError, match=r"too far in the future \(after 2099\)") as refused:
        parse_due(typed, today=today)
    assert "Could not read" not in str(refused.value) and HINT in str(refused.value)


@pytest.mark.parametrize("typed", ["1969-12-31", "1900-01-01", "15 dec 1969", "dec 31, 1000"])
def test_before_1970_is_refused_as_too_far_in_the_past(typed: str) -> None:
    with pytest.raises(DateError, match=r"too far in the past \(before 1970\)"):
        parse_due(typed, today=WEDNESDAY)


def test_the_first_and_last_days_the_app_keeps_are_accepted() -> None:
    assert parse_due("1970-01-01", today=WEDNESDAY) == date(1970, 1, 1)
    assert parse_due("+73y", today=WEDNESDAY) == date(2099, 11, 25)
    assert parse_due("31 dec", today=date(2099, 12, 31)) == date(2099, 12, 31)
    assert parse_due("+99w", today=WEDNESDAY) == WEDNESDAY + timedelta(weeks=99)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "soon",
        "31 feb",
        "+2 fortnights",
        "2026-13-01",
        "3/4",
        "12.05.",
        "junk 3",
        "x" * 500,
        "\x00",
    ],
)
def test_unreadable_dates_say_what_works(typed: str) -> None:
    with pytest.raises(DateError, match="2026-12-15"):
        parse_due(typed, today=WEDNESDAY)


def test_day_month_numbers_are_refused_as_ambiguous() -> None:
    with pytest.raises(DateError, match="day/month or month/day"):
        parse_due("3/4", today=WEDNESDAY)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("31/02", "'31/02' is not a real date"),  # said "could be day/month or month/day": neither is a date
        ("0/13", "'0/13' is not a real date"),
        ("31/13", "'31/13' is not a real date"),
        ("25/12", "'25/12': write it with the month's name, as 25 dec"),  # one reading only
        ("12/25/2026", "'12/25/2026': write it with the month's name, as 25 dec 2026"),
        ("5/5", "'5/5': write it with the month's name, as 5 may"),  # both readings are the same day
        ("3.4.", "day/month or month/day"),
    ],
)
def test_numbers_only_called_ambiguous_when_both_readings_are_dates(typed: str, said: str) -> None:
    with pytest.raises(DateError, match=re.escape(said)):
        parse_due(typed, today=WEDNESDAY)
    suggested = re.search(r"as (\d+ [a-z]+(?: \d{4})?)\.", said)
    if suggested:  # what it suggests is read
        parse_due(suggested.group(1), today=WEDNESDAY)


# --- properties: any text, any day ------------------------------------------------------------------------

DAYS = st.dates(min_value=date.min, max_value=date.max)
KEPT_DAYS = st.dates(min_value=date(YEARS[0], 1, 1), max_value=date(YEARS[1], 12, 31))
"""Days in the years the app keeps (``dates.YEARS``)."""
EDGE_DAYS = st.sampled_from(
    [
        date(2028, 2, 29),
        date(2026, 2, 28),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2026, 1, 31),
        date(2026, 11, 29),
        date(2026, 4, 30),
        date.min,
        date.max,
        date(9999, 12, 1),
    ]
)
WORDS = st.sampled_from(
    [
        "today", "tomorrow", "next", "this", "in", "+", "d", "w", "m", "y", "days", "weeks", "months", "years",
        "friday", "mon", "feb", "february", "dec", "29", "31", "30", "1", "2028", "9999", "0", "00", "of",
        "th", ",", ".", "/", "-", " ", "  ", "\n", "\t", "é", "２", "٣",
    ]
)  # fmt: skip
TYPED = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.printable, max_size=30),
    st.lists(WORDS, max_size=6).map("".join),
    st.lists(WORDS, max_size=4).map(" ".join),
)


@settings(max_examples=600, deadline=None)
@given(typed=TYPED, today=st.one_of(DAYS, EDGE_DAYS))
@example(typed="29 feb", today=date(2028, 11, 29))
@example(typed="+9999y", today=date.max)
@example(typed="next month", today=date.max)
def test_any_text_on_any_day_gives_a_date_or_a_refusal(typed: str, today: date) -> None:
    try:
        due = parse_due(typed, today=today)
    except DateError as error:
        message = str(error)
        assert message and HINT in message and "Traceback" not in message
    else:
        assert isinstance(due, date)


@settings(max_examples=300, deadline=None)
@given(today=st.one_of(DAYS, EDGE_DAYS), month=st.integers(1, 12), day=st.integers(1, 31))
def test_a_day_and_month_without_a_year_is_the_next_such_day_or_refused(
    today: date, month: int, day: int
) -> None:
    typed = f"{day} {MONTH_NAMES[month - 1]}"
    try:
        due = parse_due(typed, today=today)
    except DateError as error:
        assert "not a real date" in str(error) or "too far" in str(error)
        return
    assert (due.month, due.day) == (month, day)
    assert today <= due < today + timedelta(days=366) if today.year < 9999 else today <= due


@settings(max_examples=200, deadline=None)
@given(today=KEPT_DAYS, weekday=st.integers(0, 6), prefix=st.sampled_from(["", "next ", "this "]))
def test_a_weekday_is_within_the_coming_week(today: date, weekday: int, prefix: str) -> None:
    name = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][weekday]
    try:
        due = parse_due(prefix + name, today=today)
    except DateError as error:
        assert "too far" in str(error) and today > date(YEARS[1], 12, 31) - timedelta(days=7)
        return
    assert due.weekday() == weekday and 1 <= (due - today).days <= 7


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(YEARS[1], 12, 30), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(
        [
            UTC,
            ZoneInfo("Pacific/Kiritimati"),
            ZoneInfo("Pacific/Pago_Pago"),
            ZoneInfo("Europe/Berlin"),
            ZoneInfo("America/St_Johns"),
            ZoneInfo("Asia/Kathmandu"),
            timezone(timedelta(hours=-12)),
        ]
    ),
)
def test_today_is_the_calendar_day_where_the_facilitator_is(moment: datetime, zone: timezone) -> None:
    today = local_today(moment.timestamp(), zone)
    assert today == moment.astimezone(zone).date()
    assert abs((today - moment.date()).days) <= 1
    assert parse_due("today", today=today) == today
    assert parse_due("tomorrow", today=today) == today + timedelta(days=1)


def test_the_same_moment_is_a_different_day_across_the_date_line() -> None:
    moment = datetime(2026, 11, 29, 11, 0, tzinfo=UTC).timestamp()
    assert local_today(moment, ZoneInfo("Pacific/Kiritimati")) == date(2026, 11, 30)
    assert local_today(moment, ZoneInfo("Pacific/Pago_Pago")) == date(2026, 11, 29)


@pytest.mark.parametrize("wall", [float("nan"), 1e20, -1e20])
def test_a_clock_without_a_date_is_refused(wall: float) -> None:
    with pytest.raises(DateError):
        local_today(wall)


def test_a_due_date_in_the_past_is_warned_about() -> None:
    assert due_warning(date(2026, 11, 24), WEDNESDAY) == "That due date is 1 day in the past (2026-11-24)."
    assert "30 days" in (due_warning(date(2026, 10, 26), WEDNESDAY) or "")
    assert due_warning(WEDNESDAY, WEDNESDAY) is None
    assert due_warning(date(2026, 11, 26), WEDNESDAY) is None


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        # `workshop new --date 2026-02-30` said "is not a date; use the form 2026-12-15", the form it was in
        ("2026-02-30", "'2026-02-30' is not a real date: February 2026 has no day 30."),
        ("2027-04-31", "'2027-04-31' is not a real date: April 2027 has no day 31."),
        ("2026-13-01", "'2026-13-01' is not a date; use the form 2026-12-15."),
        ("30/2/2026", "'30/2/2026' is not a date; use the form 2026-12-15."),
    ],
)
def test_a_workshops_date_in_the_right_form_but_no_such_day_says_so(typed: str, said: str) -> None:
    from workshop.session import SessionError
    from workshop.session.validation import iso_date

    with pytest.raises(SessionError, match=re.escape(said)):
        iso_date(typed)
    assert iso_date("2028-02-29") == "2028-02-29"
