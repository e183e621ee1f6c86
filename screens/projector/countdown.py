"""The projector's countdown: the stage screen's timer, drawn for the back of the room.

The time comes from the same place as the facilitator's countdown: the session's ``StageTimer`` (rebuilt from the
stage's saved timestamps, read on the clock) and ``facilitation.timer_words`` (the same digits and words, without a
finished stage's outcome); the colour classes come from ``StageTimer.phase`` (20 % left: warning, 5 %: alert, then
TIME'S UP on red), as on the stage screen. The words say the state for the room, never a key to press.
"""

from __future__ import annotations

import re
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label

from facilitation.timer import StageTimer
from facilitation.timer_words import timer_digits, timer_status
from screens.projector.big_digits import BigDigits
from screens.widgets.timer_display import TimerBar, timer_classes, words_need_layout


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
        self._parts: tuple[BigDigits, Label, TimerBar] | None = None

    @property
    def parts(self) -> tuple[BigDigits, Label, TimerBar]:
        """The digits, the words and the bar (found once: composed once and never replaced; ``show`` runs every
        second and would otherwise walk the widget's children three times to find them)."""
        parts = self._parts
        if parts is None:
            parts = self._parts = (
                self.query_one(BigDigits),
                self.query_one("#countdown-status", Label),
                self.query_one(TimerBar),
            )
        return parts

    def compose(self) -> ComposeResult:
        yield BigDigits("00:00", id="countdown-digits")
        yield Label("", id="countdown-status")
        yield TimerBar(id="countdown-bar")

    @property
    def digits(self) -> str:
        """The time as the room reads it (``09:59``, ``+01:05``)."""
        return self.parts[0].value

    @property
    def status(self) -> str:
        return self._last[1] if self._last else ""

    def show(self, timer: StageTimer, now: float | None = None) -> None:
        """Draw ``timer`` as it is now (the screen calls this once a second while it runs). Only what changed is
        drawn again: a running countdown's second redraws the digits that moved and the bar, never the words (a
        ``Label`` update lays out the whole screen) unless they changed too; an overrun's second repaints its words
        (``TIME'S UP · 00:26 over``) without a layout (``words_need_layout``)."""
        digits, status, phase = timer_digits(timer), timer_status(timer, now, outcome=False), timer.phase
        state = timer.status.value
        fraction = round(timer.fraction_remaining, 3)
        current = (digits, status, phase, state, fraction)
        if current == self._last:
            return
        last_status = self._last[1] if self._last else None
        self._last = current
        big, label, bar = self.parts
        big.template = "+" + re.sub(r"\d", "0", digits.lstrip("+"))  # room for overtime: same size
        big.value = digits
        if status != last_status:  # an overrun's words change every second: repainted, not laid out again
            label.update(Content(status), layout=words_need_layout(last_status, status))
        bar.fraction = fraction
        self.update_classes(timer_classes(timer))  # restyles only when a class changes
