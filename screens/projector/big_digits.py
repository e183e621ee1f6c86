"""Digits as big as the space they are given: a 5×7 dot font scaled by a whole number and drawn in half blocks.

Textual's ``Digits`` is always three rows tall, which a room reads from a few metres at most. Here each dot of the
font becomes ``scale`` columns by ``scale`` half-rows (``▀``, ``▄``, ``█``), so the dots stay square on a terminal
whose cells are about twice as tall as wide, and the widget picks the largest scale that fits its size: 6 at
200×60 (a countdown about 20 rows tall), 2 at 80×24. Below scale 1 it falls back to plain bold text.
"""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from screens.internals import repaint_now

FONT_HEIGHT = 7
GLYPHS: dict[str, tuple[str, ...]] = {
    "0": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "1": ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": ("..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "8": (".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."),
    ":": ("..", "##", "##", "..", "##", "##", ".."),
    "+": (".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."),
    "-": (".....", ".....", ".....", "#####", ".....", ".....", "....."),
    " ": ("...", "...", "...", "...", "...", "...", "..."),
}
"""Each glyph as seven rows of ``#`` (ink) and ``.`` (paper); every row of a glyph has the same width."""
GAP = 1
"""Dots of paper between two glyphs."""
BOLD = Style(bold=True)
"""Added to the widget's style for the glyphs' rows (one object: rich caches a sum of styles by its operands)."""


def text_width(text: str) -> int:
    """Width of ``text`` in font dots (glyphs plus the gaps between them); unknown characters count as spaces."""
    widths = [len(GLYPHS.get(ch, GLYPHS[" "])[0]) for ch in text]
    return sum(widths) + GAP * max(len(widths) - 1, 0)


def fit_scale(text: str, width: int, height: int) -> int:
    """The largest whole scale at which ``text`` fits ``width`` columns and ``height`` rows (0 if none does)."""
    dots = text_width(text)
    if dots == 0:
        return 0
    by_width = width // dots
    by_height = (2 * height) // FONT_HEIGHT  # one row holds two dots of height
    return max(0, min(by_width, by_height))


def dot_rows(text: str) -> list[str]:
    """The font's seven rows for ``text``, glyphs side by side with ``GAP`` dots between them."""
    gap = "." * GAP
    return [gap.join(GLYPHS.get(ch, GLYPHS[" "])[row] for ch in text) for row in range(FONT_HEIGHT)]


def render_lines(text: str, scale: int) -> list[str]:
    """``text`` drawn at ``scale`` in half-block characters, one string per terminal row."""
    return list(_drawn(text, scale))


@lru_cache(maxsize=16)
def _drawn(text: str, scale: int) -> tuple[str, ...]:
    """``render_lines``, kept for the last few texts. A new text (a running countdown's next second) is put
    together from its glyphs' drawings (``_glyph``, each drawn once per scale) and the gaps between them: the
    same lines as drawing the whole text dot by dot (each column of dots is drawn on its own), in a few joins
    instead of Python loops over every cell (about 1 ms a second at scale 6)."""
    if scale < 1:
        return (text,)
    if not text:
        return _draw_dots([""] * FONT_HEIGHT, scale)
    gap = " " * (GAP * scale)
    return tuple(gap.join(rows) for rows in zip(*(_glyph(ch, scale) for ch in text), strict=True))


@lru_cache(maxsize=64)
def _glyph(ch: str, scale: int) -> tuple[str, ...]:
    """One glyph drawn at ``scale`` (an unknown character as a space), one string per terminal row."""
    return _draw_dots(list(GLYPHS.get(ch, GLYPHS[" "])), scale)


def _glyph_width(ch: str) -> int:
    """A glyph's width in font dots (an unknown character as a space)."""
    return len(GLYPHS.get(ch, GLYPHS[" "])[0])


def _draw_dots(rows: list[str], scale: int) -> tuple[str, ...]:
    """Rows of font dots (``#`` ink, ``.`` paper) drawn at ``scale`` in half blocks, one string per terminal row."""
    dots = [row.replace(".", " ") for row in rows]
    wide = ["".join(ch * scale for ch in row) for row in dots]
    tall = [row for row in wide for _ in range(scale)]
    if len(tall) % 2:
        tall.append(" " * len(tall[0]))
    lines = []
    for top, bottom in zip(tall[::2], tall[1::2], strict=True):
        line = []
        for upper, lower in zip(top, bottom, strict=True):
            if upper != " " and lower != " ":
                line.append("█")
            elif upper != " ":
                line.append("▀")
            elif lower != " ":
                line.append("▄")
            else:
                line.append(" ")
        lines.append("".join(line))
    return tuple(lines)


def _changed_spans(old: str, new: str, scale: int) -> list[tuple[int, int]] | None:
    """The columns (start, end) of the glyphs that differ between ``old`` and ``new`` drawn at ``scale``, when
    every glyph keeps its place (the same widths, position by position); None when they do not line up (then
    every column is compared)."""
    if len(old) != len(new) or any(_glyph_width(a) != _glyph_width(b) for a, b in zip(old, new, strict=True)):
        return None
    spans = []
    x = 0
    for a, b in zip(old, new, strict=True):
        width = _glyph_width(a) * scale
        if a != b:
            spans.append((x, x + width))
        x += width + GAP * scale
    return spans


def _differ(a: str, b: str, spans: list[tuple[int, int]] | None) -> list[int]:
    """The columns where rows ``a`` and ``b`` differ, looking only within ``spans`` (all columns for None)."""
    if spans is None:
        spans = [(0, len(a))]
    return [x for start, end in spans for x in range(start, end) if a[x] != b[x]]


class BigDigits(Widget):
    """``value`` in the largest digits that fit the widget, centred; drawn in the widget's own colours.

    ``scale`` says what was chosen (0: too small for the dot font, so plain bold text), for tests and layout.
    """

    DEFAULT_CSS: ClassVar[str] = """
    BigDigits { width: 1fr; height: 1fr; text-style: bold; }
    """

    value: reactive[str] = reactive("00:00", repaint=False)
    """The text shown; a new value repaints only the cells whose drawing changed (``watch_value``)."""
    template: reactive[str] = reactive("00:00")
    """The widest text this widget will show (``+00:00`` once overtime can be shown), so the scale stays the same
    while the value changes."""

    def __init__(self, value: str = "00:00", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(BigDigits.value, value)
        self._drawing_key: tuple[str, str, int, int] | None = None
        self._drawing: tuple[tuple[str, ...], int] = ((), 0)

    @property
    def scale(self) -> int:
        return self._scale_for(self.value)

    def _scale_for(self, value: str) -> int:
        width, height = self.content_size
        return fit_scale(self.template if len(self.template) >= len(value) else value, width, height)

    def watch_value(self, old: str, new: str) -> None:
        """Repaint the smallest block of cells that holds every difference between ``old`` and ``new`` as drawn:
        from ``19:59`` to ``19:58`` the rows and columns of one glyph, not the whole widget (Textual then sends
        each of those rows from the widget's left edge to the last changed column). A change of size or of length
        repaints everything. The block is drawn at once when nothing else waits to be drawn
        (``screens.internals.repaint_now``): a running countdown's second costs no frame of the screen."""
        changed = self._changed_region(old, new)
        if changed is None:
            self.refresh()
        elif changed:
            repaint_now(self, changed)

    def _changed_region(self, old: str, new: str) -> Region | None:
        """The block of cells (in the widget's content) where ``old`` and ``new`` are drawn differently; an empty
        region when they look the same; None when they are laid out differently (everything must be drawn)."""
        width, height = self.content_size
        scale = self._scale_for(new)
        if not width or not height or scale != self._scale_for(old):
            return None
        before, after = _drawn(old, scale), _drawn(new, scale)
        if len(before) != len(after) or any(len(a) != len(b) for a, b in zip(before, after, strict=True)):
            return None
        spans = _changed_spans(old, new, scale) if scale >= 1 else None  # the glyphs that differ: all that can
        cells = [(y, x) for y, (a, b) in enumerate(zip(before, after, strict=True)) for x in _differ(a, b, spans)]
        if not cells:
            return Region()
        rows = sorted({y for y, _ in cells})
        columns = [x for _, x in cells]
        top = max(0, (height - len(after)) // 2)
        left = max(0, (width - min(len(after[0]), width)) // 2)
        first, last = min(columns), max(columns)
        return Region(left + first, top + rows[0], last - first + 1, rows[-1] - rows[0] + 1).intersection(
            Region(0, 0, width, height)
        )

    def _drawn_rows(self, width: int, height: int) -> tuple[tuple[str, ...], int]:
        """(the rows drawn, the first row's line in the widget) for the value, template and size now: worked
        out once per value and size, not once per row drawn (a second of a countdown at 200x60 draws about 20
        rows, each of which measured the text and chose the scale again)."""
        key = (self.value, self.template, width, height)
        if key != self._drawing_key:
            lines = _drawn(self.value, self.scale)
            self._drawing_key, self._drawing = key, (lines, max(0, (height - len(lines)) // 2))
        return self._drawing

    def render_line(self, y: int) -> Strip:
        width, height = self.content_size
        lines, top = self._drawn_rows(width, height)
        style = self.visual_style.rich_style  # cached until the styles change (rich_style walks the ancestors)
        row = y - top
        if not 0 <= row < len(lines):
            return Strip([Segment(" " * width, style)], width)
        text = lines[row][:width]
        left = max(0, (width - len(text)) // 2)
        line = " " * left + text
        return Strip([Segment(line.ljust(width), style + BOLD)], width)
