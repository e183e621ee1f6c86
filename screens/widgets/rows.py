"""Rows for long lists: fixed cells beside text that wraps, measured by counting where the text wraps.

A ballot or a result can hold thousands of notes. Textual measures a Rich table by drawing it (3,362 notes took
8.9 s to open a vote board), so a row here is a ``Row``: narrow one-line cells (a place, a bar, a count) and one
body of ``Content`` that wraps under its own column, like a hanging indent. Its height is counted from where the
text breaks (rich's ``divide_line``, the word-wrap Textual's ``Content`` uses, through ``screens.internals``), never by laying it out, and a
``LazyOptionList`` (``screens.widgets.lazy_list``) asks for that count only for the rows it draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from screens.internals import divide_line

TAB_SIZE = 8
"""Tabs expand to this many columns, as Textual expands them when it draws ``Content``."""


def wrapped_height(text: str, width: int, *, fold: bool = True) -> int:
    """Lines ``text`` takes when word-wrapped at ``width`` cells (at least 1), as Textual's ``Content`` wraps it.

    ``text`` has no tabs (expand them first); every ``\\n`` starts a line. ``fold`` breaks a word longer than a
    line across lines (Textual's default ``text-overflow: fold``). Source of the rule: rich's ``divide_line``,
    which ``Content`` calls for each line; ``tests/test_rows.py`` checks the count against Textual's layout.
    """
    width = max(1, width)
    lines = 0
    for line in text.split("\n"):
        if len(line) <= width and line.isascii():
            lines += 1  # an ASCII character is one cell: the line fits, nothing to break
        else:
            lines += len(divide_line(line, width, fold=fold)) + 1
    return lines


def estimated_height(text: str, width: int) -> int:
    """A cheap guess at ``wrapped_height`` (characters over width, per line): for rows not yet on screen."""
    width = max(1, width)
    return sum(max(1, -(-len(line) // width)) for line in text.split("\n"))


@dataclass(frozen=True, slots=True)
class Cell:
    """One fixed-width column of a row: one line, cut with an ellipsis when it is too long."""

    content: Content
    width: int
    align: Literal["left", "right"] = "left"


_BODY_RULES: RulesMap = {"text_wrap": "wrap", "text_overflow": "fold", "text_align": "left", "line_pad": 0}


class Row(Visual):
    """Fixed cells, then a body that wraps in the width left over; its height is counted, not laid out.

    ``cells`` are drawn on the row's first line (blank below it); ``gap`` blank columns follow each cell. The
    body's tabs are expanded up front so the count and the drawing agree. Heights are remembered per width:
    a list asks again after every change to any row.
    """

    __slots__ = ("_height_at", "body", "cells", "fixed", "gap")

    def __init__(self, cells: Sequence[Cell], body: Content, *, gap: int = 1) -> None:
        self.cells = tuple(cells)
        self.body = body.expand_tabs(TAB_SIZE) if "\t" in body.plain else body
        self.gap = gap
        self.fixed = sum(cell.width + gap for cell in self.cells)
        self._height_at: tuple[int, int] | None = None

    def __rich__(self) -> Text:
        """The row as plain Rich text (cells, then the body), for printing it outside a list."""
        return Text(" ".join([*(cell.content.plain for cell in self.cells), self.body.plain]))

    def body_width(self, width: int) -> int:
        """Cells the body wraps in when the row is ``width`` cells wide (at least 1)."""
        return max(1, width - self.fixed)

    def known_height(self, width: int) -> int | None:
        """The height already counted at ``width``, or ``None``."""
        measured = self._height_at
        return measured[1] if measured is not None and measured[0] == width else None

    def estimate_height(self, width: int) -> int:
        """A quick guess at the height (see ``estimated_height``), for a row not drawn yet."""
        known = self.known_height(width)
        return known if known is not None else estimated_height(self.body.plain, self.body_width(width))

    def get_height(self, rules: RulesMap, width: int) -> int:
        known = self.known_height(width)
        if known is None:
            known = wrapped_height(self.body.plain, self.body_width(width))
            self._height_at = (width, known)
        return known

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.fixed + max((line.cell_length for line in self.body.split("\n")), default=0)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        body_width = self.body_width(width)
        rich_style = style.rich_style
        body = self.body.render_strips(body_width, None, style, RenderOptions(options.get_style, _BODY_RULES))
        rows = max(1, len(body)) if height is None else height
        first: list[Strip] = []
        for cell in self.cells:
            rules: RulesMap = {"text_wrap": "nowrap", "text_overflow": "ellipsis", "text_align": cell.align}
            drawn = cell.content.render_strips(cell.width, 1, style, RenderOptions(options.get_style, rules))
            strip = drawn[0] if drawn else Strip.blank(cell.width, rich_style)
            first.append(strip.crop_extend(0, cell.width, rich_style))
            if self.gap:
                first.append(Strip.blank(self.gap, rich_style))
        blank_cells = Strip.blank(self.fixed, rich_style)
        strips = []
        for y in range(rows):
            line = body[y] if y < len(body) else Strip.blank(body_width, rich_style)
            line = line.crop_extend(0, body_width, rich_style)
            strips.append(Strip.join([*first, line]) if y == 0 and first else Strip.join([blank_cells, line]))
        return strips


class LaterRow(Visual):
    """A ``Row`` built only when it is first measured exactly or drawn: a list of thousands of notes builds the
    few on screen. Until then its height is guessed from ``length`` (characters in the body) and ``fixed``
    (columns taken by the cells and their gaps)."""

    __slots__ = ("_build", "_row", "fixed", "length")

    def __init__(self, build: Callable[[], Row], *, fixed: int, length: int) -> None:
        self._build: Callable[[], Row] | None = build
        self._row: Row | None = None
        self.fixed = fixed
        self.length = length

    @property
    def row(self) -> Row:
        """The row itself, built on first use."""
        if self._row is None:
            assert self._build is not None
            self._row, self._build = self._build(), None
        return self._row

    @property
    def built(self) -> bool:
        """Whether the row has been built (counted or drawn) yet."""
        return self._row is not None

    def __rich__(self) -> Text:
        return self.row.__rich__()

    def known_height(self, width: int) -> int | None:
        return None if self._row is None else self._row.known_height(width)

    def estimate_height(self, width: int) -> int:
        if self._row is not None:
            return self._row.estimate_height(width)
        return max(1, -(-self.length // max(1, width - self.fixed)))

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.row.get_height(rules, width)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.row.get_optimal_width(rules, container_width)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.row.render_strips(width, height, style, options)
