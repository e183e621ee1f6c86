"""Due dates as a facilitator types them: ``2026-12-15``, ``+2w``, ``next friday``, ``tomorrow``, ``15 dec``.

Everything is relative to an explicit ``today`` so the rules stay pure and testable.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
UNIT_DAYS = {"d": 1, "day": 1, "days": 1, "w": 7, "wk": 7, "week": 7, "weeks": 7}
UNIT_MONTHS = {"m": 1, "mo": 1, "month": 1, "months": 1, "y": 12, "year": 12, "years": 12}

HINT = "Use a date like 2026-12-15, +3d, +2w, +1m, tomorrow, friday, next friday or 15 dec."


class DateError(ValueError):
    """A due date that could not be read; the message shows the forms that work."""


def _add_months(day: date, months: int) -> date:
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
        if len(name) >= 3 and name.startswith(short):
            return index
    return None


def parse_due(value: str, *, today: date) -> date:
    """Read a typed due date.

    ``friday``, ``this friday`` and ``next friday`` all mean the coming Friday, strictly after today (a week
    today when today is Friday): in a room, "next Friday" said on a Monday means this week's. A day and month
    without a year is the next such date from today.
    """
    raw = " ".join(value.strip().lower().split())
    if not raw:
        raise DateError("The due date is empty. " + HINT)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    if raw == "today":
        return today
    if raw == "tomorrow":
        return today + timedelta(days=1)
    relative = re.fullmatch(r"(?:\+|in )\s*(\d{1,3})\s*([a-z]+)", raw)
    if relative:
        count, unit = int(relative.group(1)), relative.group(2)
        if unit in UNIT_DAYS:
            return today + timedelta(days=count * UNIT_DAYS[unit])
        if unit in UNIT_MONTHS:
            return _add_months(today, count * UNIT_MONTHS[unit])
        raise DateError(f"{value.strip()!r}: unknown unit {unit!r}. " + HINT)
    weekday = re.fullmatch(r"(next |this )?([a-z]+)", raw)
    if weekday and (index := _weekday(weekday.group(2))) is not None:
        return today + timedelta(days=(index - today.weekday()) % 7 or 7)
    if raw in ("next week", "next month"):
        return today + timedelta(days=7) if raw == "next week" else _add_months(today, 1)
    day_month = re.fullmatch(r"(\d{1,2}) ([a-z]+)\.?(?: (\d{4}))?|([a-z]+)\.? (\d{1,2})(?:,? (\d{4}))?", raw)
    if day_month:
        day_s, month_s, year_s = (
            day_month.group(1, 2, 3)
            if day_month.group(1)
            else (day_month.group(5), day_month.group(4), day_month.group(6))
        )
        month = _month(month_s)
        if month is not None:
            try:
                candidate = date(int(year_s) if year_s else today.year, month, int(day_s))
            except ValueError:
                raise DateError(f"{value.strip()!r} is not a real date. " + HINT) from None
            if not year_s and candidate < today:
                candidate = candidate.replace(year=today.year + 1)
            return candidate
    raise DateError(f"Could not read {value.strip()!r} as a date. " + HINT)
