"""Input checks shared by the session's methods: one place turns bad input into a clear message."""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from datetime import date as Date
from typing import Any, Final

from facilitation import dates, names, text

MAX_PARTICIPANTS = 200
MAX_STAGE_MINUTES = 600
MAX_TALLY = 10_000
"""The most dots a room tally accepts on one note."""


class Keep(enum.Enum):
    """The type of ``KEEP``: a field of a change (``ActionChange``, a note's author) left as it is."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP


class SessionError(ValueError):
    """A change the session refused; ``str(error)`` is the message to show the facilitator."""


class NotFoundError(SessionError):
    """The note, stage, participant, ballot or action named does not exist (or was deleted)."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SessionError(message)


def checked_text(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a ``facilitation.text`` validator, turning its error into a session error."""
    try:
        return fn(*args, **kwargs)
    except text.TextError as error:
        raise SessionError(str(error)) from None


def participant_names(typed: Sequence[str]) -> list[str]:
    """The names of a new workshop's participants, cleaned, empty lines left out.

    Refuses (``SessionError``) a bad name, two names nobody could tell apart (``facilitation.names.same_name``:
    ``Björn`` and ``bjorn``), and more than ``MAX_PARTICIPANTS``.
    """
    cleaned: list[str] = []
    for name in typed:
        value = checked_text(
            text.single_line, name, "participant's name", limit=text.MAX_NAME_CHARS, required=False
        )
        if not value:
            continue
        twin = next((c for c in cleaned if names.same_name(c, value)), None)
        if twin is not None:
            check(twin.casefold() != value.casefold(), f"{value} is listed twice.")
            check(False, f"{value} cannot be told apart from {twin}: add a surname or an initial to one of them.")
        cleaned.append(value)
    check(len(cleaned) <= MAX_PARTICIPANTS, f"A workshop holds at most {MAX_PARTICIPANTS} participants.")
    return cleaned


def iso_date(value: str) -> str:
    """A workshop's date, ``YYYY-MM-DD``, in the years ``facilitation.dates.YEARS`` (what an import accepts, so
    the workshop's JSON export imports again); ``SessionError`` for anything else."""
    typed = str(value).strip()
    try:
        day = Date.fromisoformat(typed)
    except ValueError:
        form = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", typed)
        if form and 1 <= int(form.group(2)) <= 12:  # the right form, a day the month does not have
            year, month, number = (int(part) for part in form.groups())
            raise SessionError(
                f"{value!r} is not a real date: {dates.MONTH_NAMES[month - 1]} {year} has no day {number}."
            ) from None
        raise SessionError(f"{value!r} is not a date; use the form 2026-12-15.") from None
    check(
        dates.YEARS[0] <= day.year <= dates.YEARS[1],
        f"{value!r} is {dates.out_of_years(day.year)}: a workshop's date is in the years "
        f"{dates.YEARS[0]} to {dates.YEARS[1]}.",
    )
    return day.isoformat()
