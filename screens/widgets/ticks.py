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
from textual.visual import VisualType
from textual.widgets import Checkbox, OptionList, SelectionList
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from screens.widgets.lazy_list import LazyOptionList

ON, OFF = "[x]", "[ ]"
GUTTER = len(ON) + 1
"""Columns before an option's text: the tick and a space (``SelectionList`` keeps four for its button too)."""
T = TypeVar("T")


class TickBox(Checkbox):
    """A checkbox drawn as ``[x]`` or ``[ ]``."""

    @property
    def _button(self) -> Content:
        return Content.styled(ON if self.value else OFF, "bold")


class TickRow(Selection[T]):
    """A ``Selection`` whose prompt is any visual (a ``LaterRow``), kept whole: ``Selection`` turns its prompt
    into ``Content`` and keeps only the first line. Sets ``Selection``'s own two attributes (``_value``,
    ``_initial_state``: Textual 8.2.8, pinned by ``tests/test_ticks.py``)."""

    def __init__(
        self, prompt: VisualType, value: T, initial_state: bool = False, id: str | None = None
    ) -> None:
        Option.__init__(self, prompt, id)
        self._value = value
        self._initial_state = initial_state


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
            index, offset = self._lines[int(self.scroll_offset.y) + y]
        except IndexError:
            return line
        underlying = next(iter(line)).style if line.cell_length else None
        underlying = underlying or self.rich_style
        if offset:
            return Strip([Segment(" " * GUTTER, underlying), *line])
        selection = self.get_option_at_index(index)
        component = "selection-list--button"
        if selection.value in self._selected:
            component += "-selected"
        if self.highlighted == index:
            component += "-highlighted"
        button = self.get_component_rich_style(component) + Style(meta={"option": index})
        mark = ON if selection.value in self._selected else OFF
        return Strip([Segment(mark, button), Segment(" ", underlying), *line])
