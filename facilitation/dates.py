"""Due dates as a facilitator types them: ``2026-12-15``, ``+2w``, ``next friday``, ``tomorrow``, ``15 dec``.

Everything is relative to an explicit ``today`` so the rules stay pure and testable; ``local_today`` says what
"today" is at a wall-clock moment in a time zone. ``parse_due`` gives a date or raises ``DateError`` with a
message for the room, for any text on any day (property-tested over the text and over ``today``, from
``date.min`` to ``date.max``, leap days and month ends included): nothing else comes out. The dates it gives fall
in ``YEARS``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, tzinfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
UNIT_DAYS = {"d": 1, "day": 1, "days": 1, "w": 7, "wk": 7, "wks": 7, "week": 7, "weeks": 7}
UNIT_MONTHS = {"m": 1, "mo": 1, "month": 1, "months": 1, "y": 12, "yr": 12, "year": 12, "years": 12}
MAX_TYPED_CHARS = 60
"""A due date longer than this is not a date: refused before any parsing."""

YEARS = (1970, 2099)
"""The calendar years a workshop's date and a due date fall in. An import refuses any other year
(``exports.limits``), so the app refuses them too: every workshop it makes can be exported and imported again
(a due date of 2150 typed as ``+124y``, or a workshop dated 1900, made a JSON export its own import refused)."""

HINT = "Use a date like 2026-12-15, +3d, +2w, +1m, tomorrow, friday, next friday or 15 dec."


class DateError(ValueError):
    """A due date that could not be read; the message shows the forms that work."""


def local_today(wall: float, tz: tzinfo | None = None) -> date:
    """The calendar day at wall-clock second ``wall`` in ``tz`` (the machine's local zone when ``None``).

    Raises ``DateError`` for a moment no calendar holds (beyond year 9999, NaN).
    """
    try:
        return datetime.fromtimestamp(wall, tz).date()
    except (ValueError, OverflowError, OSError):
        raise DateError("The computer's clock gives no date.") from None


def _add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise DateError(HINT)  # pragma: no cover - every month has 28 days


def _weekday(name: str) -> int | None:
    for index, full in enumerate(WEEKDAYS):
        if len(name) >= 3 and full.startswith(name):
            return index
    return None


def _month(name: str) -> int | None:
    for index, short in enumerate(MONTHS, start=1):
        if len(name) >= 3 and name.startswith(short) and MONTH_NAMES[index - 1].lower().startswith(name):
            return index
    return None


def _normalise(value: str) -> str:
    """Lower case, one space between words, compatibility forms folded (full-width digits, ligatures)."""
    return " ".join(unicodedata.normalize("NFKC", value).strip().lower().split())


def _day_month(raw: str, shown: str, today: date) -> date | None:
    found = re.fullmatch(
        r"(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]+)\.?(?:,? (\d{4,}))?|([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4,}))?",
        raw,
    )
    if not found:
        return None
    day_s, month_s, year_s = (
        found.group(1, 2, 3) if found.group(1) else (found.group(5), found.group(4), found.group(6))
    )
    month = _month(month_s)
    if month is None:
        return None
    day = int(day_s)
    if year_s:
        year = int(year_s)
    else:
        # The next such day: this year's if it is still to come (or today), else next year's.
        year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    if not YEARS[0] <= year <= YEARS[1]:
        raise DateError(f"{shown!r} is {out_of_years(year)}. " + HINT)
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(
            f"{shown!r} is not a real date: {MONTH_NAMES[month - 1]} {year} has no day {day}. " + HINT
        ) from None


def parse_due(value: str, *, today: date) -> date:
    """Read a typed due date; raises ``DateError`` (with ``HINT``) for anything that is not one.

    ``friday``, ``this friday`` and ``next friday`` all mean the coming Friday, strictly after today (a week
    today when today is Friday): in a room, "next Friday" said on a Monday means this week's. A day and month
    without a year is the next such day from today (today included); if that day does not exist in that year
    ("29 feb" when the next February has 28 days) it is refused as not a real date, never moved to another
    year. ``+1m`` on the 31st lands on the month's last day. A past date typed in full is accepted (the form
    warns: see ``due_warning``). A date outside the years ``YEARS`` (1970 to 2099) is refused as too far in the
    future or the past, whatever its form (``+99999w``, ``12026-01-01``, ``1 jan`` on the last day of 2099). Numeric forms like ``3/4`` are refused: they mean 3 April in most of the
    world and 4 March in the US.
    """
    if not isinstance(value, str):
        raise DateError("The due date must be text. " + HINT)
    shown = value.strip()[:MAX_TYPED_CHARS]
    raw = _normalise(value)
    if not raw:
        raise DateError("The due date is empty. " + HINT)
    if len(raw) > MAX_TYPED_CHARS:
        raise DateError("That is too long to be a date. " + HINT)
    try:
        day = _parse(raw, shown, today)
    except OverflowError:
        day = date.max
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise DateError(f"{shown!r} is {out_of_years(day.year)}. " + HINT)
    return day


def out_of_years(year: int) -> str:
    """What is wrong with a date in ``year``, outside ``YEARS``: ``"too far in the future (after 2099)"``."""
    if year > YEARS[1]:
        return f"too far in the future (after {YEARS[1]})"
    return f"too far in the past (before {YEARS[0]})"


def _parse(raw: str, shown: str, today: date) -> date:
    if iso := re.fullmatch(r"(\d{4,})-(\d{1,2})-(\d{1,2})", raw):
        if int(iso.group(1)) > date.max.year:
            raise OverflowError
        try:
            return date(*(int(part) for part in iso.groups()))
        except ValueError:
            raise DateError(f"{shown!r} is not a real date. " + HINT) from None
    if raw == "today":
        return today
    if raw == "tomorrow":
        return today + timedelta(days=1)
    relative = re.fullmatch(r"(?:\+|in )\s*(\d+)\s*([a-z]+)", raw)
    if relative:
        count, unit = int(relative.group(1)), relative.group(2)
        if unit in UNIT_DAYS:
            return today + timedelta(days=count * UNIT_DAYS[unit])
        if unit in UNIT_MONTHS:
            months = count * UNIT_MONTHS[unit]
            if today.year + (today.month - 1 + months) // 12 > date.max.year:
                raise OverflowError
            return _add_months(today, months)
        raise DateError(f"{shown!r}: unknown unit {unit!r}. " + HINT)
    weekday = re.fullmatch(r"(next |this |on )?([a-z]+)", raw)
    if weekday and (index := _weekday(weekday.group(2))) is not None:
        return today + timedelta(days=(index - today.weekday()) % 7 or 7)
    if raw == "next week":
        return today + timedelta(days=7)
    if raw == "next month":
        if today.year == date.max.year and today.month == 12:
            raise OverflowError
        return _add_months(today, 1)
    found = _day_month(raw, shown, today)
    if found is not None:
        return found
    numeric = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?\.?", raw)
    if numeric:
        first, second, year = numeric.groups()
        raise DateError(
            _numeric_refusal(int(first), int(second), shown, year if year and len(year) == 4 else "")
        )
    raise DateError(f"Could not read {shown!r} as a date. " + HINT)


def _numeric_refusal(first: int, second: int, shown: str, year: str = "") -> str:
    """Why ``3/4``-like text is refused: it is read as 3 April in most of the world and 4 March in the US. Only
    when both readings could be a date is it called ambiguous; ``25/12`` is asked for with the month's name
    ("25 dec"), and ``31/02`` or ``0/13`` is no date at all."""
    readings = [(day, month) for day, month in ((first, second), (second, first)) if _possible(day, month)]
    if not readings:
        return f"{shown!r} is not a real date. " + HINT
    if len(set(readings)) == 1:
        day, month = readings[0]
        written = f"{day} {MONTH_NAMES[month - 1][:3].lower()}" + (f" {year}" if year else "")
        return f"{shown!r}: write it with the month's name, as {written}. " + HINT
    return f"{shown!r} could be day/month or month/day: write the month's name. " + HINT


def _possible(day: int, month: int) -> bool:
    """Whether ``day`` is a day of ``month`` in some year (29 February counts)."""
    return 1 <= month <= 12 and 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)


def due_warning(due: date, today: date, *, workshop: date | None = None) -> str | None:
    """A warning for a due date the facilitator probably did not mean, or ``None`` when it is fine.

    One already past; else (``workshop``: the workshop's own date, when known) one before the workshop itself,
    as when a workshop is prepared weeks ahead and "friday" is read from today. Accepted either way: the form
    saves it and shows the warning.
    """
    if due < today:
        days = (today - due).days
        return f"That due date is {days} day{'s' if days != 1 else ''} in the past ({due.isoformat()})."
    if workshop is not None and due < workshop:
        return (
            f"That due date ({due.isoformat()}) is before the workshop itself "
            f"({workshop.day} {MONTH_NAMES[workshop.month - 1]} {workshop.year})."
        )
    return None
