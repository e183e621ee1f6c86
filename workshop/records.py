"""How a workshop's records map onto the store's tables, one table per kind of record."""

from __future__ import annotations

from typing import Any

from facilitation.models import (
    RECORD_KINDS,
    Event,
    Record,
    Workshop,
)
from facilitation.text import close_bidi
from workshop.memory import collections_held
from workshop.store import Op

INFO_TABLE = "info"
INFO_DOC_ID = 1

EVENTS_TABLE = "events"
RECORD_TABLES: dict[str, type[Record]] = {
    kind.table: kind.cls for kind in RECORD_KINDS if kind.table != EVENTS_TABLE
}
"""The tables of records kept by id (``facilitation.models.RECORD_KINDS`` but the event log)."""


def table_of(record: Record) -> str:
    """The table a record lives in."""
    if isinstance(record, Event):
        return EVENTS_TABLE
    for name, cls in RECORD_TABLES.items():
        if type(record) is cls:
            return name
    raise TypeError(f"no table for {type(record).__name__}")


def put(record: Record) -> Op:
    return Op.put(table_of(record), record.id, record.to_dict())


def info_op(info: dict[str, Any]) -> Op:
    """The workshop's own fields as one document; its string id is kept as ``workshop_id`` (doc ids are ints)."""
    doc = {("workshop_id" if key == "id" else key): value for key, value in info.items()}
    return Op.put(INFO_TABLE, INFO_DOC_ID, doc)


def info_from_doc(doc: dict[str, Any], *, fallback_id: str) -> dict[str, Any]:
    """The workshop's own fields from the info document (the inverse of ``info_op``); unknown keys are dropped."""
    info = dict(doc)
    info["id"] = info.pop("workshop_id", None) or fallback_id
    info.setdefault("title", fallback_id)
    for name in ("title", "organisation", "facilitator"):  # as ``Record.SHOWN_TEXT``: closed for every screen
        if isinstance(info.get(name), str):
            info[name] = close_bidi(info[name])
    return {k: v for k, v in info.items() if k in Workshop.INFO_FIELDS}


def workshop_from_tables(tables: dict[str, dict[int, dict[str, Any]]], *, fallback_id: str) -> Workshop:
    """Build the in-memory workshop from the store's tables (records may arrive in any order), with the collector
    held (``workshop.memory.collections_held``: every model made is kept)."""
    with collections_held():
        return _workshop_from_tables(tables, fallback_id=fallback_id)


def _workshop_from_tables(tables: dict[str, dict[int, dict[str, Any]]], *, fallback_id: str) -> Workshop:
    workshop = Workshop(**info_from_doc(tables.get(INFO_TABLE, {}).get(INFO_DOC_ID) or {}, fallback_id=fallback_id))
    for name, cls in RECORD_TABLES.items():
        target: dict[int, Any] = getattr(workshop, name)
        for doc_id, doc in tables.get(name, {}).items():
            target[int(doc_id)] = cls.from_dict(doc)
    workshop.events = sorted(
        (Event.from_dict(doc) for doc in tables.get(EVENTS_TABLE, {}).values()), key=lambda e: e.id
    )
    return workshop


def workshop_to_ops(workshop: Workshop) -> list[Op]:
    """Every record of a workshop as store operations: how an imported or duplicated workshop is written."""
    ops = [info_op(workshop.info())]
    for name in RECORD_TABLES:
        ops.extend(put(record) for record in getattr(workshop, name).values())
    ops.extend(put(event) for event in workshop.events)
    return ops
