"""Tick boxes that read from the back of a room: ``[x]`` and ``[ ]``.

Textual draws the same ``▐X▌`` whether a checkbox is on or off and lets colour alone tell them apart, which a
projector (or a colour-blind facilitator) can lose.
"""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

ON, OFF = "[x]", "[ ]"
T = TypeVar("T")


class TickBox(Checkbox):
    """A checkbox drawn as ``[x]`` or ``[ ]``."""

    @property
    def _button(self) -> Content:
        return Content.styled(ON if self.value else OFF, "bold")


class TickList(SelectionList[T]):
    """A selection list whose ticks are ``[x]`` or ``[ ]`` (one line per option, as ``SelectionList`` draws)."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        _, scroll_y = self.scroll_offset
        try:
            selection = self.get_option_at_index(scroll_y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        if len(segments) < 3 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        mark = ON if selection.value in self._selected else OFF
        return Strip([Segment(mark, segments[1].style), *segments[3:]])
