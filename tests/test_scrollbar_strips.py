"""``StripScrollBarRender`` draws exactly what Textual's own scrollbar renderer draws, through Rich.

The note list's vertical scrollbar is drawn straight into strips (``screens.widgets.scrollbar``): its thumb moves
with every note added while the list follows the newest. Here the same scrollbar widget is drawn with Textual's
``ScrollBarRender`` and with ours, over thumbs of every size and position, thicknesses and heights, in the app's
styles: every line, segment by segment, is the same (text, colours, mouse actions).
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.scrollbar import ScrollBarRender
from textual.widgets.option_list import Option

from screens.widgets.lazy_list import LazyOptionList
from screens.widgets.scrollbar import StripScrollBarRender


class Listed(App[None]):
    def compose(self) -> ComposeResult:
        yield LazyOptionList(*[Option(f"Option {i}") for i in range(300)])


def drawn(bar: Any, renderer: type[ScrollBarRender]) -> list[list[Any]]:
    bar.renderer = renderer
    bar.refresh()
    return [list(strip) for strip in bar.render_lines(Region(0, 0, bar.region.width, bar.region.height))]


async def test_the_strip_scrollbar_draws_what_textuals_draws() -> None:
    app = Listed()
    for size in ((40, 12), (60, 30)):
        async with app.run_test(size=size) as pilot:
            options = app.query_one(LazyOptionList)
            options.styles.height = "1fr"
            await pilot.pause()
            bar = options.vertical_scrollbar
            assert bar.renderer is StripScrollBarRender  # the list's own bar uses it
            height = bar.region.height
            compared = 0
            for virtual in (height + 1, 2 * height, 75, 300, 1000):
                for window in (1, height // 2, height):
                    for position in sorted({0, 1, (virtual - window) // 3, virtual - window - 1, virtual - window}):
                        bar.window_virtual_size, bar.window_size, bar.position = virtual, window, position
                        ours = drawn(bar, StripScrollBarRender)
                        assert ours == drawn(bar, ScrollBarRender), (virtual, window, position)
                        compared += 1
            bar.renderer = StripScrollBarRender
            bar.mouse_over = True  # the hover colours
            assert drawn(bar, StripScrollBarRender) == drawn(bar, ScrollBarRender)
            assert compared > 50
        app = Listed()


async def test_a_list_too_short_to_scroll_draws_the_bar_as_textual_does() -> None:
    app = Listed()
    async with app.run_test(size=(40, 12)) as pilot:
        options = app.query_one(LazyOptionList)
        options.clear_options()
        options.add_options([Option("One"), Option("Two")])
        options.styles.height = "1fr"
        options.styles.overflow_y = "scroll"
        await pilot.pause()
        bar = options.vertical_scrollbar
        assert drawn(bar, StripScrollBarRender) == drawn(bar, ScrollBarRender)
