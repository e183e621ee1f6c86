"""The facilitator's stage screen wakes its event loop only when something it shows moves (issue #11, the idle
room: the app alone cost 10.6 % of a core on the benchmark's virtual machine, five wake-ups a second).

Counted over simulated minutes on ``VirtualTimeLoop`` (``tests/test_projector_wakes.py``: an asyncio loop whose
time moves only when it would sleep, each such sleep counted as one wake-up; Textual's timers and the session's
clock follow it), so no test sleeps or reads the wall clock. On the real machine each of these wake-ups is a
``select`` that slept and was woken, milliseconds of CPU on a virtual machine (``benchmarks/room_bench.py`` counts
them in its idle windows). What woke the idle stage screen before: the note field's cursor blink (twice a second,
for as long as it had the focus), the frame timer 16 ms after each frame the blink drew (Textual's
``screen_update`` interval; ``screens.internals.FramesOnDemand`` now), and the clock's redraw once a second though
nothing it draws moved.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import textual._time
from textual.widgets import Input

from facilitation.clock import FakeClock
from facilitation.timer_words import timer_digits
from screens.app import WorkshopApp, make_app
from screens.internals import BLINK_SECONDS
from screens.stage import NoteInput, StageScreen
from screens.widgets import AgendaStrip, stage_marks
from tests.test_projector_wakes import VirtualTimeLoop
from workshop.session import WorkshopLibrary
from workshop.store import Store


@pytest.fixture
def app(store: Store, clock: FakeClock) -> Iterator[WorkshopApp]:
    library = WorkshopLibrary(store, clock=clock)
    session = library.create("Offsite", participants=["Ana", "Ben"])
    session.agenda.next()
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


@pytest.fixture
def run_virtual(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """Run a coroutine function (given the loop) on a ``VirtualTimeLoop`` whose time moves ``clock`` too."""

    def run(main: Callable[[VirtualTimeLoop], Any]) -> Any:
        loop = VirtualTimeLoop(clock)
        monkeypatch.setattr(textual._time, "get_time", loop.time)
        with asyncio.Runner(loop_factory=lambda: loop) as runner:
            return runner.run(main(loop))

    return run


def _stage(app: WorkshopApp) -> StageScreen:
    assert isinstance(app.screen, StageScreen)
    return app.screen


async def _wakes_over(loop: VirtualTimeLoop, seconds: float) -> int:
    """The loop's wake-ups while ``seconds`` of simulated time pass with nothing else to do."""
    before = loop.selector.wakes
    await asyncio.sleep(seconds)
    return loop.selector.wakes - before - 1  # the sleep's own end is not the app's


class _Blinks:
    """Counts the note field's cursor turning off and on (``Input._cursor_visible``)."""

    def __init__(self, field: Input) -> None:
        self.field = field
        self.changes = 0
        self._last = field._cursor_visible

    def look(self) -> None:
        if self.field._cursor_visible != self._last:
            self.changes += 1
            self._last = self.field._cursor_visible


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
def test_an_idle_stage_screen_with_the_note_field_focused_sleeps(
    app: WorkshopApp, run_virtual: Callable[..., Any], size: tuple[int, int]
) -> None:
    """The stage as a facilitator leaves it between two stages: the note field focused, the timer not started and
    its reminder given. After the cursor's blinking stops (``BLINK_SECONDS`` after the last key) the screen wakes
    the loop only for the clock's one redraw a minute (``screens.stage.TICK_SECONDS``): before, it woke five times
    a second (blink, frame timer, clock)."""

    async def main(loop: VirtualTimeLoop) -> tuple[int, bool, bool]:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            screen = _stage(app)
            field = screen.query_one(NoteInput)
            field.focus()
            await pilot.press("h", "i")
            screen._reminded = True  # the "timer not started" reminder came and went
            await asyncio.sleep(BLINK_SECONDS + 1)
            wakes = await _wakes_over(loop, 300)
            return wakes, field.has_focus, field._cursor_visible

    wakes, focused, cursor_shown = run_virtual(main)
    assert focused and cursor_shown  # the cursor stays shown, solid, in the focused field
    assert wakes <= 6  # one redraw of the clock a minute, at most


def test_the_cursor_blinks_for_a_while_after_each_key(app: WorkshopApp, run_virtual: Callable[..., Any]) -> None:
    """The note field's cursor blinks (off and on every half second, as Textual's) for ``BLINK_SECONDS`` after a
    key, then stays shown; the next key makes it blink again, and so does the focus coming back."""

    async def main(loop: VirtualTimeLoop) -> list[int]:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            screen = _stage(app)
            field = screen.query_one(NoteInput)
            field.focus()
            await pilot.press("a")
            counts = []
            blinks = _Blinks(field)
            for _ in range(int(2 * BLINK_SECONDS / 0.125)):  # four looks per blink, for twice the time it blinks
                await asyncio.sleep(0.125)
                blinks.look()
            counts.append(blinks.changes)
            assert field._cursor_visible
            await pilot.press("b")  # blinks again
            blinks = _Blinks(field)
            for _ in range(16):  # two seconds
                await asyncio.sleep(0.125)
                blinks.look()
            counts.append(blinks.changes)
            screen.notes.focus()  # away and back: the focus makes it blink too
            await pilot.pause()
            field.focus()
            await pilot.pause()
            blinks = _Blinks(field)
            for _ in range(16):  # two seconds
                await asyncio.sleep(0.125)
                blinks.look()
            counts.append(blinks.changes)
            return counts

    after_key, after_next_key, after_focus = run_virtual(main)
    blinks = int(BLINK_SECONDS / 0.5)
    assert blinks - 2 <= after_key <= blinks  # blinked for BLINK_SECONDS (each half second), then stopped
    assert after_next_key >= 3 and after_focus >= 3  # blinking again


def test_a_running_countdown_wakes_the_stage_once_a_second_and_shows_each_second(
    app: WorkshopApp, run_virtual: Callable[..., Any]
) -> None:
    """While the stage's timer runs, the screen wakes once a second (its redraw and frame together, no frame timer
    wake-up after it), and the digits after a simulated minute are the timer's."""

    async def main(loop: VirtualTimeLoop) -> tuple[int, str, str]:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            screen = _stage(app)
            screen.query_one(NoteInput).focus()
            await pilot.press("f5")  # start the timer (works while typing)
            await asyncio.sleep(BLINK_SECONDS + 0.5)
            wakes = await _wakes_over(loop, 60)
            live = app.session
            assert live is not None
            return wakes, screen.timer_display.digits, timer_digits(live.timer.of())

    wakes, shown, expected = run_virtual(main)
    assert shown == expected
    assert wakes <= 61


def test_the_drift_is_redrawn_when_its_minute_moves(
    app: WorkshopApp, clock: FakeClock, run_virtual: Callable[..., Any]
) -> None:
    """Between stages (one ran and finished, the next not started) the agenda's drift grows with the time of day:
    the strip shows the right minutes after each simulated minute, and the screen woke about once per minute the
    drift moved, not once a second."""

    async def main(loop: VirtualTimeLoop) -> tuple[list[tuple[str, str]], int]:
        async with app.run_test(size=(200, 60)) as pilot:
            await pilot.pause()
            screen = _stage(app)
            live = app.session
            assert live is not None
            live.timer.start()
            live.timer.finish()
            await pilot.pause()
            screen._reminded = True
            await asyncio.sleep(BLINK_SECONDS + 1)
            seen = []
            before = loop.selector.wakes
            for _ in range(6):
                await asyncio.sleep(60)
                ws = live.workshop
                timers = {s.id: live.timer.of(s.id) for s in ws.agenda(include_skipped=False)}
                _, report = stage_marks(ws, timers, live.clock.wall())
                seen.append((screen.query(AgendaStrip).first().drift_text, report.status_text))
            return seen, loop.selector.wakes - before - 6

    seen, wakes = run_virtual(main)
    assert all(shown == expected for shown, expected in seen), seen
    assert len({expected for _, expected in seen}) >= 4  # the drift did move, minute by minute
    assert wakes <= 14  # about one redraw a minute (each minute's change, and the longest wait), not 360
