"""Reading a workshop runs with the garbage collector held (issue #14: open after a crash, and every open).

Loading a workshop makes hundreds of thousands of long-lived objects and no garbage; the collector walked them two
or three times over while they were made (at 20,000 notes, full collections of 140-280 ms inside one open, and a
third one or not depending on where the counters stood). These tests count collections (never time): none may
start while a workshop is read by any of the readers (the writer's open, a lock-free read, a follower, a reload),
whether the journal holds changes or not, but the one young collection that walks what was loaded, once, as the
hold ends (the app never pays even that: it holds the collector until its first frame, then freezes); and the collector must be left exactly as it was found, also when the
read fails or two threads read at once.
"""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

from facilitation.models import Workshop
from tests.workshops import agenda_workshop
from workshop.follow import open_following
from workshop.memory import collections_held
from workshop.session import WorkshopSession
from workshop.store import DamagedFileError, Store, WorkshopFile

NOTES = 3_000
PENDING = 120
"""Journal lines left behind (as by a crash): replayed by every reader."""


def _workshop() -> Workshop:
    return agenda_workshop("big", "Big", NOTES, lambda n: f"Idea {n}: customers answer each other")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A workshop of ``NOTES`` notes whose journal holds ``PENDING`` changes not yet in its snapshot."""
    root = tmp_path_factory.mktemp("loads")
    session = WorkshopSession.import_workshop(Store(root), _workshop())
    session.checkpoint()
    for i in range(PENDING):
        session.notes.add(f"typed before the crash, number {i}")
    workshop_id = session.workshop.id
    session.close()
    assert (root / f"{workshop_id}.journal").stat().st_size > 0
    return root, workshop_id


def _only_the_walk_after(counted: list[int]) -> None:
    """At most one collection started, of the young generation: the one as the hold ended (on the code before,
    the young generation was collected every 700 objects and the older ones every 10 and 100 of those)."""
    assert counted in ([], [0])
    counted.clear()


def test_opening_after_a_crash_runs_no_collection(folder: tuple[Path, str], counted: list[int]) -> None:
    root, workshop_id = folder
    session = WorkshopSession.open(Store(root), workshop_id)
    try:
        _only_the_walk_after(counted)
        assert gc.isenabled()
        assert len(session.workshop.notes) == NOTES + PENDING  # the journal was replayed
    finally:
        session.close()


def test_every_reader_runs_no_collection(folder: tuple[Path, str], counted: list[int]) -> None:
    root, workshop_id = folder
    store = Store(root)
    tables = store.read_tables(workshop_id)
    assert len(tables["notes"]) == NOTES + PENDING
    _only_the_walk_after(counted)
    following = open_following(store, workshop_id)
    assert len(following.session.workshop.notes) == NOTES + PENDING
    _only_the_walk_after(counted)
    file = WorkshopFile.open(store.path_for(workshop_id), mode="read")
    try:
        _only_the_walk_after(counted)  # its open
        file.reload()
        _only_the_walk_after(counted)
    finally:
        file.close()
    assert gc.isenabled()


def test_a_damaged_file_leaves_the_collector_running(tmp_path: Path, counted: list[int]) -> None:
    session = WorkshopSession.import_workshop(Store(tmp_path), _workshop())
    workshop_id = session.workshop.id
    session.close()
    path = tmp_path / f"{workshop_id}.json"
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(DamagedFileError):
        WorkshopSession.open(Store(tmp_path), workshop_id)
    assert gc.isenabled()


def test_a_hold_is_left_as_found() -> None:
    enabled = gc.isenabled()
    try:
        gc.enable()
        with collections_held():
            assert not gc.isenabled()
            with collections_held():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the inner hold did not start it again
        assert gc.isenabled()
        with pytest.raises(RuntimeError), collections_held():
            raise RuntimeError("a read failed")
        assert gc.isenabled()
        gc.disable()  # stopped by its caller (the CLI until the app's first frame): stays stopped
        with collections_held():
            pass
        assert not gc.isenabled()
    finally:
        (gc.enable if enabled else gc.disable)()


def _hold_in_two_threads(b_ends_first: bool) -> None:
    """Thread A holds, then B starts holding (it finds the collector stopped); A ends first, or B does."""
    a_in, b_in, a_out, b_out = (threading.Event() for _ in range(4))

    def a() -> None:
        with collections_held():
            a_in.set()
            b_in.wait(5)
            if b_ends_first:
                b_out.wait(5)
        a_out.set()

    def b() -> None:
        a_in.wait(5)
        with collections_held():
            b_in.set()
            if not b_ends_first:
                a_out.wait(5)
        b_out.set()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert a_out.is_set() and b_out.is_set()


@pytest.mark.parametrize("b_ends_first", [False, True])
def test_two_threads_holding_at_once_never_leave_it_stopped(b_ends_first: bool) -> None:
    enabled = gc.isenabled()
    try:
        gc.enable()
        _hold_in_two_threads(b_ends_first)
        assert gc.isenabled()
    finally:
        (gc.enable if enabled else gc.disable)()
