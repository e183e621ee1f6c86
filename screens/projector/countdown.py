"""The projector's countdown: the stage screen's timer, drawn for the back of the room.

The time comes from the same place as the facilitator's countdown: the session's ``StageTimer`` (rebuilt from the
stage's saved timestamps, read on the clock) and ``timer_text``; the colour classes come from ``StageTimer.phase``
(20 % left: warning, 5 %: alert, then TIME'S UP on red), as on the stage screen. The words say the state for the
room, never a key to press.
"""

from __future__ import annotations

import re
import time
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label

from facilitation.schedule import format_clock
from facilitation.timer import StageTimer
from screens.projector.big_digits import BigDigits
from screens.widgets.timer_display import PHASES, STATUSES, TimerBar, timer_text


def room_status(timer: StageTimer, now: float | None = None) -> str:
    """The words under the digits for the room: the state and the plan, never a key."""
    planned = f"{timer.planned_seconds / 60:g} min"
    extra = f" + {timer.extended_seconds / 60:g} min added" if timer.extended_seconds else ""
    if timer.status == "finished":
        return "STAGE FINISHED"
    if timer.is_overrun:
        paused = " · PAUSED" if timer.status == "paused" else ""
        return f"TIME'S UP · {format_clock(timer.overrun)} over {planned}{extra}{paused}"
    if timer.status == "idle":
        return f"READY · {planned}{extra}"
    if timer.status == "paused":
        return f"PAUSED · {planned}{extra}"
    ends = ""
    if now is not None:
        ends = " · ends " + time.strftime("%H:%M", time.localtime(now + timer.remaining))
    lead = {"alert": "ALMOST TIME", "warning": "LAST 20 % OF THE TIME"}.get(timer.phase, "RUNNING")
    return f"{lead} · {planned}{extra}{ends}"


class ProjectorCountdown(Vertical):
    """Big digits, the state in words and the draining bar; ``show`` is cheap when nothing visible changed."""

    DEFAULT_CSS: ClassVar[str] = """
    ProjectorCountdown {
        height: 1fr;
        #countdown-status { width: 1fr; content-align: center middle; text-style: bold; }
        #countdown-bar { margin: 0 2; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._last: tuple[str, str, str, str, float] | None = None

    def compose(self) -> ComposeResult:
        yield BigDigits("00:00", id="countdown-digits")
        yield Label("", id="countdown-status")
        yield TimerBar(id="countdown-bar")

    @property
    def digits(self) -> str:
        """The time as the room reads it (``09:59``, ``+01:05``)."""
        return self.query_one(BigDigits).value

    @property
    def status(self) -> str:
        return self._last[1] if self._last else ""

    def show(self, timer: StageTimer, now: float | None = None) -> None:
        """Draw ``timer`` as it is now (the screen calls this a few times a second)."""
        digits, status, phase = timer_text(timer), room_status(timer, now), timer.phase
        state = timer.status.value
        fraction = round(timer.fraction_remaining, 3)
        current = (digits, status, phase, state, fraction)
        if current == self._last:
            return
        self._last = current
        big = self.query_one(BigDigits)
        big.template = "+" + re.sub(r"\d", "0", digits.lstrip("+"))  # room for overtime: same size
        big.value = digits
        self.query_one("#countdown-status", Label).update(Content(status))
        self.query_one(TimerBar).fraction = fraction
        classes = {"-times-up": timer.is_overrun}
        classes |= {f"-{name}": name == phase for name in PHASES}
        classes |= {f"-{name}": name == state for name in STATUSES}
        self.update_classes(classes)
