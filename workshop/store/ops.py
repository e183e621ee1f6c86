"""Changes as data: an ``Op`` puts or deletes one document, a batch of ops is one journal line.

Documents are checked and copied into plain JSON values when an ``Op`` is built, so a bad value fails at the
caller's line (a programming error, ``TypeError``) and never reaches the journal, and later changes to the
caller's dict cannot leak into the stored state.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, Literal

from workshop.store.errors import InvalidTextError

META_TABLE = "_meta"
"""The store's own table (schema version, journal position); not writable through ops."""

PUT: Literal["put"] = "put"
DELETE: Literal["delete"] = "delete"


class _Unsafe(Exception):
    """Internal: carries the path to a non-JSON value up the recursion, turned into a TypeError at the top."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.trail: list[str] = []


def _safe(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise _Unsafe(f"{value!r} is not a finite number")
        return value
    if kind is dict or isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Unsafe(f"key {key!r} is a {type(key).__name__}, not a str")
            try:
                out[str(key)] = _safe(item)
            except _Unsafe as e:
                e.trail.append(f"[{key!r}]")
                raise
        return out
    if kind is list or kind is tuple or isinstance(value, list | tuple):
        result = []
        for index, item in enumerate(value):
            try:
                result.append(_safe(item))
            except _Unsafe as e:
                e.trail.append(f"[{index}]")
                raise
        return result
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)  # IntEnum and friends: store the plain number
    if isinstance(value, float):
        return _safe(float(value))
    if isinstance(value, str):
        return str(value)
    raise _Unsafe(f"a {type(value).__name__} cannot be stored as JSON; convert it first")


def json_safe(value: Any, where: str = "value") -> Any:
    """A deep copy of ``value`` made of dict/list/str/int/float/bool/None only (tuples become lists).

    Raises ``TypeError`` naming the place for sets, datetimes, bytes, non-str keys, NaN and infinities.
    """
    try:
        return _safe(value)
    except _Unsafe as e:
        raise TypeError(f"{where}{''.join(reversed(e.trail))}: {e.problem}") from None


def dumps(value: Any) -> str:
    """The one JSON spelling the store writes: UTF-8 text, no NaN, compact, no raw newlines."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def encode(value: Any, what: str) -> bytes:
    """``dumps`` as UTF-8 bytes; an unpaired surrogate becomes ``InvalidTextError`` instead of a broken file."""
    text = dumps(value)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as e:
        bad = text[e.start]
        raise InvalidTextError(
            f"Cannot save {what}: its text contains an unpaired surrogate (U+{ord(bad):04X}), which is not valid "
            "Unicode. Nothing was saved."
        ) from None


class Stopped(Exception):
    """``encode_tables`` was asked to stop (the file is closing): nothing was written."""


def encode_tables(
    tables: Mapping[str, Mapping[str, Any]],
    what: str,
    *,
    chunk: int = 500,
    stop: Callable[[], bool] = lambda: False,
) -> bytes:
    """The same bytes as ``encode(tables, what)``, built ``chunk`` documents per ``json.dumps`` call (see
    ``encode_table_parts``, whose pieces it joins)."""
    return b"".join(encode_table_parts(tables, what, chunk=chunk, stop=stop))


def encode_table_parts(
    tables: Mapping[str, Mapping[str, Any]],
    what: str,
    *,
    chunk: int = 500,
    stop: Callable[[], bool] = lambda: False,
) -> list[bytes]:
    """``encode(tables, what)`` as a list of pieces whose concatenation is the same bytes, built ``chunk``
    documents per ``json.dumps`` call.

    The C encoder holds the GIL for a whole call; many small calls let other threads (the app's) run in between,
    so a snapshot written in a worker never freezes the screen for the length of the workshop. The pieces are
    left unjoined: joining a 10 MB snapshot is one more C call holding the GIL (1-6 ms measured at 20,000 notes,
    the longer when its memory is fresh); ``fsutil.write_temp`` writes them as they are. ``stop`` is asked between
    chunks; when it answers True, ``Stopped`` is raised. ``InvalidTextError`` names the record whose text cannot
    be encoded.
    """
    parts: list[bytes] = [b"{"]
    for t, (name, table) in enumerate(tables.items()):
        parts.append(b"," if t else b"")
        parts.append(encode(name, what) + b":{")
        items = iter(table.items())  # not a list: 20,000 (key, doc) tuples would feed full collections
        for start in range(0, len(table), chunk):
            if stop():
                raise Stopped
            piece = dict(islice(items, chunk))
            try:
                body = encode(piece, what)
            except InvalidTextError:
                for key, doc in piece.items():  # name the record (error path only)
                    encode(doc, f"{name} #{key}")
                raise
            parts.append(b"," if start else b"")
            parts.append(body[1:-1])
        parts.append(b"}")
    parts.append(b"}")
    return parts


def check_table_name(table: str) -> None:
    if not isinstance(table, str) or not table:
        raise ValueError(f"table name must be a non-empty str, not {table!r}")
    if table == META_TABLE:
        raise ValueError(f"table {META_TABLE!r} belongs to the store and cannot be changed with ops")


def check_doc_id(doc_id: int) -> None:
    if type(doc_id) is not int:
        raise TypeError(f"document id must be an int, not {type(doc_id).__name__} {doc_id!r}")


@dataclass(frozen=True, slots=True)
class Op:
    """One change to one document: ``put`` (insert or replace the whole document) or ``delete``.

    Both are idempotent, so replaying a journal line twice (a crash between snapshot and journal truncation)
    gives the same state. Build them with ``Op.put`` / ``Op.delete``.
    """

    kind: Literal["put", "delete"]
    table: str
    id: int
    doc: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        check_table_name(self.table)
        check_doc_id(self.id)
        if self.kind == PUT:
            if not isinstance(self.doc, Mapping):
                raise TypeError(
                    f"{self.table} #{self.id}: a put needs a dict document, not {type(self.doc).__name__}"
                )
            doc = json_safe(self.doc, f"{self.table} #{self.id}")
            if type(doc.get("id")) is int and doc["id"] != self.id:  # a record's id is its doc id
                raise ValueError(f"{self.table} #{self.id}: the document says id {doc['id']!r}")
            object.__setattr__(self, "doc", doc)
        elif self.kind == DELETE:
            if self.doc is not None:
                raise ValueError("a delete carries no document")
        else:
            raise ValueError(f"unknown op kind {self.kind!r}")

    @classmethod
    def put(cls, table: str, id: int, doc: Mapping[str, Any]) -> Op:
        """Insert or replace document ``id`` of ``table`` with a JSON-safe copy of ``doc``."""
        return cls(PUT, table, id, doc)  # type: ignore[arg-type]

    @classmethod
    def delete(cls, table: str, id: int) -> Op:
        """Remove document ``id`` of ``table`` (no error if it is already gone: replay must be idempotent)."""
        return cls(DELETE, table, id)

    @classmethod
    def from_parsed(cls, data: Any) -> Op:
        """``from_json`` for a value fresh from the store's JSON parser (journal replay): the same checks, without
        copying the document, which parsed JSON already is (plain values only; the parser refuses NaN and
        infinities). ``ValueError``/``TypeError`` for anything that is not an op."""
        if type(data) is not dict:
            raise ValueError("an op must be an object")
        kind: Any = data.get("op")
        table: Any = data.get("table")
        doc_id: Any = data.get("id")
        if kind != PUT and kind != DELETE:
            raise ValueError(f"unknown op {kind!r}")
        check_table_name(table)
        check_doc_id(doc_id)
        doc = None
        if kind == PUT:
            doc = data.get("doc")
            if type(doc) is not dict:
                raise TypeError(f"{table} #{doc_id}: a put needs a dict document, not {type(doc).__name__}")
            if type(doc.get("id")) is int and doc["id"] != doc_id:
                raise ValueError(f"{table} #{doc_id}: the document says id {doc['id']!r}")
        op = object.__new__(cls)
        object.__setattr__(op, "kind", kind)
        object.__setattr__(op, "table", table)
        object.__setattr__(op, "id", doc_id)
        object.__setattr__(op, "doc", doc)
        return op

    def to_json(self) -> dict[str, Any]:
        """The op as a JSON-ready dict (the form inside a journal line)."""
        if self.kind == PUT:
            return {"op": PUT, "table": self.table, "id": self.id, "doc": self.doc}
        return {"op": DELETE, "table": self.table, "id": self.id}

    @classmethod
    def from_json(cls, data: Any) -> Op:
        """Parse ``to_json`` output; ``ValueError``/``TypeError`` for anything else (a damaged journal)."""
        if not isinstance(data, dict):
            raise ValueError("an op must be an object")
        kind = data.get("op")
        if kind == PUT:
            return cls(PUT, data.get("table"), data.get("id"), data.get("doc"))  # type: ignore[arg-type]
        if kind == DELETE:
            return cls(DELETE, data.get("table"), data.get("id"))  # type: ignore[arg-type]
        raise ValueError(f"unknown op {kind!r}")


def encode_entry(seq: int, ops: Sequence[Op]) -> bytes:
    """One journal line: ``{"seq": N, "ops": [...]}`` + newline, as UTF-8 bytes."""
    try:
        body = dumps({"seq": seq, "ops": [op.to_json() for op in ops]}).encode("utf-8")
    except UnicodeEncodeError:
        for op in ops:  # name the culprit; only on the error path
            encode(op.to_json(), f"{op.table} #{op.id}")
        raise
    return body + b"\n"
