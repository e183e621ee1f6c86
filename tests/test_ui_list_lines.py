"""A list draws again only the lines that change (issue #11: the facilitator's Enter in a busy room).

The stage's note list follows its newest note: each note added (a phone's, or the facilitator's own Enter) moves
the highlight onto it and scrolls the list by the note's height. Textual's ``OptionList`` drew every line in view
again for each of those three things (the scrollable height, the highlight, the scroll): 24 lines at 120x36 for a
two-line note, about half of each frame's CPU, and the facilitator's next Enter waited behind those frames. Now a
scroll by a few lines moves the lines already drawn (``screens.internals.keep_scrolled_lines``), a highlight
moved draws its two options, and a list that grew draws only from its old end. Counts of lines drawn anew
(``NoteList.render_line``: a line not taken from Textual's line cache) and, after every change, every line in
view compared with the same list drawn whole from scratch, so no line is ever left stale. Never timings.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets.option_list import Option

from screens.app import WorkshopApp
from screens.stage import StageScreen
from screens.widgets.lazy_list import LazyOptionList
from screens.widgets.note_list import NoteList
from tests.test_ui_phone_changes import app, library, phone_notes, ready, shown_in_order, workshop_id
from tests.ui_helpers import session_of, until

__all__ = ["app", "library", "workshop_id"]  # the same 60-note workshop and app as the phone-change tests


@pytest.fixture(autouse=True)
def follow_as_they_come(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each phone's note is followed as it comes (no gathering period), so each is its own frame."""
    monkeypatch.setattr(StageScreen, "FOLLOW_PERIOD", 0.0)


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every line a ``LazyOptionList`` drew anew (its ``render_line``, called only for a line not in the cache)."""
    lines: list[int] = []
    render_line = LazyOptionList.render_line

    def counting(self: LazyOptionList, y: int) -> Strip:
        lines.append(y)
        return render_line(self, y)

    monkeypatch.setattr(LazyOptionList, "render_line", counting)
    return lines


def segments(strips: list[Strip]) -> list[list[Any]]:
    return [list(strip) for strip in strips]


def as_drawn_whole(widget: Widget) -> tuple[list[list[Any]], list[list[Any]]]:
    """Every line of ``widget`` as it is drawn now (from Textual's line cache where it holds them), and the same
    lines drawn whole from scratch (``refresh`` empties the cache)."""
    whole = Region(0, 0, widget.region.width, widget.region.height)
    now = segments(widget.render_lines(whole))
    widget.refresh()
    return now, segments(widget.render_lines(whole))


def view_of(notes: NoteList) -> tuple[int, int]:
    """(scroll offset, the last line the list can scroll to)."""
    return int(notes.scroll_offset.y), int(notes.max_scroll_y)


SIZES = [(80, 24), (120, 36), (200, 60)]


@pytest.mark.parametrize("size", SIZES)
async def test_a_phone_note_at_the_end_draws_its_lines_and_the_highlight_left(
    app: WorkshopApp, drawn: list[int], size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        stage = await ready(app, pilot)
        notes = stage.notes
        assert notes.selected_note_id == notes.note_ids[-1]  # the facilitator is at the newest note
        for i in range(12):
            left = notes.highlighted
            assert left is not None
            left_lines = notes.line_cache.heights[left]
            before = view_of(notes)
            drawn.clear()
            await phone_notes(app, [f"Phone note {i}: customers answer each other first"], ["Ben"])
            await pilot.pause()
            new = notes.highlighted
            assert new is not None and new == left + 1 and notes.selected_note_id == notes.note_ids[-1]
            offset, bottom = view_of(notes)
            assert offset == bottom > before[0]  # scrolled by the new note's height, to the end
            # the new note's lines and the lines of the note the highlight left: not every line in view
            assert 0 < len(drawn) <= notes.line_cache.heights[new] + left_lines
            now, whole = as_drawn_whole(notes)
            assert now == whole
        assert shown_in_order(app, notes)


async def test_the_facilitators_enter_scrolls_the_list_drawing_only_the_new_lines(
    app: WorkshopApp, drawn: list[int]
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        stage = await ready(app, pilot)
        notes = stage.notes
        field = stage.query_one("#note-input")
        field.focus()
        for i in range(6):
            await pilot.pause()
            drawn.clear()
            text = f"Typed {i}"
            await pilot.press(*text, "enter")
            await until(
                pilot, lambda t=text: any(n.text == t for n in session_of(app).workshop.notes.values()), text
            )
            await pilot.pause()
            assert notes.selected_note_id == notes.note_ids[-1]
            offset, bottom = view_of(notes)
            assert offset == bottom
            assert 0 < len(drawn) <= 4  # a one-line note and the one-line note before it
            now, whole = as_drawn_whole(notes)
            assert now == whole
        assert shown_in_order(app, notes)


async def test_moving_the_highlight_in_view_draws_the_two_notes_only(
    app: WorkshopApp, drawn: list[int]
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        stage = await ready(app, pilot)
        notes = stage.notes
        notes.focus()
        await pilot.pause()
        for key in ("up", "up", "down", "up"):
            before = view_of(notes)
            drawn.clear()
            await pilot.press(key)
            await pilot.pause()
            assert view_of(notes) == before
            assert 0 < len(drawn) <= 2  # one-line notes: the one left and the one reached
            now, whole = as_drawn_whole(notes)
            assert now == whole


async def test_scrolling_up_and_down_by_a_line_draws_the_line_that_comes_into_view(
    app: WorkshopApp, drawn: list[int]
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        stage = await ready(app, pilot)
        notes = stage.notes
        notes.focus()
        await pilot.press(
            "pageup", "pageup"
        )  # a screen above the view visited: its notes are counted, not guessed
        await pilot.press("end")
        await pilot.pause()
        for step in (-1, -1, -3, 2, 1, 1):
            offset, _ = view_of(notes)
            drawn.clear()
            notes.scroll_to(y=offset + step, animate=False, immediate=True)
            await pilot.pause()
            assert view_of(notes)[0] == offset + step
            assert 0 < len(drawn) <= abs(step)
            now, whole = as_drawn_whole(notes)
            assert now == whole


async def test_paging_through_notes_placed_by_guesses_shows_them_right(app: WorkshopApp) -> None:
    """Paging up into notes placed by a guessed height (never drawn yet): counted as they come into view, the
    lines below them may move, and every line is drawn again; what is shown equals the list drawn whole."""
    async with app.run_test(size=(80, 24)) as pilot:
        stage = await ready(app, pilot)
        session = session_of(app)
        stage_id = session.workshop.current_stage_id
        await phone_notes(
            app,
            [f"A long note {i}: " + "the room wrote a lot here " * (i % 5) for i in range(80)],
            ["Ana"] * 80,
        )
        await pilot.pause()
        notes = stage.notes
        notes.focus()
        for key in ("pageup", "pageup", "up", "pageup", "home", "pagedown", "down", "end"):
            await pilot.press(key)
            await pilot.pause()
            now, whole = as_drawn_whole(notes)
            assert now == whole, key
        assert notes.note_ids == [n.id for n in session.workshop.stage_notes(stage_id)]


class Plain(App[None]):
    def compose(self) -> ComposeResult:
        yield LazyOptionList(*[Option(f"Option {i}") for i in range(100)], id="plain")


async def test_a_plain_lazy_list_scrolled_by_a_line_draws_one_line() -> None:
    app = Plain()
    drawn: list[int] = []
    async with app.run_test(size=(40, 12)) as pilot:
        options = app.query_one(LazyOptionList)
        options.styles.height = "1fr"
        await pilot.pause()
        options.focus()
        await pilot.pause()
        render_line = options.render_line

        def counting(y: int) -> Strip:
            drawn.append(y)
            return render_line(y)

        options.render_line = counting  # type: ignore[method-assign]
        options.highlighted = 0
        await pilot.pause()
        view = options.scrollable_content_region.height
        for i in range(1, view + 5):  # walks down past the bottom: one line scrolled in each time
            drawn.clear()
            options.action_cursor_down()
            await pilot.pause()
            assert options.highlighted == i
            assert 0 < len(drawn) <= 2
            now, whole = as_drawn_whole(options)
            assert now == whole
        assert int(options.scroll_offset.y) == view + 4 - (view - 1)
