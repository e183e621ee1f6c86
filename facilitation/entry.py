"""Numbers as a facilitator types them into a form: minutes, counts, dots.

Each parser gives a value or raises ``EntryError`` whose message names the field and says what it accepts,
for any text at all (property-tested): never a bare ``ValueError`` from ``int()``, never a value the form did
not ask for. Python's ``int()`` is not used on the raw text: it accepts ``1_0`` and ``+5``, and refuses
more than 4,300 digits with a message no one in the room should read.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TYPED_CHARS = 40
"""Anything longer is not a number someone typed into one field."""

_WHOLE = re.compile(r"\d{1,9}")
_MINUTES = re.compile(
    r"(?:(?P<h>\d{1,3})\s*(?:h|hr|hrs|hour|hours)\s*(?:(?P<hm>\d{1,3})\s*(?:m|min|mins|minute|minutes)?)?"
    r"|(?P<ch>\d{1,3}):(?P<cm>\d{2})"
    r"|(?P<m>\d{1,9})\s*(?:m|min|mins|minute|minutes)?)"
)


class EntryError(ValueError):
    """Typed text that is not the number a field asks for; the message says what to type instead."""


def _normalise(value: object) -> str:
    if not isinstance(value, str):
        return ""
    # NFKC folds full-width digits (１０) into ASCII ones; decimal digits of other scripts (٣) are read as such.
    return " ".join(unicodedata.normalize("NFKC", value).strip().lower().split())


def _range(what: str, low: int, high: int, unit: str = "") -> str:
    unit = f" {unit}" if unit else ""
    return f"{what} is a whole number from {low:,} to {high:,}{unit}"


def parse_count(value: str | None, what: str, *, low: int = 0, high: int) -> int:
    """A typed whole number from ``low`` to ``high``; ``what`` names the field in the refusal (capitalised).

    Accepts decimal digits of any script (full-width ones too) with spaces around them; refuses signs,
    decimals, words, separators and anything else with the message "<what> is a whole number from <low> to <high>".
    """
    raw = _normalise(value)
    expected = _range(what, low, high)
    if not raw:
        raise EntryError(f"{expected}: the field is empty.")
    if len(raw) > MAX_TYPED_CHARS or not _WHOLE.fullmatch(raw):
        shown = raw if len(raw) <= MAX_TYPED_CHARS else raw[:MAX_TYPED_CHARS] + "…"
        raise EntryError(f"{expected} (not “{shown}”).")
    number = int(raw)
    if not low <= number <= high:
        raise EntryError(f"{expected} (not {number:,}).")
    return number


def parse_minutes(value: str | None, what: str = "A stage", *, low: int = 1, high: int) -> int:
    """A typed length in whole minutes, ``low`` to ``high``: ``45``, ``45 min``, ``1h``, ``1 h 30``, ``1:30``.

    Raises ``EntryError`` ("A stage lasts 1 to 600 minutes …") for anything else, including decimals and
    ``0:75``.
    """
    raw = _normalise(value)
    expected = f"{what} lasts {low:,} to {high:,} minutes: type a number like 45, or 1h30"
    if not raw:
        raise EntryError(f"{expected}.")
    found = _MINUTES.fullmatch(raw) if len(raw) <= MAX_TYPED_CHARS else None
    if found is None:
        shown = raw if len(raw) <= MAX_TYPED_CHARS else raw[:MAX_TYPED_CHARS] + "…"
        raise EntryError(f"{expected} (not “{shown}”).")
    if found["h"] is not None:
        minutes = int(found["h"]) * 60 + int(found["hm"] or 0)
        if found["hm"] is not None and int(found["hm"]) >= 60:
            raise EntryError(f"{expected} (an hour has 60 minutes, not {int(found['hm'])}).")
    elif found["ch"] is not None:
        if int(found["cm"]) >= 60:
            raise EntryError(f"{expected} (an hour has 60 minutes, not {int(found['cm'])}).")
        minutes = int(found["ch"]) * 60 + int(found["cm"])
    else:
        minutes = int(found["m"])
    if not low <= minutes <= high:
        raise EntryError(f"{expected} (not {minutes:,}).")
    return minutes
