"""The versioned JSON interchange format: a whole workshop in one file, and back.

The store's file layout is free to change with the code; an exported file is not. It is read months later,
by another copy of the app or by a script, so it says what it is (``format``) and which layout it follows
(``version``), it holds every record (soft-deleted notes and the event log included, so the minutes stay
true), and the reader checks all of it before it builds anything: an import gives either a complete,
consistent workshop or one message that says what is wrong and where
(``notes[3].stage_id: expected an integer, got "abc"``).

The type checks are derived from the dataclasses in ``facilitation.models`` (field names, annotations,
defaults): a field added there is exported, checked and imported without touching this module. Only what an
annotation cannot say lives in the tables below: which values a field allows (``_RULES``) and which ids point
at which records (``_REFERENCES``). See docs/FORMAT.md for the format itself.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import json
import math
import os
import re
import time
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from exports import limits, privacy
from exports.errors import ExportError, FormatError
from facilitation import catalogue, names
from facilitation.clock import FakeClock
from facilitation.models import (
    ACTION_STATUSES,
    NOTE_MARKS,
    PRIORITIES,
    RECORD_KINDS,
    ActionItem,
    Ballot,
    Note,
    ReadinessResponse,
    Record,
    Stage,
    Workshop,
)
from facilitation.stage_kinds import STAGE_KINDS
from facilitation.timer import StageTimer, TimerError
from workshop import __version__

APP_VERSION = __version__
"""Written as ``app_version`` unless the caller names another."""
FORMAT_NAME = "six-disciplines-workshop"
FORMAT_VERSION = 1
"""Bumped only on an incompatible change; a field or section added in a compatible way keeps version 1."""

MAX_FILE_BYTES = 200 * 1024 * 1024
"""Larger files are refused before reading: no real workshop comes near it, and reading one would stall the
app."""

MAX_NESTING = 64
"""Deepest nesting allowed in free-form values (event data, timers): deeper ones are hostile, not minutes."""

SECTIONS: tuple[tuple[str, type[Record]], ...] = tuple((kind.table, kind.cls) for kind in RECORD_KINDS)
"""The record lists of a file, in the order they are written."""

PRIVATE_READINESS = "readiness_private"
"""The optional section of privately entered readiness answers, as distributions (see ``exports.privacy``)."""

_SINGULAR = {kind.table: kind.singular for kind in RECORD_KINDS}


# --- describing values in messages -----------------------------------------------------------------------

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INT_KEY = re.compile(r"-?(?:0|[1-9][0-9]*)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _quote(text: str, limit: int = 40) -> str:
    """A string as JSON would show it, shortened, and safe to print even if it holds a lone surrogate."""
    shown = json.dumps(text[:limit], ensure_ascii=False) + ("…" if len(text) > limit else "")
    return shown.encode("utf-8", "backslashreplace").decode("utf-8")


def _describe(value: object) -> str:
    """How a value reads in a message: in JSON terms, since that is what the user sees in the file."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if value.bit_length() <= 64 else "a very large integer"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a Python {type(value).__name__}"


def _key_location(location: str, key: object) -> str:
    if isinstance(key, str) and _IDENTIFIER.fullmatch(key):
        return f"{location}.{key}" if location else key
    shown = _quote(key, limit=60) if isinstance(key, str) else _describe(key)
    return f"{location}[{shown}]"


def _unencodable(text: str) -> int | None:
    """Index of the first lone surrogate: Python strings can hold one, UTF-8 (and so a JSON file) cannot."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return error.start
    return None


def _surrogate_problem(text: str, index: int) -> str:
    return (
        f"contains a lone surrogate (U+{ord(text[index]):04X} at character {index}), which is not valid text"
    )


# --- types: compiled once from the dataclass annotations ---------------------------------------------------


class _Type:
    """One expected JSON shape. ``check`` returns a cleaned copy (never the caller's object) or raises."""

    expected: str = ""

    def matches(self, value: object) -> bool:
        raise NotImplementedError

    def refine(self, value: Any, location: str) -> Any:
        return value

    def check(self, value: object, location: str) -> Any:
        if not self.matches(value):
            raise FormatError(f"expected {self.expected}, got {_describe(value)}", location)
        return self.refine(value, location)


class _Int(_Type):
    expected = "an integer"

    def matches(self, value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)


class _Float(_Type):
    """A number; whole numbers are accepted and stored as floats, so ``"created_at": 0`` is fine."""

    expected = "a number"

    def matches(self, value: object) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)

    def refine(self, value: Any, location: str) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            raise FormatError(f"expected a finite number, got {_describe(value)}", location)
        try:
            return float(value)
        except OverflowError:
            raise FormatError("expected a number, got an integer too large for one", location) from None


class _Bool(_Type):
    expected = "true or false"

    def matches(self, value: object) -> bool:
        return isinstance(value, bool)


class _Str(_Type):
    expected = "a string"

    def matches(self, value: object) -> bool:
        return isinstance(value, str)

    def refine(self, value: Any, location: str) -> Any:
        index = _unencodable(value)
        if index is not None:
            raise FormatError(_surrogate_problem(value, index), location)
        return value


class _Nullable(_Type):
    def __init__(self, inner: _Type) -> None:
        self.inner = inner
        self.expected = f"{inner.expected} or null"

    def matches(self, value: object) -> bool:
        return value is None or self.inner.matches(value)

    def refine(self, value: Any, location: str) -> Any:
        return None if value is None else self.inner.refine(value, location)


class _List(_Type):
    def __init__(self, item: _Type) -> None:
        self.item = item
        self.expected = f"a list of {_plural(item.expected)}"

    def matches(self, value: object) -> bool:
        return isinstance(value, list)

    def refine(self, value: Any, location: str) -> Any:
        return [self.item.check(item, f"{location}[{index}]") for index, item in enumerate(value)]


class _Map(_Type):
    """An object with typed values; ``int_keys`` for dicts keyed by record ids (JSON makes those strings)."""

    def __init__(self, value: _Type, *, int_keys: bool) -> None:
        self.value = value
        self.int_keys = int_keys
        self.expected = "an object"

    def matches(self, value: object) -> bool:
        return isinstance(value, dict)

    def refine(self, value: Any, location: str) -> Any:
        cleaned: dict[str, Any] = {}
        for key, item in value.items():
            where = _key_location(location, key)
            if self.int_keys:
                if isinstance(key, int) and not isinstance(key, bool):
                    key = str(key)
                elif not (isinstance(key, str) and _INT_KEY.fullmatch(key)):
                    raise FormatError(
                        f"expected an id (a whole number) as the key, got {_describe(key)}", where
                    )
                if key in cleaned:
                    raise FormatError("the same id appears twice as a key", where)
            elif not isinstance(key, str):
                raise FormatError(f"expected a string as the key, got {_describe(key)}", where)
            else:
                _Str().refine(key, where)
            cleaned[key] = self.value.check(item, where)
        return cleaned


class _Json(_Type):
    """Any JSON value (``object_only``: any JSON object): the free-form parts, such as event data.

    Walked with an explicit stack rather than recursion, so a deeply nested file gives a message, not a crash.
    """

    def __init__(self, *, object_only: bool) -> None:
        self.object_only = object_only
        self.expected = "an object" if object_only else "a JSON value"

    def matches(self, value: object) -> bool:
        return isinstance(value, dict) if self.object_only else True

    def refine(self, value: Any, location: str) -> Any:
        root: list[Any] = [None]
        stack: list[tuple[Any, str, int, Any, Any]] = [(value, location, 0, root, 0)]
        copy: Any
        children: list[tuple[Any, str, int, Any, Any]]
        while stack:
            item, where, depth, parent, slot = stack.pop()
            if depth > MAX_NESTING:
                raise FormatError(f"nested more than {MAX_NESTING} levels deep", where)
            if item is None or isinstance(item, bool | int):
                copy = item
            elif isinstance(item, float):
                copy = _Float().check(item, where)
            elif isinstance(item, str):
                copy = _Str().refine(item, where)
            elif isinstance(item, list):
                copy = [None] * len(item)
                children = [(sub, f"{where}[{i}]", depth + 1, copy, i) for i, sub in enumerate(item)]
                stack.extend(reversed(children))  # popped in file order, so the first problem is reported
            elif isinstance(item, dict):
                copy = {}
                children = []
                for key, sub in item.items():
                    sub_where = _key_location(where, key)
                    if not isinstance(key, str):
                        raise FormatError(f"expected a string as the key, got {_describe(key)}", sub_where)
                    _Str().refine(key, sub_where)
                    copy[key] = None
                    children.append((sub, sub_where, depth + 1, copy, key))
                stack.extend(reversed(children))
            else:
                raise FormatError(f"expected a JSON value, got {_describe(item)}", where)
            parent[slot] = copy
        return root[0]


def _plural(expected: str) -> str:
    for article in ("an ", "a "):
        if expected.startswith(article):
            return expected.removeprefix(article) + "s"
    return expected


def _compile(annotation: Any, *, int_keyed_ok: bool = False) -> _Type:
    """Turn a dataclass field's annotation into a checker; one it cannot map is a programming error (TypeError
    at import time, so a new kind of field cannot slip through unchecked)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in args if arg is not type(None)]
        if len(inner) == 1 and len(args) == 2:
            return _Nullable(_compile(inner[0], int_keyed_ok=int_keyed_ok))
    elif annotation is bool:
        return _Bool()
    elif annotation is int:
        return _Int()
    elif annotation is float:
        return _Float()
    elif annotation is str or (isinstance(annotation, type) and issubclass(annotation, enum.StrEnum)):
        return _Str()  # an enum's values are checked by its rule in _RULES (one of the members)
    elif annotation is Any:
        return _Json(object_only=False)
    elif origin is list and len(args) == 1:
        return _List(_compile(args[0]))
    elif origin is dict and len(args) == 2:
        key, value = args
        if key is str and value is Any:
            return _Json(object_only=True)
        if key is str:
            return _Map(_compile(value), int_keys=False)
        if key is int and int_keyed_ok:
            return _Map(_compile(value), int_keys=True)
    raise TypeError(f"exports.interchange has no JSON schema for the annotation {annotation!r}")


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    type: _Type
    required: bool


def _schema(cls: type, only: Iterable[str] | None = None) -> tuple[_Field, ...]:
    """The checked fields of a dataclass: name, compiled type, and required when it has no default."""
    hints = typing.get_type_hints(cls)
    int_keyed = set(getattr(cls, "INT_KEYED", ()))
    wanted = None if only is None else set(only)
    schema = []
    for spec in dataclasses.fields(cls):
        if wanted is not None and spec.name not in wanted:
            continue
        required = spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
        field_type = _compile(hints[spec.name], int_keyed_ok=spec.name in int_keyed)
        schema.append(_Field(spec.name, field_type, required))
    return tuple(schema)


_WORKSHOP_SCHEMA = _schema(Workshop, Workshop.INFO_FIELDS)
_SCHEMAS: dict[type, tuple[_Field, ...]] = {cls: _schema(cls) for _, cls in SECTIONS}
_HEADER_STRINGS = ("exported_at", "app_version")
"""Optional header fields: informative only, but they must be strings when present."""


# --- rules an annotation cannot express ------------------------------------------------------------------

Rule = Callable[[Any], tuple[str, str] | None]
"""Takes a type-checked value; returns ``(location suffix, problem)`` when the value is not allowed."""


def _one_of(*allowed: object) -> Rule:
    shown = [_describe(value) for value in allowed]
    listing = ", ".join(shown[:-1]) + f" or {shown[-1]}" if len(shown) > 1 else shown[0]

    def rule(value: Any) -> tuple[str, str] | None:
        return None if value in allowed else ("", f"expected {listing}, got {_describe(value)}")

    return limits.described(rule, {"enum": list(allowed)})


def _at_least(minimum: int) -> Rule:
    def rule(value: Any) -> tuple[str, str] | None:
        return None if value >= minimum else ("", f"expected {minimum} or more, got {_describe(value)}")

    return limits.described(rule, {"minimum": minimum})


def _counts(value: dict[str, int]) -> tuple[str, str] | None:
    for key, count in value.items():
        if count < 0:
            return _key_location("", key), f"expected 0 or more dots, got {count}"
    return None


def _iso_date(*, empty: object) -> Rule:
    """``YYYY-MM-DD`` (what ``date.isoformat`` writes), or ``empty`` (``""`` or ``None``) for no date."""

    def rule(value: Any) -> tuple[str, str] | None:
        if value == empty:
            return None
        if _ISO_DATE.fullmatch(value):
            with contextlib.suppress(ValueError):
                date.fromisoformat(value)
                return None
        return "", f"expected a date like 2026-12-15, got {_describe(value)}"

    pattern = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
    return limits.described(rule, {"pattern": f"^(|{pattern})$" if empty == "" else f"^{pattern}$"})


def _scores(value: dict[str, int]) -> tuple[str, str] | None:
    for key, score in value.items():
        where = _key_location("", key)
        if key not in catalogue.DISCIPLINE_KEYS:
            return where, f"expected a discipline ({', '.join(catalogue.DISCIPLINE_KEYS)}), got {_quote(key)}"
        if not 1 <= score <= 5:
            return where, f"expected a score from 1 to 5, got {score}"
    return None


def _timer(value: dict[str, Any]) -> tuple[str, str] | None:
    """An empty timer (never touched) or one ``StageTimer`` can restore: its own rules decide, not a copy."""
    if not value:
        return None
    try:
        StageTimer.from_dict(value, FakeClock())
    except TimerError as error:
        return "", str(error)
    return None


limits.described(
    _scores,
    {
        "propertyNames": {"enum": list(catalogue.DISCIPLINE_KEYS)},
        "additionalProperties": {"minimum": 1, "maximum": 5},
    },
)
limits.described(_counts, {"additionalProperties": {"minimum": 0}})

_STAGE_KINDS = tuple(STAGE_KINDS)
_STAGE_KEYS = tuple(dict.fromkeys([*(t.key for t in catalogue.default_agenda()), "custom"]))

_RULES: dict[tuple[type, str], Rule] = {
    (Workshop, "date"): _iso_date(empty=""),
    (Stage, "key"): _one_of(*_STAGE_KEYS),
    (Stage, "kind"): _one_of(*_STAGE_KINDS),
    (Stage, "minutes"): _at_least(0),
    (Stage, "timer"): _timer,
    (Note, "mark"): _one_of(*NOTE_MARKS, None),
    (Ballot, "mode"): _one_of("private", "tally"),
    (Ballot, "status"): _one_of("open", "closed"),
    (Ballot, "budget"): _at_least(0),
    (Ballot, "cap"): _at_least(0),
    (Ballot, "run"): _at_least(1),
    (Ballot, "tally"): _counts,
    (ActionItem, "due"): _iso_date(empty=None),
    (ActionItem, "priority"): _one_of(*PRIORITIES),
    (ActionItem, "status"): _one_of(*ACTION_STATUSES),
    (ReadinessResponse, "round"): _one_of("start", "end"),
    (ReadinessResponse, "attitude"): _one_of(*catalogue.ATTITUDE_BY_KEY, None),
    (ReadinessResponse, "scores"): _scores,
}

_REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("workshop", "current_stage_id", "stages"),
    ("notes", "stage_id", "stages"),
    ("notes", "author_id", "participants"),
    ("notes", "merged_from", "notes"),
    ("notes", "co_author_ids", "participants"),
    ("ballots", "stage_id", "stages"),
    ("ballots", "note_ids", "notes"),
    ("ballots", "eligible", "participants"),
    ("ballots", "submitted", "participants"),
    ("ballots", "tally", "notes"),
    ("votes", "ballot_id", "ballots"),
    ("votes", "participant_id", "participants"),
    ("votes", "note_id", "notes"),
    ("actions", "owner_id", "participants"),
    ("actions", "source_note_id", "notes"),
    ("actions", "source_stage_id", "stages"),
    ("readiness", "participant_id", "participants"),
)
"""(section, field, section its ids point into). ``Event.stage_id`` is left out on purpose: the event log is
history, and what it names need not exist any more."""


# --- export ------------------------------------------------------------------------------------------------


def _sorted_keys(value: Any) -> Any:
    """Dicts with sorted keys, so the same content gives the same file whatever order it was built in."""
    if isinstance(value, dict):
        return {key: _sorted_keys(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value


_FIELD_ORDER: dict[type, tuple[str, ...]] = {}


def _field_order(cls: type) -> tuple[str, ...]:
    """A record type's field names in declaration order, worked out once per type."""
    order = _FIELD_ORDER.get(cls)
    if order is None:
        order = _FIELD_ORDER[cls] = tuple(spec.name for spec in dataclasses.fields(cls))
    return order


def _nested_sorted(data: dict[str, Any]) -> dict[str, Any]:
    """A record's fields in their own order, the dicts inside them sorted by key."""
    return {name: _sorted_keys(value) if isinstance(value, dict) else value for name, value in data.items()}


def _record_dict(record: Record, *, copy: bool = True) -> dict[str, Any]:
    """A record as plain data; ``copy=False`` shares its lists with the record (for data serialised at once:
    ``dataclasses.asdict``'s deep copy is most of the time of a big export)."""
    if copy:
        data = record.to_dict()
    else:
        data = {name: getattr(record, name) for name in _field_order(type(record))}
        for name in record.INT_KEYED:
            data[name] = {str(key): value for key, value in data[name].items()}
    for name, value in data.items():
        if name in record.INT_KEYED:
            data[name] = {key: value[key] for key in sorted(value, key=int)}
        elif isinstance(value, dict):
            data[name] = _sorted_keys(value)
    return data


def _iso_utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ordered(workshop: Workshop, section: str) -> list[Record]:
    if section == "stages":
        return list(workshop.agenda())
    if section == "events":
        return sorted(workshop.events, key=lambda event: event.id)
    records: dict[int, Record] = getattr(workshop, section)
    return [records[key] for key in sorted(records)]


def _parts(
    workshop: Workshop, *, exported_at: float | None, app_version: str | None, copy: bool = True
) -> Iterator[tuple[str, Any]]:
    """The file's top-level keys in order, each with its value; record lists as lazy iterables of dicts, so the
    file can be written one record at a time."""
    yield "format", FORMAT_NAME
    yield "version", FORMAT_VERSION
    yield "exported_at", _iso_utc(time.time() if exported_at is None else exported_at)
    yield "app_version", APP_VERSION if app_version is None else app_version
    yield "workshop", workshop.info()
    anonymous = privacy.anonymous_ballots(workshop)
    named_readiness, private_readiness = privacy.private_readiness(workshop)
    for section, _ in SECTIONS:
        if section == "votes":
            yield section, privacy.vote_dicts(workshop)
        elif section == "readiness":
            yield section, (_record_dict(record, copy=copy) for record in named_readiness)
        elif section == "events":
            events = sorted(workshop.events, key=lambda event: event.id)
            yield section, (_nested_sorted(privacy.event_dict(event, anonymous)) for event in events)
        else:
            yield section, (_record_dict(record, copy=copy) for record in _ordered(workshop, section))
    yield PRIVATE_READINESS, private_readiness


def to_interchange(
    workshop: Workshop, *, exported_at: float | None = None, app_version: str | None = None
) -> dict[str, Any]:
    """The whole workshop as plain JSON-ready data: header, workshop info, then every record list.

    Records are sorted by id (stages in agenda order) and nested dicts by key, so one workshop always gives
    the same output; ``exported_at`` (epoch seconds, default now) is all that changes between two exports.
    """
    return {
        key: value if isinstance(value, dict | str | int) else list(value)
        for key, value in _parts(workshop, exported_at=exported_at, app_version=app_version)
    }


def _find_unwritable(document: Any) -> tuple[str, str] | None:
    """Where the first value JSON-in-UTF-8 cannot hold is, so the error can point at it."""
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return where, f"is {_describe(value)}, which a JSON file cannot hold"
        if isinstance(value, str) and (index := _unencodable(value)) is not None:
            return where, _surrogate_problem(value, index)
        if isinstance(value, dict):
            children = []
            for key, item in value.items():
                sub_where = _key_location(where, key)
                if isinstance(key, str) and (index := _unencodable(key)) is not None:
                    return sub_where, "has a key that " + _surrogate_problem(key, index)
                children.append((item, sub_where))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{i}]") for i, item in reversed(list(enumerate(value))))
    return None


def _dumped(value: Any, where: str, indent: str) -> bytes:
    """One value as indented JSON in UTF-8, each line after the first indented by ``indent``; ``ExportError``
    naming the field when it holds NaN, an infinity or a lone surrogate."""
    try:
        return _pretty(value, "\n" + indent).encode("utf-8")
    except ValueError:  # NaN or infinity (allow_nan=False), or a lone surrogate (UnicodeEncodeError)
        found = _find_unwritable(value)
        if found is None:
            raise
        inner, problem = found
        place = where + (inner if inner.startswith("[") else f".{inner}" if inner else "")
        raise ExportError(f"cannot export the workshop: {place} {problem}") from None


_FLAT = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
"""The C encoder, for what ``_scalar`` does not write itself (it raises for NaN and infinities)."""
_STRING = json.encoder.encode_basestring


def _scalar(value: Any) -> str:
    """One JSON scalar or empty container, as ``json.dumps`` writes it."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return str(_STRING(value))
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float) and math.isfinite(value):
        return float.__repr__(value)
    return _FLAT(value)


_FLAT_AT: dict[str, Callable[[Any], str]] = {}
"""The C encoder with ``,`` + a newline and an indent as its item separator, one per depth: it writes a container
whose items are all scalars (or empty) laid out exactly as ``indent=2`` would, but for its brackets' lines."""


def _flat_at(inner: str) -> Callable[[Any], str]:
    encode = _FLAT_AT.get(inner)
    if encode is None:
        encoder = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=("," + inner, ": "))
        encode = _FLAT_AT[inner] = encoder.encode
    return encode


def _pretty(value: Any, newline: str = "\n") -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)`` with every line after the first
    starting with ``newline`` (a newline and the indent of the value's place), the same text written faster:
    with ``indent``, ``json`` uses its pure-Python encoder and builds it anew on every call. Here a container
    whose items are all scalars (most records) is one call of the C encoder (``_flat_at``), and deeper ones are
    walked; scalars are written as the C encoder writes them (``_scalar``)."""
    if not isinstance(value, dict | list | tuple):
        return _scalar(value)
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    inner = newline + "  "
    items = value.values() if isinstance(value, dict) else value
    if not any(item and isinstance(item, dict | list | tuple) for item in items):
        text = _flat_at(inner)(value)
        return text[0] + inner + text[1:-1] + newline + text[-1]
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if type(key) is not str:  # json writes 1, true or null as the key's text
                return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False).replace("\n", newline)
            parts.append(f"{_STRING(key)}: {_pretty(item, inner)}")
        return "{" + inner + ("," + inner).join(parts) + newline + "}"
    return "[" + inner + ("," + inner).join([_pretty(item, inner) for item in value]) + newline + "]"


def _chunks(
    workshop: Workshop, *, exported_at: float | None = None, app_version: str | None = None
) -> Iterator[bytes]:
    """The file, a record at a time: the same bytes as ``json.dumps(to_interchange(...), indent=2)`` plus a
    newline, without ever holding the whole document (a 20,000-note workshop is written in a fraction of the
    memory)."""
    yield b"{"
    first = True
    for key, value in _parts(workshop, exported_at=exported_at, app_version=app_version, copy=False):
        yield (b"\n" if first else b",\n") + b"  " + json.dumps(key).encode("utf-8") + b": "
        first = False
        if isinstance(value, dict | str | int):
            yield _dumped(value, key, "  ")
            continue
        empty = True
        for index, item in enumerate(value):
            yield (b"[\n    " if empty else b",\n    ") + _dumped(item, f"{key}[{index}]", "    ")
            empty = False
        yield b"[]" if empty else b"\n  ]"
    yield b"\n}\n"


def _encode(workshop: Workshop, *, exported_at: float | None = None, app_version: str | None = None) -> bytes:
    return b"".join(_chunks(workshop, exported_at=exported_at, app_version=app_version))


def dumps(workshop: Workshop, *, exported_at: float | None = None, app_version: str | None = None) -> str:
    """The interchange file's text: UTF-8-ready JSON (non-ASCII kept as is), 2-space indent, final newline.

    Raises ``ExportError`` naming the field when the workshop holds NaN/infinity or a lone surrogate, which a
    JSON file in UTF-8 cannot hold: better refused here than a file that no reader accepts.
    """
    return _encode(workshop, exported_at=exported_at, app_version=app_version).decode("utf-8")


def _os_problem(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, IsADirectoryError):
        return "it is a folder"
    if isinstance(error, FileNotFoundError):
        return "no such file or folder"
    return (error.strerror or str(error)).lower()


def atomic_write(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Temporary file beside the target, flushed and fsynced, then ``os.replace``: the target is either the
    old file or the whole new one, never half-written, even if the process dies or the disk fills up."""
    temporary = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    try:
        descriptor = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
        )
    except OSError as error:
        raise ExportError(f"cannot write {path}: {_os_problem(error)}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise ExportError(f"cannot write {path}: {_os_problem(error)}") from None
        raise
    with contextlib.suppress(OSError, AttributeError):  # make the rename durable too, where the OS allows it
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def write_file(
    workshop: Workshop,
    path: Path,
    *,
    force: bool = False,
    exported_at: float | None = None,
    app_version: str | None = None,
) -> Path:
    """Write the workshop's interchange file atomically and return its path.

    An existing file is kept unless ``force``: an export must not silently replace yesterday's backup.
    """
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder")
    if not force and (path.exists() or path.is_symlink()):
        raise ExportError(f"{path} exists; use --force to overwrite")
    if not path.parent.is_dir():
        raise ExportError(f"cannot write {path}: the folder {path.parent} does not exist")
    atomic_write(path, _chunks(workshop, exported_at=exported_at, app_version=app_version))
    return path


# --- import ------------------------------------------------------------------------------------------------


def _check_record(item: object, location: str, cls: type, schema: tuple[_Field, ...]) -> dict[str, Any]:
    """Type-check one record and return a cleaned copy in ``to_dict`` shape; unknown keys are dropped."""
    if not isinstance(item, dict):
        raise FormatError(f"expected an object, got {_describe(item)}", location)
    cleaned: dict[str, Any] = {}
    for spec in schema:
        where = f"{location}.{spec.name}"
        if spec.name not in item:
            if spec.required:
                raise FormatError(f'missing field "{spec.name}"', location)
            continue
        value = spec.type.check(item[spec.name], where)
        for rule in (_RULES.get((cls, spec.name)), limits.LIMITS.get((cls, spec.name))):
            if rule is not None and (found := rule(value)) is not None:
                suffix, problem = found
                raise FormatError(problem, _join(where, suffix))
        cleaned[spec.name] = value
    return cleaned


def _check_names(participants: list[tuple[str, dict[str, Any]]]) -> None:
    """Present participants as the app keeps them: no two that nobody typing could tell apart
    (``facilitation.names.same_name``: "Ana Souza" and "ANA SOUZA" would make every credit and owner a guess; the
    app refuses the second). Raises ``FormatError`` at the second name."""
    seen: dict[str, tuple[str, str]] = {}
    for where, record in participants:
        if not record.get("active", True):
            continue
        name = record["name"]
        key = names.name_key(name)
        if key in seen:
            first_at, first = seen[key]
            raise FormatError(
                f"{_describe(name)} cannot be told apart from {_describe(first)} ({first_at}.name)", f"{where}.name"
            )
        seen[key] = (where, name)


def _join(where: str, suffix: str) -> str:
    return where + suffix if not suffix or suffix.startswith(("[", ".")) else f"{where}.{suffix}"


def _check_header(data: dict[Any, Any]) -> None:
    name = data.get("format")
    if "format" not in data:
        raise FormatError(
            f'not a Six Disciplines Workshop file (missing "format": "{FORMAT_NAME}")', "format"
        )
    if name != FORMAT_NAME:
        raise FormatError(
            f'not a Six Disciplines Workshop file ("format" is {_describe(name)}, expected "{FORMAT_NAME}")',
            "format",
        )
    if "version" not in data:
        raise FormatError(f"missing; this app reads version {FORMAT_VERSION}", "version")
    version = _Int().check(data["version"], "version")
    if version != FORMAT_VERSION:
        hint = (
            ": it was written by a newer app, update this one to import it"
            if version > FORMAT_VERSION
            else ""
        )
        raise FormatError(
            f"this file is format version {version}; this app reads version {FORMAT_VERSION}{hint}", "version"
        )
    for key in _HEADER_STRINGS:
        if key in data:
            _Str().check(data[key], key)


def _ids_in(value: Any, where: str) -> list[tuple[str, int]]:
    """The ids one reference field holds: a single id, a list of ids, or the keys of an id-keyed dict."""
    if value is None:
        return []
    if isinstance(value, int):
        return [(where, value)]
    if isinstance(value, list):
        return [(f"{where}[{index}]", item) for index, item in enumerate(value)]
    return [(_key_location(where, key), int(key)) for key in value]


def from_interchange(data: object, *, new_id: str | None = None) -> Workshop:
    """Check parsed interchange data completely, then build the workshop it describes.

    Nothing is built until every check has passed, so a bad file never yields half a workshop. Checks: the
    header (format, version), every section present and a list of objects, every known field of the right type
    (unknown keys are ignored, so a later compatible version still imports), allowed values, ids unique within
    their kind, and every reference resolving. ``new_id`` replaces the workshop's id: an import creates a new
    workshop rather than overwriting the one it came from.
    """
    if not isinstance(data, dict):
        raise FormatError(
            "not a Six Disciplines Workshop file: expected a JSON object at the top level, "
            f"got {_describe(data)}"
        )
    _check_header(data)
    if "workshop" not in data:
        raise FormatError('missing section "workshop" (the workshop\'s title, date and other details)')
    info = _check_record(data["workshop"], "workshop", Workshop, _WORKSHOP_SCHEMA)

    sections: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    anonymous_at: set[str] = set()
    """Where the dots of anonymous votes are: their (negative) voter ids point at no participant."""
    for section, cls in SECTIONS:
        if section not in data:
            raise FormatError(
                f'missing section "{section}" (a list of {_SINGULAR[section]} records, maybe empty)'
            )
        items = data[section]
        if not isinstance(items, list):
            raise FormatError(
                f"expected a list of {_SINGULAR[section]} records, got {_describe(items)}", section
            )
        if len(items) > limits.MAX_RECORDS:
            raise FormatError(
                f"at most {limits.MAX_RECORDS:,} {_SINGULAR[section]} records, got {len(items):,}", section
            )
        checked = []
        for index, item in enumerate(items):
            where = f"{section}[{index}]"
            if section == "votes":
                item = _anonymous_voter(item, where, sections["ballots"], anonymous_at)
            checked.append((where, _check_record(item, where, cls, _SCHEMAS[cls])))
        sections[section] = checked
    active = [where for where, record in sections["participants"] if record.get("active", True)]
    if len(active) > limits.MAX_PARTICIPANTS:
        raise FormatError(
            f"at most {limits.MAX_PARTICIPANTS} participants present at once, got {len(active)}",
            "participants",
        )
    _check_names(sections["participants"])
    private_readiness = _check_private_readiness(data.get(PRIVATE_READINESS, []))

    ids: dict[str, set[int]] = {}
    for section, records in sections.items():
        first_at: dict[int, str] = {}
        for where, record in records:
            if record["id"] in first_at:
                raise FormatError(
                    f"duplicate id {record['id']} ({first_at[record['id']]} has it too)", where + ".id"
                )
            first_at[record["id"]] = where
        ids[section] = set(first_at)

    for section, name, target in _REFERENCES:
        records = [("workshop", info)] if section == "workshop" else sections[section]
        for where, record in records:
            if section == "votes" and name == "participant_id" and where in anonymous_at:
                continue
            for ref_where, ref in _ids_in(record.get(name), f"{where}.{name}"):
                if ref not in ids[target]:
                    raise FormatError(f"no {_SINGULAR[target]} has id {ref}", ref_where)

    if new_id is not None:
        info["id"] = new_id
    workshop = Workshop(**info)
    for section, cls in SECTIONS:
        built: list[Any] = sorted((cls.from_dict(record) for _, record in sections[section]), key=_by_id)
        if section == "events":
            workshop.events = built
        else:
            setattr(workshop, section, {record.id: record for record in built})
    next_id = max(workshop.readiness, default=0) + 1
    person = 1
    for distribution in private_readiness:
        for response in privacy.rebuild_readiness(distribution, next_id, person):
            workshop.readiness[response.id] = response
        next_id += distribution["responses"]
        person += distribution["responses"]
    return workshop


def _anonymous_voter(
    item: object, where: str, ballots: list[tuple[str, dict[str, Any]]], anonymous_at: set[str]
) -> object:
    """A dot of an anonymous vote names a ``voter`` (1, 2, …) instead of a participant: it becomes the participant
    id ``-voter`` (see ``exports.privacy``). Only an anonymous ballot's dots may be written so."""
    if not isinstance(item, dict) or "voter" not in item or "participant_id" in item:
        return item
    voter = _Int().check(item["voter"], f"{where}.voter")
    if not 1 <= voter <= limits.MAX_RECORDS:
        raise FormatError(
            f"expected a voter number from 1 to {limits.MAX_RECORDS:,}, got {voter}", f"{where}.voter"
        )
    ballot = next((record for _, record in ballots if record["id"] == item.get("ballot_id")), None)
    if ballot is not None and not privacy.is_anonymous(Ballot.from_dict(ballot)):
        raise FormatError(
            "only the dots of an anonymous vote are written without their participant", f"{where}.voter"
        )
    anonymous_at.add(where)
    return {**item, "participant_id": privacy.voter_id(voter)}


def _check_private_readiness(items: object) -> list[dict[str, Any]]:
    """The distributions of privately entered readiness answers (optional: older files have none)."""
    if not isinstance(items, list):
        raise FormatError(
            f"expected a list of readiness distributions, got {_describe(items)}", PRIVATE_READINESS
        )
    checked = []
    for index, item in enumerate(items):
        where = f"{PRIVATE_READINESS}[{index}]"
        if not isinstance(item, dict):
            raise FormatError(f"expected an object, got {_describe(item)}", where)
        for key in ("round", "responses"):
            if key not in item:
                raise FormatError(f'missing field "{key}"', where)
        round_name = _Str().check(item["round"], f"{where}.round")
        if round_name not in ("start", "end"):
            raise FormatError(f'expected "start" or "end", got {_describe(round_name)}', f"{where}.round")
        responses = _Int().check(item["responses"], f"{where}.responses")
        if not 1 <= responses <= limits.MAX_RECORDS:
            raise FormatError(
                f"expected 1 to {limits.MAX_RECORDS:,} responses, got {responses}", f"{where}.responses"
            )
        attitudes = _Map(_Int(), int_keys=False).check(item.get("attitudes", {}), f"{where}.attitudes")
        for key, count in attitudes.items():
            if key not in catalogue.ATTITUDE_BY_KEY:
                raise FormatError(
                    f"expected an attitude ({', '.join(catalogue.ATTITUDE_BY_KEY)}), got {_quote(key)}",
                    _key_location(f"{where}.attitudes", key),
                )
            if count < 0:
                raise FormatError(
                    f"expected 0 or more, got {count}", _key_location(f"{where}.attitudes", key)
                )
        scores = _Map(_List(_Int()), int_keys=False).check(item.get("scores", {}), f"{where}.scores")
        for key, histogram in scores.items():
            at = _key_location(f"{where}.scores", key)
            if key not in catalogue.DISCIPLINE_KEYS:
                raise FormatError(
                    f"expected a discipline ({', '.join(catalogue.DISCIPLINE_KEYS)}), got {_quote(key)}", at
                )
            if len(histogram) != len(privacy.SCORE_VALUES) or min(histogram) < 0:
                raise FormatError("expected five counts of 0 or more (scores 1 to 5)", at)
            if sum(histogram) > responses:
                raise FormatError(f"{sum(histogram)} scores from {responses} responses", at)
        if sum(attitudes.values()) > responses:
            raise FormatError(
                f"{sum(attitudes.values())} attitudes from {responses} responses", f"{where}.attitudes"
            )
        answers = sum(attitudes.values()) + sum(sum(h) for h in scores.values())
        if answers < responses:
            raise FormatError(
                f"{responses} responses but only {answers} answers: every response holds one",
                f"{where}.responses",
            )
        checked.append(
            {"round": round_name, "responses": responses, "attitudes": attitudes, "scores": scores}
        )
    return checked


def _by_id(record: Any) -> int:
    return int(record.id)


def loads(text: str, *, new_id: str | None = None) -> Workshop:
    """Parse interchange text; invalid JSON is a ``FormatError`` located by line and column."""
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as error:
        raise FormatError(
            f"not valid JSON: {error.msg}", f"line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise FormatError("not valid JSON: nested too deeply to read") from None
    except ValueError:  # an integer literal beyond Python's digit limit
        raise FormatError("not valid JSON: a number has too many digits") from None
    return from_interchange(data, new_id=new_id)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def read_file(path: Path, *, new_id: str | None = None) -> Workshop:
    """Read and check an interchange file; every failure is a ``FormatError`` that starts with the path."""
    path = Path(path)
    too_big = f"the file is larger than {_megabytes(MAX_FILE_BYTES)}, the most this app imports"
    try:
        with path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_FILE_BYTES:
                raise FormatError(too_big, file=path)
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise FormatError(f"cannot read the file: {_os_problem(error)}", file=path) from None
    if len(raw) > MAX_FILE_BYTES:
        raise FormatError(too_big, file=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise FormatError(
            f"not UTF-8 text (byte 0x{raw[error.start]:02x})", f"line {line}, byte {column}", file=path
        ) from None
    try:
        return loads(text, new_id=new_id)
    except FormatError as error:
        raise error.with_file(path) from None
