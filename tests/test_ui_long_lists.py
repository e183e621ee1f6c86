"""Long ballots and results are virtualised: only the rows on screen are measured and drawn, and scrolling
reaches every row with the highlight kept in view.

The workshop here has 3,000 notes on its Vision stage (some long enough to wrap over several lines) and an
open dot vote on all of them; every participant has voted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest
from textual.css.styles import RulesMap
from textual.pilot import Pilot
from textual.screen import Screen

from facilitation.clock import FakeClock
from facilitation.models import Ballot, Note, NoteMark, Vote, Workshop
from screens.app import WorkshopApp, make_app
from screens.stage import StageScreen
from screens.voting.ballot import ParticipantBallotScreen
from screens.voting.board import VoteBoardScreen
from screens.voting.results import VoteResultsScreen
from screens.widgets.lazy_list import LazyOptionList
from tests.ui_helpers import screen_text, session_of
from tests.workshops import agenda_workshop
from workshop.session import WorkshopLibrary
from workshop.store import Store

NOTES = 3_000
DECISIONS = 300
BALLOT = 1
SIZE = (100, 30)


LONG_WORD = "customers-answering-each-other-first-in-the-forum"
"""50 characters: one to a line in the ballot's columns, so a guess from the note's length is far too low."""


def note_text(number: int) -> str:
    """Short, long and multi-line notes, so rows have different heights; each ends with its own tag."""
    filler = " ".join([LONG_WORD] * (number % 7))
    lines = "\nsecond line" if number % 11 == 0 else ""
    return f"Idea {number} {filler}{lines} tag{number}x"


def big_workshop() -> Workshop:
    ws = agenda_workshop("big", "Big vote", NOTES, note_text)
    for n in range(NOTES + 1, NOTES + DECISIONS + 1):  # decisions on the Strategy stage, for the summary
        note = Note(
            n, 3, f"Decision {n} {LONG_WORD}", None, 1_800_000_000.0 + n, 1_800_000_000.0 + n, float(n)
        )
        note.mark = NoteMark.DECISION
        ws.notes[n] = note
    people = list(ws.participants)
    ws.ballots[BALLOT] = Ballot(
        BALLOT,
        2,
        "Vision vote",
        list(range(1, NOTES + 1)),
        budget=3,
        cap=3,
        eligible=people,
        submitted=people,
    )
    votes = [(1, 1), (1, 1), (2, 1), (3, NOTES), (2, NOTES), (3, 2)]
    for vote_id, (person, note_id) in enumerate(votes, start=1):
        ws.votes[vote_id] = Vote(vote_id, BALLOT, person, note_id)
    return ws


@pytest.fixture
def app(store: Store, clock: FakeClock) -> Iterator[WorkshopApp]:
    library = WorkshopLibrary(store, clock=clock)
    session = library.import_workshop(big_workshop())
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


async def on_stage(pilot: Pilot[None]) -> None:
    while not isinstance(pilot.app.screen, StageScreen):
        await pilot.pause()


def in_view(rows: LazyOptionList) -> bool:
    """The highlighted row lies wholly inside the list's window, and every row in the window is placed at the
    height it is drawn (counted, not guessed)."""
    assert rows.highlighted is not None
    window_top = int(rows.scroll_offset.y)
    lines = rows._lines[window_top : window_top + rows.scrollable_content_region.height]
    width = rows.scrollable_content_region.width
    for index in sorted({index for index, _ in lines}):
        exact = rows._get_visual(rows.options[index]).get_height(cast(RulesMap, rows.styles), width)
        assert rows._heights[index] == exact, (
            f"row {index} is placed {rows._heights[index]} high, drawn {exact}"
        )
    top = rows._index_to_line[rows.highlighted]
    height = rows._heights[rows.highlighted]
    return window_top <= top and top + height <= window_top + rows.scrollable_content_region.height


async def test_the_board_of_a_3000_note_ballot_measures_only_what_it_shows(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        await app.push_screen(VoteBoardScreen(BALLOT))
        await pilot.pause()
        notes = app.screen.query_one("#board-notes", LazyOptionList)
        assert notes.option_count == NOTES
        assert notes.guessed_count() > NOTES - 100, "only the notes on screen were counted"
        assert "tag1x" in screen_text(app)
        notes.focus()
        await pilot.press("end")
        await pilot.pause()
        assert f"tag{NOTES}x" in screen_text(app), "scrolling to the end shows the last note"
        assert in_view(notes)
        assert notes.guessed_count() > NOTES - 200


async def test_the_highlight_stays_in_view_paging_through_a_long_result(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        session_of(app).votes.close(BALLOT)
        await app.push_screen(VoteResultsScreen(BALLOT))
        await pilot.pause()
        ranking = app.screen.query_one("#ranking", LazyOptionList)
        text = screen_text(app)
        assert "tag1x" in text and f"tag{NOTES}x" in text, "the two notes with most dots come first"
        for _ in range(12):
            await pilot.press("pagedown")
            await pilot.pause()
            assert in_view(ranking)
        await pilot.press("end")
        await pilot.pause()
        assert in_view(ranking)
        last = session_of(app).votes.result(BALLOT).ranked[-1].note_id
        assert f"tag{last}x" in screen_text(app)
        for _ in range(5):
            await pilot.press("pageup", "up", "up")
            await pilot.pause()
            assert in_view(ranking)
        await pilot.press("home")
        await pilot.pause()
        assert ranking.scroll_offset.y == 0 and ranking.highlighted == 0


async def test_a_mark_on_a_long_result_redraws_that_row(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        session_of(app).votes.close(BALLOT)
        await app.push_screen(VoteResultsScreen(BALLOT))
        await pilot.pause()
        ranking = app.screen.query_one("#ranking", LazyOptionList)
        await pilot.press("end", "x")
        await pilot.pause()
        last = session_of(app).votes.result(BALLOT).ranked[-1].note_id
        assert session_of(app).workshop.notes[last].mark == "decision"
        assert "DECISION" in screen_text(app) and in_view(ranking)


async def test_a_voter_reaches_the_last_note_of_a_long_ballot_and_dots_it(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        session = session_of(app)
        session.votes.unsubmit(BALLOT, 1)
        await app.push_screen(ParticipantBallotScreen(BALLOT, 1))
        await pilot.pause()
        notes = app.screen.query_one("#ballot-notes", LazyOptionList)
        for _ in range(3):
            await pilot.press("pagedown")
            await pilot.pause()
            assert in_view(notes)
        await pilot.press("end")
        await pilot.pause()
        assert in_view(notes)
        await pilot.press("minus")  # Ana's two dots are on note 1: take one back from it later
        await pilot.press("home", "minus")
        await pilot.pause()
        await pilot.press("end", "plus")
        await pilot.pause()
        assert session.votes.participant_dots(BALLOT, 1) == {1: 1, NOTES: 1}
        assert f"tag{NOTES}x" in screen_text(app) and "●○○" in screen_text(app)
        assert notes.guessed_count() > NOTES - 200, "a dot counted one row again, not the ballot"


async def test_the_summary_scrolls_to_its_last_line_and_back(app: WorkshopApp) -> None:
    from screens.summary import SummaryScreen, SummaryView

    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        await app.push_screen(SummaryScreen())
        await pilot.pause()
        view = app.screen.query_one("#summary", SummaryView)
        assert view.has_focus and "1. Vision" in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert f"Decision {NOTES + DECISIONS} " in screen_text(app), "the last decision is on screen"
        assert view.highlighted is None, "the summary is read, not selected from"
        await pilot.press("pageup", "pageup", "home")
        await pilot.pause()
        assert view.scroll_offset.y == 0 and "1. Vision" in screen_text(app)


async def test_a_stage_of_3000_notes_opens_on_its_newest_note_counting_only_what_it_shows(
    app: WorkshopApp,
) -> None:
    from screens.widgets.note_list import NoteList

    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        await pilot.pause()
        notes = app.screen.query_one(NoteList)
        assert notes.note_count == NOTES
        assert f"tag{NOTES}x" in screen_text(app), "the newest note is in view"
        assert in_view(notes)
        assert notes.guessed_count() > NOTES - 200, "only the notes on screen were counted"
        await pilot.press("home")
        await pilot.pause()
        assert "tag1x" in screen_text(app) and in_view(notes)


async def test_a_setup_of_3000_notes_counts_what_it_shows_and_ticks_each_note_once(app: WorkshopApp) -> None:
    """The set-up's tick list measures only the notes on screen, and a note that wraps over several lines has
    one tick, on its first line (``SelectionList`` drew one on every line and shifted the ticks below it)."""
    from textual.widgets import SelectionList

    from screens.voting.setup import VoteSetupScreen

    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        session = session_of(app)
        session.votes.close(BALLOT)
        await app.push_screen(VoteSetupScreen(2))
        await pilot.pause()
        notes = app.screen.query_one("#ballot-notes", SelectionList)
        assert isinstance(notes, LazyOptionList)
        assert notes.option_count == NOTES
        assert notes.guessed_count() > NOTES - 100, "only the notes on screen were counted"
        window = notes.scrollable_content_region.height
        shown = notes._lines[:window]
        assert any(offset > 0 for _, offset in shown), "some notes on screen wrap"
        text = screen_text(app)
        assert text.count("[x]") == len({index for index, offset in shown if offset == 0})
        boxes = text.count("[ ]")  # the unticked "room tally" and "named" boxes below the list
        await pilot.press("down", "space")  # untick note 2 (two lines long): only its own tick changes
        await pilot.pause()
        text = screen_text(app)
        assert text.count("[ ]") == boxes + 1 and 2 not in notes.selected
        await pilot.press("end", "space")
        await pilot.pause()
        assert f"tag{NOTES}x" in screen_text(app) and in_view(notes)
        assert notes.guessed_count() > NOTES - 200
        await pilot.press("ctrl+s")
        await pilot.pause()
        ballot = max(session.workshop.ballots.values(), key=lambda b: b.id)
        assert ballot.status == "open" and ballot.note_ids == [n for n in range(1, NOTES) if n != 2]


async def test_a_stage_of_3000_notes_builds_only_the_notes_it_draws(app: WorkshopApp) -> None:
    from screens.widgets.note_list import LaterNotePrompt, NoteList

    def built(notes: NoteList) -> set[int]:
        prompts = [cast(LaterNotePrompt, option.prompt) for option in notes.options]
        assert all(isinstance(prompt, LaterNotePrompt) for prompt in prompts)
        return {index for index, prompt in enumerate(prompts) if prompt.built}

    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        await pilot.pause()
        notes = app.screen.query_one(NoteList)
        first = built(notes)
        assert NOTES - 1 in first, "the newest note, on screen, is built"
        assert len(first) < 100, "the notes off screen are not"
        await pilot.press("home")
        await pilot.pause()
        assert "tag1x" in screen_text(app) and in_view(notes)
        assert 0 in built(notes) and len(built(notes)) < 200
        assert str(notes.get_option_at_index(0).prompt).endswith("tag1x"), "a prompt reads as its note"


def line_map_is_whole(rows: LazyOptionList) -> bool:
    """The line map holds, for the options placed so far (a prefix), exactly each option's lines at its placed
    height, and each option's first line where the heights above it put it (after guesses were corrected)."""
    cache = rows.line_cache
    placed = rows.placed_count()
    expected = [(index, line) for index in range(placed) for line in range(cache.heights[index])]
    assert list(cache.lines) == expected, "lines out of step with the heights"
    top = 0
    for index in range(placed):
        assert cache.index_to_line[index] == top, f"option {index} starts at the wrong line"
        top += cache.heights[index]
    return True


async def test_a_3000_note_board_places_only_the_rows_near_the_view_and_the_rest_on_scrolling(
    app: WorkshopApp,
) -> None:
    """The board opens with only the rows of its first screens placed (not 3,000 guesses), its scrollbar sized
    from their average; scrolling places and draws the rows further down, and the line map stays whole through
    the corrected guesses (the 50-character words make the guesses wrong)."""
    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        await app.push_screen(VoteBoardScreen(BALLOT))
        await pilot.pause()
        notes = app.screen.query_one("#board-notes", LazyOptionList)
        first = notes.placed_count()
        assert 0 < first < 200, f"{first} rows placed for a first screen"
        assert notes.virtual_size.height > 10 * len(notes.line_cache.lines), "the scrollbar counts every row"
        assert line_map_is_whole(notes)
        notes.scroll_to(y=notes.max_scroll_y // 2, animate=False)
        await pilot.pause()
        middle = notes.placed_count()
        assert first < middle < NOTES, "scrolling half way placed the rows down to there, not the rest"
        top = int(notes.scroll_offset.y)
        shown = notes.line_cache.lines[top][0] + 1  # the note at the top of the window (note n is option n-1)
        assert f"tag{shown}x" in screen_text(app) or f"#{shown}" in screen_text(app)
        assert line_map_is_whole(notes)
        notes.scroll_end(animate=False)
        await pilot.pause()
        assert notes.placed_count() == NOTES and f"tag{NOTES}x" in screen_text(app)
        assert line_map_is_whole(notes)
        assert notes.virtual_size.height == len(notes.line_cache.lines), "all placed: the scrollbar is exact"


async def test_keys_in_a_long_tick_list_reach_rows_not_placed_when_it_opened(app: WorkshopApp) -> None:
    """Paging down a set-up of 3,000 notes from the top goes on past the rows placed for the first frame, one
    window at a time, with the highlighted row in view each time."""
    from textual.widgets import SelectionList

    from screens.voting.setup import VoteSetupScreen

    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        session_of(app).votes.close(BALLOT)
        await app.push_screen(VoteSetupScreen(2))
        await pilot.pause()
        notes = app.screen.query_one("#ballot-notes", SelectionList)
        assert isinstance(notes, LazyOptionList)
        first = notes.placed_count()
        assert first < 200
        highlighted = [0]
        while notes.placed_count() <= first + 10:
            await pilot.press("pagedown")
            await pilot.pause()
            assert notes.highlighted is not None and notes.highlighted > highlighted[-1], "paging moved on"
            highlighted.append(notes.highlighted)
            assert in_view(notes) and line_map_is_whole(notes)
            assert len(highlighted) < 40, "paging never got past the first rows placed"
        shown = notes.highlighted + 1
        assert f"tag{shown}x" in screen_text(app) or f"#{shown} " in screen_text(app)


# --- a long list builds a screen of rows for its first frame, the rest just after it ---------------------------


def first_frame_count(screen: Screen[Any], list_id: str) -> list[int]:
    """The options ``list_id`` holds when ``screen`` draws its first frame (filled in once it has). Asked before
    the screen is pushed: its own ``call_after_refresh`` runs just after the first frame it draws; the app's, asked
    once ``push_screen`` had returned, waited for the frame after that when the first was drawn already."""
    counted: list[int] = []
    screen.call_after_refresh(lambda: counted.append(screen.query_one(list_id, LazyOptionList).option_count))
    return counted


async def test_the_board_builds_a_screen_of_its_3000_notes_first_and_the_rest_just_after(
    app: WorkshopApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        board = VoteBoardScreen(BALLOT)
        counted = first_frame_count(board, "#board-notes")
        await app.push_screen(board)
        await pilot.pause()
        await pilot.pause()
        assert counted and counted[0] < 100, "the first frame built every note of the ballot"
        notes = app.screen.query_one("#board-notes", LazyOptionList)
        assert [o.id for o in notes.options] == [f"n{n}" for n in range(1, NOTES + 1)], "then all, in order"
        notes.scroll_end(animate=False)
        await pilot.pause()
        assert f"tag{NOTES}x" in screen_text(app)


async def test_the_setups_keys_act_on_every_note_before_the_rest_of_the_rows_are_in(app: WorkshopApp) -> None:
    """Opening the vote (ctrl+s) and all/none (ctrl+a) as the set-up opens, before the rows below its first
    screen are added, act on every note; the dots default counts them all from the first frame."""
    from facilitation import voting
    from screens.voting.setup import VoteSetupScreen
    from screens.widgets.ticks import TickList

    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        session = session_of(app)
        session.votes.close(BALLOT)
        setup = VoteSetupScreen(2)
        await app.push_screen(setup)
        notes = setup.query_one("#ballot-notes", TickList)
        assert notes.pending and notes.option_count < 100, "the rest of the rows come after the first frame"
        assert setup.query_one("#budget").value == str(voting.default_budget(NOTES))  # type: ignore[attr-defined]
        summary = setup.query_one("#dialog-summary")
        assert str(summary.render()).startswith(f"{NOTES} notes on the ballot"), "those to come count as ticked"
        notes.toggle(1)  # space on the first note, with the rest still to come
        await pilot.pause()
        assert str(summary.render()).startswith(f"{NOTES - 1} notes on the ballot")
        setup.action_toggle_all()  # ctrl+a: all (one was unticked)
        setup.action_toggle_all()  # ctrl+a: none
        assert not notes.pending and notes.option_count == NOTES and not notes.selected
        setup.action_toggle_all()  # ctrl+a: all
        await pilot.pause()
        assert len(notes.selected) == NOTES

        setup = VoteSetupScreen(2)
        app.pop_screen()
        await app.push_screen(setup)
        notes = setup.query_one("#ballot-notes", TickList)
        assert notes.pending, "ctrl+s comes before the rest of the rows"
        setup.action_open_vote()
        await pilot.pause()
        ballot = max(session.workshop.ballots.values(), key=lambda b: b.id)
        assert ballot.id != BALLOT and ballot.status == "open"
        assert ballot.note_ids == list(range(1, NOTES + 1)), "every note went on the ballot, in board order"


async def test_the_action_plan_builds_a_screen_of_candidates_first_and_keeps_a_highlight_far_down(
    app: WorkshopApp,
) -> None:
    from screens.action_plan import ActionPlanScreen

    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        session = session_of(app)
        expected = [f"n{c.note.id}" for c in session.actions.candidates()]
        assert len(expected) >= DECISIONS
        screen = ActionPlanScreen()
        counted = first_frame_count(screen, "#candidates")
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.pause()
        assert counted and counted[0] < 100, "the first frame built every candidate"
        candidates = screen.query_one("#candidates", LazyOptionList)
        assert [o.id for o in candidates.options] == expected, "then all, in order"
        await pilot.press("end")
        await pilot.pause()
        last = screen.selected_candidate
        assert last is not None and last.note.id == int(expected[-1][1:])
        screen.redraw()  # a change: the candidates are listed again, the highlight stays on the last one
        assert screen.selected_candidate == last and candidates.highlighted == len(expected) - 1
        await pilot.pause()
        assert [o.id for o in candidates.options] == expected and in_view(candidates)
