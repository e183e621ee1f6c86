"""Casting dots on a private ballot in the real app: 20 participants, 200 notes on the ballot.

Run: ``python benchmarks/vote_bench.py``. For each participant the benchmark opens their ballot screen and
presses ``+`` on ten notes. It times, inside the app, from the key's action starting to the dot being durable
on disk and the ballot line redrawn (the work), and from the key event posted to the app (as the terminal
driver posts it) to the frame that shows the dot (``call_after_refresh``).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual import events

from benchmarks.ui_bench import SIZE, Row, _seed
from benchmarks.workload import summary_ms
from screens.app import make_app
from screens.stage import StageScreen
from screens.voting.ballot import ParticipantBallotScreen
from workshop.session import WorkshopLibrary

DOTS_EACH = 10


async def cast_dots(root: Path) -> tuple[list[float], list[float], int]:
    store, workshop_id = _seed(root, "votes", 2_000, 200)
    work: list[float] = []
    frames: list[float] = []
    key_times: list[float] = []
    app = make_app(WorkshopLibrary(store), workshop_id)
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, StageScreen):
            await pilot.pause()
        session = app.session
        assert session is not None
        ballot = session.votes.open(session.stage().id, budget=DOTS_EACH, cap=3)
        assert len(ballot.note_ids) == 200
        for participant in session.workshop.active_participants():
            screen = ParticipantBallotScreen(ballot.id, participant.id)
            await app.push_screen(screen)
            await pilot.pause()
            original = screen.action_add_dot

            def timed(original: Any = original) -> None:
                started = time.perf_counter()
                original()
                work.append(time.perf_counter() - started)
                pressed = key_times[-1]
                app.call_after_refresh(lambda: frames.append(time.perf_counter() - pressed))

            screen.action_add_dot = timed  # type: ignore[method-assign]
            notes = screen.notes_list
            for k in range(DOTS_EACH):
                notes.highlighted = (participant.id * 17 + k * 19) % len(ballot.note_ids)
                await pilot.pause()
                expected = len(frames) + 1
                key_times.append(time.perf_counter())
                app.post_message(events.Key("plus", "+"))
                while len(frames) < expected:
                    await asyncio.sleep(0.001)
            app.pop_screen()
            await pilot.pause()
        cast = len(session.workshop.ballot_votes(ballot.id))
        app.close_session()
    return work, frames, cast


def run() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        work, frames, cast = asyncio.run(cast_dots(Path(tmp)))
    assert cast == 20 * DOTS_EACH, f"{cast} dots were cast, expected {20 * DOTS_EACH}"
    median, p95 = summary_ms(work)
    frame_median, frame_p95 = summary_ms(frames)
    return [
        (
            "cast a dot on a ballot: key to durable + redrawn (20 voters, 200 notes)",
            f"median {median:.2f} ms, p95 {p95:.2f} ms",
            "p95 < 8 ms",
            p95 < 8,
        ),
        (
            "cast a dot on a ballot: key to the frame that shows it",
            f"median {frame_median:.1f} ms, p95 {frame_p95:.1f} ms",
            "(reported)",
            None,
        ),
    ]


if __name__ == "__main__":
    from benchmarks.session_bench import print_rows

    print_rows(run())
