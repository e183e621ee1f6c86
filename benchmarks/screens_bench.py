"""Every screen's open time, from the push to the first frame that shows it, at 300, 2,000 and 20,000 notes.

Run: ``python benchmarks/screens_bench.py [SIZE ...]``. Each workshop has 50 participants, 200 actions and one
vote on the current stage, whose ballot holds every note of that stage (a sixth of the workshop: 3,333 notes at
20,000). The vote is timed three ways, as the facilitator meets it: the board while it is open (every voter has
voted), the reveal (close, then the results), and the board again after re-opening. Each figure is the slowest
of three opens of a fresh screen once start-up is over (``WorkshopApp.started``), timed inside the app from
``push_screen`` to the screen's first frame: the screen's own ``call_after_refresh``, asked before it is pushed,
runs just after it (never with ``pilot.pause()``, which costs about 45 ms by itself). It was the app's
``call_after_refresh`` asked once ``push_screen`` had returned: a screen that draws its first frame as soon as it
is laid out (``screens.internals.FramesOnDemand``) has drawn it by then, and that callback waited for the next
frame instead (the vote set-up's, after the rest of its 3,333 rows: 145 ms where the first frame came at 35 ms).
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.screen import Screen

from benchmarks.workload import build_workshop, fresh_dir
from facilitation.models import Ballot, NoteMark, Participant, Vote, Workshop
from screens.app import WorkshopApp, make_app
from screens.stage import StageScreen
from workshop.session import WorkshopLibrary, WorkshopSession
from workshop.store import Store

Row = tuple[str, str, str, bool | None]
SIZES = (300, 2_000, 20_000)
VOTERS = 50
ACTIONS = 200
SIZE = (120, 36)
OPENS = 3
TARGET_MS = 100.0
BALLOT_ID = 900


def vote_workshop(notes: int, *, seed: int = 11) -> Workshop:
    """``notes`` notes, 50 participants, 200 actions, some marks, and an open private vote on the current stage
    in which every participant has placed five dots and confirmed."""
    ws = build_workshop(notes, participants=20, actions=ACTIONS, votes=True)
    for i in range(21, VOTERS + 1):
        ws.participants[i] = Participant(i, f"Participant {i}")
    rng = random.Random(seed)
    for note in ws.notes.values():
        roll = rng.random()
        note.mark = NoteMark.DECISION if roll < 0.03 else NoteMark.CANDIDATE if roll < 0.05 else None
    stage_id = ws.current_stage_id
    assert stage_id is not None
    on_ballot = [n.id for n in ws.notes.values() if n.stage_id == stage_id]
    people = list(ws.participants)
    ws.ballots = {b.id: b for b in ws.ballots.values() if b.stage_id != stage_id}
    ws.ballots[BALLOT_ID] = Ballot(
        BALLOT_ID,
        stage_id,
        "Which ideas matter most?",
        on_ballot,
        budget=5,
        cap=3,
        anonymous=False,
        eligible=people,
        submitted=people,
    )
    vote_id = max(ws.votes, default=0)
    for person in people:
        for note_id in rng.sample(on_ballot, min(5, len(on_ballot))):
            vote_id += 1
            ws.votes[vote_id] = Vote(vote_id, BALLOT_ID, person, note_id)
    return ws


def seed(root: Path, notes: int) -> tuple[Store, str]:
    store = Store(fresh_dir(root, f"screens-{notes}"))
    session = WorkshopSession.import_workshop(store, vote_workshop(notes))
    workshop_id = session.workshop.id
    session.close()
    return store, workshop_id


async def _open(app: WorkshopApp, make: Callable[[], Screen[Any]]) -> float:
    """Seconds from building the screen (``make``: what the key's action does, imports included) and pushing it
    to the first frame drawn with it, inside the app: the screen's ``call_after_refresh`` is handled in its own
    queue once it is mounted, and runs after the next frame it draws (``Screen._invoke_later``)."""
    shown: list[float] = []
    started = time.perf_counter()
    screen = make()
    screen.call_after_refresh(lambda: shown.append(time.perf_counter() - started))
    await app.push_screen(screen)
    while not shown:
        await asyncio.sleep(0.001)
    return shown[0]


async def _times(
    app: WorkshopApp, make: Callable[[], Screen[Any]], before: Callable[[], Any] | None
) -> float:
    """The slowest of ``OPENS`` opens of a new screen (``before`` runs ahead of each, untimed)."""
    worst = 0.0
    for _ in range(OPENS):
        if before is not None:
            before()
        worst = max(worst, await _open(app, make))
        await app.pop_screen()
        await asyncio.sleep(0.05)
    return worst


async def open_screens(store: Store, workshop_id: str) -> dict[str, float]:
    from screens.action_plan import ActionPlanScreen
    from screens.agenda_overview import AgendaOverviewScreen
    from screens.home import HomeScreen
    from screens.navigation import help_screen
    from screens.readiness import ReadinessScreen
    from screens.summary import SummaryScreen
    from screens.voting.ballot import ParticipantBallotScreen
    from screens.voting.board import VoteBoardScreen
    from screens.voting.results import VoteResultsScreen
    from screens.voting.setup import VoteSetupScreen

    app = make_app(WorkshopLibrary(store), workshop_id)
    times: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, StageScreen):
            await pilot.pause()
        # Opened as a facilitator opens them: after start-up is over (the first frame drawn, its objects frozen
        # out of collections, as workshop open does). Timed before that, the first open at 20,000 notes in a
        # whole run met a full collection of everything start-up and the smaller sizes had left (60 ms).
        while not app.started:
            await pilot.pause()
        session = app.session
        assert session is not None
        stage_id = session.stage().id
        times["stage"] = await _times(app, StageScreen, None)
        times["agenda overview"] = await _times(app, AgendaOverviewScreen, None)
        times["readiness"] = await _times(app, ReadinessScreen, None)
        # As F1 opens it (screens.navigation.help_screen): the first sections, the others (every screen module
        # imported on the first open) after the first frame.
        times["help"] = await _times(app, lambda: help_screen(type(app)), None)
        times["home"] = await _times(app, HomeScreen, None)
        times["vote set-up"] = await _times(app, lambda: VoteSetupScreen(stage_id), None)
        times["vote board (open vote)"] = await _times(app, lambda: VoteBoardScreen(BALLOT_ID), None)
        times["a participant's ballot"] = await _times(
            app, lambda: ParticipantBallotScreen(BALLOT_ID, 1), None
        )

        def close() -> None:
            if session.votes.ballot(BALLOT_ID).status == "open":
                session.votes.close(BALLOT_ID)

        def reopen() -> None:
            if session.votes.ballot(BALLOT_ID).status == "closed":
                session.votes.reopen(BALLOT_ID)

        times["reveal (results)"] = await _times(app, lambda: VoteResultsScreen(BALLOT_ID), close)
        times["vote board, re-opened"] = await _times(app, lambda: VoteBoardScreen(BALLOT_ID), reopen)
        close()
        times["action plan"] = await _times(app, ActionPlanScreen, None)
        times["summary"] = await _times(app, SummaryScreen, None)
        app.close_session()
    return times


def run(sizes: tuple[int, ...] = SIZES) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for notes in sizes:
            store, workshop_id = seed(Path(tmp), notes)
            ballot = notes // 6 if notes >= 6 else notes
            times = asyncio.run(open_screens(store, workshop_id))
            for name, seconds in times.items():
                ms = seconds * 1000
                where = f"{notes:,} notes"
                if "vote" in name or "ballot" in name or "reveal" in name:
                    where += f", {ballot:,}-note ballot, {VOTERS} voters"
                rows.append(
                    (
                        f"open {name} ({where})",
                        f"{ms:.0f} ms (slowest of {OPENS})",
                        "< 100 ms",
                        ms < TARGET_MS,
                    )
                )
    return rows


if __name__ == "__main__":
    from benchmarks.session_bench import print_rows

    chosen = tuple(int(a) for a in sys.argv[1:]) or SIZES
    print_rows(run(chosen))
