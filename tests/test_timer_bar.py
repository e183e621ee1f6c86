"""The countdown's bar repaints only when it draws differently: a second of a long timer moves it less than the
half cell Textual's ``Bar`` draws, and each repaint renders the line through Rich (the projector's idle CPU)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widget import Widget

from screens.widgets import timer_display
from screens.widgets.timer_display import TimerBar


class BarApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TimerBar()


async def test_the_bar_repaints_only_when_its_drawn_length_or_style_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted: the repaints asked for (``repaint_now``, which draws at once or refreshes) and any refresh."""
    app = BarApp()
    async with app.run_test(size=(100, 5)) as pilot:
        bar = app.query_one(TimerBar)
        await pilot.pause()
        assert bar.size.width == 100  # 200 half cells: one half cell is 1/200 of the time
        painted: list[Any] = []
        refresh = bar.refresh

        def counting(*regions: Any, **options: Any) -> Widget:
            painted.append(options)
            return refresh(*regions, **options)

        bar.refresh = counting  # type: ignore[method-assign,assignment]
        repaint_now = timer_display.repaint_now

        def counting_now(widget: Widget, region: Any = None) -> bool:
            painted.append({"now": True})
            bar.refresh = refresh  # type: ignore[method-assign]  # its own fallback is not counted twice
            try:
                return repaint_now(widget, region)
            finally:
                bar.refresh = counting  # type: ignore[method-assign,assignment]

        monkeypatch.setattr(timer_display, "repaint_now", counting_now)
        bar.fraction = 0.999  # no longer full: another style, though the same length
        assert len(painted) == 1
        bar.fraction = 0.998  # less than half a cell from the last: drawn the same
        bar.fraction = 0.9976
        assert len(painted) == 1
        bar.fraction = 0.99  # two half cells shorter
        assert len(painted) == 2
        for step in range(1, 200):  # a thousandth at a time (a fifth of a half cell): one repaint per half cell
            bar.fraction = round(0.99 - step * 0.001, 3)
        assert len(painted) == 2 + (198 - 158)  # from 198 half cells (0.99) to 158 (0.791), not 199 repaints
        assert not [options for options in painted if options.get("layout")]
        painted.clear()
        bar.fraction = bar.fraction  # the same value: nothing
        assert painted == []
        await pilot.pause()
        drawn = "".join(segment.text for segment in bar.render_line(0))
        assert drawn.count("━") + drawn.count("╸") + drawn.count("╺") == 100
