"""Tick boxes that read from the back of a room: ``[x]`` and ``[ ]``.

Textual draws the same ``▐X▌`` whether a checkbox is on or off and lets colour alone tell them apart, which a
projector (or a colour-blind facilitator) can lose.
"""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip
from textual.widgets import OptionList, SelectionList

from screens.internals_widgets import DrawnButtonCheckbox, WholeSelection, selected_values
from screens.widgets.lazy_list import LazyOptionList

ON, OFF = "[x]", "[ ]"
GUTTER = len(ON) + 1
"""Columns before an option's text: the tick and a space (``SelectionList`` keeps four for its button too)."""
T = TypeVar("T")


class TickBox(DrawnButtonCheckbox):
    """A checkbox drawn as ``[x]`` or ``[ ]``."""

    def button_content(self) -> Content:
        return Content.styled(ON if self.value else OFF, "bold")


class TickRow(WholeSelection[T]):
    """A tick list's option: its prompt is any visual (a ``LaterRow``), kept whole (``WholeSelection``)."""


class TickList(SelectionList[T], LazyOptionList):
    """A selection list whose ticks are ``[x]`` or ``[ ]``, whose options may wrap over several lines (the tick
    on the first), and which measures only the options it draws (``LazyOptionList``: a set-up of 3,333 notes
    counted every note several times before its first frame).

    ``SelectionList`` draws its button on every line and takes line ``y`` for option ``y``, so an option that
    wraps showed a second button and shifted every tick below it; here each line is mapped to its option.
    """

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)  # the option's own line, without SelectionList's button
        try:
            index, offset = self.current_lines()[int(self.scroll_offset.y) + y]
        except IndexError:
            return line
        underlying = next(iter(line)).style if line.cell_length else None
        underlying = underlying or self.rich_style
        if offset:
            return Strip([Segment(" " * GUTTER, underlying), *line])
        selection = self.get_option_at_index(index)
        component = "selection-list--button"
        ticked = selection.value in selected_values(self)
        if ticked:
            component += "-selected"
        if self.highlighted == index:
            component += "-highlighted"
        button = self.get_component_rich_style(component) + Style(meta={"option": index})
        mark = ON if ticked else OFF
        return Strip([Segment(mark, button), Segment(" ", underlying), *line])
