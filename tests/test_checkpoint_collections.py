"""A checkpoint runs with the garbage collector held (issue #14: no key handler longer than one frame).

A checkpoint copies every table (young dicts holding every record) and encodes them in a worker thread while the
app's thread goes on taking keys. Any young or middle collection that ran meanwhile, in whichever thread
allocated at that moment, walked those copies: 2.4-4.5 ms inside a key handler at 20,000 notes, against 0.5 ms
or less outside checkpoints. These tests count collections (never time): none may start while a checkpoint is
held in any of its long phases, however much the app's thread allocates; the collector runs again as soon as
the checkpoint ends, whether it wrote, had nothing to write, or failed; and a collector stopped by someone else
stays stopped.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from workshop.session import SessionError, WorkshopSession
from workshop.store import Store
from workshop.store import file as store_file

NOTES = 400


def _session(root: Path) -> WorkshopSession:
    session = WorkshopSession.create(Store(root), "Checkpoint collections", date="2026-11-30")
    for i in range(NOTES):
        session.notes.add(f"idea {i}: customers answer each other first")
    return session


def _allocate() -> list[list[int]]:
    """Containers the collector tracks, many times its young threshold."""
    return [[i] for i in range(20_000)]


@pytest.mark.parametrize(
    "phase",
    ["encode_table_parts", "write_temp", "rotate_backups", "fsync_dir"],
)
def test_no_collection_starts_while_a_checkpoint_runs(
    tmp_path: Path, counted: list[int], monkeypatch: pytest.MonkeyPatch, phase: str
) -> None:
    session = _session(tmp_path)
    reached, release = threading.Event(), threading.Event()
    real: Callable[..., Any] = getattr(store_file, phase)

    def held_up(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is not threading.main_thread() and not reached.is_set():
            reached.set()
            release.wait(timeout=120)
        return real(*args, **kwargs)

    monkeypatch.setattr(store_file, phase, held_up)
    written: list[bool] = []
    worker = threading.Thread(target=lambda: written.append(session.checkpoint()))
    counted.clear()
    worker.start()
    try:
        assert reached.wait(timeout=120), f"the checkpoint never reached {phase}"
        kept = _allocate()  # the app's thread goes on making objects, as a key handler does
        assert counted == [], f"collections started during the checkpoint's {phase}: {counted}"
        assert not gc.isenabled()
    finally:
        release.set()
        worker.join(timeout=120)
    assert written == [True]
    assert gc.isenabled()
    kept += _allocate()
    assert counted, "the collector runs again once the checkpoint has ended"
    session.close()


def test_the_collector_runs_again_after_a_checkpoint_fails(
    tmp_path: Path, counted: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _session(tmp_path)

    def no_space(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_file, "write_temp", no_space)
    with pytest.raises(SessionError, match="No space left"):
        session.checkpoint()
    assert gc.isenabled()
    monkeypatch.undo()
    assert session.checkpoint()  # the journal still holds every change: written now
    assert gc.isenabled()
    assert not session.checkpoint()  # nothing to fold in: returns at once
    assert gc.isenabled()
    session.close()


def test_a_collector_stopped_by_someone_else_stays_stopped(tmp_path: Path, counted: list[int]) -> None:
    session = _session(tmp_path)
    gc.disable()  # as the console script does until the app's first frame
    try:
        assert session.checkpoint()
        assert not gc.isenabled()
    finally:
        gc.enable()
    session.close()
