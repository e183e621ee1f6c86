"""A running countdown's second on the projector is drawn straight to the terminal (``screens.internals.repaint_now``):
the glyphs that moved and the bar, without a frame of the screen, and the terminal then shows what a whole frame
would draw (issue #14, the follower's CPU per wake-up).

Every update the app sends to the terminal (``App._display``: Textual's frames and the direct draws) is applied to a
grid of cells, as a terminal would apply it; after simulated minutes of ticks the grid is compared, cell by cell
(character and style), with the screen drawn again from scratch then. Counted, not timed: the screen's frames
(``Screen._compositor_refresh``) and the widgets asked for lines (``Widget.render_lines``) during the ticks.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import textual._time
from rich.segment import ControlType, Segment
from rich.style import Style
from textual.app import App
from textual.widget import Widget

from facilitation.clock import FakeClock
from facilitation.timer_words import timer_digits
from screens.projector import ProjectorApp
from screens.projector.big_digits import BigDigits, render_lines
from screens.projector.screen import ProjectorScreen
from tests.test_projector_wakes import VirtualTimeLoop
from workshop.follow import Following, open_following
from workshop.session import WorkshopSession
from workshop.store import Store

Cell = tuple[str, Style | None]


class Terminal:
    """A grid of cells that applies the app's updates as a terminal does: a cursor move, then text written in the
    segments' styles, a new line going to the start of the next row."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells: list[list[Cell]] = [[(" ", None)] * width for _ in range(height)]
        self.updates = 0

    def apply(self, segments: list[Segment]) -> None:
        self.updates += 1
        x = y = 0
        for text, style, control in segments:
            if control:
                for code in control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = int(code[1]), int(code[2])  # type: ignore[misc]
                continue
            for ch in text:
                if ch == "\n":
                    x, y = 0, y + 1
                    continue
                if 0 <= y < self.height and 0 <= x < self.width:
                    self.cells[y][x] = (ch, style)
                x += 1

    def rows(self) -> list[str]:
        return ["".join(ch for ch, _ in row) for row in self.cells]


def watch_terminal(app: App[Any], terminal: Terminal) -> None:
    """Apply every update ``app`` displays to ``terminal`` (headless, Textual renders them and writes nothing)."""
    display = app._display

    def displayed(screen: Any, renderable: Any) -> None:
        if renderable is not None:
            terminal.apply(list(renderable.__rich_console__(app.console, app.console.options)))
        display(screen, renderable)

    app._display = displayed  # type: ignore[method-assign]


def shows_time(terminal: Terminal, digits: BigDigits, time: str) -> bool:
    """Whether ``terminal`` shows ``time`` in the big digits, row under row, as the font draws it at their scale."""
    drawn = [row.strip() for row in render_lines(time, digits.scale)]
    shown = [row.strip() for row in terminal.rows()]
    return any(shown[y : y + len(drawn)] == drawn for y in range(len(shown)))


async def drawn_again(app: App[Any], pilot: Any, terminal: Terminal) -> list[list[Cell]]:
    """The screen drawn again from scratch onto ``terminal``: every widget's drawn lines forgotten (as a new theme
    does), then one frame of everything. Returns the cells as they were just before."""
    before = [row[:] for row in terminal.cells]
    for widget in app.screen.walk_children(with_self=True):
        widget.refresh()
    await pilot.pause(0.05)  # every widget's refresh reaches the screen, and its frame is drawn
    return before


@pytest.fixture
def run_virtual(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    def run(main: Callable[[VirtualTimeLoop], Any]) -> Any:
        loop = VirtualTimeLoop(clock)
        monkeypatch.setattr(textual._time, "get_time", loop.time)
        with asyncio.Runner(loop_factory=lambda: loop) as runner:
            return runner.run(main(loop))

    return run


@pytest.fixture
def following(store: Store, session: WorkshopSession, clock: FakeClock) -> Iterator[Following]:
    follows = open_following(store, session.workshop.id, clock=clock)
    yield follows
    follows.follower.stop()


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
@pytest.mark.parametrize("minutes", [2, 20])
def test_ticks_drawn_directly_leave_the_screen_as_drawn_from_scratch(
    session: WorkshopSession,
    following: Following,
    run_virtual: Callable[..., Any],
    size: tuple[int, int],
    minutes: int,
) -> None:
    """Ticks of a running countdown (its glyphs and the draining bar) draw no frame of the screen and render only
    the digits and the bar; through the warning and alert colours of a short stage and on into overtime, the
    terminal after them, and after a change that lays the screen out again, is the screen drawn from scratch, cell
    by cell."""
    session.agenda.next()
    stage = session.stage()
    session.agenda.set_minutes(stage.id, minutes)
    session.timer.start()

    async def main(loop: VirtualTimeLoop) -> tuple[Counter[str], int, int, str]:
        app = ProjectorApp(following, watch=False)
        async with app.run_test(size=size) as pilot:
            following.follower.poll()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ProjectorScreen)
            terminal = Terminal(*size)
            await asyncio.sleep(1.5)  # between two ticks, after the first (its words say when the stage ends)
            screen.refresh()  # one whole frame to start the grid from
            watch_terminal(app, terminal)
            await pilot.pause()
            assert await drawn_again(app, pilot, terminal) == terminal.cells

            frames: list[int] = []
            draw = screen._compositor_refresh

            def counted_frame() -> None:
                frames.append(1)
                draw()

            screen._compositor_refresh = counted_frame  # type: ignore[method-assign]
            rendered: Counter[str] = Counter()
            render_lines = Widget.render_lines

            def counted_lines(widget: Widget, crop: Any) -> Any:
                rendered[type(widget).__name__] += 1
                return render_lines(widget, crop)

            Widget.render_lines = counted_lines  # type: ignore[method-assign]
            try:
                updates = terminal.updates
                await asyncio.sleep(90)  # 90 ticks, none changing more than the digits and the bar
                ticks_drawn, running, running_frames = terminal.updates - updates, rendered.copy(), len(frames)
                assert shows_time(terminal, screen.query_one(BigDigits), timer_digits(session.timer.of()))
                assert await drawn_again(app, pilot, terminal) == terminal.cells, "\n".join(terminal.rows())
                await asyncio.sleep(minutes * 60)  # the colours change, then the time is up
                assert shows_time(terminal, screen.query_one(BigDigits), timer_digits(session.timer.of()))
                assert await drawn_again(app, pilot, terminal) == terminal.cells, "\n".join(terminal.rows())
                session.notes.add("A note while the time runs over")  # the board and its title: a layout
                following.follower.poll()
                await pilot.pause()
                await asyncio.sleep(3)
                assert await drawn_again(app, pilot, terminal) == terminal.cells, "\n".join(terminal.rows())
            finally:
                Widget.render_lines = render_lines  # type: ignore[method-assign]
            return running, running_frames, len(frames), ticks_drawn, timer_digits(session.timer.of())

    running, running_frames, frames, ticks_drawn, digits = run_virtual(main)
    assert running["BigDigits"] == 90 and ticks_drawn >= 90  # each second was drawn and reached the terminal
    # No frame of the screen, no other widget drawn, but for the words saying when the stage ends moving a minute
    # as the seconds round (a frame of the words: 90 of each of five widgets before, one frame a second).
    others = sum(count for name, count in running.items() if name not in {"BigDigits", "TimerBar"})
    assert running_frames <= 1 and others <= 3, (running_frames, running)
    assert frames > running_frames  # the colours, the time's-up words and the note: frames as before
    assert digits.startswith("+")
