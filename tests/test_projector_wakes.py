"""The projector's event loop wakes once per redraw of its clock, never in between (issue #14, the follower's
idle CPU): counted over simulated minutes on an event loop whose clock is simulated, so no test sleeps or reads
the wall clock.

``VirtualTimeLoop`` is an asyncio loop whose ``time()`` only moves when the loop would sleep: a ``select`` with a
timeout first looks (without waiting) whether a file descriptor is ready, and if none is, moves the simulated time
on by the timeout, counts one wake-up and returns nothing, as if the sleep had ended. Textual's timers read
``textual._time.get_time`` and the session its ``Clock``: both are pointed at the same simulated time, so the
countdown drawn after a simulated minute is the one a real minute would show. On the real machine each of these
wake-ups is a ``select`` that slept and was woken (``benchmarks/follow_bench.py`` counts them as ``loop
wake-ups``), which costs milliseconds of CPU on a virtual machine.
"""

from __future__ import annotations

import asyncio
import itertools
import selectors
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
import textual._time
from textual.screen import Screen
from textual.widgets import Static

from facilitation.clock import FakeClock
from facilitation.timer_words import timer_digits
from screens.internals import FramesOnDemand
from screens.projector import ProjectorApp
from screens.projector.screen import ProjectorScreen
from workshop.follow import Following, open_following
from workshop.session import WorkshopSession
from workshop.store import Store


class VirtualSelector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    """A selector whose waits end at once, moving the simulated time on instead (see the module docstring)."""

    def __init__(self, advance: Callable[[float], None]) -> None:
        super().__init__()
        self._advance = advance
        self.wakes = 0

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = super().select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None:  # nothing scheduled at all: only another thread or a file can wake the loop
            return super().select(None)
        self.wakes += 1
        self._advance(timeout)
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An event loop on simulated time; ``selector.wakes`` counts the waits that would have slept."""

    def __init__(self, clock: FakeClock) -> None:
        self.now = 0.0
        self.clock = clock
        self.selector = VirtualSelector(self._advance)
        super().__init__(self.selector)

    def _advance(self, seconds: float) -> None:
        self.now += seconds
        self.clock.advance(seconds)

    def time(self) -> float:
        return self.now


@pytest.fixture
def run_virtual(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """Run a coroutine function (given the loop) on a ``VirtualTimeLoop`` whose time moves ``clock`` too."""
    loops: list[VirtualTimeLoop] = []

    def run(main: Callable[[VirtualTimeLoop], Awaitable[Any]]) -> Any:
        loop = VirtualTimeLoop(clock)
        loops.append(loop)
        monkeypatch.setattr(textual._time, "get_time", loop.time)
        with asyncio.Runner(loop_factory=lambda: loop) as runner:
            return runner.run(main(loop))  # type: ignore[arg-type]

    yield run


@pytest.fixture
def following(store: Store, session: WorkshopSession, clock: FakeClock) -> Iterator[Following]:
    follows = open_following(store, session.workshop.id, clock=clock)
    yield follows
    follows.follower.stop()


def _digits_drawn(app: ProjectorApp) -> str:
    screen = app.screen
    assert isinstance(screen, ProjectorScreen)
    return screen.countdown.digits


async def _wakes_over(loop: VirtualTimeLoop, seconds: int) -> int:
    """The loop's wake-ups while ``seconds`` of simulated time pass with nothing else to do."""
    before = loop.selector.wakes
    await asyncio.sleep(seconds)
    return loop.selector.wakes - before - 1  # the sleep's own end is not the app's


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
def test_a_running_countdown_wakes_the_loop_once_a_second(
    session: WorkshopSession, following: Following, run_virtual: Callable[..., Any], size: tuple[int, int]
) -> None:
    """Each second's redraw (the clock's timer, the widgets and what goes to the terminal) is one wake-up: no hop
    through a message after a timer, no wake-up of the frame timer 16 ms after a frame (``FramesOnDemand``). The
    terminal gets the digits every second and the bar when it moves (``App._display``: drawn at once,
    ``repaint_now``, or in a frame)."""
    session.agenda.next()
    session.timer.start()
    minutes = session.stage().minutes
    frames: list[int] = []

    async def main(loop: VirtualTimeLoop) -> tuple[int, int, str, str]:
        app = ProjectorApp(following, watch=False)
        async with app.run_test(size=size) as pilot:
            following.follower.poll()
            await pilot.pause()
            display = app._display

            def counted(screen: Screen[None], renderable: Any) -> None:
                if renderable is not None:
                    frames.append(1)
                display(screen, renderable)

            app._display = counted  # type: ignore[method-assign]
            await asyncio.sleep(0.5)  # settled: between two ticks
            frames.clear()
            wakes = await _wakes_over(loop, 60)
            return wakes, len(frames), _digits_drawn(app), timer_digits(session.timer.of())

    wakes, drawn, digits, expected = run_virtual(main)
    assert digits == expected  # the digits are right after a simulated minute
    assert expected != f"{minutes:02d}:00"  # and the time did pass
    assert 60 <= drawn <= 120  # each second reaches the terminal: the digits, and the bar when it moves
    assert wakes <= 61  # one wake-up a second (Textual's own timers: two or three)


def test_a_paused_countdown_wakes_the_loop_once_a_second(
    session: WorkshopSession, following: Following, run_virtual: Callable[..., Any]
) -> None:
    """Nothing moves but the agenda's ahead/behind, redrawn once a second: one wake-up a second."""
    session.agenda.next()
    session.timer.start()
    session.timer.pause()

    async def main(loop: VirtualTimeLoop) -> int:
        app = ProjectorApp(following, watch=False)
        async with app.run_test(size=(80, 24)) as pilot:
            following.follower.poll()
            await pilot.pause()
            await asyncio.sleep(0.5)
            return await _wakes_over(loop, 60)

    assert run_virtual(main) <= 61


class _Drawn(FramesOnDemand, Screen[None]):
    def compose(self) -> Any:
        yield Static("0", id="value")


def test_frames_on_demand_draw_each_change_and_sleep_between(run_virtual: Callable[..., Any]) -> None:
    """A screen changed now and then draws each change in one frame and does not wake the loop between changes;
    changes closer together than a frame are drawn together, at most one frame per period (Textual's 60 a
    second)."""
    from textual.app import App

    frames: list[float] = []

    class Drawing(App[None]):
        def get_default_screen(self) -> Screen[None]:
            return _Drawn()

    async def main(loop: VirtualTimeLoop) -> tuple[int, int, list[float], str]:
        app = Drawing()
        async with app.run_test(size=(40, 5)) as pilot:
            await pilot.pause()
            screen = app.screen
            draw = screen._compositor_refresh

            def counted() -> None:
                frames.append(loop.time())
                draw()

            screen._compositor_refresh = counted  # type: ignore[method-assign]
            label = app.query_one("#value", Static)
            await asyncio.sleep(0.5)
            frames.clear()
            before = loop.selector.wakes
            for n in range(1, 11):  # ten changes, 2 s apart
                label.update(str(n))
                await asyncio.sleep(2)
            spaced = loop.selector.wakes - before
            spaced_frames = len(frames)
            frames.clear()
            for n in range(5):  # five changes 1 ms apart: no more than a frame per 1/60 s
                label.update(f"quick {n}")
                await asyncio.sleep(0.001)
            await asyncio.sleep(0.5)
            return spaced, spaced_frames, frames[:], str(label.render())

    spaced, spaced_frames, quick, shown = run_virtual(main)
    assert spaced_frames == 10  # each change drawn
    assert spaced <= 10  # the test's own ten sleeps; the frames needed none
    assert shown == "quick 4"
    assert 1 <= len(quick) <= 2
    # textual._time.sleep sleeps half a millisecond short, to make up for asyncio's lateness
    assert all(b - a >= 1 / 60 - 0.0005 - 1e-9 for a, b in itertools.pairwise(quick)), quick


def test_a_running_countdown_makes_no_timer_per_second_and_stops_with_its_screen(
    session: WorkshopSession,
    following: Following,
    run_virtual: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each second's redraw is called from the event loop's own timer (``screens.internals.call_later_direct``):
    no Textual ``Timer`` (an object, a task, its coroutine and an event) is made for it, where one was made every
    second; the pending call is called off when the screen closes and never runs after."""
    from textual.timer import Timer

    session.agenda.next()
    session.timer.start()
    made: list[str] = []
    init = Timer.__init__

    def counting(self: Timer, *args: Any, **kwargs: Any) -> None:
        made.append(str(kwargs.get("name")))
        init(self, *args, **kwargs)

    monkeypatch.setattr(Timer, "__init__", counting)
    redraws: list[float] = []

    async def main(loop: VirtualTimeLoop) -> tuple[list[str], int]:
        app = ProjectorApp(following, watch=False)
        async with app.run_test(size=(80, 24)) as pilot:
            following.follower.poll()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ProjectorScreen)
            await asyncio.sleep(0.5)
            made.clear()
            shown = _digits_drawn(app)
            await _wakes_over(loop, 60)
            during = list(made)
            assert _digits_drawn(app) != shown and _digits_drawn(app) == timer_digits(session.timer.of())
            ticked = screen._ticked

            def counted() -> None:
                redraws.append(loop.time())
                ticked()

            screen._ticked = counted  # type: ignore[method-assign]
            screen._next_tick(0.5)  # a redraw pending as the app closes
        closed = len(redraws)
        await asyncio.sleep(5)
        return during, len(redraws) - closed

    during, after_close = run_virtual(main)
    assert during == [], during  # no timer at all: the frames are drawn at once, the redraws are the loop's
    assert after_close == 0


@pytest.mark.parametrize("running", [True, False])
def test_the_agenda_is_worked_out_when_it_moves_and_drawn_right_every_second(
    session: WorkshopSession,
    following: Following,
    run_virtual: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    running: bool,
) -> None:
    """The agenda strip's drift moves with the time of day; the projector works the strip out when it is drawn
    otherwise (looking ahead for that second) or a change arrives, not at each redraw of the clock, and every
    second the strip shows what working it out then gives. Counted over 5 simulated minutes on a short stage
    that runs over, and on the same stage paused: the agenda was worked out at every redraw before (300 of them)."""
    import screens.projector.screen as projector_screen
    from screens.widgets import stage_marks

    session.agenda.next()
    session.agenda.set_minutes(session.stage().id, 2)
    session.timer.start()
    if not running:
        session.timer.pause()
    asked: set[float] = set()
    loops: list[VirtualTimeLoop] = []

    def counting(ws: Any, timers: Any, now: float) -> Any:
        asked.add(loops[0].time())  # the redraws that worked the agenda out (with their look-ahead)
        return stage_marks(ws, timers, now)

    monkeypatch.setattr(projector_screen, "stage_marks", counting)

    async def main(loop: VirtualTimeLoop) -> tuple[list[tuple[str, str]], int]:
        loops.append(loop)
        app = ProjectorApp(following, watch=False)
        async with app.run_test(size=(120, 30)) as pilot:
            following.follower.poll()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ProjectorScreen)
            redrawn: list[float] = []
            refresh_clock = screen.refresh_clock

            def noting() -> None:
                redrawn.append(session.clock.wall())
                refresh_clock()

            screen.refresh_clock = noting  # type: ignore[method-assign]
            await asyncio.sleep(1.5)
            asked.clear()
            wrong: list[tuple[str, str]] = []
            for _ in range(300):
                await asyncio.sleep(1)
                ws = session.workshop
                timers = {s.id: session.timer.of(s.id) for s in ws.agenda(include_skipped=False)}
                expected = stage_marks(ws, timers, redrawn[-1])[1].status_text  # as of the last redraw
                if screen.agenda_strip._drift != expected:
                    wrong.append((screen.agenda_strip._drift, expected))
            return wrong, len(asked)

    wrong, count = run_virtual(main)
    assert wrong == []
    assert count <= 30, count  # at most a tenth of the redraws
