"""Listing and reading workshops without opening them for writing (home screen, ``list``, ``show``).

Listing reads the library index (``workshop.store.index``): one small summary per workshop, checked against the
workshop's files, so 500 workshops cost one small file and 1,000 ``stat`` calls instead of 500 workshops. A
workshop whose summary is missing or stale is read in full, and its fresh summary written back when the folder
allows. ``summary_of_tables`` is the summariser the store calls when it checkpoints or closes a workshop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from facilitation.models import Workshop
from facilitation.names import name_key
from workshop import records
from workshop.store import Store, StoreError
from workshop.store.index import Entry


@dataclass(frozen=True)
class WorkshopSummary:
    """One line of the home screen and of ``workshop list``."""

    id: str
    title: str
    organisation: str
    date: str
    created_at: float
    stage_reached: str
    notes: int
    participants: int
    actions: int
    error: str = ""
    """Set when the file could not be read (damaged): the other fields are then mostly empty."""
    facilitator: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def matches(self, search: str) -> bool:
        """True if every word of ``search`` appears in the id, title, organisation, facilitator, date or stage
        reached, ignoring case, accents and punctuation (``facilitation.names.name_key``): ``"north off"``
        finds "Northwind offsite"."""
        words = name_key(search).split()
        haystack = name_key(
            " ".join(
                (self.id, self.title, self.organisation, self.facilitator, self.date, self.stage_reached)
            )
        )
        return all(word in haystack for word in words)


_SUMMARY_FIELDS = tuple(f.name for f in fields(WorkshopSummary) if f.name not in ("id", "error"))


def summarise(workshop: Workshop, *, live_notes: int | None = None) -> WorkshopSummary:
    """The library's line for ``workshop``. ``live_notes``: its notes not deleted, when the caller keeps that
    count (``session.notes.live_counts``); else they are counted here, one pass over every note (about 0.5 ms
    at 20,000 notes, on every open of the home screen)."""
    stage = workshop.current_stage
    return WorkshopSummary(
        id=workshop.id,
        title=workshop.title,
        organisation=workshop.organisation,
        date=workshop.date,
        created_at=workshop.created_at,
        stage_reached=stage.title if stage else "not started",
        notes=len(workshop.live_notes()) if live_notes is None else live_notes,
        participants=len(workshop.active_participants()),
        actions=len(workshop.actions),
        facilitator=workshop.facilitator,
    )


def _doc(table: Mapping[Any, Any], doc_id: Any) -> Any:
    """A document by id in a raw (str keys) or read (int keys) table."""
    if doc_id is None:
        return None
    return table.get(doc_id) if doc_id in table else table.get(str(doc_id))


def summary_of_tables(tables: Mapping[str, Mapping[Any, Any]]) -> dict[str, Any]:
    """The library index's summary of a workshop, straight from its tables (table -> doc id -> document, ids
    as str or int): the same figures as ``summarise(workshop)`` without building the workshop (one pass over
    the notes and participants). The id is not part of it (the index keys it); a missing title is left empty
    and ``summary`` below puts the id in its place, as reading the workshop does."""
    info = _doc(tables.get(records.INFO_TABLE, {}), records.INFO_DOC_ID) or {}
    stage = _doc(tables.get("stages", {}), info.get("current_stage_id"))
    return {
        "title": info.get("title") or "",
        "organisation": info.get("organisation") or "",
        "facilitator": info.get("facilitator") or "",
        "date": info.get("date") or "",
        "created_at": info.get("created_at") or 0.0,
        "stage_reached": stage.get("title", "") if isinstance(stage, dict) else "not started",
        "notes": sum(1 for n in tables.get("notes", {}).values() if n.get("deleted_at") is None),
        "participants": sum(1 for p in tables.get("participants", {}).values() if p.get("active", True)),
        "actions": len(tables.get("actions", {})),
    }


def summary(workshop_id: str, data: Mapping[str, Any]) -> WorkshopSummary:
    """A ``WorkshopSummary`` from a ``summary_of_tables`` dict (``KeyError``/``TypeError`` if it is not one)."""
    values = {name: data[name] for name in _SUMMARY_FIELDS}
    values["title"] = values["title"] or workshop_id
    return WorkshopSummary(id=workshop_id, **values)


def list_workshops(
    store: Store, search: str | None = None, live: Mapping[str, WorkshopSummary] | None = None
) -> list[WorkshopSummary]:
    """Every workshop in the data dir (or those matching ``search``, see ``WorkshopSummary.matches``), newest
    first; a damaged file is listed with its error, not skipped. Needs no write access: refreshing the index
    is best effort. ``live``: summaries of workshops open for writing in this process (``summarise`` of the
    session's workshop, by id), used as they are: such a workshop's index entry is stale from its first change
    after a checkpoint until the next, and reading it meant replaying its whole journal (the home screen opened
    over a workshop of 2,000 notes read 5,000 journal entries)."""
    known = store.index.entries()
    found: list[WorkshopSummary] = []
    refreshed: list[Entry] = []
    live = live or {}
    for workshop_id in store.ids():
        item: WorkshopSummary | None = live.get(workshop_id)
        if item is not None:
            if not search or item.matches(search):
                found.append(item)
            continue
        files = store.identities(workshop_id)  # before reading: a change made meanwhile makes the entry stale
        entry = known.get(workshop_id)
        if entry is not None and store.index.fresh(entry, files):
            try:
                item = summary(workshop_id, entry.summary)
            except (KeyError, TypeError):
                item = None  # written by another version: read the workshop instead
        if item is None:
            try:
                data, seq = store.read_raw(workshop_id)
            except StoreError as error:
                item = WorkshopSummary(workshop_id, workshop_id, "", "", 0.0, "", 0, 0, 0, error=str(error))
            else:
                fresh = summary_of_tables(data)
                item = summary(workshop_id, fresh)
                refreshed.append(Entry(workshop_id, seq, files, fresh))
        if not search or item.matches(search):
            found.append(item)
    store.index.put(refreshed)
    found.sort(key=lambda s: (s.created_at, s.id), reverse=True)
    return found


def load_workshop(store: Store, workshop_id: str) -> Workshop:
    """Read a workshop without opening it for writing (for ``show``, ``export`` and listing)."""
    return records.workshop_from_tables(store.read_tables(workshop_id), fallback_id=workshop_id)
