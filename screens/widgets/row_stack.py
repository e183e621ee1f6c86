"""Rows drawn one under another as one visual: a two-column key list without a Rich table.

Textual measures a Rich ``Table`` by drawing it, on every layout (the help screen drew its 23 key tables 2,344
times to open: about 110 ms). A ``RowStack`` of ``Row``s counts its height from where each row's text wraps and
draws each row once per width.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from screens.widgets.rows import Row


class RowStack(Visual):
    """``rows`` one under another, each as tall as its wrapped body."""

    __slots__ = ("_drawn", "rows")

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = tuple(rows)
        self._drawn: tuple[tuple[int, Style], list[Strip]] | None = None

    def __rich__(self) -> Text:
        """Every row as plain Rich text, one per line (for printing it outside a screen)."""
        return Text("\n").join(row.__rich__() for row in self.rows)

    def __str__(self) -> str:
        return "\n".join(row.__rich__().plain for row in self.rows)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((row.get_optimal_width(rules, container_width) for row in self.rows), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return sum(row.get_height(rules, width) for row in self.rows)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        drawn = self._drawn
        if drawn is None or drawn[0] != (width, style):
            strips: list[Strip] = []
            for row in self.rows:
                strips.extend(row.render_strips(width, None, style, options))
            drawn = self._drawn = ((width, style), strips)
        strips = drawn[1]
        if height is not None:
            blank = Strip.blank(width, style.rich_style)
            strips = strips[:height] + [blank] * max(0, height - len(strips))
        return strips
