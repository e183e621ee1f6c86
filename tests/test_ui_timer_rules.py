"""The timer counts real time and only the facilitator changes it: `p` never pauses, `-` takes a minute off, space
on a finished stage asks, and the agenda overview shows the countdown's own time left."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import DataTable, Static

from facilitation.clock import FakeClock
from facilitation.schedule import format_duration
from screens.agenda_overview import AgendaOverviewScreen
from screens.app import WorkshopApp, make_app
from screens.dialogs import ConfirmScreen
from screens.stage import StageScreen
from screens.widgets import TimerDisplay
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZE = (120, 36)


@pytest.fixture
def app(store: Store, clock: FakeClock) -> Iterator[WorkshopApp]:
    library = WorkshopLibrary(store, clock=clock)
    session = library.create("Offsite", participants=["Ana", "Ben"])
    session.agenda.next()  # the second stage: there is one before it for `p`
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def stage(app: WorkshopApp) -> StageScreen:
    assert isinstance(app.screen, StageScreen)
    return app.screen


async def test_p_looks_at_the_previous_stage_without_pausing_the_running_timer(
    app: WorkshopApp, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        assert app.session is not None
        running = app.session.stage().id
        await pilot.press("space")
        clock.advance(60)
        await pilot.press("p")
        await pilot.pause()
        assert app.session.stage().id != running
        clock.advance(60)
        timer = app.session.timer.of(running)
        assert timer.status == "running" and timer.elapsed == pytest.approx(120)
        await pilot.press("n")  # back again (the stage just looked at asks first: its timer never started)
        await pilot.pause()
        if isinstance(app.screen, ConfirmScreen):
            await pilot.press("y")
            await pilot.pause()
        assert app.session.stage().id == running
        assert app.session.timer.of(running).status == "running"


async def test_minus_takes_a_minute_off_as_plus_adds_one(app: WorkshopApp, clock: FakeClock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = stage(app)
        display = screen.query_one(TimerDisplay)
        planned = display.digits
        await pilot.press("space")
        clock.advance(60)
        await pilot.press("minus")
        screen.refresh_clock()
        minutes = int(planned.split(":")[0])
        assert display.digits == f"{minutes - 2:02d}:00"
        await pilot.press("plus")
        screen.refresh_clock()
        assert display.digits == f"{minutes - 1:02d}:00"


async def test_space_on_a_finished_stage_asks_before_restarting(app: WorkshopApp, clock: FakeClock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        assert app.session is not None
        here = app.session.stage().id
        await pilot.press("space")
        clock.advance(30)
        app.session.timer.finish(advance=False)
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "Restart" in app.screen.question
        await pilot.press("enter")  # the default is no
        await pilot.pause()
        assert app.session.timer.of(here).status == "finished"


async def test_the_overview_shows_the_countdowns_time_left(app: WorkshopApp, clock: FakeClock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        assert app.session is not None
        screen = stage(app)
        await pilot.press("space")
        clock.advance(60)
        await pilot.press("space")  # a pause: wall time runs on, the countdown does not
        clock.advance(120)
        await pilot.press("plus")
        screen.refresh_clock()
        countdown = screen.query_one(TimerDisplay).digits
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AgendaOverviewScreen)
        table = app.screen.query_one(DataTable)
        row = table.get_row(str(app.session.stage().id))
        assert str(row[4]) == f"{countdown} left"
        # The line above says the same: the countdown's time left (the minute added, the pause not counted) and
        # the stages to come. It said the plan less the wall time spent, three minutes short here.
        here = app.session.stage().id
        upcoming = [s.minutes for s in app.session.workshop.agenda(include_skipped=False) if s.id != here]
        left = app.session.timer.of(here).remaining + 60 * sum(upcoming)
        status = str(app.screen.query_one("#overview-status", Static).render())
        assert f" · {format_duration(left / 60)} still planned · " in status
        # Stepping back to the stage before (p) leaves the countdown running there: the overview says the same.
        # It took the plan less the wall time spent again once the stage on screen was not the running one.
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert app.session.stage().id != here
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AgendaOverviewScreen)
        status = str(app.screen.query_one("#overview-status", Static).render())
        assert f" · {format_duration(left / 60)} still planned · " in status


async def test_the_stage_clock_wakes_when_something_moves_when_stopped_and_just_after_each_second_when_running(
    app: WorkshopApp, clock: FakeClock
) -> None:
    """An idle facilitator's screen wakes when something it draws moves (here the reminder, then nothing for
    ``TICK_SECONDS``), not four times a second (the 0.25 s interval it had) nor once (the 1 s one: the app's CPU
    with nothing happening, issue #11's idle room); a running countdown is redrawn just after each of its
    seconds, so every second is shown and none is drawn twice."""
    from facilitation.timer_words import timer_digits
    from screens.stage import DIGIT_MARGIN_SECONDS, REMINDER_SECONDS, TICK_SECONDS

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = stage(app)
        session = app.session
        assert session is not None
        asked: list[float] = []
        set_timer = screen.set_timer

        def recording(delay: float, *args: object, **kwargs: object) -> object:
            asked.append(delay)
            return set_timer(delay, *args, **kwargs)  # type: ignore[arg-type]

        screen.set_timer = recording  # type: ignore[assignment,method-assign]

        def redraw_anew() -> None:  # the pending redraw forgotten, as if it had just fired
            if screen._tick is not None:
                screen._tick.stop()
                screen._tick = None
            screen.refresh_clock()

        screen.refresh_clock()
        assert asked == []  # a redraw already set no later is kept: resuming over and over makes no timers
        redraw_anew()
        assert asked == [REMINDER_SECONDS]  # the timer is not running: the reminder is what moves next
        await pilot.press("space")  # start
        await pilot.pause()
        clock.advance(12.7)  # whole minutes planned: the digits move in 0.3 s
        asked.clear()
        redraw_anew()
        assert asked == [pytest.approx(0.3 + DIGIT_MARGIN_SECONDS)]
        assert screen.timer_display.digits == timer_digits(session.timer.of())
        shown = screen.timer_display.digits
        clock.advance(0.3 + DIGIT_MARGIN_SECONDS)
        for _ in range(200):  # the tick set above redraws the next second by itself
            if screen.timer_display.digits != shown:
                break
            await pilot.pause(0.01)
        assert screen.timer_display.digits == timer_digits(session.timer.of()) != shown
        await pilot.press("space")  # pause
        await pilot.pause()
        asked.clear()
        redraw_anew()
        assert asked == [TICK_SECONDS]  # paused within its time: nothing moves (no reminder once started)
