"""The limits an import applies: the same the app applies to what is typed, so an imported workshop is one the app
could have made and every export of it works.

A file is refused, with the path of the field, when a text is longer than the app allows (titles 200 characters,
names 80, a note 200,000: ``facilitation.text``), a time is outside 1970-01-01 … 2100-01-01 (``0`` still means
"not known", as the app writes it), a date's year is outside 1970 … 2099, a count or a duration is larger than the
app ever makes, or a list holds more records than any workshop could. A timer started at ``1e300`` once
imported and then broke every export with an ``OverflowError``; this table is why it cannot any more.

Each limit is a ``Rule`` over a value that already has the right JSON type: it returns ``(location suffix,
problem)`` or ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from facilitation import dates, text
from facilitation.models import (
    ActionItem,
    Ballot,
    Event,
    Note,
    Participant,
    ReadinessResponse,
    Stage,
    Vote,
    Workshop,
)

Rule = Callable[[Any], tuple[str, str] | None]
SCHEMA = "json_schema"
"""The attribute a rule carries its JSON Schema keywords in (``exports.schema`` reads it)."""


def described(rule: Rule, schema: dict[str, Any]) -> Rule:
    """Attach the JSON Schema keywords that say what ``rule`` checks, for ``docs/workshop.schema.json``."""
    setattr(rule, SCHEMA, schema)
    return rule


EARLIEST = 0.0
"""1970-01-01 UTC: ``0`` is what the app writes for a time it does not know."""
LATEST = datetime(2100, 1, 1, tzinfo=UTC).timestamp()
"""2100-01-01 UTC: any later time is a damaged or hostile file, not a workshop."""
YEARS = dates.YEARS
"""Calendar dates (the workshop's date, due dates) must fall in these years, like the times."""
MAX_STAGE_MINUTES = 600
"""The longest timebox the app accepts (``workshop.session.validation.MAX_STAGE_MINUTES``; a test keeps them equal)."""
MAX_PARTICIPANTS = 200
"""Most participants present at once (``workshop.session.validation.MAX_PARTICIPANTS``; a test keeps them equal)."""
MAX_DURATION_SECONDS = 366 * 24 * 3600.0
"""The longest a stage timer can have run or been extended: a year. Longer is not a workshop."""
MAX_DOTS = 10_000
"""The most dots in a room tally for one note (what the app accepts) and the largest budget, cap or run number."""
MAX_RECORDS = 1_000_000
"""The most records of one kind: a 200 MB file holds fewer."""
MAX_POSITION = 1e12
"""Order keys (``position``) stay far from where adding 1 stops changing a float."""
MAX_TEXT = text.MAX_NOTE_CHARS
"""Free text (notes, purposes, prompts, measures, action titles made from notes) is at most a note long."""
MAX_SUMMARY = 2 * text.MAX_NOTE_CHARS + 1_000
"""An event's summary quotes at most two notes (a merge) and a sentence."""


def _shown(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def length(limit: int, what: str = "characters") -> Rule:
    def rule(value: Any) -> tuple[str, str] | None:
        if value is not None and len(value) > limit:
            return "", f"at most {limit:,} {what}, got {len(value):,}"
        return None

    return described(rule, {"maxLength": limit})


def each_length(limit: int) -> Rule:
    def rule(value: Any) -> tuple[str, str] | None:
        for index, item in enumerate(value):
            if len(item) > limit:
                return f"[{index}]", f"at most {limit:,} characters, got {len(item):,}"
        return None

    return described(rule, {"items": {"maxLength": limit}})


def moment(value: Any) -> tuple[str, str] | None:
    """A time in epoch seconds between 1970 and 2100 (or ``None`` where the field allows it)."""
    if value is None:
        return None
    if not EARLIEST <= value < LATEST:
        return "", f"expected a time between 1970 and 2100 (seconds since 1970), got {_shown(value)}"
    return None


def between(low: float, high: float, unit: str = "") -> Rule:
    tail = f" {unit}" if unit else ""

    def rule(value: Any) -> tuple[str, str] | None:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return None
        if not low <= value <= high:
            return "", f"expected {_shown(low)} to {_shown(high)}{tail}, got {_shown(value)}"
        return None

    return described(rule, {"minimum": low, "maximum": high})


def year_of(value: Any) -> tuple[str, str] | None:
    """A calendar date (already checked as ``YYYY-MM-DD``) in the years the app works with."""
    if not value:
        return None
    year = int(value[:4])
    if not YEARS[0] <= year <= YEARS[1]:
        return "", f"expected a date in the years {YEARS[0]} to {YEARS[1]}, got {value!r}"
    return None


MOMENT_SCHEMA = {"minimum": EARLIEST, "exclusiveMaximum": LATEST}
described(moment, MOMENT_SCHEMA)
described(year_of, {"pattern": r"^(|(19[7-9][0-9]|20[0-9][0-9])-.*)$"})

_TIMER_MOMENTS = ("running_since_wall", "started_at", "finished_at")
_TIMER_DURATIONS = ("planned_seconds", "extended_seconds", "accumulated_seconds")


def timer(value: dict[str, Any]) -> tuple[str, str] | None:
    """A stage timer's times within the sane range and its durations within a year (the timer's own rules run too)."""
    for key in _TIMER_MOMENTS:
        found = value.get(key)
        if isinstance(found, int | float) and not isinstance(found, bool) and (problem := moment(found)):
            return f".{key}", problem[1]
    for key in _TIMER_DURATIONS:
        found = value.get(key)
        if isinstance(found, int | float) and not isinstance(found, bool):
            problem = between(0, MAX_DURATION_SECONDS, "seconds")(found)
            if problem:
                return f".{key}", problem[1]
    return None


def dots(value: dict[str, int]) -> tuple[str, str] | None:
    for key, count in value.items():
        if count > MAX_DOTS:
            return f"[{key!r}]".replace("'", '"'), f"expected at most {MAX_DOTS:,} dots, got {count:,}"
    return None


described(
    timer,
    {
        "properties": {
            **{key: {"type": ["number", "null"], **MOMENT_SCHEMA} for key in _TIMER_MOMENTS},
            **{
                key: {"type": "number", "minimum": 0, "maximum": MAX_DURATION_SECONDS}
                for key in _TIMER_DURATIONS
            },
            "status": {"enum": ["idle", "running", "paused", "finished"]},
            "version": {"type": "integer"},
        }
    },
)
described(dots, {"additionalProperties": {"maximum": MAX_DOTS}})


LIMITS: dict[tuple[type, str], Rule] = {
    (Workshop, "title"): length(text.MAX_TITLE_CHARS),
    (Workshop, "organisation"): length(text.MAX_TITLE_CHARS),
    (Workshop, "facilitator"): length(text.MAX_NAME_CHARS),
    (Workshop, "date"): year_of,
    (Workshop, "created_at"): moment,
    (Participant, "name"): length(text.MAX_NAME_CHARS),
    (Stage, "title"): length(text.MAX_TITLE_CHARS),
    (Stage, "minutes"): between(0, MAX_STAGE_MINUTES, "minutes"),
    (Stage, "purpose"): length(MAX_TEXT),
    (Stage, "output"): length(MAX_TEXT),
    (Stage, "prompts"): each_length(MAX_TEXT),
    (Stage, "position"): between(-MAX_POSITION, MAX_POSITION),
    (Stage, "timer"): timer,
    (Note, "text"): length(MAX_TEXT),
    (Note, "created_at"): moment,
    (Note, "updated_at"): moment,
    (Note, "deleted_at"): moment,
    (Note, "position"): between(-MAX_POSITION, MAX_POSITION),
    (Ballot, "title"): length(text.MAX_TITLE_CHARS + 100),
    (Ballot, "budget"): between(0, MAX_DOTS, "dots"),
    (Ballot, "cap"): between(0, MAX_DOTS, "dots"),
    (Ballot, "run"): between(1, MAX_DOTS),
    (Ballot, "opened_at"): moment,
    (Ballot, "closed_at"): moment,
    (Ballot, "tally"): dots,
    (Vote, "cast_at"): moment,
    (ActionItem, "title"): length(MAX_TEXT),
    (ActionItem, "owner"): length(text.MAX_NAME_CHARS),
    (ActionItem, "measure"): length(MAX_TEXT),
    (ActionItem, "details"): length(MAX_TEXT),
    (ActionItem, "due"): year_of,
    (ActionItem, "position"): between(-MAX_POSITION, MAX_POSITION),
    (ActionItem, "created_at"): moment,
    (ActionItem, "completed_at"): moment,
    (ReadinessResponse, "recorded_at"): moment,
    (Event, "at"): moment,
    (Event, "kind"): length(100),
    (Event, "summary"): length(MAX_SUMMARY),
}
"""(record type, field) → the app's limit for it; checked after the type and the field's own rule."""
