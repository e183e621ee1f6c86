"""Screens open without work proportional to the workshop that they do not show (issue #14), and the one-pass
forms of what they used to work out note by note give the same answers.

- ``voting.placeable_left`` (the ballot's "only N can still be placed") against its definition, note by note;
- ``screens.voting.closed_notes`` against ``note_problem`` for every kind of problem (deleted, moved, hidden);
- the summary builds only the decision and candidate rows it draws, and scrolling builds the rest;
- ``LazyOptionList``'s auto height, kept between layouts, follows every change of its options;
- ``Workshop.stage_notes``/``live_notes`` (read ``deleted_at`` directly) keep their answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.content import Content
from textual.geometry import Size
from textual.pilot import Pilot
from textual.widgets.option_list import Option

from facilitation import voting
from facilitation.clock import FakeClock
from facilitation.models import Ballot, Note, NoteMark, Workshop
from screens.app import WorkshopApp, make_app
from screens.voting import closed_notes, note_problem
from screens.widgets.lazy_list import LazyOptionList
from screens.widgets.rows import Cell, LaterRow, Row
from tests.test_ui_long_lists import DECISIONS, NOTES, SIZE, big_workshop, on_stage
from tests.ui_helpers import screen_text
from workshop.session import WorkshopLibrary
from workshop.store import Store

# --- the dots a voter can still place ----------------------------------------------------------------------


def placeable_by_definition(
    note_ids: list[int], closed: set[int], mine: dict[int, int], budget: int, cap: int
) -> int:
    """What the ballot screen worked out before: each open note's room under the cap, added up."""
    room = sum(max(0, cap - mine.get(n, 0)) for n in note_ids if n not in closed)
    return min(max(0, budget - sum(mine.values())), room)


@given(
    note_ids=st.lists(st.integers(1, 40), max_size=30),
    closed=st.sets(st.integers(1, 40), max_size=10),
    mine=st.dictionaries(st.integers(1, 40), st.integers(0, 6), max_size=10),
    budget=st.integers(1, 12),
    cap=st.integers(1, 5),
)
def test_placeable_left_is_each_open_notes_room_added_up(
    note_ids: list[int], closed: set[int], mine: dict[int, int], budget: int, cap: int
) -> None:
    """Also for dots over a lowered cap, dots on closed notes and notes listed twice."""
    expected = placeable_by_definition(note_ids, closed, mine, budget, cap)
    assert voting.placeable_left(note_ids, closed, mine, budget, cap) == expected


def test_closed_notes_are_the_notes_with_a_problem() -> None:
    ws = big_workshop()
    ballot = ws.ballots[1]
    ws.notes[5].deleted_at = 1_800_000_500.0  # deleted
    ws.notes[6].stage_id = 3  # moved to another stage
    ws.notes[7].withheld = True  # hidden from the room
    ballot.note_ids.append(99_999)  # no longer on file
    expected = {n for n in ballot.note_ids if note_problem(ws, ballot, n)}
    assert expected == {5, 6, 7, 99_999}
    assert closed_notes(ws, ballot) == expected
    final = Ballot(2, None, "Final", [5, 6, 8], budget=3, cap=1)  # across stages: a move is no problem
    assert closed_notes(ws, final) == {n for n in final.note_ids if note_problem(ws, final, n)} == {5}


def test_stage_notes_and_live_notes_leave_out_deleted_notes_in_display_order() -> None:
    ws = Workshop(id="w", title="W")
    for n, (stage, position) in enumerate([(1, 3.0), (1, 1.0), (2, 1.0), (1, 1.0), (1, 2.0)], start=1):
        ws.notes[n] = Note(n, stage, f"note {n}", position=position)
    ws.notes[5].deleted_at = 1.0
    assert [n.id for n in ws.stage_notes(1)] == [2, 4, 1]
    assert [n.id for n in ws.stage_notes(1, include_deleted=True)] == [2, 4, 5, 1]
    assert [n.id for n in ws.live_notes()] == [1, 2, 3, 4]


# --- the summary builds what it draws ------------------------------------------------------------------------


@pytest.fixture
def app(store: Store, clock: FakeClock) -> Iterator[WorkshopApp]:
    ws = big_workshop()
    for n in range(NOTES + 1, NOTES + DECISIONS + 1, 3):  # every third decision a candidate action instead
        ws.notes[n].mark = NoteMark.CANDIDATE
    library = WorkshopLibrary(store, clock=clock)
    session = library.import_workshop(ws)
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def built_bullets(list_: LazyOptionList) -> tuple[int, int]:
    """(rows built, rows in all) among the summary's note rows."""
    later = [o.prompt for o in list_.options if isinstance(o.prompt, LaterRow)]
    return sum(1 for row in later if row.built), len(later)


async def shown(pilot: Pilot[None], app: WorkshopApp, text: str, what: str) -> None:
    """Let the app run (10 s at most, for a busy machine) until ``text`` is on screen."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while text not in screen_text(app):
        assert loop.time() < deadline, what
        await pilot.pause(0.02)


async def test_the_summary_builds_only_the_notes_it_shows(app: WorkshopApp) -> None:
    from screens.summary import SummaryScreen, SummaryView

    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        await app.push_screen(SummaryScreen())
        await pilot.pause()
        view = app.screen.query_one("#summary", SummaryView)
        built, rows = built_bullets(view)
        assert rows == DECISIONS, "every decision and candidate is a row of its own"
        assert built <= SIZE[1], f"{built} of {rows} rows were built to show one screen"
        last = max(range(NOTES + 1, NOTES + DECISIONS + 1, 3))  # the last candidate: listed after the decisions
        view.scroll_end(animate=False)  # a jump: End's animation would draw (and build) the rows it passes
        await shown(pilot, app, f"Decision {last} ", "scrolling builds and shows the last one")
        assert built_bullets(view)[0] < rows, "the rows scrolled past are not all built"
        view.scroll_home(animate=False)
        await pilot.pause()
        await pilot.press("end")  # the key, animated: it lands on the last one (a few frames later when busy)
        await shown(pilot, app, f"Decision {last} ", "End shows the last one")


async def test_the_summary_lists_every_decision_and_candidate_in_order(app: WorkshopApp) -> None:
    from screens.summary import SummaryScreen, SummaryView

    async with app.run_test(size=SIZE) as pilot:
        await on_stage(pilot)
        await app.push_screen(SummaryScreen())
        await pilot.pause()
        view = app.screen.query_one("#summary", SummaryView)
        texts = [o.prompt.row.body.plain for o in view.options if isinstance(o.prompt, LaterRow)]
        candidates = list(range(NOTES + 1, NOTES + DECISIONS + 1, 3))
        decisions = [n for n in range(NOTES + 1, NOTES + DECISIONS + 1) if n not in candidates]
        assert [int(t.split()[1]) for t in texts] == decisions + candidates
        assert all(isinstance(o.prompt, LaterRow | Row) for o in view.options)


# --- the auto height, kept between layouts ------------------------------------------------------------------


class AutoList(App[None]):
    CSS = "LazyOptionList { height: auto; border: none; }"

    def compose(self) -> ComposeResult:
        yield LazyOptionList(*(self.row(f"line {i}") for i in range(5)))

    @staticmethod
    def row(body: str) -> Option:
        return Option(Row([Cell(Content("•"), 1)], Content(body)))


async def test_an_auto_height_list_follows_added_replaced_and_removed_options() -> None:
    app = AutoList()
    async with app.run_test(size=(40, 30)) as pilot:
        options = app.query_one(LazyOptionList)
        await pilot.pause()
        assert options.size.height == 5
        options.add_options([AutoList.row("six"), AutoList.row("seven")])
        await pilot.pause()
        assert options.size.height == 7
        options.replace_option_prompt_at_index(0, Row([Cell(Content("•"), 1)], Content("a\nb\nc")))
        await pilot.pause()
        assert options.size.height == 9, "a prompt three lines high"
        options.remove_option_at_index(6)
        await pilot.pause()
        assert options.size.height == 8
        options.set_options([AutoList.row("only")])
        await pilot.pause()
        assert options.size.height == 1


async def test_the_kept_auto_height_follows_every_change_of_the_options() -> None:
    """Inside a container not laid out yet a relative ``max-height`` does not apply, so the whole sum is asked
    for (as the set-up's list is, six times as it opens) and kept: each change must be seen."""
    app = AutoList()
    async with app.run_test(size=(40, 30)) as pilot:
        options = app.query_one(LazyOptionList)
        options.styles.max_height = "40vh"
        await pilot.pause()

        def height() -> int:
            return options.get_content_height(Size(40, 0), Size(40, 30), 38)

        assert height() == height() == 5
        options.add_options([AutoList.row("six"), AutoList.row("seven")])
        assert height() == 7
        options.replace_option_prompt_at_index(0, Row([Cell(Content("•"), 1)], Content("a\nb\nc")))
        await pilot.pause()
        assert height() == 9, "a prompt three lines high"
        options.remove_option_at_index(6)
        assert height() == 8
        options.set_options([AutoList.row("only"), AutoList.row("two\nlines")])
        assert height() == 3
        assert options.get_content_height(Size(40, 0), Size(40, 30), 6) > 3, "narrower: the rows wrap"


# --- the action plan builds the rows a first frame shows, the rest just after ---------------------------------

PLAN_ACTIONS = 200


@pytest.fixture
def plan_app(store: Store, clock: FakeClock) -> Iterator[WorkshopApp]:
    library = WorkshopLibrary(store, clock=clock)
    session = library.create("Plan of 200", participants=["Ana", "Ben"])
    for i in range(1, PLAN_ACTIONS + 1):
        session.actions.add(f"Action {i}", owner="Ana", due="2026-12-15")
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def plan_rows(app: WorkshopApp) -> list[str]:
    from textual.widgets import DataTable

    from screens.action_plan import ActionPlanScreen

    screen = app.screen
    assert isinstance(screen, ActionPlanScreen)
    table = screen.query_one("#actions", DataTable)
    return [screen.row_fields(i)[1] for i in range(table.row_count)]


async def test_the_plans_first_frame_builds_a_screen_of_rows_and_the_rest_follow(plan_app: WorkshopApp) -> None:
    from textual.widgets import DataTable

    from screens.action_plan import ActionPlanScreen

    app = plan_app
    async with app.run_test(size=(120, 36)) as pilot:
        await on_stage(pilot)
        at_first_frame: list[int] = []

        plan = ActionPlanScreen()

        def first_frame() -> None:
            at_first_frame.append(plan.query_one("#actions", DataTable).row_count)

        plan.call_after_refresh(first_frame)  # asked before the push: runs just after the plan's first frame
        await app.push_screen(plan)
        await pilot.pause()
        await pilot.pause()
        assert at_first_frame and at_first_frame[0] < PLAN_ACTIONS, "the first frame waited for every row"
        assert plan_rows(app) == [f"Action {i}" for i in range(1, PLAN_ACTIONS + 1)], "then all, in order"
        app.screen.query_one("#actions", DataTable).focus()
        await pilot.press("ctrl+end")  # DataTable's key to the last row
        await pilot.pause()
        assert "Action 200" in screen_text(app), "the last action is reached from the keyboard"


async def test_a_change_while_the_plans_rows_are_added_draws_each_row_once(plan_app: WorkshopApp) -> None:
    from screens.action_plan import ActionPlanScreen

    app = plan_app
    async with app.run_test(size=(120, 36)) as pilot:
        await on_stage(pilot)
        session = app.session
        assert session is not None
        screen = ActionPlanScreen()
        await app.push_screen(screen)
        last = session.workshop.ordered_actions()[-1]
        session.actions.add("One more")  # the table is drawn again before the first drawing's rows are all in
        screen.redraw(action_id=last.id)  # a row far below the first screen is selected: it is there at once
        assert screen.selected_action_id == last.id
        await pilot.pause()
        await pilot.pause()
        assert plan_rows(app) == [f"Action {i}" for i in range(1, PLAN_ACTIONS + 1)] + ["One more"]
