"""The journal is folded into the workshop file by a worker when the app is idle, never by a key handler; and a
commit never waits for a checkpoint that is writing in another thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from screens.stage import NoteInput
from workshop.session import WorkshopLibrary
from workshop.store import Store, WorkshopFile
from workshop.store import file as store_file


async def test_notes_typed_in_the_app_are_folded_in_by_an_idle_worker(
    data_dir: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(WorkshopFile, "CHECKPOINT_ENTRIES", 4)
    monkeypatch.setattr(WorkshopApp, "CHECKPOINT_EVERY", 0.0)
    library = WorkshopLibrary(Store(data_dir), clock=clock)
    with library.create("Offsite", participants=["Ana"]) as session:
        workshop_id = session.workshop.id
    saved_on: list[str] = []
    real_save = WorkshopFile._save_snapshot

    def spy(self: WorkshopFile, *args: Any) -> None:
        saved_on.append(threading.current_thread().name)
        real_save(self, *args)

    monkeypatch.setattr(WorkshopFile, "_save_snapshot", spy)
    app = make_app(library, workshop_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        if not isinstance(app.screen.focused, NoteInput):
            await pilot.press("i")
        for i in range(6):
            await pilot.press(*f"idea {i}", "enter")
        for _ in range(50):  # each round lets the app go idle and its worker finish; no clock involved
            await pilot.pause()
            await app.workers.wait_for_complete()
            if saved_on:
                break
        assert app.session is not None
        assert len(app.session.workshop.live_notes()) == 6
    assert saved_on, "no checkpoint ran while the app was idle"
    assert threading.main_thread().name not in saved_on
    assert len(Store(data_dir).backups(workshop_id)) >= 1
    assert sorted(n["text"] for n in Store(data_dir).read_tables(workshop_id)["notes"].values()) == [
        f"idea {i}" for i in range(6)
    ]


def test_a_commit_never_waits_for_a_checkpoint_being_written(
    data_dir: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A snapshot held up half-way (a slow disk) in the worker: notes added meanwhile are durable at once."""
    library = WorkshopLibrary(Store(data_dir), clock=clock)
    session = library.create("Offsite", participants=["Ana"])
    for i in range(5):
        session.notes.add(f"before {i}")
    writing = threading.Event()
    release = threading.Event()
    real_write_temp = store_file.write_temp

    def slow_disk(prefix: Path, data: bytes, **kwargs: Any) -> Path:
        if prefix.name.endswith(".tmp-"):  # the snapshot
            writing.set()
            release.wait(timeout=120)
        return real_write_temp(prefix, data, **kwargs)

    monkeypatch.setattr(store_file, "write_temp", slow_disk)
    worker = threading.Thread(target=session.checkpoint)
    worker.start()
    try:
        assert writing.wait(timeout=120)
        added = [session.notes.add(f"while writing {i}") for i in range(3)]  # would hang if commits waited
        assert all(n.id in session.workshop.notes for n in added)
        on_disk = Store(data_dir).read_tables(session.workshop.id)["notes"]
        assert {n["text"] for n in on_disk.values()} >= {f"while writing {i}" for i in range(3)}
    finally:
        release.set()
        worker.join(timeout=120)
    session.close()
    texts = {n["text"] for n in Store(data_dir).read_tables(session.workshop.id)["notes"].values()}
    assert texts == {f"before {i}" for i in range(5)} | {f"while writing {i}" for i in range(3)}


async def test_after_an_idle_checkpoint_the_app_keeps_the_new_notes_out_of_full_collections(
    data_dir: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full garbage collection inside a key handler walked every note added since start-up (47 ms of CPU at
    4,600 notes): once a checkpoint is written, the idle app freezes what exists (``workshop.memory``)."""
    import screens.app as app_module

    monkeypatch.setattr(WorkshopFile, "CHECKPOINT_ENTRIES", 4)
    monkeypatch.setattr(WorkshopApp, "CHECKPOINT_EVERY", 0.0)
    frozen: list[str] = []
    monkeypatch.setattr(
        app_module, "keep_out_of_collections", lambda: frozen.append(threading.current_thread().name)
    )
    library = WorkshopLibrary(Store(data_dir), clock=clock)
    with library.create("Offsite", participants=["Ana"]) as session:
        workshop_id = session.workshop.id
    app = make_app(library, workshop_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        if not isinstance(app.screen.focused, NoteInput):
            await pilot.press("i")
        assert frozen == []
        for i in range(6):
            await pilot.press(*f"idea {i}", "enter")
        for _ in range(50):  # each round lets the app go idle and its worker finish; no clock involved
            await pilot.pause()
            await app.workers.wait_for_complete()
            app.on_idle()
            if frozen:
                break
    assert frozen and set(frozen) == {threading.main_thread().name}


def test_freezing_keeps_what_exists_out_of_later_collections() -> None:
    import gc

    from workshop.memory import FULL_EVERY, keep_out_of_collections, tune

    before_thresholds = gc.get_threshold()
    before = gc.get_freeze_count()
    kept = [[n] for n in range(1000)]  # tracked containers made after any earlier freeze
    try:
        keep_out_of_collections()
        assert gc.get_freeze_count() >= before + len(kept)
        tune()
        assert gc.get_threshold()[2] == FULL_EVERY
    finally:
        gc.set_threshold(*before_thresholds)
