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
from screens.app import make_app
from screens.stage import StageScreen
from screens.widgets import AgendaStrip, stage_marks
from screens.widgets.timer_display import TimerDisplay, timer_classes, words_need_layout
from workshop.session import WorkshopLibrary, WorkshopSession
from workshop.store import Store


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


def _repaints(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record which widgets ask for a repaint without a layout from now on (after ``_layouts``: both record)."""
    asked: list[str] = []
    refresh = Widget.refresh

    def recording(self: Widget, *regions: Any, **options: Any) -> Widget:
        if not options.get("layout"):
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


def _timer_in(state: str, clock: FakeClock) -> StageTimer:
    timer = StageTimer(10 * 60, clock)
    if state in ("running", "paused", "overrun", "finished"):
        timer.start()
    if state == "paused":
        clock.advance(60)
        timer.pause()
    if state == "overrun":
        clock.advance(11 * 60)
    if state == "finished":
        timer.finish()
    return timer


def record_restyles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, the class name of every widget restyled (``Widget.update_node_styles``), in order."""
    restyled: list[str] = []
    update = Widget.update_node_styles

    def recording(self: Widget, animate: bool = True) -> None:
        restyled.append(type(self).__name__)
        update(self, animate)

    monkeypatch.setattr(Widget, "update_node_styles", recording)
    return restyled


@pytest.mark.parametrize("state", ["idle", "running", "paused", "overrun", "finished"])
async def test_a_countdown_given_its_timer_starts_styled_for_it_and_its_first_show_restyles_nothing(
    state: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stage screen builds its countdown with the timer it opens on: the widget starts with that timer's
    classes, so the first ``show`` (in the screen's ``on_mount``, on the way to start-up's first frame) does not
    restyle the digits, the status and the bar a second time."""
    clock = FakeClock()
    timer = _timer_in(state, clock)

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield TimerDisplay(id="timer", timer=timer)

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        display = app.query_one(TimerDisplay)
        wanted = {name for name, on in timer_classes(timer).items() if on}
        assert wanted <= set(display.classes) and f"-{timer.status.value}" in display.classes
        restyled = record_restyles(monkeypatch)
        display.show(timer, clock.wall())
        await pilot.pause()
        assert restyled == []
        assert display.digits  # drawn all the same

        clock.advance(60 * 60)  # an hour on: whatever the state, a later change of phase still restyles
        other = _timer_in("overrun", clock) if state != "overrun" else _timer_in("idle", clock)
        display.show(other, clock.wall())
        await pilot.pause()
        assert "TimerDisplay" in restyled
        assert {name for name, on in timer_classes(other).items() if on} <= set(display.classes)


@pytest.mark.parametrize("running", [False, True])
async def test_the_stage_screen_opens_with_its_countdown_styled_for_the_stage_it_shows(
    running: bool, store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stage screen passes the timer it opens on to its countdown: on the way to the first frame (start-up's
    and every stage screen's) the countdown's digits, status and bar are styled once, as they mount."""
    library = WorkshopLibrary(store, clock=clock)
    with library.create("Offsite", participants=["Ana"]) as session:
        session.agenda.next()
        if running:
            session.timer.start()
        workshop_id = session.workshop.id
    restyled = record_restyles(monkeypatch)
    app = make_app(library, workshop_id, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        while not isinstance(app.screen, StageScreen):
            await pilot.pause()
        await pilot.pause()
        display = app.screen.query_one(TimerDisplay)
        assert f"-{'running' if running else 'idle'}" in display.classes
        assert "TimerDisplay" not in restyled
        app.close_session()


def test_words_need_a_layout_only_when_more_than_digits_change() -> None:
    assert not words_need_layout("TIME'S UP · 00:25 over 10 min", "TIME'S UP · 00:26 over 10 min")
    assert not words_need_layout("TIME'S UP · 09:59 over 10 min", "TIME'S UP · 10:00 over 10 min")
    # one cell more:
    assert words_need_layout("TIME'S UP · 59:59 over 10 min", "TIME'S UP · 1:00:00 over 10 min")
    assert words_need_layout("RUNNING · 10 min · ends 09:10", "PAUSED · 10 min")
    assert words_need_layout("RUNNING · 10 min", "RUNNING · 10 mix")  # a letter: it may wrap elsewhere
    assert words_need_layout(None, "READY · 10 min")


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_an_overrun_second_repaints_the_words_without_a_layout(
    monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """Once the time is up the words count the overrun (``TIME'S UP · 00:26 over 20 min``) and change every
    second: they are repainted in place, and nothing lays the screen out."""
    clock = FakeClock()
    timer = StageTimer(20 * 60, clock)
    timer.start()
    app = _Host()
    async with app.run_test(size=size) as pilot:
        display = app.query_one(TimerDisplay)
        clock.advance(20 * 60 + 25.5)
        display.show(timer, clock.wall())
        await pilot.pause()
        status = display.status
        assert status.startswith("TIME'S UP") and "00:25" in status
        asked = _layouts(monkeypatch)
        repainted = _repaints(monkeypatch)
        for _ in range(3):
            clock.advance(1.0)
            display.show(timer, clock.wall())
            await pilot.pause()
        assert "00:28" in display.status
        assert asked == [], asked
        assert "Label" in repainted  # the new words are drawn
        label = app.query_one("#timer-status")
        assert "00:28" in str(label.render())
