"""Group commit (``session.group``): one ``fdatasync`` for changes made close together, nothing published or
acknowledged before the ``fdatasync`` that covers it has returned, everything refused and undone when it fails.

The disk is replaced by a gate: ``os.fdatasync`` waits in its worker thread until the test opens the gate, so the
tests decide what happens "while the disk is busy" without any sleep or wall-clock figure.
"""

from __future__ import annotations

import asyncio
import errno
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from facilitation.clock import FakeClock
from tests.lock_watch import WatchedLock
from workshop.session import EXTERNAL_RELOAD, Change, SessionError, WorkshopSession
from workshop.store import Op, Store


class Disk:
    """``os.fdatasync`` behind a gate: counts calls, blocks them until ``open()``, or fails them with EIO."""

    def __init__(self) -> None:
        self.real = os.fdatasync
        self.calls = 0
        self.entered = threading.Semaphore(0)
        self.gate = threading.Event()
        self.gate.set()
        self.failing = False

    def __call__(self, fd: int) -> None:
        self.calls += 1
        self.entered.release()
        self.gate.wait()
        if self.failing:
            raise OSError(errno.EIO, "Input/output error")
        self.real(fd)

    def close(self) -> None:
        self.gate.clear()

    def open(self) -> None:
        self.gate.set()

    async def busy(self) -> None:
        """Wait (without blocking the loop) until a ``fdatasync`` has started."""
        await asyncio.to_thread(self.entered.acquire)


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Disk]:
    gate = Disk()
    monkeypatch.setattr(os, "fdatasync", gate)
    yield gate
    gate.open()


@pytest.fixture
def published(session: WorkshopSession) -> list[Change]:
    seen: list[Change] = []
    session.subscribe(seen.append)
    return seen


def _journal(session: WorkshopSession) -> bytes:
    assert session.path is not None
    return session.path.with_suffix(".journal").read_bytes()


async def test_changes_made_while_the_disk_is_busy_share_one_fdatasync(
    session: WorkshopSession, disk: Disk, published: list[Change]
) -> None:
    disk.close()
    first = asyncio.create_task(session.group.commit(lambda: session.notes.add("first")))
    await disk.busy()  # the first group's fdatasync is running, in its thread
    calls_before = disk.calls
    others = [
        asyncio.create_task(session.group.commit(lambda i=i: session.notes.add(f"idea {i}")))
        for i in range(5)
    ]
    await asyncio.sleep(0)  # let every request run up to its wait
    assert all(not task.done() for task in [first, *others]), "acknowledged before its fdatasync returned"
    assert published == [], "published before its fdatasync returned"
    disk.open()
    notes = [await first, *[await task for task in others]]
    assert disk.calls == calls_before + 1, "the five changes made meanwhile should share one fdatasync"
    assert [n.text for n in notes] == ["first", *(f"idea {i}" for i in range(5))]
    assert [c.kind for c in published] == ["note.added"] * 6
    assert [c.records_of(type(notes[0]))[0].id for c in published] == [n.id for n in notes]  # commit order
    ids = [c.event.id for c in published]
    assert ids == sorted(ids) and len(set(ids)) == 6


async def test_nothing_is_published_or_acknowledged_before_its_fdatasync_returns(
    session: WorkshopSession, disk: Disk, published: list[Change]
) -> None:
    disk.close()
    note = session.group.soon(lambda: session.notes.add("typed at the keyboard"))
    waiting = asyncio.create_task(session.group.commit(lambda: session.notes.add("from a phone")))
    await disk.busy()
    await asyncio.sleep(0)
    assert published == [] and not waiting.done()
    assert session.note(note.id).text == "typed at the keyboard"  # later calls are checked against it
    disk.open()
    await waiting
    await session.group.flush()
    assert [c.changed[0].id for c in published] == [note.id, (await waiting).id]
    assert session.group.syncs >= 1


async def test_a_failed_fdatasync_refuses_the_whole_group_and_memory_matches_the_disk(
    session: WorkshopSession, store: Store, disk: Disk, published: list[Change], clock: FakeClock
) -> None:
    kept = session.notes.add("saved before the disk failed")
    journal_before = _journal(session)
    notes_before = dict(session.workshop.notes)
    events_before = list(session.workshop.events)
    published.clear()
    told: list[str] = []
    session.group.on_refused(told.append)
    given_back: list[str] = []
    disk.close()
    disk.failing = True
    first = asyncio.create_task(session.group.commit(lambda: session.notes.add("one")))
    await disk.busy()
    second = asyncio.create_task(session.group.commit(lambda: session.notes.edit(kept.id, "edited")))
    await asyncio.sleep(0)  # the second request runs up to its wait while the disk is busy (a round's end runs
    # before callbacks already waiting, so a request not yet started when the round fails is a group of its own)
    third = session.group.soon(lambda: session.notes.add("typed"), refused=given_back.append)
    assert session.note(third.id).text == "typed"
    disk.open()
    results = await asyncio.gather(first, second, return_exceptions=True)
    await session.group.flush()
    expected = f"Could not save to {session.path}: Input/output error. Nothing was changed."
    assert [str(r) for r in results] == [expected, expected]
    assert all(isinstance(r, SessionError) for r in results)
    assert given_back == [expected] and told == [expected]
    assert _journal(session) == journal_before  # the journal is cut back
    assert session.workshop.notes == notes_before  # memory matches the disk again
    assert session.workshop.events == events_before
    assert [c.kind for c in published] == [EXTERNAL_RELOAD]  # one redraw-everything, no refused change
    disk.failing = False
    again = await session.group.commit(lambda: session.notes.add("after the disk came back"))
    assert again.id not in notes_before and again.id != third.id  # ids are never reused
    assert session.workshop.events[-1].id == events_before[-1].id + 1
    session.close()
    reopened = WorkshopSession.open(store, session.workshop.id, clock=clock)
    assert {n.text for n in reopened.workshop.notes.values()} == {kept.text, "after the disk came back"}
    assert reopened.workshop.events == session.workshop.events
    reopened.close()


async def test_a_durable_on_return_commit_publishes_the_held_changes_first(
    session: WorkshopSession, published: list[Change]
) -> None:
    held = session.group.soon(lambda: session.notes.add("held"))
    assert published == []
    direct = session.notes.add("durable on return")  # what the CLI and scripts call
    assert [c.changed[0].id for c in published] == [held.id, direct.id]
    await session.group.flush()
    assert len(published) == 2


async def test_a_refused_call_raises_at_once_and_writes_nothing(session: WorkshopSession, disk: Disk) -> None:
    journal_before = _journal(session)
    calls = disk.calls
    with pytest.raises(SessionError):
        await session.group.commit(lambda: session.notes.add("   "))
    with pytest.raises(SessionError):
        session.group.soon(lambda: session.notes.add("   "))
    assert _journal(session) == journal_before and disk.calls == calls


async def test_undo_and_the_event_log_are_unchanged_by_grouping(session: WorkshopSession) -> None:
    a = session.group.soon(lambda: session.notes.add("a"))
    b = session.group.soon(lambda: session.notes.add("b"))
    await session.group.flush()
    kinds = [e.kind for e in session.workshop.events[-2:]]
    assert kinds == ["note.added", "note.added"]
    await session.group.commit(lambda: session.notes.edit(b.id, "b, edited"))
    session.notes.undo()
    assert session.note(b.id).text == "b"
    assert session.note(a.id).text == "a"


async def test_closing_makes_held_changes_durable(
    session: WorkshopSession, store: Store, clock: FakeClock, disk: Disk
) -> None:
    disk.close()
    note = session.group.soon(lambda: session.notes.add("typed just before closing"))
    await disk.busy()
    disk.open()
    session.close()
    reopened = WorkshopSession.open(store, session.workshop.id, clock=clock)
    assert reopened.note(note.id).text == "typed just before closing"
    reopened.close()


async def test_a_key_handlers_change_is_published_from_the_loop_once_its_round_has_ended(
    session: WorkshopSession, disk: Disk, published: list[Change]
) -> None:
    """The stage's Enter: soon asks the sync thread for a round and returns at once, the note in memory but not
    published, even on a disk that answers at once; the round's end publishes it on the loop, with one fdatasync."""
    calls = disk.calls
    note = session.group.soon(lambda: session.notes.add("typed at the keyboard"))
    assert published == [], "published inside the key handler: it waited for its round"
    assert session.note(note.id).text == "typed at the keyboard"  # in memory: the next key sees it
    await session.group.flush()
    assert [c.changed[0].id for c in published] == [note.id]
    assert disk.calls == calls + 1


async def test_keys_pressed_while_the_disk_is_busy_return_at_once_and_share_the_next_round(
    session: WorkshopSession, disk: Disk, published: list[Change]
) -> None:
    """The disk does not answer (the gate is closed, with no bound on it): every key returns all the same, its
    note held, not published; the keys pressed while a round runs share the next one; once the disk answers all
    are published in order."""
    disk.close()
    first = session.group.soon(lambda: session.notes.add("typed while the disk is busy"))
    await disk.busy()  # its round's fdatasync is held
    calls = disk.calls
    typed = [session.group.soon(lambda i=i: session.notes.add(f"typed next {i}")) for i in range(5)]
    assert published == [], "published before its fdatasync returned"
    assert all(session.note(n.id).text.startswith("typed") for n in [first, *typed])
    disk.open()
    await session.group.flush()
    assert [c.changed[0].id for c in published] == [n.id for n in [first, *typed]]
    assert disk.calls == calls + 1, "the five keys pressed during one round should share the next"


async def test_the_keyboards_round_publishes_everything_held_before_it_in_commit_order(
    session: WorkshopSession, disk: Disk, published: list[Change]
) -> None:
    """Phones' requests held in the same turn of the loop, then the facilitator's Enter: the keyboard's round
    covers every line written before it, so all are published (and the phones answered) in commit order."""
    disk.close()  # the phones' fdatasync waits: on a busy machine it could otherwise end within the sleep below
    phones = [
        asyncio.create_task(session.group.commit(lambda i=i: session.notes.add(f"phone {i}")))
        for i in range(3)
    ]
    await asyncio.sleep(0)  # each request runs up to its wait: held, written, not yet durable
    assert published == []
    disk.open()
    typed = session.group.soon(lambda: session.notes.add("typed"))
    phone_notes = [await task for task in phones]
    await session.group.flush()
    ids = [c.changed[0].id for c in published]
    assert ids == [*(n.id for n in phone_notes), typed.id]
    events = [c.event.id for c in published]
    assert events == sorted(events)
    await session.group.flush()
    assert len(published) == 4


async def test_a_refused_round_of_the_key_handler_rolls_back_and_gives_the_text_back(
    session: WorkshopSession, disk: Disk, published: list[Change]
) -> None:
    """The fdatasync of the keyboard's own round fails within the bound: nothing is published, the line is cut
    out of the journal, memory goes back, the handler's text is given back and the refusal is heard."""
    kept = session.notes.add("saved before")
    journal_before = _journal(session)
    notes_before = dict(session.workshop.notes)
    published.clear()
    told: list[str] = []
    session.group.on_refused(told.append)
    given_back: list[str] = []
    disk.failing = True
    typed = session.group.soon(lambda: session.notes.add("typed"), refused=given_back.append)
    assert all(c.kind != "note.added" for c in published), "published although its fdatasync failed"
    await session.group.flush()
    disk.failing = False
    expected = f"Could not save to {session.path}: Input/output error. Nothing was changed."
    assert given_back == [expected] and told == [expected]
    assert _journal(session) == journal_before
    assert session.workshop.notes == notes_before and typed.id not in session.workshop.notes
    assert [c.kind for c in published] == [EXTERNAL_RELOAD]
    assert session.note(kept.id).text == "saved before"


def test_without_an_event_loop_soon_is_durable_on_return(
    session: WorkshopSession, published: list[Change]
) -> None:
    note = session.group.soon(lambda: session.notes.add("from a script"))
    assert [c.changed[0].id for c in published] == [note.id]


# --- the store's half: write, sync, cut_back -------------------------------------------------------------


def _put(n: int) -> Op:
    return Op.put("notes", n, {"id": n, "text": f"note {n}"})


def test_written_lines_are_applied_only_once_synced(store: Store, tmp_path: Path) -> None:
    wf = store.create("w")
    assert wf.write([_put(1)]) == 1
    assert wf.write([_put(2)]) == 2
    assert wf.table("notes") == {} and wf.durable_seq == 0 and wf.written_seq == 2
    assert wf.sync() == 2
    assert set(wf.table("notes")) == {1, 2}
    wf.close()
    assert set(store.read_tables("w")["notes"]) == {1, 2}


def test_a_checkpoint_keeps_lines_not_yet_synced(store: Store) -> None:
    wf = store.create("w")
    wf.commit([_put(1)])
    wf.write([_put(2)])
    assert wf.checkpoint()  # folds in note 1 only; the journal keeps note 2's line
    wf.sync()
    wf.close()
    assert set(store.read_tables("w")["notes"]) == {1, 2}
    with store.open("w", mode="write") as again:
        assert set(again.table("notes")) == {1, 2}


def test_a_sync_that_fails_in_a_thread_refuses_writes_until_cut_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workshop.store import StoreWriteError

    wf = store.create("w")
    wf.commit([_put(1)])
    before = (store.path_for("w").with_suffix(".journal")).read_bytes()
    wf.write([_put(2)])

    def eio(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fdatasync", eio)
    errors: list[BaseException] = []
    worker = threading.Thread(target=lambda: errors.append(_catch(wf.sync)))
    worker.start()
    worker.join()
    monkeypatch.undo()
    assert isinstance(errors[0], StoreWriteError)
    with pytest.raises(StoreWriteError, match="Input/output error"):
        wf.write([_put(3)])
    assert wf.cut_back() == [2]
    assert (store.path_for("w").with_suffix(".journal")).read_bytes() == before
    assert wf.commit([_put(4)]) == 2
    wf.close()
    assert set(store.read_tables("w")["notes"]) == {1, 4}


def _catch(call: Callable[[], object]) -> BaseException | None:
    try:
        call()
    except BaseException as error:  # handed to the test thread
        return error
    return None


async def test_a_requests_fdatasync_starts_while_the_loop_is_still_busy(
    session: WorkshopSession, disk: Disk, published: list[Change]
) -> None:
    """A change held by a request asks the sync thread for its round at once, not from a task on the loop's next
    turn: in a busy room that turn came only after whatever else was queued (drawing, live pages)."""
    disk.close()
    task = asyncio.create_task(session.group.commit(lambda: session.notes.add("from a phone")))
    await asyncio.sleep(0)  # the request runs up to its wait for the disk
    # the loop is now held (this test blocks it) and the fdatasync must start all the same
    assert disk.entered.acquire(timeout=60), "the round was not asked until the loop turned"
    assert published == [] and not task.done()
    disk.open()
    note = await task
    assert [c.changed[0].id for c in published] == [note.id]


async def test_a_change_made_while_a_round_runs_gets_the_next_round_without_the_loop_asking_again(
    session: WorkshopSession, disk: Disk, published: list[Change]
) -> None:
    """The sync thread starts the round for changes made during its running one as soon as that ends, even while
    the loop is busy (it used to wait for the loop to hear the first round's end and ask again); changes made
    while that next round is still to start share it."""
    disk.close()
    first = asyncio.create_task(session.group.commit(lambda: session.notes.add("first")))
    await disk.busy()  # the first round's fdatasync is running
    others = [
        asyncio.create_task(session.group.commit(lambda i=i: session.notes.add(f"meanwhile {i}")))
        for i in range(3)
    ]
    await asyncio.sleep(0)  # the three are held and have asked
    calls = disk.calls
    disk.open()
    # the loop is held here: the second round must start all the same
    assert disk.entered.acquire(timeout=60), "the next round waited for the loop"
    notes = [await first, *[await task for task in others]]
    assert disk.calls == calls + 1, "the three changes made meanwhile share one round"
    assert [c.changed[0].id for c in published] == [n.id for n in notes]


# --- the key path never waits for the sync thread ---------------------------------------------------------


def _is_sync_thread(thread: threading.Thread) -> bool:
    return thread.name == "group-commit-sync"


class _WatchedCondition(threading.Condition):
    """The sync thread's condition: fails the test at once when the loop's thread would wait on it (for a round
    to end, bounded or not) while the sync thread is held up."""

    def __init__(self, lock: WatchedLock) -> None:
        super().__init__(lock)  # type: ignore[arg-type]
        self._watched = lock

    def wait(self, timeout: float | None = None) -> bool:
        if threading.current_thread() is threading.main_thread() and self._watched._phase.is_set():
            self._watched._waits.append("a round's end")
            raise AssertionError("the key path waited for the sync thread's round to end")
        return super().wait(timeout)


SYNC_PHASES = [
    ("writing the queued lines to the journal", "journal", "write_lines"),
    ("the fdatasync", "journal", "sync_data"),
    ("handing the round's end to the loop", "group", "_call_first"),
]


@pytest.mark.parametrize(("phase", "owner", "name"), SYNC_PHASES, ids=[p[0] for p in SYNC_PHASES])
async def test_the_key_path_waits_for_nothing_the_sync_thread_does(
    session: WorkshopSession,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    phase: str,
    owner: str,
    name: str,
) -> None:
    """Issue #14: no key handler waits for the disk. Each phase of a round in which the sync thread makes a
    system call (the journal's write, its fdatasync, waking the loop) is held up in the sync thread, with no
    bound, while the stage screen's key path adds notes (``group.soon``, as Enter does): every key returns, its
    note in memory and not published; every lock the key path takes is free (the store's and the sync thread's
    are watched, and one the sync thread holds fails the test at once); once the phase goes on, all are published
    in order and durable."""
    from workshop.session import group as group_module
    from workshop.store.journal import JournalWriter

    target: Any = JournalWriter if owner == "journal" else group_module
    in_phase, release, reached = threading.Event(), threading.Event(), threading.Event()
    real = getattr(target, name)

    def held_up(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is threading.main_thread() and in_phase.is_set():
            waits.append(name)
            raise AssertionError(f"the key path made the sync thread's call itself: {name}")
        if threading.current_thread().name == "group-commit-sync" and not reached.is_set():
            reached.set()
            in_phase.set()
            release.wait(timeout=120)
            in_phase.clear()
        return real(*args, **kwargs)

    group = session.group
    file = session._ledger._file
    assert file is not None
    waits: list[str] = []
    for lock in ("_mutex", "_writing"):
        watched = WatchedLock(getattr(file, lock), lock, in_phase, waits, _is_sync_thread, "the sync thread")
        monkeypatch.setattr(file, lock, watched)
    thread = group.sync_thread
    assert not thread.running  # its condition is replaced before the thread takes it
    watched_cond = WatchedLock(threading.RLock(), "_cond", in_phase, waits, _is_sync_thread, "the sync thread")
    monkeypatch.setattr(thread, "_cond", _WatchedCondition(watched_cond))
    monkeypatch.setattr(target, name, held_up)
    seen: list[Change] = []
    session.subscribe(seen.append)
    first = group.soon(lambda: session.notes.add("starts the round"))
    try:
        assert await asyncio.to_thread(reached.wait, 120), f"the round never reached {phase}"
        typed = [group.soon(lambda i=i: session.notes.add(f"while {phase} {i}")) for i in range(3)]
        assert all(session.note(n.id).text == f"while {phase} {i}" for i, n in enumerate(typed))
        assert waits == []
        assert all(note.id not in [c.changed[0].id for c in seen] for note in typed), "published before durable"
    finally:
        release.set()
    await group.flush()
    assert [c.changed[0].id for c in seen] == [n.id for n in [first, *typed]]
    session.close()
    texts = {n["text"] for n in store.read_tables(session.workshop.id)["notes"].values()}
    assert {"starts the round", *(f"while {phase} {i}" for i in range(3))} <= texts
