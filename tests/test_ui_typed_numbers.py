"""Nothing a user types into a number field crashes the app or is misread.

Every form that reads a number (the vote set-up's dots and cap, the limits of an open vote, a room tally's count,
a stage's minutes in the set-up, the room's port) is driven through Pilot with typed text from hypothesis and with
the faults users reported ("1e9", "٣", " 5 ", "-0", "5.5", "９", ""). The oracle is ``facilitation.entry``: where
its parser reads a value, the form stores exactly that value; where it refuses, the form shows that refusal and
changes nothing. Nothing else may come out (an exception ends ``run_test`` and fails the test).

Each example starts a real app on a real workshop file, so the examples are few (``EXAMPLES``) and each types a
handful of texts in one app; the parsers themselves are property-tested at length in tests/test_entry.py.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot
from textual.widgets import Input

from facilitation.clock import FakeClock
from facilitation.entry import EntryError, parse_count, parse_minutes
from screens.app import WorkshopApp, make_app
from screens.dialogs import TextEntryScreen
from screens.room import OpenRoomScreen
from screens.setup import SetupScreen
from screens.voting.board import VoteBoardScreen
from screens.voting.setup import MAX_DOTS, LimitsScreen, VoteSetupScreen
from tests.ui_helpers import messages, session_of
from workshop.session import MAX_STAGE_MINUTES, MAX_TALLY, WorkshopLibrary
from workshop.store import Store

SIZE = (100, 30)
EXAMPLES = 2
REPORTED = ["1e9", "٣", " 5 ", "-0", "5.5", "９", "", "1_0", "+3", "0", "١٢", " 10001 ", "1h30", "1:75", "4\t"]  # fmt: skip
"""Texts users typed that Python's ``int()`` misreads or chokes on, and a few the forms must read."""
TYPED = st.lists(
    st.one_of(
        st.text(max_size=10),
        st.text(alphabet="0123456789٣９١ .,-+e_:hm", max_size=7),
        st.integers(-5, 20_000).map(str),
    ),
    min_size=2,
    max_size=4,
)
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def run_app(scenario: Callable[[Pilot[None], WorkshopLibrary, str], Awaitable[None]]) -> None:
    """Run ``scenario`` in a fresh app on a fresh workshop (Vision stage, four notes, three participants)."""

    async def main() -> None:
        with tempfile.TemporaryDirectory() as folder:
            library = WorkshopLibrary(Store(Path(folder)), clock=FakeClock())
            session = library.create("Offsite", participants=["Ana", "Ben", "Chloé"], date="2027-01-15")
            session.agenda.next()
            for note in ("Customers answer", "Teams find", "New joiners", "Stop reports"):
                session.notes.add(note)
            workshop_id = session.workshop.id
            session.close()
            app = make_app(library, workshop_id, clock=FakeClock())
            try:
                async with app.run_test(size=SIZE) as pilot:
                    await scenario(pilot, library, workshop_id)
            finally:
                app.close_session()

    asyncio.run(main())


async def submit(pilot: Pilot[None], values: dict[str, str]) -> None:
    """Put each text in its field as typed (``#id`` → text) and press Enter in the last one."""
    field: Input | None = None
    for selector, text in values.items():
        field = pilot.app.screen.query_one(selector, Input)
        field.focus()
        field.value = text
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


def refused_with(app: WorkshopApp, error: EntryError) -> bool:
    return str(error) in messages(app)


def vision(app: WorkshopApp) -> int:
    stage_id = session_of(app).workshop.current_stage_id
    assert stage_id is not None
    return stage_id


@SETTINGS
@given(typed=TYPED)
@example(typed=REPORTED)
def test_vote_setup_dots_and_cap(typed: list[str]) -> None:
    async def scenario(pilot: Pilot[None], _library: WorkshopLibrary, _id: str) -> None:
        app = pilot.app
        assert isinstance(app, WorkshopApp)
        votes = session_of(app).votes
        for text in typed:
            app.navigator.vote_setup(vision(app))
            await pilot.pause()
            assert isinstance(app.screen, VoteSetupScreen)
            before = dict(session_of(app).workshop.ballots)
            await submit(pilot, {"#budget": text, "#cap": text})
            try:
                expected = parse_count(text, "Dots per participant", low=1, high=MAX_DOTS)
            except EntryError as error:
                assert isinstance(app.screen, VoteSetupScreen), f"{text!r} was refused: the dialog stays"
                assert refused_with(app, error), (text, messages(app))
                assert session_of(app).workshop.ballots == before
                await pilot.press("escape")
                await pilot.pause()
                continue
            assert isinstance(app.screen, VoteBoardScreen), (text, messages(app))
            ballot = votes.ballot(app.screen.ballot_id)
            assert (ballot.budget, ballot.cap) == (expected, expected), text
            votes.close(ballot.id)
            await app.pop_screen()
            await pilot.pause()

    run_app(scenario)


@SETTINGS
@given(typed=TYPED)
@example(typed=REPORTED)
def test_limits_of_an_open_vote(typed: list[str]) -> None:
    async def scenario(pilot: Pilot[None], _library: WorkshopLibrary, _id: str) -> None:
        app = pilot.app
        assert isinstance(app, WorkshopApp)
        votes = session_of(app).votes
        ballot_id = votes.open(vision(app), budget=3, cap=3).id
        for text in typed:
            app.push_screen(LimitsScreen(ballot_id))
            await pilot.pause()
            before = votes.ballot(ballot_id)
            await submit(pilot, {"#budget": text, "#cap": text})
            after = votes.ballot(ballot_id)
            try:
                expected = parse_count(text, "Dots per participant", low=1, high=MAX_DOTS)
            except EntryError as error:
                assert isinstance(app.screen, LimitsScreen), text
                assert refused_with(app, error), (text, messages(app))
                assert (after.budget, after.cap) == (before.budget, before.cap)
                await pilot.press("escape")
                await pilot.pause()
                continue
            assert not isinstance(app.screen, LimitsScreen), (text, messages(app))
            assert (after.budget, after.cap) == (expected, expected), text

    run_app(scenario)


@SETTINGS
@given(typed=TYPED)
@example(typed=REPORTED)
def test_room_tally_count(typed: list[str]) -> None:
    async def scenario(pilot: Pilot[None], _library: WorkshopLibrary, _id: str) -> None:
        app = pilot.app
        assert isinstance(app, WorkshopApp)
        votes = session_of(app).votes
        ballot = votes.open(vision(app), mode="tally")
        app.navigator.vote_board(ballot.id)
        await pilot.pause()
        note_id = ballot.note_ids[0]
        for text in typed:
            assert isinstance(app.screen, VoteBoardScreen)
            await pilot.press("enter")  # the first note's count
            await pilot.pause()
            assert isinstance(app.screen, TextEntryScreen)
            before = votes.ballot(ballot.id).tally.get(note_id, 0)
            await submit(pilot, {"#entry-line": text})
            after = votes.ballot(ballot.id).tally.get(note_id, 0)
            try:
                expected = parse_count(text, "A count", high=MAX_TALLY)
            except EntryError as error:
                assert refused_with(app, error), (text, messages(app))
                assert after == before
                continue
            assert after == expected, text

    run_app(scenario)


@SETTINGS
@given(typed=TYPED)
@example(typed=REPORTED)
def test_stage_minutes_in_the_setup(typed: list[str]) -> None:
    async def scenario(pilot: Pilot[None], library: WorkshopLibrary, workshop_id: str) -> None:
        app = pilot.app
        assert isinstance(app, WorkshopApp)
        await pilot.press("escape")  # the stage screen, from which
        await pilot.pause()
        app.navigator.setup()
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        stages = session_of(app).workshop.stages
        first = session_of(app).workshop.agenda()[0]
        for text in typed:
            await pilot.press("m")
            await pilot.pause()
            assert isinstance(app.screen, TextEntryScreen)
            before = stages[first.id].minutes
            await submit(pilot, {"#entry-line": text})
            after = session_of(app).workshop.stages[first.id].minutes
            try:
                expected = parse_minutes(text, first.title, high=MAX_STAGE_MINUTES)
            except EntryError as error:
                assert refused_with(app, error), (text, messages(app))
                assert after == before
                # asked again with what was typed, to mend it; escape leaves the minutes as they were
                assert isinstance(app.screen, TextEntryScreen) and app.screen.initial == text
                await pilot.press("escape")
                await pilot.pause()
                assert session_of(app).workshop.stages[first.id].minutes == before
                continue
            assert after == expected, text

    run_app(scenario)


@SETTINGS
@given(typed=TYPED)
@example(typed=REPORTED)
def test_room_port(typed: list[str]) -> None:
    async def scenario(pilot: Pilot[None], _library: WorkshopLibrary, _id: str) -> None:
        app = pilot.app
        assert isinstance(app, WorkshopApp)
        answers: list[Any] = []
        for text in typed:
            app.push_screen(OpenRoomScreen(), answers.append)
            await pilot.pause()
            await submit(pilot, {"#port": text})
            if not text.strip():
                assert answers[-1][1] == 0, "empty: any free port"
                continue
            try:
                expected = parse_count(text, "A port", low=1, high=65535)
            except EntryError as error:
                assert isinstance(app.screen, OpenRoomScreen), text
                assert refused_with(app, error), (text, messages(app))
                await pilot.press("escape")
                await pilot.pause()
                continue
            assert answers[-1][1] == expected, text

    run_app(scenario)
