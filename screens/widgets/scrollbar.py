"""A vertical scrollbar drawn straight into Textual's strips, not through Rich's console.

Textual's ``ScrollBar`` draws itself with ``ScrollBarRender``, a Rich renderable: each time its thumb moves or
grows (every note added to a long list, every scroll) Textual renders it through Rich's console (``RichVisual``:
the widget's style applied by ``Widget.post_render``, the segments rendered, split into lines and cropped). Drawn
as strips instead, a stage's note list following the room costs about a tenth less CPU per frame (measured back
to back, 60 notes added one at a time at 120x36: 5.2-5.4 -> 4.7 ms per frame; 3.3-3.5 -> 2.9-3.0 ms when only
the bar changes).
``StripScrollBarRender`` is the same bar (``ScrollBarRender.render_bar``: same glyphs, colours and mouse
actions) made into one ``Strip`` per line with the widget's style applied as ``post_render`` applies it. Textual
lets a scrollbar use another renderer (``ScrollBar.renderer``, public API); a Textual ``Visual`` is drawn by its
own ``render_strips``. Only vertical bars use it (``LazyOptionList``); ``tests/test_scrollbar_strips.py`` checks it
draws exactly what Textual's own draws.
"""

from __future__ import annotations

from rich.color import Color
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.css.styles import RulesMap
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

_BACK = Color.parse("#555555")
_BAR = Color.parse("bright_magenta")


class StripScrollBarRender(ScrollBarRender, Visual):
    """``ScrollBarRender`` for a vertical bar, drawn as strips (see the module's docstring)."""

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        """One strip per line of the bar, ``width`` cells wide (the bar's thickness), ``height`` lines high."""
        bar_style = self.style if isinstance(self.style, RichStyle) else RichStyle.parse(self.style)
        size = height if height is not None else 0
        segments = self.render_bar(
            size=size,
            window_size=self.window_size,
            virtual_size=self.virtual_size,
            position=self.position,
            vertical=True,
            thickness=width,
            back_color=bar_style.bgcolor or _BACK,
            bar_color=bar_style.color or _BAR,
        ).segments
        base = style.rich_style
        made: dict[int, Strip] = {}  # the bar's lines are a handful of distinct segments: one strip each
        strips = []
        for segment in segments:
            strip = made.get(id(segment))
            if strip is None:
                text, segment_style, _control = segment
                strip = made[id(segment)] = Strip([Segment(text, base + segment_style)], width)
            strips.append(strip)
        return strips

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.thickness

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 0
