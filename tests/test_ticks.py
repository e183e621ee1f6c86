"""The vote set-up's tick list (``screens.widgets.ticks``): a tick per note on its first line, ``[x]``/``[ ]``,
clicks and space toggle the note they are on, and what it relies on in ``Selection`` is still there."""

from __future__ import annotations

import inspect
from functools import partial

from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets.selection_list import Selection

from screens.widgets.rows import Cell, LaterRow, Row
from screens.widgets.ticks import GUTTER, OFF, ON, TickList, TickRow

WIDTH = 40


def _row(number: int, text: str) -> Row:
    return Row([Cell(Content(f"#{number}"), 3, "right")], Content(text))


def _tick(number: int, text: str, ticked: bool = True) -> TickRow[int]:
    return TickRow(LaterRow(partial(_row, number, text), fixed=4, length=len(text)), number, ticked)


class Ticks(App[None]):
    def compose(self) -> ComposeResult:
        yield TickList[int](
            _tick(1, "short"),
            _tick(2, "a note long enough to wrap over three lines of this narrow list, at least", False),
            _tick(3, "after the long one"),
            id="ticks",
        )


def test_selection_still_keeps_the_two_attributes_a_tick_row_sets() -> None:
    source = inspect.getsource(Selection.__init__)
    assert "self._value" in source and "self._initial_state" in source
    row = _tick(7, "x", False)
    assert row.value == 7 and row.initial_state is False


async def test_one_tick_per_note_on_its_first_line_and_space_toggles_that_note() -> None:
    app = Ticks()
    async with app.run_test(size=(WIDTH, 12)) as pilot:
        ticks = app.query_one(TickList)
        ticks.focus()
        await pilot.pause()

        def lines() -> list[str]:
            return [ticks.render_line(y).text for y in range(ticks.scrollable_content_region.height)]

        drawn = lines()
        starts = [line[: len(ON)] for line in drawn if line[: len(ON)] in (ON, OFF)]
        assert starts == [ON, OFF, ON], drawn
        long_lines = [i for i, (index, _) in enumerate(ticks._lines) if index == 1]
        assert len(long_lines) >= 3
        assert all(drawn[i].startswith(" " * GUTTER) for i in long_lines[1:])
        assert "#3" in drawn[long_lines[-1] + 1], "the note after a wrapped one is drawn on its own line"
        await pilot.press("down", "down", "space")  # the third note: its own tick goes, the others stay
        await pilot.pause()
        assert ticks.selected == [1]
        starts = [line[: len(ON)] for line in lines() if line[: len(ON)] in (ON, OFF)]
        assert starts == [ON, OFF, OFF]
