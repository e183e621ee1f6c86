"""Listing and reading workshops without opening them for writing (home screen, ``list``, ``show``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from facilitation.models import (
    Workshop,
)
from workshop import records
from workshop.store import Store, StoreError


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

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def summarise(workshop: Workshop) -> WorkshopSummary:
    stage = workshop.current_stage
    return WorkshopSummary(
        id=workshop.id,
        title=workshop.title,
        organisation=workshop.organisation,
        date=workshop.date,
        created_at=workshop.created_at,
        stage_reached=stage.title if stage else "not started",
        notes=len(workshop.live_notes()),
        participants=len(workshop.active_participants()),
        actions=len(workshop.actions),
    )


def list_workshops(store: Store) -> list[WorkshopSummary]:
    """Every workshop in the data dir, newest first; a damaged file is listed with its error, not skipped."""
    summaries = []
    for workshop_id in store.ids():
        try:
            workshop = records.workshop_from_tables(store.read_tables(workshop_id), fallback_id=workshop_id)
            summaries.append(summarise(workshop))
        except StoreError as error:
            summaries.append(
                WorkshopSummary(workshop_id, workshop_id, "", "", 0.0, "", 0, 0, 0, error=str(error))
            )
    summaries.sort(key=lambda s: (s.created_at, s.id), reverse=True)
    return summaries


def load_workshop(store: Store, workshop_id: str) -> Workshop:
    """Read a workshop without opening it for writing (for ``show``, ``export`` and listing)."""
    return records.workshop_from_tables(store.read_tables(workshop_id), fallback_id=workshop_id)
