"""A running countdown's second redraws what moved, and nothing that lays the screen out: the facilitator's
countdown and the agenda strip (shared by the stage screen and the projector) set their words again only when
the words change. A ``Label``/``Static`` update lays out the whole screen, so setting the same words every second
made each second of a running timer a full layout and redraw (see ``tests/test_projector.py`` for the projector's
own countdown)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widget import Widget

from facilitation.clock import FakeClock
from facilitation.models import Workshop
from facilitation.timer import StageTimer
from screens.widgets import AgendaStrip, stage_marks
from screens.widgets.timer_display import TimerDisplay
from workshop.session import WorkshopSession


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield TimerDisplay()
        yield AgendaStrip()


def _layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record which widgets ask for a layout from now on."""
    asked: list[str] = []
    refresh = Widget.refresh

    def recording(self: Widget, *regions: Any, **options: Any) -> Widget:
        if options.get("layout"):
            asked.append(type(self).__name__)
        return refresh(self, *regions, **options)

    monkeypatch.setattr(Widget, "refresh", recording)
    return asked


async def test_the_stage_countdowns_second_changes_the_digits_not_the_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    timer = StageTimer(20 * 60, clock)
    timer.start()
    app = _Host()
    async with app.run_test(size=(80, 24)) as pilot:
        display = app.query_one(TimerDisplay)
        clock.advance(1.5)
        display.show(timer, clock.wall())
        await pilot.pause()
        status, digits = display.status, display.digits
        asked = _layouts(monkeypatch)
        labels = [w for w in display.walk_children() if type(w).__name__ == "Label"]
        clock.advance(1.0)
        display.show(timer, clock.wall())
        await pilot.pause()
        assert display.digits != digits and display.status == status
        assert "Label" not in asked, asked
        assert labels, "the countdown has its words in a Label"
        timer.pause()
        display.show(timer, clock.wall())
        assert display.status != status and "Label" in asked  # new words are drawn


async def test_the_agenda_strip_is_set_again_only_when_what_it_shows_changes(
    session: WorkshopSession, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    session.agenda.next()
    session.timer.start()
    ws: Workshop = session.workshop
    app = _Host()
    async with app.run_test(size=(80, 24)) as pilot:
        strip = app.query_one(AgendaStrip)

        def show() -> None:
            timers = {s.id: session.timer.of(s.id) for s in ws.agenda(include_skipped=False)}
            strip.show(*stage_marks(ws, timers, clock.wall()))

        show()
        await pilot.pause()
        asked = _layouts(monkeypatch)
        for _ in range(5):  # the running stage's delta moves each second; the strip never shows it
            clock.advance(1.0)
            show()
        await pilot.pause()
        assert "AgendaStrip" not in asked, asked
        session.timer.finish()  # the stage is done: its delta is shown, and the strip draws it
        show()
        assert "AgendaStrip" in asked
