"""What a stage timer says in words and digits: one rule for the facilitator's countdown and the projector's.

Both countdowns draw the same ``StageTimer`` (see ``facilitation.timer``); what they may say differs only in what
the audience should see: the facilitator's window adds the keys to press (that is the UI's business) and, once a
stage is finished, how it went against the plan; the room sees the state and the plan, never how a finished stage
overran.
"""

from __future__ import annotations

import math
import time

from facilitation.schedule import format_clock
from facilitation.timer import StageTimer, TimerStatus

LEADS = {"alert": "ALMOST TIME", "warning": "LAST 20 % OF THE TIME"}
"""The first words of a running timer's status by ``StageTimer.phase`` (``RUNNING`` for any other phase); the
thresholds are the timer's (20 % and 5 % of the time left)."""


def timer_digits(timer: StageTimer) -> str:
    """What the digits show: the time left rounded up (``10:00`` at the start, ``00:00`` only when the time is
    really up), or ``+MM:SS`` counting up once the time is over."""
    if timer.is_overrun:
        return "+" + format_clock(timer.overrun)
    return format_clock(timer.remaining, round_up=True)


def timer_status(timer: StageTimer, now: float | None = None, *, outcome: bool = True) -> str:
    """The words beside the digits, so the state reads without knowing the colour code.

    ``now`` (wall-clock seconds since the epoch): a running timer also says at what local time of day it ends.
    ``outcome``: a finished stage says how it went ("ran 02:00 over 10 min", "03:00 were left of 10 min");
    ``False`` (the room's screen) says only ``STAGE FINISHED``. Never names a key.
    """
    planned = f"{timer.planned_seconds / 60:g} min"
    extra = _change_words(timer.extended_seconds)
    if timer.status is TimerStatus.FINISHED:
        if not outcome:
            return "STAGE FINISHED"
        if timer.is_overrun:
            return f"STAGE FINISHED · ran {format_clock(timer.overrun)} over {planned}{extra}"
        return (
            f"STAGE FINISHED · {format_clock(timer.remaining, round_up=True)} were left of {planned}{extra}"
        )
    if timer.is_overrun:
        paused = "PAUSED · " if timer.status is TimerStatus.PAUSED else ""
        return f"TIME'S UP · {paused}{format_clock(timer.overrun)} over {planned}{extra}"
    if timer.status is TimerStatus.IDLE:
        return f"READY · {planned}{extra}"
    if timer.status is TimerStatus.PAUSED:
        return f"PAUSED · {planned}{extra}"
    ends = ""
    if now is not None:
        ends = " · ends " + time.strftime("%H:%M", time.localtime(now + timer.remaining))
    return f"{LEADS.get(timer.phase, 'RUNNING')} · {planned}{extra}{ends}"


def _change_words(seconds: float) -> str:
    """The time added to (``+``) or taken off (``-``) the plan, net, as the status says it after the planned
    minutes: " + 5 min added", " − 2 min taken off" ("+ -2 min added" before), "" when none; a part of a minute
    (``-`` takes off at most the time left, 40 s say) as ``MM:SS`` rather than "0.666667 min"."""
    whole = round(abs(seconds))
    if whole == 0:
        return ""
    amount = f"{whole // 60} min" if whole % 60 == 0 else format_clock(whole)
    return f" + {amount} added" if seconds > 0 else f" − {amount} taken off"


def seconds_to_next_digit(timer: StageTimer) -> float | None:
    """How long until ``timer_digits`` shows another second, for a screen that redraws only then: ``None``
    while the timer is not running (its digits do not move). At most 1 s; 1 s just as the digits change."""
    if timer.status is not TimerStatus.RUNNING:
        return None
    if timer.is_overrun:
        over = timer.overrun  # shown truncated: changes at the next whole second
        step = math.floor(over + 1e-9) + 1 - over
    elif timer.remaining <= 0:
        step = 0.0  # exactly out of time: the next instant is overtime ("+00:00")
    else:
        left = timer.remaining  # shown rounded up: changes as it passes the whole second below
        step = left - (math.ceil(left - 1e-9) - 1)
    return min(1.0, max(step, 0.0))
