"""The stage countdown: a small state machine over an injected clock.

Time is measured, not counted. A UI tick only asks the timer for its state; it never adds a second, because
ticks arrive late under load (a tick-counting countdown was 19.5 s wrong after ten minutes). While the
process runs, elapsed time is the sum of closed run segments plus the open segment measured on the monotonic
clock. The persisted form (``to_dict``) holds wall-clock timestamps instead, so a timer that was running
when the app stopped (closed, crashed, laptop lid shut) is still running after a restart, and has counted
the time in between.

States: ``idle`` → ``running`` ⇄ ``paused``; any state → ``finished``; ``reset`` goes back to ``idle``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

from facilitation.clock import Clock

Phase = Literal["normal", "warning", "alert", "overrun"]
"""How the UI colours the countdown."""

WARNING_FRACTION = 0.20
"""``warning`` once the remaining time is at most this share of the duration."""
ALERT_FRACTION = 0.05
"""``alert`` once the remaining time is at most this share of the duration."""
MAX_EXTEND_MINUTES = 180.0
"""The most one extension may add: a typo like 600 should not silently add ten hours."""
FORMAT_VERSION = 1
"""Version of the ``to_dict`` shape, so a later format change can still read old files."""

_EPSILON = 1e-9
"""Absorbs float noise so a threshold reached exactly (120 s of 600 s) counts as reached."""


class TimerError(ValueError):
    """An operation the timer cannot do now, or damaged saved data, worded for the facilitator."""


class TimerStatus(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


_FINISHED_MESSAGE = "This stage is finished: reset the timer to run it again."


class StageTimer:
    """One stage's countdown. Every reading is computed from the clock at the moment it is asked for."""

    def __init__(self, planned_seconds: float, clock: Clock) -> None:
        if not _is_number(planned_seconds) or planned_seconds < 0:
            raise TimerError("The planned time must be zero or more minutes.")
        self._clock = clock
        self._planned = float(planned_seconds)
        self._extended = 0.0
        self._status = TimerStatus.IDLE
        self._accumulated = 0.0
        """Seconds run in closed segments (before the last pause)."""
        self._running_since: float | None = None
        """Monotonic reading when the open run segment began; ``None`` unless running."""
        self._started_at: float | None = None
        self._finished_at: float | None = None

    def __repr__(self) -> str:
        return (
            f"StageTimer(status={self._status.value!r}, duration={self.duration:.1f}, "
            f"elapsed={self.elapsed:.1f})"
        )

    # --- transitions ---------------------------------------------------------------------------------------

    def start(self) -> None:
        """Idle → running; remembers the wall time of the first start for the minutes."""
        if self._status is TimerStatus.RUNNING:
            raise TimerError("The timer is already running.")
        if self._status is TimerStatus.PAUSED:
            raise TimerError("The timer is paused: resume it instead.")
        if self._status is TimerStatus.FINISHED:
            raise TimerError(_FINISHED_MESSAGE)
        self._open_segment()
        if self._started_at is None:
            self._started_at = self._clock.wall()
        self._status = TimerStatus.RUNNING

    def pause(self) -> None:
        """Running → paused; the time so far is kept, the pause itself is not counted."""
        if self._status is TimerStatus.IDLE:
            raise TimerError("The timer has not started yet.")
        if self._status is TimerStatus.PAUSED:
            raise TimerError("The timer is already paused.")
        if self._status is TimerStatus.FINISHED:
            raise TimerError(_FINISHED_MESSAGE)
        self._close_segment()
        self._status = TimerStatus.PAUSED

    def resume(self) -> None:
        """Paused → running."""
        if self._status is TimerStatus.IDLE:
            raise TimerError("The timer has not started yet: start it first.")
        if self._status is TimerStatus.RUNNING:
            raise TimerError("The timer is already running.")
        if self._status is TimerStatus.FINISHED:
            raise TimerError(_FINISHED_MESSAGE)
        self._open_segment()
        self._status = TimerStatus.RUNNING

    def toggle(self) -> TimerStatus:
        """What one key (space) does: start, pause or resume. Returns the new status, for the UI to say."""
        if self._status is TimerStatus.IDLE:
            self.start()
        elif self._status is TimerStatus.RUNNING:
            self.pause()
        elif self._status is TimerStatus.PAUSED:
            self.resume()
        else:
            raise TimerError(_FINISHED_MESSAGE)
        return self._status

    def extend(self, minutes: float) -> None:
        """Add time to this run of the stage; allowed before it starts too (the room wants more up front)."""
        if self._status is TimerStatus.FINISHED:
            raise TimerError("This stage is finished: reset the timer before adding time.")
        if not _is_number(minutes) or not 0 < minutes <= MAX_EXTEND_MINUTES:
            raise TimerError(f"Extra time must be more than 0 and at most {MAX_EXTEND_MINUTES:g} minutes.")
        self._extended += minutes * 60.0

    def shorten(self, minutes: float) -> float:
        """Take time off this run of the stage (the ``-`` key, as ``+`` adds); returns the seconds taken off.

        At most the time still left is taken off, so a countdown never shows "minus" time because of a key
        press: with 40 s left, taking a minute off leaves 0 and the stage's time is up. Refused when the stage
        is finished or no time is left. The planned length is kept; what is taken off is recorded as a negative
        extension, so the minutes can say "planned 10 min, 2 min taken off".
        """
        if self._status is TimerStatus.FINISHED:
            raise TimerError("This stage is finished: reset the timer before changing its time.")
        if not _is_number(minutes) or not 0 < minutes <= MAX_EXTEND_MINUTES:
            raise TimerError(
                f"Time taken off must be more than 0 and at most {MAX_EXTEND_MINUTES:g} minutes."
            )
        taken = min(minutes * 60.0, self.remaining)
        if taken <= 0:
            raise TimerError("There is no time left to take off.")
        self._extended -= taken
        return taken

    def reset(self) -> None:
        """Back to idle with the planned duration: extensions, elapsed time and timestamps are cleared."""
        self._status = TimerStatus.IDLE
        self._extended = 0.0
        self._accumulated = 0.0
        self._running_since = None
        self._started_at = None
        self._finished_at = None

    def finish(self) -> None:
        """Any state except finished → finished, freezing the elapsed time.

        Finishing an idle timer is allowed: the facilitator moved past the stage without running it.
        Finishing twice is refused so the first finish time (which the minutes report) is never overwritten.
        """
        if self._status is TimerStatus.FINISHED:
            raise TimerError("This stage is already finished.")
        self._close_segment()
        self._finished_at = self._clock.wall()
        self._status = TimerStatus.FINISHED

    # --- readings ------------------------------------------------------------------------------------------

    @property
    def status(self) -> TimerStatus:
        return self._status

    @property
    def planned_seconds(self) -> float:
        return self._planned

    @property
    def extended_seconds(self) -> float:
        """Seconds added (positive) or taken off (negative) on top of the plan; ``duration`` is never below 0."""
        return self._extended

    @property
    def duration(self) -> float:
        """Planned plus extended seconds: what the countdown counts down from."""
        return self._planned + self._extended

    @property
    def elapsed(self) -> float:
        """Seconds spent running, pauses excluded; never negative."""
        return self._accumulated + self._open_segment_seconds()

    @property
    def remaining(self) -> float:
        return max(0.0, self.duration - self.elapsed)

    @property
    def overrun(self) -> float:
        return max(0.0, self.elapsed - self.duration)

    @property
    def is_overrun(self) -> bool:
        return self.elapsed > self.duration

    @property
    def fraction_remaining(self) -> float:
        """Share of the duration still left, 0..1, for a progress bar; a timer not yet started is full."""
        if self._status is TimerStatus.IDLE:
            return 1.0
        duration = self.duration
        if duration <= 0:
            return 0.0
        return min(1.0, max(0.0, self.remaining / duration))

    @property
    def phase(self) -> Phase:
        """``normal``, ``warning`` (≤ 20 % left), ``alert`` (≤ 5 % left), ``overrun``; idle is ``normal``."""
        if self._status is TimerStatus.IDLE:
            return "normal"
        elapsed = self.elapsed
        duration = self.duration
        if elapsed > duration + _EPSILON:
            return "overrun"
        remaining = duration - elapsed
        if remaining <= ALERT_FRACTION * duration + _EPSILON:
            return "alert"
        if remaining <= WARNING_FRACTION * duration + _EPSILON:
            return "warning"
        return "normal"

    @property
    def started_at(self) -> float | None:
        """Wall-clock time of the first start (a pause and resume does not move it)."""
        return self._started_at

    @property
    def finished_at(self) -> float | None:
        return self._finished_at

    # --- persistence ---------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data.

        ``running_since_wall`` is derived at save time as *now minus the open segment measured on the
        monotonic clock*, rather than the wall time recorded at resume: a system clock corrected while the
        timer ran then cannot make the saved timer disagree with what the screen showed.
        """
        running_since_wall: float | None = None
        if self._status is TimerStatus.RUNNING:
            running_since_wall = self._clock.wall() - self._open_segment_seconds()
        return {
            "version": FORMAT_VERSION,
            "status": self._status.value,
            "planned_seconds": self._planned,
            "extended_seconds": self._extended,
            "accumulated_seconds": self._accumulated,
            "running_since_wall": running_since_wall,
            "started_at": self._started_at,
            "finished_at": self._finished_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], clock: Clock) -> StageTimer:
        """Rebuild a timer saved by ``to_dict``, possibly by another process.

        A running timer keeps running in wall-clock time: its open segment is re-anchored on this process's
        monotonic clock as if it began ``clock.wall() - running_since_wall`` seconds ago. If the wall clock
        now reads earlier than the saved anchor (the clock was moved back) that gap counts as 0, never
        negative. Unknown keys are ignored so files from newer minor versions still load.
        """
        if not isinstance(data, Mapping):
            raise TimerError("The saved stage timer is damaged: it is not a set of named values.")
        version = data.get("version", FORMAT_VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise TimerError("The saved stage timer is damaged: its format version is not readable.")
        if version > FORMAT_VERSION:
            raise TimerError(
                "The saved stage timer was written by a newer version of this app: please upgrade."
            )
        try:
            status = TimerStatus(str(data.get("status")) if isinstance(data.get("status"), str) else "")
        except ValueError:
            raise TimerError(
                f"The saved stage timer is damaged: unknown status {data.get('status')!r}."
            ) from None
        planned = _saved_seconds(data, "planned_seconds", required=True)
        extended = _saved_seconds(data, "extended_seconds", signed=True)
        accumulated = _saved_seconds(data, "accumulated_seconds")
        running_since_wall = _saved_timestamp(data, "running_since_wall")
        started_at = _saved_timestamp(data, "started_at")
        finished_at = _saved_timestamp(data, "finished_at")
        if status is TimerStatus.RUNNING and running_since_wall is None:
            raise TimerError("The saved stage timer is damaged: it was running but has no start time.")

        if (planned or 0.0) + (extended or 0.0) < -1e-6:  # float noise of a shorten to exactly 0
            raise TimerError("The saved stage timer is damaged: more time was taken off than it had.")
        timer = cls(planned if planned is not None else 0.0, clock)
        timer._status = status
        timer._extended = extended or 0.0
        timer._accumulated = accumulated or 0.0
        timer._started_at = started_at
        timer._finished_at = finished_at
        if status is TimerStatus.RUNNING:
            assert running_since_wall is not None
            gap = max(0.0, clock.wall() - running_since_wall)
            timer._running_since = clock.monotonic() - gap
        return timer

    @classmethod
    def restore(cls, data: Mapping[str, Any] | None, planned_seconds: float, clock: Clock) -> StageTimer:
        """The stage's timer as saved, or a fresh idle one if never touched (``Stage.timer`` is ``{}``)."""
        if not data:
            return cls(planned_seconds, clock)
        return cls.from_dict(data, clock)

    # --- internals -----------------------------------------------------------------------------------------

    def _open_segment(self) -> None:
        self._running_since = self._clock.monotonic()

    def _close_segment(self) -> None:
        self._accumulated += self._open_segment_seconds()
        self._running_since = None

    def _open_segment_seconds(self) -> float:
        if self._running_since is None:
            return 0.0
        return max(0.0, self._clock.monotonic() - self._running_since)


def _is_number(value: object) -> bool:
    """A finite int or float; ``bool`` is excluded because ``True`` minutes is a bug, not a duration."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _saved_seconds(
    data: Mapping[str, Any], key: str, *, required: bool = False, signed: bool = False
) -> float | None:
    value: Any = data.get(key)
    if value is None and not required:
        return None
    if not _is_number(value) or (value < 0 and not signed):
        raise TimerError(
            f"The saved stage timer is damaged: {key} must be a number of seconds, zero or more."
        )
    return float(value)


def _saved_timestamp(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if not _is_number(value):
        raise TimerError(f"The saved stage timer is damaged: {key} must be a timestamp or empty.")
    return float(value)
