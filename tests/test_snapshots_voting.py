"""Snapshots of the voting and readiness screens as the room sees them (pytest-textual-snapshot).

Deterministic by construction: a fixed ``FakeClock``, a workshop dated 2027-01-15, notes created in a fixed order
(so their ids are stable), animations off and notifications cleared before the picture. None of these screens
shows the workshop id or the time of day. Update with ``pytest tests/test_snapshots_voting.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from workshop.session import WorkshopLibrary, WorkshopSession
from workshop.store import Store

SIZE = (120, 36)
NOTES = (
    "Customers answer each other's questions before support has to.",
    "Every team can find who already solved their problem, in minutes not weeks.",
    "New joiners contribute in their first week because the conversation is open.",
    "We stop writing status reports nobody reads: the work is visible where it happens.",
    "Product ideas come from the field as often as from headquarters.",
)
SCORES = ("vision", "strategy", "purpose", "launch", "guide", "adapt")

Prepare = Callable[[WorkshopSession], None]


@pytest.fixture
def make(data_dir: Path) -> Iterator[Callable[[Prepare], WorkshopApp]]:
    """Build the workshop through the session, then an app on it; every app is closed at the end."""
    apps: list[WorkshopApp] = []

    def build(prepare: Prepare) -> WorkshopApp:
        library = WorkshopLibrary(Store(data_dir), clock=FakeClock())
        session = library.create(
            "Leadership offsite",
            organisation="Northwind",
            participants=["Ana Souza", "Ben Okafor", "Chloé Martin"],
            date="2027-01-15",
        )
        try:
            prepare(session)
            workshop_id = session.workshop.id
        finally:
            session.close()
        app = make_app(WorkshopLibrary(Store(data_dir), clock=FakeClock()), workshop_id)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.close_session()


def vision_vote(session: WorkshopSession, *, close: bool) -> None:
    """Vision with five notes; Ana (3 dots on the first note) and Ben have voted; Chloé votes when ``close``."""
    session.agenda.next()
    notes = [session.notes.add(text, author_id=None).id for text in NOTES]
    ana, ben, chloe = (p.id for p in session.workshop.active_participants())
    ballot = session.votes.open(session.stage().id, budget=5, cap=3)
    votes = [(ana, (0, 0, 0, 2, 4)), (ben, (1, 1, 2, 4, 4))]
    if close:
        votes.append((chloe, (1, 3, 3, 0)))
    for person, picks in votes:
        for pick in picks:
            session.votes.cast(ballot.id, person, notes[pick])
        session.votes.submit(ballot.id, person)
    if close:
        session.votes.close(ballot.id)
        session.notes.mark(notes[0], "decision")


async def settle(pilot: Pilot[Any], *keys: str) -> None:
    pilot.app.animation_level = "none"
    await pilot.press(*keys)
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def test_board_shows_who_has_voted_and_no_counts(
    snap_compare: Any, make: Callable[[Prepare], WorkshopApp]
) -> None:
    app = make(lambda s: vision_vote(s, close=False))

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, "v")

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_ballot_shows_only_the_participants_own_dots(
    snap_compare: Any, make: Callable[[Prepare], WorkshopApp]
) -> None:
    app = make(lambda s: vision_vote(s, close=False))

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, "v", "n", "down", "plus", "plus", "down", "down", "space")  # Chloé's ballot

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_revealed_result_ranked_with_ties_and_a_decision(
    snap_compare: Any, make: Callable[[Prepare], WorkshopApp]
) -> None:
    app = make(lambda s: vision_vote(s, close=True))

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, "v", "down", "down")

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def readiness_answers(session: WorkshopSession) -> None:
    answers = [
        ("fearful", (2, 2, 3, 2, 1, 1)),
        ("flippant", (3, 2, 2, 3, 2, 2)),
        ("fearful", (2, 1, 2, 2, 5, 1)),
    ]
    for person, (attitude, scores) in zip(session.workshop.active_participants(), answers, strict=True):
        session.readiness.record(person.id, attitude=attitude, scores=dict(zip(SCORES, scores, strict=True)))


def test_readiness_chart(snap_compare: Any, make: Callable[[Prepare], WorkshopApp]) -> None:
    app = make(readiness_answers)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, "k")

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


FIVE_LINES = "Open the support forum\nto every customer\nwith a moderator per region\nand a weekly digest\nreviewed each Friday"
SIX_HUNDRED = ("Customers answer each other's questions before support has to, " * 9 + "and we measure it.")[
    :600
]


def long_notes_vote(session: WorkshopSession) -> None:
    """Vision with a five-line note and a 600-character one; Ana and Ben put a dot on each; revealed."""
    session.agenda.next()
    notes = [session.notes.add(text, author_id=None).id for text in (FIVE_LINES, SIX_HUNDRED, NOTES[0])]
    ballot = session.votes.open(session.stage().id, budget=2, cap=1)
    for person in list(session.workshop.active_participants())[:2]:
        for note_id in notes[:2]:
            session.votes.cast(ballot.id, person.id, note_id)
        session.votes.submit(ballot.id, person.id)
    session.votes.close(ballot.id)


def test_result_shows_a_long_and_a_multi_line_note_in_full_at_80x24(
    snap_compare: Any, make: Callable[[Prepare], WorkshopApp]
) -> None:
    """Both notes wrap in full under their rank (issue #12: notes are readable wherever they appear)."""
    app = make(long_notes_vote)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, "v")

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))
