"""The journal is folded into the workshop file by a worker when the app is idle, never by a key handler; and a
commit never waits for a checkpoint that is writing in another thread."""

from __future__ import annotations

import asyncio
import threading
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from facilitation.clock import FakeClock
from facilitation.models import NoteTable
from screens.app import WorkshopApp, make_app
from screens.stage import NoteInput
from tests.lock_watch import WatchedLock
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


class _CountingNotes(NoteTable):
    """The workshop's notes (a ``NoteTable``, as ``Workshop.notes`` always is), counting the scans of every note
    (``values()``) made over them."""

    scans = 0

    def values(self):  # type: ignore[no-untyped-def]
        type(self).scans += 1
        return super().values()


def test_a_warmed_session_adds_its_first_note_without_scanning_every_note(
    data_dir: Path, clock: FakeClock
) -> None:
    """The first note added used to scan every note of the workshop inside its key handler (the per-stage note
    ends: 3.5-7 ms at 20,000 notes); ``warm`` builds them beforehand, once, and a second call costs nothing.
    (``warm`` also counts, one pass each, the marked notes and the live notes per stage, for the action plan and
    the summary; every one of them is then kept up to date change by change, with no scan.)"""
    library = WorkshopLibrary(Store(data_dir), clock=clock)
    with library.create("Offsite", participants=["Ana"]) as session:
        for i in range(5):
            session.notes.add(f"seed {i}")
        workshop_id = session.workshop.id
    with library.open(workshop_id) as session:
        _CountingNotes.scans = 0
        session.workshop.notes = _CountingNotes(session.workshop.notes)
        session.warm()
        warmed = _CountingNotes.scans
        assert warmed == 3, "the note ends, the marked notes, the live notes per stage: one pass each"
        session.warm()
        assert _CountingNotes.scans == warmed
        first = session.notes.add("the first note after opening")
        second = session.notes.add("and the next")
        assert _CountingNotes.scans == warmed
        assert [n.id for n in session.workshop.stage_notes(first.stage_id)][-2:] == [first.id, second.id]
        assert first.position > max(
            n.position for n in session.workshop.live_notes() if n.id not in (first.id, second.id)
        )


async def test_the_idle_app_warms_the_workshop_before_the_first_key(
    data_dir: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``on_idle`` warms each workshop it shows once (``WorkshopSession.warm``), so the first Enter does no more
    than any other; a read-only or still-opening workshop is left alone."""
    from workshop.session import WorkshopSession

    warmed: list[str] = []
    real_warm = WorkshopSession.warm

    def spy(self: WorkshopSession) -> None:
        warmed.append(self.workshop.id)
        real_warm(self)

    monkeypatch.setattr(WorkshopSession, "warm", spy)
    library = WorkshopLibrary(Store(data_dir), clock=clock)
    with library.create("Offsite", participants=["Ana"]) as session:
        workshop_id = session.workshop.id
    app = make_app(library, workshop_id)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(50):  # each round lets the app go idle; no clock involved
            await pilot.pause()
            if warmed:
                break
        assert warmed == [workshop_id]
        app.on_idle()
        app.on_idle()
        assert warmed == [workshop_id]  # once per workshop shown
        if not isinstance(app.screen.focused, NoteInput):
            await pilot.press("i")
        await pilot.press(*"first idea", "enter")
        await pilot.pause()
        assert app.session is not None
        assert [n.text for n in app.session.workshop.live_notes()] == ["first idea"]


async def test_a_warmed_session_starts_no_thread_inside_a_key_handler(
    data_dir: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starting a thread waits for the system to schedule it: ``warm`` starts the group's sync thread before the
    first key, and it stays until the workshop closes (it used to end after 30 idle seconds, so the Enter after a
    facilitator's pause started it again). Every note is still durable and published, in order."""
    library = WorkshopLibrary(Store(data_dir), clock=clock)
    with library.create("Offsite", participants=["Ana"]) as session:
        workshop_id = session.workshop.id
    session = library.open(workshop_id)
    published: list[str] = []
    session.subscribe(lambda change: published.extend(n.text for n in change.changed if hasattr(n, "text")))
    try:
        session.warm()
        assert session.group.sync_thread.running
        started: list[str] = []
        real_start = threading.Thread.start

        def spy(self: threading.Thread) -> None:
            started.append(self.name)
            real_start(self)

        monkeypatch.setattr(threading.Thread, "start", spy)
        for i in range(3):
            session.group.soon(lambda i=i: session.notes.add(f"idea {i}"))
            await session.group.flush()
        assert started == []
        assert session.group.sync_thread.running
        assert published == ["idea 0", "idea 1", "idea 2"]
        worker = session.group.sync_thread._thread
        assert worker is not None
    finally:
        session.close()
    worker.join(timeout=60)  # closing ends it
    assert not worker.is_alive() and not session.group.sync_thread.running
    assert [n["text"] for n in Store(data_dir).read_tables(workshop_id)["notes"].values()] == [
        "idea 0",
        "idea 1",
        "idea 2",
    ]


LONG_PHASES = [
    ("encoding the snapshot", store_file, "encode_table_parts"),
    ("writing and syncing the snapshot", store_file, "write_temp"),
    ("keeping a backup", store_file, "rotate_backups"),
    ("syncing the folder after the rename", store_file, "fsync_dir"),
    ("emptying the journal", "journal", "drop_before"),
    ("syncing the emptied journal", "journal", "sync"),
    ("keeping the library's summary and preview", WorkshopFile, "_keep_summary"),
]


@pytest.mark.parametrize(("phase", "owner", "name"), LONG_PHASES, ids=[p[0] for p in LONG_PHASES])
async def test_the_key_path_takes_no_lock_the_checkpoint_holds_in_a_long_phase(
    data_dir: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, phase: str, owner: Any, name: str
) -> None:
    """Issue #14: no key handler waits for a checkpoint. Each phase of a checkpoint that can take long (the C
    encoder, the disk, the file system's journal, the summary) is held up in the worker here while the stage
    screen's key path adds notes (``group.soon``, as Enter does): every lock the key path takes is free (the
    file's locks are watched, and one the worker holds fails the test at once), the notes are in memory at once,
    and all are durable and in the files once the checkpoint has finished."""
    from workshop.store.journal import JournalWriter

    if owner == "journal":
        owner = JournalWriter
    library = WorkshopLibrary(Store(data_dir), clock=clock)
    session = library.create("Offsite", participants=["Ana"])
    for i in range(5):
        session.notes.add(f"before {i}")
    in_phase, release, reached = threading.Event(), threading.Event(), threading.Event()
    real = getattr(owner, name)

    def held_up(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is not threading.main_thread() and not reached.is_set():
            reached.set()
            in_phase.set()
            release.wait(timeout=120)
            in_phase.clear()
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, held_up)
    file = session._ledger._file
    assert file is not None
    waits: list[str] = []
    workers: list[threading.Thread] = []
    for lock in ("_mutex", "_writing", "_snapshotting"):
        monkeypatch.setattr(
            file,
            lock,
            WatchedLock(
                getattr(file, lock),
                lock,
                in_phase,
                waits,
                lambda thread: bool(workers) and thread is workers[0],
                "the checkpoint in a long phase",
            ),
        )
    session.warm()
    worker = threading.Thread(target=session.checkpoint)
    workers.append(worker)
    worker.start()
    try:
        assert await asyncio.to_thread(reached.wait, 120), f"the checkpoint never reached {phase}"
        added = [session.group.soon(partial(session.notes.add, f"while {phase} {i}")) for i in range(3)]
        assert all(note.id in session.workshop.notes for note in added)
        assert waits == []
    finally:
        release.set()
        await asyncio.to_thread(worker.join, 120)
    await session.group.flush()
    session.close()
    texts = {n["text"] for n in Store(data_dir).read_tables(session.workshop.id)["notes"].values()}
    assert texts == {f"before {i}" for i in range(5)} | {f"while {phase} {i}" for i in range(3)}
