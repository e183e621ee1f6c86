"""Dot voting driven from the keyboard with Pilot: set-up, private ballots, a room tally, the reveal, decisions.

The privacy tests read the *rendered* screen (what the projector shows), not the widgets' data: a ballot must
never show another participant's dots, and nothing may show a total before the reveal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Label, OptionList, SelectionList

from facilitation import voting
from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from screens.commands import StageCommands
from screens.dialogs import ConfirmScreen, TextEntryScreen
from screens.help import help_sections
from screens.navigation import help_screens
from screens.stage import StageScreen
from screens.voting.ballot import ParticipantBallotScreen
from screens.voting.board import VoteBoardScreen
from screens.voting.results import VoteResultsScreen
from screens.voting.setup import LimitsScreen, VoteSetupScreen
from tests.ui_helpers import messages, people, screen_text, session_of
from workshop.session import WorkshopLibrary, WorkshopSession
from workshop.store import Store

SIZE = (120, 36)
NOTES = (
    "Customers answer each other",
    "Teams find who solved it",
    "New joiners contribute",
    "Stop status reports",
)


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def workshop_id(library: WorkshopLibrary) -> str:
    """A workshop on its Vision stage with four notes; Ana, Ben and Chloé take part."""
    session = library.create("Offsite", participants=["Ana", "Ben", "Chloé"], date="2027-01-15")
    session.agenda.next()
    for note in NOTES:
        session.notes.add(note)
    workshop_id: str = session.workshop.id
    session.close()
    return workshop_id


def prepare(library: WorkshopLibrary, workshop_id: str, change: Callable[[WorkshopSession], object]) -> None:
    """Change the workshop through its session before the app opens it."""
    session = library.open(workshop_id)
    try:
        change(session)
    finally:
        session.close()


def open_one_dot_vote(library: WorkshopLibrary, workshop_id: str, *, anonymous: bool) -> None:
    """Before the app opens: a vote on the current stage, one dot each."""
    prepare(
        library,
        workshop_id,
        lambda s: s.votes.open(s.workshop.current_stage_id, budget=1, cap=1, anonymous=anonymous),
    )


@pytest.fixture
def app(library: WorkshopLibrary, workshop_id: str, clock: FakeClock) -> Iterator[WorkshopApp]:
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def note_ids(app: WorkshopApp) -> list[int]:
    ws = session_of(app).workshop
    assert ws.current_stage_id is not None
    return [n.id for n in ws.stage_notes(ws.current_stage_id)]


async def open_setup(pilot: Pilot[None]) -> VoteSetupScreen:
    await pilot.press("v")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, VoteSetupScreen), screen
    return screen


async def set_limits(pilot: Pilot[None], budget: int, cap: int) -> None:
    """Type the dots per participant and the cap in the set-up (tab from the notes to each field)."""
    await pilot.press("tab")
    assert isinstance(pilot.app.screen.focused, Input) and pilot.app.screen.focused.id == "budget"
    await pilot.press("ctrl+a", "ctrl+k", *str(budget), "tab", "ctrl+a", "ctrl+k", *str(cap))
    await pilot.pause()


async def open_private_vote(pilot: Pilot[None], budget: int = 3, cap: int = 2) -> VoteBoardScreen:
    await open_setup(pilot)
    await set_limits(pilot, budget, cap)
    await pilot.press("enter")
    await pilot.pause()
    board = pilot.app.screen
    assert isinstance(board, VoteBoardScreen), board
    return board


async def vote_as(pilot: Pilot[None], name: str, keys: list[str], *, confirm_left: bool = True) -> None:
    """From the board: open ``name``'s ballot, press ``keys``, confirm (answering yes if dots are left)."""
    board = pilot.app.screen
    assert isinstance(board, VoteBoardScreen)
    voters = board.query_one("#board-list", OptionList)
    voters.highlighted = voters.get_option_index(f"p{people(pilot.app)[name]}")  # type: ignore[arg-type]
    await pilot.press("enter")
    await pilot.pause()
    ballot = pilot.app.screen
    assert isinstance(ballot, ParticipantBallotScreen) and ballot.voter_name == name
    await pilot.press(*keys)
    await pilot.press("enter")
    await pilot.pause()
    if isinstance(pilot.app.screen, ConfirmScreen):
        await pilot.press("y" if confirm_left else "n")
        await pilot.pause()


# --- set-up ---------------------------------------------------------------------------------------------


async def test_setup_defaults_follow_the_notes_and_open_the_vote(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        setup = await open_setup(pilot)
        notes = setup.query_one("#ballot-notes", SelectionList)
        assert notes.selected == note_ids(app)
        assert setup.query_one("#budget", Input).value == str(voting.default_budget(4)) == "2"
        await pilot.press("space")  # untick the first note: 3 notes still give 1 dot each
        await pilot.pause()
        assert setup.query_one("#budget", Input).value == "1"
        await pilot.press("space")
        await set_limits(pilot, 3, 2)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        (ballot,) = session_of(app).workshop.ballots.values()
        assert (ballot.budget, ballot.cap, ballot.mode, ballot.anonymous) == (3, 2, "private", True)
        assert ballot.note_ids == note_ids(app)


@pytest.mark.parametrize(
    ("phones", "said"),
    [
        ((), "each participant votes in turn on this laptop"),
        (("Ben",), "1 of 3 vote on their phones, the others in turn on this laptop"),
        (("Ana", "Ben", "Chloé"), "everyone votes on their phone"),
    ],
)
async def test_setup_says_who_votes_where(app: WorkshopApp, phones: tuple[str, ...], said: str) -> None:
    """With phones in the room, the set-up said everyone would vote in turn on this laptop: it says who votes on a
    phone and who at the keyboard, as the board then does."""
    async with app.run_test(size=SIZE) as pilot:
        for name in phones:
            session_of(app).votes.claim_device(people(app)[name])
        setup = await open_setup(pilot)
        summary = str(setup.query_one("#dialog-summary", Label).render())
        assert f"private ballots: {said}" in " ".join(summary.split())


async def test_setup_counts_no_one_removed_as_voting_on_a_phone(app: WorkshopApp) -> None:
    """Chloé left and was removed from the list while her phone was still joined: with Ben on his phone too, the
    set-up said "everyone votes on their phone" (2 phones counted against 2 participants); Ana votes here."""
    async with app.run_test(size=SIZE) as pilot:
        session = session_of(app)
        for name in ("Ben", "Chloé"):
            session.votes.claim_device(people(app)[name])
        session.participants.remove(people(app)["Chloé"])
        setup = await open_setup(pilot)
        summary = " ".join(str(setup.query_one("#dialog-summary", Label).render()).split())
        assert "private ballots: 1 of 2 vote on their phones, the others in turn on this laptop" in summary


async def test_setup_leaves_a_note_hidden_from_the_room_off_the_ballot(
    library: WorkshopLibrary, workshop_id: str, clock: FakeClock
) -> None:
    """A hidden note is neither ticked nor offered: ctrl+s at once opens the vote on the others (it was ticked and
    the session refused the whole set-up with "Note #2 is hidden from the room")."""

    def hide_second(session: WorkshopSession) -> None:
        ws = session.workshop
        assert ws.current_stage_id is not None
        session.notes.hide(ws.stage_notes(ws.current_stage_id)[1].id, hidden=True)

    prepare(library, workshop_id, hide_second)
    app = make_app(library, workshop_id, clock=clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            setup = await open_setup(pilot)
            shown = [n.id for n in session_of(app).workshop.stage_notes(setup.stage_id or 0) if not n.withheld]
            assert len(shown) == len(NOTES) - 1
            notes = setup.query_one("#ballot-notes", SelectionList)
            assert notes.option_count == len(shown) and notes.selected == shown
            assert setup.query_one("#budget", Input).value == str(voting.default_budget(len(shown)))
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, VoteBoardScreen), messages(app)
            (ballot,) = session_of(app).workshop.ballots.values()
            assert ballot.note_ids == shown
    finally:
        app.close_session()


async def test_setup_refuses_impossible_rules_and_keeps_the_dialog(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot)
        await set_limits(pilot, 2, 5)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, VoteSetupScreen)
        warning = dialog.query_one("#dialog-warning", Label)
        assert warning.has_class("-refused") and "more than the 2 dots" in str(warning.content)
        assert not any("cannot be more than" in m for m in messages(app)), "said once, by the dialog"
        assert dialog.focused is dialog.query_one("#cap", Input), "the cursor is on the cap to correct"
        assert session_of(app).workshop.ballots == {}
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)


async def test_vote_on_a_stage_without_notes_says_so(
    library: WorkshopLibrary, workshop_id: str, app: WorkshopApp
) -> None:
    prepare(library, workshop_id, lambda s: s.agenda.next())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        assert any("no notes to vote on" in m for m in messages(app))


# --- private ballots ------------------------------------------------------------------------------------------


async def test_private_ballots_with_three_participants_then_reveal_and_decide(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        board = await open_private_vote(pilot, budget=3, cap=2)
        a, b, c, d = note_ids(app)
        await vote_as(pilot, "Ana", ["plus", "plus", "down", "space"])  # A, A, B
        assert isinstance(app.screen, VoteBoardScreen)
        await vote_as(pilot, "Ben", ["down", "right", "down", "equals_sign", "down", "plus"])  # B, C, D
        await vote_as(pilot, "Chloé", ["down", "plus", "plus"])  # B, B: one dot left, confirmed anyway
        ballot_id = board.ballot_id
        ballot = session_of(app).votes.ballot(ballot_id)
        assert sorted(ballot.submitted) == sorted(people(app).values())
        assert "3 of 3 have voted" in screen_text(app)

        await pilot.press("r")  # everyone voted: no question
        await pilot.pause()
        results = app.screen
        assert isinstance(results, VoteResultsScreen)
        result = session_of(app).votes.result(ballot_id)
        assert [(r.note_id, r.dots) for r in result.ranked] == [(b, 4), (a, 2), (c, 1), (d, 1)]
        text = screen_text(app)
        assert "3 of 3 participants voted · 8 dots" in text
        assert "1." in text and "4 dots" in text and "3=" in text
        assert voting.TIE_BREAK[:40] in " ".join(text.split()), "a tie is shown with the tie-break named"

        await pilot.press("x", "down", "c")
        await pilot.pause()
        assert session_of(app).note(b).mark == "decision"
        assert session_of(app).note(a).mark == "candidate"
        assert "DECISION" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        assert "DECISION" in screen_text(app), "the stage's notes list shows the mark made on the result"


async def test_a_ballot_never_shows_another_participants_dots_or_totals(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_private_vote(pilot, budget=5, cap=3)
        await vote_as(pilot, "Ana", ["plus", "plus", "plus"], confirm_left=True)
        first_note = note_ids(app)[0]
        assert session_of(app).votes.participant_dots(app.screen.ballot_id, people(app)["Ana"]) == {
            first_note: 3
        }  # type: ignore[attr-defined]

        board_text = screen_text(app)
        assert "●" not in board_text
        assert "3 dots" not in board_text and "total" not in board_text.lower()

        voters = app.screen.query_one("#board-list", OptionList)
        voters.highlighted = voters.get_option_index(f"p{people(app)['Ben']}")  # type: ignore[arg-type]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ParticipantBallotScreen)
        ballot_text = screen_text(app)
        note_lines = [line for line in ballot_text.splitlines() if "#" in line and "○" in line]
        assert len(note_lines) == 4
        assert all("○○○" in line and "●" not in line for line in note_lines), note_lines
        assert "●●●●● 5 of 5" in " ".join(ballot_text.split()), "Ben's own five dots, all left"
        assert "3 dots" not in ballot_text and "total" not in ballot_text.lower().replace("no totals", "")
        assert "Ana" not in ballot_text


async def test_ballot_refusals_are_shown_and_record_nothing(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        board = await open_private_vote(pilot, budget=2, cap=1)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ParticipantBallotScreen)
        await pilot.press("plus", "plus")
        await pilot.pause()
        assert any("At most 1 dot on one note" in m for m in messages(app))
        await pilot.press("down", "plus", "down", "plus")
        await pilot.pause()
        assert any("all 2 of your dots" in m for m in messages(app))
        assert len(session_of(app).workshop.ballot_votes(board.ballot_id)) == 2
        await pilot.press("up", "minus", "minus")  # the second minus: no dot left there
        await pilot.pause()
        assert any("no dot on this note" in m for m in messages(app))
        assert len(session_of(app).workshop.ballot_votes(board.ballot_id)) == 1
        ana = people(app)["Ana"]
        assert sum(session_of(app).votes.participant_dots(board.ballot_id, ana).values()) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        assert ana not in session_of(app).votes.ballot(board.ballot_id).submitted
        assert any("not confirmed" in m for m in messages(app))


async def test_a_participant_reopens_their_ballot_until_the_vote_closes(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        board = await open_private_vote(pilot, budget=1, cap=1)
        await vote_as(pilot, "Ana", ["plus"])
        ana = people(app)["Ana"]
        assert ana in session_of(app).votes.ballot(board.ballot_id).submitted
        await pilot.press("enter")  # Ana is still highlighted: she has voted, so the app asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ParticipantBallotScreen)
        assert ana in session_of(app).votes.ballot(board.ballot_id).submitted, "confirmed until a dot changes"
        await pilot.press("minus")
        await pilot.pause()
        assert ana not in session_of(app).votes.ballot(board.ballot_id).submitted
        await pilot.press("down", "plus", "enter")
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        assert session_of(app).votes.participant_dots(board.ballot_id, ana) == {note_ids(app)[1]: 1}
        assert ana in session_of(app).votes.ballot(board.ballot_id).submitted


async def test_next_voter_and_reveal_before_everyone_voted_asks(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        board = await open_private_vote(pilot, budget=1, cap=1)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ParticipantBallotScreen) and app.screen.voter_name == "Ana"
        await pilot.press("plus", "enter")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ParticipantBallotScreen) and app.screen.voter_name == "Ben"
        await pilot.press("escape", "r")
        await pilot.pause()
        # an anonymous vote (the default): the question counts, it never names who has not voted
        assert isinstance(app.screen, ConfirmScreen) and "2 of 3 have not" in app.screen.question
        assert not any(name in app.screen.question for name in ("Ana", "Ben", "Chloé"))
        await pilot.press("n")
        await pilot.pause()
        assert session_of(app).votes.ballot(board.ballot_id).status == "open"
        await pilot.press("r", "y")
        await pilot.pause()
        assert isinstance(app.screen, VoteResultsScreen)
        assert "1 of 3 participants voted" in screen_text(app)


async def test_limits_change_and_lowering_below_cast_is_refused(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        board = await open_private_vote(pilot, budget=3, cap=3)
        await vote_as(pilot, "Ana", ["plus", "plus", "plus"])
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LimitsScreen)
        await pilot.press("ctrl+a", "ctrl+k", "2", "tab", "ctrl+a", "ctrl+k", "2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LimitsScreen), "refused: the dialog stays"
        assert any("cannot go below 3" in m for m in messages(app))
        await pilot.press("shift+tab", "ctrl+a", "ctrl+k", "5", "tab", "ctrl+a", "ctrl+k", "3", "enter")
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        ballot = session_of(app).votes.ballot(board.ballot_id)
        assert (ballot.budget, ballot.cap) == (5, 3)
        assert "5 dots each, at most 3 on one note" in screen_text(app)


async def test_reset_asks_and_clears_every_dot(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        board = await open_private_vote(pilot)
        await vote_as(pilot, "Ana", ["plus", "plus", "down", "plus"])
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert session_of(app).workshop.ballot_votes(board.ballot_id) == []
        assert session_of(app).votes.ballot(board.ballot_id).submitted == []
        assert "0 of 3 have voted" in screen_text(app)


# --- room tally -----------------------------------------------------------------------------------------


async def test_room_tally_typed_by_the_facilitator(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        setup = await open_setup(pilot)
        await pilot.press("tab", "tab", "tab")
        assert setup.focused is setup.query_one("#tally", Checkbox)
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, VoteBoardScreen) and board.has_class("-tally")
        a, b, c, d = note_ids(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextEntryScreen)
        await pilot.press("ctrl+a", "ctrl+k", "7", "enter")
        await pilot.pause()
        await pilot.press("down", "down", "plus", "plus", "plus", "minus")
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", "x", "enter")  # not a number: refused
        await pilot.pause()
        assert any("whole number" in m for m in messages(app))
        ballot = session_of(app).votes.ballot(board.ballot_id)
        assert ballot.tally == {a: 7, c: 2}
        assert session_of(app).workshop.ballot_votes(ballot.id) == [], "a tally invents no ballots"
        assert "9 dots typed so far" in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, VoteResultsScreen)
        result = session_of(app).votes.result(ballot.id)
        assert [(r.note_id, r.dots) for r in result.ranked][:2] == [(a, 7), (c, 2)]
        assert "Room tally · 9 dots" in screen_text(app)
        del b, d


# --- after the reveal ----------------------------------------------------------------------------------------


async def test_reopen_rerun_and_reset_from_the_result(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        board = await open_private_vote(pilot, budget=1, cap=1)
        first = board.ballot_id
        await vote_as(pilot, "Ana", ["plus"])
        await pilot.press("r", "y")
        await pilot.pause()
        assert isinstance(app.screen, VoteResultsScreen)
        await pilot.press("o")
        await pilot.pause()
        assert (
            isinstance(app.screen, VoteBoardScreen) and session_of(app).votes.ballot(first).status == "open"
        )
        await pilot.press("r", "y")
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "run 2" in app.screen.question
        await pilot.press("y")
        await pilot.pause()
        rerun = app.screen
        assert isinstance(rerun, VoteBoardScreen) and rerun.ballot_id != first
        assert session_of(app).votes.ballot(rerun.ballot_id).run == 2
        assert session_of(app).votes.ballot(first).status == "closed", "run 1 stays on file"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        await pilot.press("v")  # the open run 2
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen) and app.screen.ballot_id == rerun.ballot_id
        await pilot.press("r", "y")
        await pilot.pause()
        await pilot.press("d", "y")  # reset: re-open and clear
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        assert session_of(app).votes.ballot(rerun.ballot_id).status == "open"
        kinds = [e.kind for e in session_of(app).workshop.events]
        assert kinds.count("vote.opened") == 2 and kinds.count("vote.revealed") == 3
        assert "vote.reset" in kinds and kinds.count("vote.reopened") == 2


async def test_v_shows_the_latest_result_and_n_sets_up_a_new_vote(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_private_vote(pilot)
        await pilot.press("r", "y")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, VoteResultsScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, VoteSetupScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        assert isinstance(app.screen_stack[-2], StageScreen), "the new board replaced the result"


async def test_named_result_shows_who_voted_for_what(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        setup = await open_setup(pilot)
        setup.query_one("#named", Checkbox).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        await vote_as(pilot, "Ana", ["plus", "plus"])
        await vote_as(pilot, "Ben", ["plus"])
        await pilot.press("r", "y")
        await pilot.pause()
        assert "Ana 2 · Ben 1" in screen_text(app)


# --- final priorities ----------------------------------------------------------------------------------


async def test_final_priorities_on_the_action_plan_stage(
    library: WorkshopLibrary, workshop_id: str, app: WorkshopApp
) -> None:
    def decide(session: WorkshopSession) -> None:
        stages = {s.key: s for s in session.workshop.agenda()}
        vision = session.workshop.stage_notes(stages["vision"].id)
        session.notes.mark(vision[1].id, "decision")
        strategy = session.notes.add("Cut first-response time by 30%", stage_id=stages["strategy"].id)
        session.notes.mark(strategy.id, "decision")
        session.notes.add("Not a decision", stage_id=stages["strategy"].id)
        candidate = session.notes.add("A candidate action", stage_id=stages["launch"].id)
        session.notes.mark(candidate.id, "candidate")
        session.agenda.go_to(stages["action_plan"].id)
        decided.extend([vision[1].id, strategy.id])

    decided: list[int] = []
    prepare(library, workshop_id, decide)
    async with app.run_test(size=SIZE) as pilot:
        session = session_of(app)
        vision_decision, strategy_decision = decided
        setup = await open_setup(pilot)
        assert setup.stage_id is None
        assert setup.query_one("#ballot-notes", SelectionList).selected == decided
        setup.query_one("#candidates", Checkbox).value = True  # candidate actions can join the decisions
        await pilot.pause()
        assert len(setup.query_one("#ballot-notes", SelectionList).selected) == len(decided) + 1
        setup.query_one("#candidates", Checkbox).value = False
        await pilot.pause()
        assert "[Strategy]" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, VoteBoardScreen)
        assert session.votes.ballot(board.ballot_id).stage_id is None
        assert "Final priorities" in screen_text(app)
        await vote_as(pilot, "Ana", ["down", "plus"])
        await pilot.press("r", "y")
        await pilot.pause()
        result = session.votes.result(board.ballot_id)
        assert result.ranked[0].note_id == strategy_decision
        assert vision_decision in session.votes.ballot(board.ballot_id).note_ids


async def test_final_priorities_without_decisions_says_how_to_get_them(
    library: WorkshopLibrary, workshop_id: str, app: WorkshopApp
) -> None:
    prepare(
        library,
        workshop_id,
        lambda s: s.agenda.go_to(next(st.id for st in s.workshop.agenda() if st.kind == "action_plan")),
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        assert any("No decisions yet" in m for m in messages(app))


# --- discoverability -------------------------------------------------------------------------------------


async def test_help_and_palette_list_the_voting_keys(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE):
        headings = [heading for heading, _ in help_sections(app, help_screens(type(app)))]
        assert {"Vote: set-up", "Vote: board", "Vote: a participant's ballot", "Vote: result"} <= set(
            headings
        )
        names = [c.name for c in StageCommands(app.screen).commands()]
        assert any(n.startswith("Vote:") for n in names)
        assert any("Final priorities" in n for n in names)
        assert any(n.startswith("Readiness check") for n in names)


async def test_board_shows_who_joined_and_who_left_mid_vote(
    library: WorkshopLibrary, workshop_id: str, app: WorkshopApp
) -> None:
    def mid_vote(session: WorkshopSession) -> None:
        stage = session.stage(session.workshop.current_stage_id)
        ballot = session.votes.open(stage.id, budget=2, cap=2)
        ana = session.workshop.active_participants()[0]
        session.votes.cast(ballot.id, ana.id, session.workshop.stage_notes(stage.id)[0].id)
        session.participants.remove(ana.id)
        session.participants.remove(session.workshop.active_participants()[-1].id)  # Chloé, without voting
        session.participants.add("Dev")

    prepare(library, workshop_id, mid_vote)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        text = screen_text(app)
        ana_line = next(line for line in text.splitlines() if "Ana" in line and "Who has voted" not in line)
        assert "left: dots kept" in ana_line
        # Ana left after voting: her dot counts, on the board as in the result; Chloé left without voting: in
        # neither count. The board said "0 of 3 have voted" and the result "1 of 4 participants voted".
        assert "Dev" in text and "1 of 3 have voted" in text
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "2 of 3 have not voted" in app.screen.question
        await pilot.press("y")
        await pilot.pause()
        assert "1 of 3 participants voted · 1 dot" in screen_text(app), "Ana's dot counts"


async def test_a_dot_redraws_its_line_without_measuring_every_note_again(
    app: WorkshopApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dot replaces one ballot line: only that line is counted again, not every note on the ballot."""
    from screens.widgets import rows

    async with app.run_test(size=SIZE) as pilot:
        await open_private_vote(pilot, budget=5, cap=3)
        board = app.screen
        voters = board.query_one("#board-list", OptionList)
        voters.highlighted = voters.get_option_index(f"p{people(app)['Ana']}")  # type: ignore[arg-type]
        await pilot.press("enter")
        await pilot.pause()
        ballot = app.screen
        assert isinstance(ballot, ParticipantBallotScreen)
        measured: list[int] = []
        measure = rows.wrapped_height

        def counting(text: str, width: int, *, fold: bool = True) -> int:
            measured.append(width)
            return measure(text, width, fold=fold)

        monkeypatch.setattr(rows, "wrapped_height", counting)
        await pilot.press("plus")
        await pilot.pause()
        assert "●" in screen_text(app)
        assert len(measured) == 1, "only the line that changed is measured"


# --- an anonymous vote names nobody as voted or not ----------------------------------------------------------

VOTERS = ("Ana", "Ben", "Chloé")


def _lines_naming(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(name in line for name in VOTERS)]


async def test_anonymous_board_questions_and_notices_never_name_who_has_or_has_not_voted(
    library: WorkshopLibrary, workshop_id: str, app: WorkshopApp
) -> None:
    """The board is often on the projector: on an anonymous vote its rows, status line, reveal question, re-open
    question and notices say how many have voted, never who. Ana votes at the keyboard; Ben votes on his phone."""

    def phone_vote(session: WorkshopSession) -> None:
        session.votes.open(session.workshop.current_stage_id, budget=1, cap=1)

    prepare(library, workshop_id, phone_vote)
    async with app.run_test(size=SIZE) as pilot:
        session = session_of(app)
        ben = people(app)["Ben"]
        session.votes.claim_device(ben)  # Ben joined the room on his phone
        await pilot.press("v")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, VoteBoardScreen)
        ballot_id = board.ballot_id
        await vote_as(pilot, "Ana", ["plus"])
        assert any(m.startswith("Ballot confirmed") for m in messages(app))
        session.votes.cast(ballot_id, ben, note_ids(app)[1], device=True)
        session.votes.submit(ballot_id, ben, device=True)
        await pilot.pause()
        shown = screen_text(app)
        assert "2 of 3 have voted" in shown and "On phones: 1 of 1 done" in shown
        for line in _lines_naming(shown):  # the rows name each voter, never whether they have voted
            assert "voted" not in line and "not yet" not in line and "✔" not in line and "○" not in line, line
        assert not any(m for m in messages(app) if any(name in m for name in VOTERS))

        await pilot.press("r")  # Chloé has not voted: the question counts
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "1 of 3 have not" in app.screen.question
        assert not any(name in app.screen.question for name in VOTERS)
        await pilot.press("n")
        await pilot.pause()

        voters = board.query_one("#board-list", OptionList)
        voters.highlighted = voters.get_option_index(f"p{people(app)['Ana']}")  # type: ignore[arg-type]
        await pilot.press("enter")  # Ana has voted: asked before her ballot opens again, without naming her
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "Ana" not in app.screen.question
        await pilot.press("n")
        await pilot.pause()

        await vote_as(pilot, "Chloé", ["plus"])
        session.votes.unsubmit(ballot_id, ben, device=True)  # Ben changes his mind on the phone
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("n")  # only Ben is left, on his phone: a count, not his name
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        assert any("1 still voting on their phones" in m for m in messages(app))
        assert not any(name in m for m in messages(app) for name in VOTERS)


async def test_named_vote_board_says_who_is_still_to_vote(
    library: WorkshopLibrary, workshop_id: str, app: WorkshopApp
) -> None:
    """A named vote shows who voted for what after the reveal, so the board may say who has voted."""
    open_one_dot_vote(library, workshop_id, anonymous=False)
    async with app.run_test(size=SIZE) as pilot:
        session = session_of(app)
        session.votes.claim_device(people(app)["Ben"])
        await pilot.press("v")
        await pilot.pause()
        await vote_as(pilot, "Ana", ["plus"])
        shown = screen_text(app)
        assert "✔ Ana" in shown and "Ben" in shown and "not yet, on phone" in shown
        assert "Not done yet: Ben, Chloé" in shown
        assert any(m.startswith("Ana has voted") for m in messages(app))
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "Ben, Chloé" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        voters = app.screen.query_one("#board-list", OptionList)
        voters.highlighted = voters.get_option_index(f"p{people(app)['Ben']}")  # type: ignore[arg-type]
        voters.action_select()  # Ben's row is not for the keyboard: nothing opens
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)


@pytest.mark.parametrize("anonymous", [True, False])
async def test_dots_placed_without_saying_done_are_counted_before_the_reveal_as_after(
    library: WorkshopLibrary, workshop_id: str, app: WorkshopApp, anonymous: bool
) -> None:
    """Ana confirms at the keyboard, Ben places a dot on his phone but never presses "I'm done", Chloé does
    nothing. The board said "1 of 3 have voted" and the question "2 of 3 have not", then the result said "2 of 3
    participants voted" (Ben's dot counts): the facilitator was told one thing and shown another. Now the board
    and the question count Ben as having voted, not done, and the result agrees; an anonymous vote names nobody."""
    open_one_dot_vote(library, workshop_id, anonymous=anonymous)
    async with app.run_test(size=SIZE) as pilot:
        session = session_of(app)
        ben = people(app)["Ben"]
        session.votes.claim_device(ben)
        await pilot.press("v")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, VoteBoardScreen)
        await vote_as(pilot, "Ana", ["plus"])
        session.votes.cast(board.ballot_id, ben, note_ids(app)[2], device=True)  # no "I'm done"
        await pilot.pause()
        shown = screen_text(app)
        assert "2 of 3 have voted." in shown and "1 of them not done yet" in shown
        assert "On phones: 0 of 1 done." in shown
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.question
        if anonymous:
            assert "1 of 3 have not voted" in question and "1 of 3 placed dots" in question
            assert not any(name in question for name in VOTERS)
        else:
            assert "not voted: Chloé" in question and "placed dots but not done: Ben" in question
            assert "Ana" not in question
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, VoteResultsScreen)
        assert "2 of 3 participants voted" in screen_text(app)


async def test_n_is_said_to_open_the_next_voter_not_done_which_is_what_it_opens(app: WorkshopApp) -> None:
    """Ana placed a dot and left her ballot unconfirmed: the board counts her as having voted, and said "n opens
    the ballot of the next person at the keyboard who has not voted", then n opened Ana's."""
    async with app.run_test(size=SIZE) as pilot:
        board = await open_private_vote(pilot, budget=1, cap=1)
        voters = board.query_one("#board-list", OptionList)
        voters.highlighted = voters.get_option_index(f"p{people(app)['Ana']}")  # type: ignore[arg-type]
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("plus", "escape")  # a dot, not confirmed
        await pilot.pause()
        assert app.screen is board
        shown = str(board._status(board.ballot))
        assert "1 of 3 have voted." in shown and "who has not voted" not in shown
        assert "n opens the ballot of the next person at the keyboard who is not done." in shown
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ParticipantBallotScreen) and app.screen.voter_name == "Ana"


@pytest.mark.parametrize("anonymous", [True, False])
async def test_a_ballot_begun_at_the_keyboard_opens_there_after_its_voter_joined_on_a_phone(
    library: WorkshopLibrary, workshop_id: str, app: WorkshopApp, anonymous: bool
) -> None:
    """Ana placed a dot at the keyboard, then joined on her phone, which tells her to finish at the keyboard; her
    row said she votes on her phone and Enter refused to open her ballot: neither could finish it."""
    open_one_dot_vote(library, workshop_id, anonymous=anonymous)
    async with app.run_test(size=SIZE) as pilot:
        session = session_of(app)
        ana = people(app)["Ana"]
        await pilot.press("v")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, VoteBoardScreen)
        session.votes.cast(board.ballot_id, ana, note_ids(app)[0])  # at the keyboard
        session.votes.claim_device(ana)  # then she joins on her phone
        board.redraw()  # the room redraws the board when a phone joins
        await pilot.pause()
        row = board.query_one("#board-list", OptionList).get_option(f"p{ana}")
        assert not row.disabled and "phone" not in str(row.prompt)
        await vote_as(pilot, "Ana", [])
        assert ana in session.workshop.ballots[board.ballot_id].submitted


async def test_a_named_boards_rows_agree_with_its_count_of_who_has_voted(
    library: WorkshopLibrary, workshop_id: str, app: WorkshopApp
) -> None:
    """Seen in the demo: on a named vote Ana placed a dot at the keyboard and left without confirming. The status
    line said "1 of 6 have voted" and the reveal question "placed dots but not done: Ana", while the list headed
    "Who has voted" still said "○ Ana … not yet". Now her row says she voted, not done; so does a phone's."""
    open_one_dot_vote(library, workshop_id, anonymous=False)
    async with app.run_test(size=(80, 24)) as pilot:
        session = session_of(app)
        ben = people(app)["Ben"]
        session.votes.claim_device(ben)
        await pilot.press("v")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, VoteBoardScreen)
        voters = board.query_one("#board-list", OptionList)
        voters.highlighted = voters.get_option_index(f"p{people(app)['Ana']}")  # type: ignore[arg-type]
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("plus", "escape")  # a dot, not confirmed
        await pilot.pause()
        session.votes.cast(board.ballot_id, ben, note_ids(app)[2], device=True)  # no "I'm done"
        await pilot.pause()
        assert app.screen is board
        rows = {
            name: str(voters.get_option(f"p{people(app)[name]}").prompt)  # type: ignore[arg-type]
            for name in ("Ana", "Ben", "Chloé")
        }
        assert "2 of 3 have voted." in screen_text(app)
        assert "◐" in rows["Ana"] and "voted, not done" in rows["Ana"]
        assert "◐" in rows["Ben"] and "not done, on phone" in rows["Ben"]
        assert "○" in rows["Chloé"] and "not yet" in rows["Chloé"]
        session.votes.submit(board.ballot_id, people(app)["Ana"])
        await pilot.pause()
        assert "✔" in str(voters.get_option(f"p{people(app)['Ana']}").prompt)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
@pytest.mark.parametrize("where", ["set-up", "limits"])
async def test_a_cap_over_the_dots_is_said_once_and_the_dialogs_keys_stay_in_view(
    app: WorkshopApp, size: tuple[int, int], where: str
) -> None:
    """The dialog warns as the numbers are typed; Enter then refused it again in a notice, which at 80x24 covered
    the dialog's own keys. The warning becomes the refusal instead: one message for one fault."""
    async with app.run_test(size=size) as pilot:
        if where == "set-up":
            await open_setup(pilot)
            await set_limits(pilot, 2, 5)
        else:
            await open_private_vote(pilot, budget=3, cap=2)
            await pilot.press("l")
            await pilot.pause()
            assert isinstance(app.screen, LimitsScreen)
            await pilot.press("ctrl+a", "ctrl+k", "2", "tab", "ctrl+a", "ctrl+k", "5")
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, (VoteSetupScreen, LimitsScreen))
        assert dialog.query_one("#dialog-warning", Label).has_class("-refused")
        assert messages(app) == [] or not any("more than" in m for m in messages(app)), messages(app)
        shown = " ".join(screen_text(app).split())
        assert shown.count("more than the 2 dots") == 1, shown
        assert "escape cancels" in shown, "the dialog's keys are in view"


LONG_NAMES = ("Ana", "Ben", "Chloé", "Annika Johansson", "Maximiliana Oyelaran-Fitzgerald")


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
@pytest.mark.parametrize("anonymous", [True, False])
async def test_every_voter_row_stays_on_one_line_at_80x24_and_200x60(
    library: WorkshopLibrary, clock: FakeClock, size: tuple[int, int], anonymous: bool
) -> None:
    """Each kind of row (on a phone, voted or not; at the keyboard, voted or not; left) is one line of the voters'
    list: "Annika Johansson  votes on their phone" wrapped in a list 40 wide. The list is as wide as its rows
    need (up to 60 % of the screen); a name longer than that is cut with "…", never wrapped."""
    session = library.create("Rows", participants=list(LONG_NAMES), date="2027-01-15")
    session.agenda.next()
    for note in NOTES:
        session.notes.add(note)
    ids = {p.name: p.id for p in session.workshop.active_participants()}
    ballot = session.votes.open(session.workshop.current_stage_id, budget=1, cap=1, anonymous=anonymous)
    notes = [n.id for n in session.workshop.stage_notes(session.workshop.current_stage_id)]
    session.votes.cast(ballot.id, ids["Ana"], notes[0])
    session.votes.submit(ballot.id, ids["Ana"])
    session.votes.cast(ballot.id, ids["Chloé"], notes[1])
    session.participants.remove(ids["Chloé"])
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    try:
        async with app.run_test(size=size) as pilot:
            live = session_of(app)
            for name in ("Annika Johansson", "Ben"):
                live.votes.claim_device(ids[name])
            live.votes.cast(ballot.id, ids["Annika Johansson"], notes[2], device=True)
            live.votes.submit(ballot.id, ids["Annika Johansson"], device=True)
            await pilot.press("v")
            await pilot.pause()
            board = app.screen
            assert isinstance(board, VoteBoardScreen)
            other = (80, 24) if size[0] >= 200 else (200, 60)
            for width, height in (size, other, size):  # and after the terminal is resized
                await pilot.resize_terminal(width, height)
                await pilot.pause()
                voters = board.query_one("#board-list", OptionList)
                right = voters.region.right - 1
                lines = screen_text(app).splitlines()[voters.region.y + 1 : voters.region.bottom - 1]
                rows = [row for row in (line[1:right].strip() for line in lines) if row]
                assert len(rows) == len(LONG_NAMES), rows
                states = ("phone", "keyboard", "voted", "not yet", "dots kept")
                assert all(row.endswith(states) for row in rows), rows
                assert any("Annika Johansson" in row for row in rows), rows
                if width >= 200:
                    assert any("Maximiliana Oyelaran-Fitzgerald" in row for row in rows), rows
                else:
                    assert any("Maximiliana Oy" in row and "…" in row for row in rows), rows
                assert board.query_one("#board-notes").region.width >= width * 0.4
    finally:
        app.close_session()
