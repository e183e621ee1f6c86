"""SVG snapshots of the projector window (``workshop present``) at 80x24 and 200x60.

Deterministic: a fake clock, UTC, the demo workshop; the follower reads nothing in the background (``watch=False``),
so the picture is the session's state when the app starts. Update with ``--snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from facilitation.clock import FakeClock
from screens.projector import ProjectorApp
from workshop.follow import open_following
from workshop.store import Store

SIZES = [(80, 24), (200, 60)]
WALL = 1_795_600_000.0  # 2026-11-25 09:46:40 UTC


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _projector(data_dir: Path, *, revealed_vote: bool, silent_room: bool = False) -> ProjectorApp:
    """The demo workshop on the projector: its current stage with the timer in its last 20 %, or a stage whose
    vote was revealed, with the time up; ``silent_room``: the current stage in silent brainstorming, notes
    waiting for the reveal, the room open to phones."""
    from workshop.demo import build_demo

    clock = FakeClock(wall=WALL)
    store = Store(data_dir)
    session = build_demo(store, clock=clock)
    if revealed_vote:
        ws = session.workshop
        voted = next(
            b.stage_id for b in sorted(ws.ballots.values(), key=lambda b: b.id) if b.status == "closed"
        )
        session.agenda.go_to(voted)
        session.timer.reset()
        session.timer.start()
        clock.advance(session.stage().minutes * 60 + 95)
    else:
        session.timer.reset()
        session.timer.start()
        clock.advance(session.stage().minutes * 60 * 0.85)
    if silent_room:
        session.notes.set_silent(True)
        for number in range(12):
            session.notes.add(f"A hidden idea, number {number}")
        session.log("room.opened", "Room opened", data={"url": "http://192.168.178.120:18765/", "code": "K7PQ3X"})
    workshop_id = session.workshop.id
    session.close()
    return ProjectorApp(open_following(store, workshop_id, clock=clock), watch=False)


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_projector_stage(snap_compare: Any, data_dir: Path, size: tuple[int, int]) -> None:
    assert snap_compare(_projector(data_dir, revealed_vote=False), terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", SIZES)
def test_projector_vote_revealed_times_up(snap_compare: Any, data_dir: Path, size: tuple[int, int]) -> None:
    assert snap_compare(_projector(data_dir, revealed_vote=True), terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", SIZES)
def test_projector_silent_brainstorming_room_open(snap_compare: Any, data_dir: Path, size: tuple[int, int]) -> None:
    app = _projector(data_dir, revealed_vote=False, silent_room=True)
    assert snap_compare(app, terminal_size=size, run_before=_settle)
