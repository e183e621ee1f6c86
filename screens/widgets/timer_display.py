"""The big countdown: digits, a draining bar and a status line, coloured by how much time is left.

It only draws what a ``StageTimer`` says at the moment it is asked: the screen calls ``show`` a few times a
second and nothing here counts time. The colour classes (``-normal``, ``-warning``, ``-alert``, ``-overrun``)
come from ``StageTimer.phase`` so the rule lives in one place; the state classes (``-idle``, ``-running``,
``-paused``, ``-finished``) let the stylesheet change the look of a stopped timer.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.style import Style
from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.renderables.bar import Bar
from textual.widget import Widget
from textual.widgets import Digits, Label

from facilitation.timer import StageTimer, TimerStatus
from facilitation.timer_words import timer_digits, timer_status
from screens.internals import repaint_now

PHASES = ("normal", "warning", "alert", "overrun")
STATUSES = ("idle", "running", "paused", "finished")


KEY_HINTS = {TimerStatus.IDLE: " · press space or F5 to start", TimerStatus.PAUSED: " · space or F5 resumes"}
"""What the facilitator's status line adds for a timer within its time: the keys that start or resume it."""


def status_text(timer: StageTimer, now: float | None = None) -> str:
    """The facilitator's status line: ``facilitation.timer_words.timer_status`` (with how a finished stage went)
    and, for a timer within its time, the key that starts or resumes it."""
    hint = "" if timer.is_overrun else KEY_HINTS.get(timer.status, "")
    return timer_status(timer, now) + hint


def words_need_layout(old: str | None, new: str) -> bool:
    """Whether a label that showed ``old`` must be laid out again to show ``new``: not when only digits changed
    (``TIME'S UP · 00:25 over 10 min`` to ``00:26``), which keeps every character's cell, so the wrapping and the
    label's height stay; a repaint does. A layout is of the whole screen, and an overrun's words change every
    second (measured on the projector at 200x60: a layout a second while the time is up, none while it runs)."""
    if old is None or len(old) != len(new):
        return True
    return re.sub(r"\d", "0", old) != re.sub(r"\d", "0", new)


def timer_classes(timer: StageTimer) -> dict[str, bool]:
    """The classes a countdown widget sets for ``timer``: ``-times-up``, one ``-<phase>`` and one ``-<status>``
    (each ``True``/``False``), so one ``update_classes`` restyles the digits, the status and the bar."""
    phase, state = timer.phase, timer.status.value
    classes = {"-times-up": timer.is_overrun}
    classes |= {f"-{name}": name == phase for name in PHASES}
    classes |= {f"-{name}": name == state for name in STATUSES}
    return classes


class TimerBar(Widget):
    """The draining bar: the share of the stage's time that is left, drawn as Textual's progress bar draws it.

    One widget instead of a ``ProgressBar`` (a container, a bar and an ETA clock) for what is one line of the
    first frame the facilitator waits for.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"timer-bar--bar", "timer-bar--complete"}
    DEFAULT_CSS: ClassVar[str] = """
    TimerBar {
        width: 1fr;
        height: 1;
        & > .timer-bar--bar { color: $primary; background: $surface; }
        & > .timer-bar--complete { color: $primary; background: $surface; }
    }
    """

    fraction: reactive[float] = reactive(1.0, repaint=False)
    """0 (no time left) to 1 (all of it). A new value repaints the bar only when it draws differently
    (``watch_fraction``)."""

    def watch_fraction(self, old: float, new: float) -> None:
        """Repaint when the bar's drawn length moves (Textual's ``Bar`` rounds it to half a cell) or its style
        changes (full or not): a countdown's second moves a 200-column bar by a third of a half cell at 20
        minutes, so most seconds repaint nothing here (each repaint draws the line through Rich). The line is
        drawn at once when nothing else waits to be drawn (``screens.internals.repaint_now``)."""
        if self._drawn(old) != self._drawn(new):
            repaint_now(self)

    def _drawn(self, fraction: float) -> tuple[int, bool]:
        return round(self.size.width * fraction * 2), fraction < 1

    def render(self) -> RenderResult:
        style = self.get_component_rich_style(
            "timer-bar--bar" if self.fraction < 1 else "timer-bar--complete"
        )
        return Bar(
            highlight_range=(0, self.size.width * self.fraction),
            highlight_style=Style.from_color(style.color),
            background_style=Style.from_color(style.bgcolor),
        )


class TimerDisplay(Vertical):
    """Three-row digits with a status line and a bar; readable from the back of a room."""

    DEFAULT_CSS: ClassVar[str] = """
    TimerDisplay {
        height: auto;
        padding: 0 1;
        #timer-row { height: auto; }
        #timer-digits { width: auto; text-style: bold; padding: 0 2 0 0; }
        #timer-status { width: 1fr; height: 3; content-align: left middle; text-style: bold; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None, timer: StageTimer | None = None) -> None:
        """``timer``: the timer the first ``show`` will draw, whose classes (``timer_classes``) the widget starts
        with, so that first ``show`` restyles nothing (on the stage screen at start-up, 13 of the 57 restyles on the
        way to the first frame were the countdown taking its classes just after mounting)."""
        if timer is not None:
            on = [name for name, wanted in timer_classes(timer).items() if wanted]
            classes = " ".join([*([classes] if classes else []), *on])
        super().__init__(id=id, classes=classes)
        self._last: tuple[str, str, str, str, float] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="timer-row"):
            yield Digits("00:00", id="timer-digits")
            yield Label("", id="timer-status")
        yield TimerBar(id="timer-bar")

    @property
    def digits(self) -> str:
        """The text the digits show now (what the room reads)."""
        return self.query_one("#timer-digits", Digits).value

    @property
    def status(self) -> str:
        return self._last[1] if self._last else ""

    def show(self, timer: StageTimer, now: float | None = None) -> None:
        """Draw ``timer`` as it is now; cheap when nothing visible changed, so it can run on every tick."""
        digits, status, phase = timer_digits(timer), status_text(timer, now), timer.phase
        state = timer.status.value
        fraction = round(timer.fraction_remaining, 3)
        current = (digits, status, phase, state, fraction)
        if current == self._last:
            return
        last_status = self._last[1] if self._last else None
        self._last = current
        self.query_one("#timer-digits", Digits).update(digits)
        if status != last_status:  # a Label update lays out the whole screen: not once a second for the same words
            label = self.query_one("#timer-status", Label)
            label.update(Content(status), layout=words_need_layout(last_status, status))
        self.query_one(TimerBar).fraction = fraction
        self.update_classes(timer_classes(timer))  # one restyle of digits, status and bar, not one per class
