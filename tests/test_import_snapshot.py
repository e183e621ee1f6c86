"""An imported workshop is written as its file's snapshot, so opening it leaves the app no checkpoint to run.

Before, the import was one journal entry holding the whole workshop (11 MB at 20,000 notes) beside an empty
snapshot; the app's first idle moment after opening it folded that in, in a worker thread, while the facilitator
opened their first screens (each then took up to twice as long).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workshops import agenda_workshop
from workshop.session import WorkshopSession
from workshop.store import Store, StoreWriteError
from workshop.store.file import WorkshopFile

NOTES = 50


def _imported(store: Store) -> WorkshopSession:
    return WorkshopSession.import_workshop(
        store, agenda_workshop("big", "Imported", NOTES, lambda n: f"idea {n}")
    )


def test_an_import_leaves_nothing_to_fold_in(tmp_path: Path) -> None:
    """Fails on the old code: the journal held the import and a checkpoint wrote the first real snapshot."""
    session = _imported(Store(tmp_path))
    workshop_id = session.workshop.id
    assert session.checkpoint() is False  # nothing in the journal that the snapshot does not hold
    session.close()
    assert (tmp_path / f"{workshop_id}.journal").stat().st_size == 0
    reopened = WorkshopSession.open(Store(tmp_path), workshop_id)
    try:
        assert len(reopened.workshop.notes) == NOTES
        assert reopened.checkpoint() is False
    finally:
        reopened.close()


def test_an_import_whose_snapshot_fails_stands_in_the_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object) -> None:
        raise StoreWriteError("no space left")

    monkeypatch.setattr(WorkshopFile, "_save_snapshot", refuse)
    session = _imported(Store(tmp_path))
    workshop_id = session.workshop.id
    session.close()
    monkeypatch.undo()
    assert (tmp_path / f"{workshop_id}.journal").stat().st_size > 0
    reopened = WorkshopSession.open(Store(tmp_path), workshop_id)
    try:
        assert len(reopened.workshop.notes) == NOTES
        assert reopened.checkpoint() is True  # the app folds it in later
    finally:
        reopened.close()
