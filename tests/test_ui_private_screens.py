"""Privacy promised is privacy kept: what a participant sees while they hold the keyboard leaves with them.

A private ballot (and a privately entered readiness form) is filled on the facilitator's laptop, often the
projector too. Every notice raised meanwhile ("At most 1 dot on one note", "You have used all 2 of your dots")
tells the room something about that person's choices: it must be off the screen when the keyboard is handed back,
whichever way the screen is left. Escape hands the keyboard back without changing whether the ballot is confirmed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from screens.dialogs import ConfirmScreen
from screens.readiness import ReadinessEntryScreen, ReadinessScreen
from screens.stage import StageScreen
from screens.voting.ballot import ParticipantBallotScreen
from screens.voting.board import VoteBoardScreen
from tests.test_ui_voting import open_private_vote, vote_as
from tests.ui_helpers import messages, people, screen_text, session_of
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZE = (120, 36)
PRIVATE = ("At most 1 dot on one note", "all 2 of your dots", "no dot on this note")
"""Words of the notices a ballot raises about its voter's dots."""


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def workshop_id(library: WorkshopLibrary) -> str:
    """A workshop on its Vision stage with four notes; Ana, Ben and Chloé take part."""
    session = library.create("Offsite", participants=["Ana", "Ben", "Chloé"], date="2027-01-15")
    session.agenda.next()
    for note in ("Customers answer each other", "Teams find who solved it", "New joiners", "Stop reports"):
        session.notes.add(note)
    workshop_id: str = session.workshop.id
    session.close()
    return workshop_id


@pytest.fixture
def app(library: WorkshopLibrary, workshop_id: str, clock: FakeClock) -> Iterator[WorkshopApp]:
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def private_notices_shown(app: WorkshopApp) -> list[str]:
    """The ballot's notices still held by the app or drawn on the screen (the tests run with notifications on,
    so toasts are drawn as in the real app)."""
    drawn = " ".join(screen_text(app).split())
    return [words for words in PRIVATE if any(words in m for m in messages(app)) or words in drawn]


async def ballot_with_refusals(pilot: Pilot[None], name: str = "Ana") -> ParticipantBallotScreen:
    """Open ``name``'s ballot (2 dots, at most 1 on a note) and make it raise every one of its refusals."""
    board = pilot.app.screen
    assert isinstance(board, VoteBoardScreen)
    voters = board.query_one("#board-list", OptionList)
    voters.highlighted = voters.get_option_index(f"p{people(pilot.app)[name]}")  # type: ignore[arg-type]
    await pilot.press("enter")
    await pilot.pause()
    ballot = pilot.app.screen
    assert isinstance(ballot, ParticipantBallotScreen)
    await pilot.press("down", "minus", "up", "plus", "plus", "down", "plus", "down", "plus")
    await pilot.pause()
    assert sorted(private_notices_shown(pilot.app)) == sorted(PRIVATE), "the ballot raised its refusals"
    return ballot


# --- every way of leaving a private ballot --------------------------------------------------------------------


async def test_confirming_hands_back_without_the_ballots_notices(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_private_vote(pilot, budget=2, cap=1)
        await ballot_with_refusals(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        assert private_notices_shown(app) == []
        # the hand-back notice itself is shown; on an anonymous vote (the default) it names nobody
        assert "Ballot confirmed. Pass the keyboard back." in messages(app)
        assert not any("Ana" in m for m in messages(app))


async def test_confirming_with_dots_left_after_the_question_hands_back_clean(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        board = await open_private_vote(pilot, budget=2, cap=1)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("plus", "plus", "down", "down", "minus", "enter")  # one dot placed, one left
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        assert people(app)["Ana"] in session_of(app).votes.ballot(board.ballot_id).submitted
        assert private_notices_shown(app) == []


async def test_escape_hands_back_without_the_ballots_notices(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_private_vote(pilot, budget=2, cap=1)
        await ballot_with_refusals(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        assert private_notices_shown(app) == []
        assert any("not confirmed yet" in m for m in messages(app)), "the board says the ballot waits"


async def test_a_ballot_closed_from_outside_takes_its_notices_with_it(app: WorkshopApp) -> None:
    """However the screen goes (another part of the app pops or switches it), its notices go too."""
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_private_vote(pilot, budget=2, cap=1)
        await ballot_with_refusals(pilot)
        await app.pop_screen()
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        assert private_notices_shown(app) == []


async def test_a_notice_still_on_its_way_at_hand_back_never_shows(app: WorkshopApp) -> None:
    """A notice is a message: one raised by a key just before Enter reaches the app after the hand-back."""
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_private_vote(pilot, budget=2, cap=1)
        await pilot.press("enter")
        await pilot.pause()
        ballot = app.screen
        assert isinstance(ballot, ParticipantBallotScreen)
        ballot.action_add_dot()
        ballot.action_add_dot()  # refused: raises "At most 1 dot on one note" as a message still queued
        ballot.action_leave()  # handed back in the same turn, before that message is handled
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        assert private_notices_shown(app) == []


async def test_the_rooms_own_notices_stay_and_later_ones_show(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_private_vote(pilot, budget=2, cap=1)
        app.notify("Before the ballot", timeout=60)
        await pilot.pause()
        await ballot_with_refusals(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert any("Before the ballot" in m for m in messages(app))
        app.notify("After the ballot", timeout=60)
        await pilot.pause()
        assert any("After the ballot" in m for m in messages(app))
        assert "After the ballot" in screen_text(app)


async def test_the_next_voter_sees_nothing_of_the_previous_ones(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_private_vote(pilot, budget=2, cap=1)
        await ballot_with_refusals(pilot, "Ana")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("n")  # Ben's turn
        await pilot.pause()
        assert isinstance(app.screen, ParticipantBallotScreen) and app.screen.voter_name == "Ben"
        assert private_notices_shown(app) == []
        assert [m for m in messages(app) if "Ana" in m] == []
        assert "Ballot confirmed. Pass the keyboard back." in messages(app)


# --- Escape on a confirmed ballot --------------------------------------------------------------------------------


async def reopen(pilot: Pilot[None], name: str) -> ParticipantBallotScreen:
    board = pilot.app.screen
    assert isinstance(board, VoteBoardScreen)
    voters = board.query_one("#board-list", OptionList)
    voters.highlighted = voters.get_option_index(f"p{people(pilot.app)[name]}")  # type: ignore[arg-type]
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmScreen), "someone who voted is asked first"
    await pilot.press("y")
    await pilot.pause()
    ballot = pilot.app.screen
    assert isinstance(ballot, ParticipantBallotScreen)
    return ballot


async def test_escape_on_a_reopened_confirmed_ballot_keeps_it_confirmed(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        board = await open_private_vote(pilot, budget=1, cap=1)
        await vote_as(pilot, "Ana", ["plus"])
        ana = people(app)["Ana"]
        await reopen(pilot, "Ana")
        assert ana in session_of(app).votes.ballot(board.ballot_id).submitted, (
            "reopening is not un-confirming"
        )
        assert "✔ confirmed" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        assert ana in session_of(app).votes.ballot(board.ballot_id).submitted
        assert "1 of 3 have voted" in screen_text(app)  # an anonymous vote: a count, no mark beside Ana
        assert any("stays confirmed" in m for m in messages(app))


async def test_escape_in_the_confirm_question_keeps_the_ballot_as_it_was(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        board = await open_private_vote(pilot, budget=2, cap=1)
        await vote_as(pilot, "Ana", ["plus"])  # one dot left: confirmed after the question
        ana = people(app)["Ana"]
        assert ana in session_of(app).votes.ballot(board.ballot_id).submitted
        await reopen(pilot, "Ana")
        await pilot.press("enter")  # confirm again: asks about the dot left
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # no answer
        await pilot.pause()
        assert isinstance(app.screen, ParticipantBallotScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert ana in session_of(app).votes.ballot(board.ballot_id).submitted


async def test_changing_a_confirmed_ballot_waits_for_enter_again(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        board = await open_private_vote(pilot, budget=1, cap=1)
        await vote_as(pilot, "Ana", ["plus"])
        ana = people(app)["Ana"]
        await reopen(pilot, "Ana")
        await pilot.press("minus", "down", "plus")
        await pilot.pause()
        assert ana not in session_of(app).votes.ballot(board.ballot_id).submitted, (
            "changed: not what was confirmed"
        )
        assert "not confirmed yet" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        assert ana in session_of(app).votes.ballot(board.ballot_id).submitted


async def test_a_refused_dot_on_a_confirmed_ballot_leaves_it_confirmed(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        board = await open_private_vote(pilot, budget=1, cap=1)
        await vote_as(pilot, "Ana", ["plus"])
        ana = people(app)["Ana"]
        await reopen(pilot, "Ana")
        await pilot.press("down", "plus")  # refused: her only dot is used
        await pilot.pause()
        assert ana in session_of(app).votes.ballot(board.ballot_id).submitted
        await pilot.press("escape")
        await pilot.pause()
        assert ana in session_of(app).votes.ballot(board.ballot_id).submitted
        assert not any("your only dot" in m for m in messages(app)), "her refusal left with her"


# --- the same for a privately entered readiness form ---------------------------------------------------------------


@pytest.mark.parametrize("leave", ["escape", "enter"])
async def test_a_private_readiness_forms_notices_leave_with_it(leave: str, app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert isinstance(app.screen, StageScreen)
        await pilot.press("p", "k")
        await pilot.pause()
        assert isinstance(app.screen, ReadinessScreen)
        await pilot.press("enter")  # Ana answers privately
        await pilot.pause()
        assert isinstance(app.screen, ReadinessEntryScreen) and app.screen.private
        await pilot.press("2", "6")  # an attitude, then a score out of range
        await pilot.pause()
        assert any("Scores go from 1" in m for m in messages(app))
        await pilot.press("3", leave)
        await pilot.pause()
        assert isinstance(app.screen, ReadinessScreen)
        assert not any("Scores go from 1" in m for m in messages(app))
        assert "Scores go from 1" not in screen_text(app)


async def test_a_facilitators_own_entry_keeps_its_notices(app: WorkshopApp) -> None:
    """Typed in by the facilitator (``f``): nothing private to hide, so nothing is taken off the screen."""
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("p", "k")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ReadinessEntryScreen) and not app.screen.private
        await pilot.press("2", "6", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ReadinessScreen)
        assert any("Scores go from 1" in m for m in messages(app))
