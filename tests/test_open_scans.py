"""Opening a screen reads what it shows, never the whole workshop: no screen's open goes over every note or every
event of the workshop (issue #14: every open under 100 ms at 20,000 notes).

Each screen is opened as ``benchmarks/screens_bench.py`` opens it (the stage, agenda, readiness, help, home, vote
set-up, board, a participant's ballot, the reveal, the action plan, the summary), once the app is idle, on a
workshop whose notes and events tables count every pass over them. A stage's notes come from the notes' index by
stage (``NoteTable.on_stage``); counts the app keeps up to date change by change (``session.notes.live_counts``,
the marked notes, the candidates) are read, not counted again.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, ItemsView, Iterator, KeysView, ValuesView
from pathlib import Path
from typing import Any

from textual.screen import Screen

from benchmarks.screens_bench import BALLOT_ID, vote_workshop
from facilitation.models import Event, Note, NoteTable
from screens.app import WorkshopApp, make_app
from screens.stage import StageScreen
from workshop.session import WorkshopLibrary, WorkshopSession
from workshop.store import Store

NOTES = 1_200
SIZE = (120, 36)

passes: Counter[str] = Counter()
"""Passes over a whole table while counting is on, by table."""
counting = [False]


def _passed(table: str) -> None:
    if counting[0]:
        passes[table] += 1


class CountedNotes(NoteTable):
    """The workshop's notes, counting every pass over all of them (``on_stage`` reads the index, not these)."""

    def values(self) -> ValuesView[Note]:
        _passed("notes")
        return super().values()

    def items(self) -> ItemsView[int, Note]:
        _passed("notes")
        return super().items()

    def keys(self) -> KeysView[int]:
        _passed("notes")
        return super().keys()

    def __iter__(self) -> Iterator[int]:
        _passed("notes")
        return super().__iter__()


class CountedEvents(list[Event]):
    """The workshop's event log (one event per change: as long as the workshop's history), counting passes."""

    def __iter__(self) -> Iterator[Event]:
        _passed("events")
        return super().__iter__()


async def _opened(app: WorkshopApp, screen: Screen[Any]) -> None:
    """Push ``screen`` and wait for its first frame (its own callback, asked before the push, runs after it)."""
    shown: list[bool] = []
    screen.call_after_refresh(lambda: shown.append(True))
    await app.push_screen(screen)
    while not shown:
        await asyncio.sleep(0.001)


async def test_no_screen_opens_by_reading_every_note_or_event(tmp_path: Path) -> None:
    """Fails on the old code: home counted every note for the open workshop's line (``summarise``), and the vote
    set-up's first open read every event to find the dots cast from phones."""
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

    store = Store(tmp_path)
    imported = WorkshopSession.import_workshop(store, vote_workshop(NOTES))
    workshop_id = imported.workshop.id
    imported.close()
    app = make_app(WorkshopLibrary(store), workshop_id)
    found: dict[str, dict[str, int]] = {}
    async with app.run_test(size=SIZE) as pilot:
        while not (isinstance(app.screen, StageScreen) and app.started):
            await pilot.pause()
        session = app.session
        assert session is not None
        session.warm()  # what the app does when first idle
        ws = session.workshop
        ws.notes.__class__ = CountedNotes  # the same dict and index, counted from now on
        ws.events = CountedEvents(ws.events)
        assert len(ws.notes) == NOTES and len(ws.events) >= NOTES
        stage_id = session.stage().id

        def close() -> None:
            session.votes.close(BALLOT_ID)

        opens: list[tuple[str, Callable[[], Screen[Any]], Callable[[], None] | None]] = [
            ("stage", StageScreen, None),
            ("agenda overview", AgendaOverviewScreen, None),
            ("readiness", ReadinessScreen, None),
            ("help", lambda: help_screen(type(app)), None),
            ("home", HomeScreen, None),
            ("vote set-up", lambda: VoteSetupScreen(stage_id), None),
            ("vote board", lambda: VoteBoardScreen(BALLOT_ID), None),
            ("a participant's ballot", lambda: ParticipantBallotScreen(BALLOT_ID, 1), None),
            ("reveal", lambda: VoteResultsScreen(BALLOT_ID), close),
            ("action plan", ActionPlanScreen, None),
            ("summary", SummaryScreen, None),
        ]
        for name, make, before in opens:
            if before is not None:
                before()
                await pilot.pause()
            passes.clear()
            counting[0] = True
            try:
                await _opened(app, make())
            finally:
                counting[0] = False
            found[name] = dict(passes)
            await app.pop_screen()
            await pilot.pause()
        app.close_session()
    assert {name: seen for name, seen in found.items() if seen} == {}
