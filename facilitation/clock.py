"""Where the time comes from, injected so timers can be tested and benchmarked without sleeping.

Two clocks, because they answer different questions: the *elapsed* clock (``Clock.monotonic``) measures how long
something took while the process runs, and the wall clock gives timestamps that still mean something after a
restart, so they are what gets persisted.

The elapsed clock must count real time, including the time a laptop spends asleep with its lid shut: the room's
ten minutes kept passing while the facilitator's machine slept. Python's ``time.monotonic`` does not do that on
Linux (``CLOCK_MONOTONIC`` stops during suspend), so:

* on Linux the elapsed clock is ``CLOCK_BOOTTIME``, which counts suspend and, like ``CLOCK_MONOTONIC``, is never
  stepped when the system clock is corrected (``clock_gettime(2)``);
* elsewhere it is ``time.monotonic`` plus the suspend it missed, found by comparing it with the wall clock
  (``SuspendAwareClock``): when the wall clock moved more than 2 s further than the monotonic clock between two
  readings, the machine was asleep (or its clock was set forward, which is indistinguishable and counted too).

Either way the countdown a running app shows and the one computed from wall-clock timestamps after a restart
agree (``StageTimer.from_dict``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol

SUSPEND_THRESHOLD_SECONDS = 2.0
"""A wall clock that runs ahead of the monotonic clock by more than this between two readings means a suspend.

Smaller gaps are the two clocks' ordinary disagreement (NTP slewing changes the wall clock's rate by at most
0.05 %, i.e. 0.5 ms a second), plus the time between the two readings on a busy machine."""


class Clock(Protocol):
    """The two readings a stage timer needs."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin, counting suspend, never stepped; only differences within one
        process mean anything."""
        ...

    def wall(self) -> float:
        """Seconds since the epoch; comparable across processes, so this is what gets persisted."""
        ...


class SuspendAwareClock:
    """An elapsed-time clock built from a monotonic clock that may stop during suspend and the wall clock.

    Each reading compares how far both clocks moved since the previous reading; a wall clock that moved more
    than ``SUSPEND_THRESHOLD_SECONDS`` further is taken as time asleep and added. A wall clock set back is
    ignored (elapsed time never goes backwards). The clock must be read now and then (the countdown reads it
    several times a second) for a suspend to be attributed to the right moment; one long gap between readings
    is still counted whole. Thread-safe.
    """

    def __init__(self, monotonic: Callable[[], float], wall: Callable[[], float]) -> None:
        self._monotonic = monotonic
        self._wall = wall
        self._lock = threading.Lock()
        self._last_monotonic = monotonic()
        self._last_wall = wall()
        self._slept = 0.0

    @property
    def slept(self) -> float:
        """Seconds of suspend found so far."""
        return self._slept

    def __call__(self) -> float:
        with self._lock:
            mono, wall = self._monotonic(), self._wall()
            gap = (wall - self._last_wall) - (mono - self._last_monotonic)
            if gap > SUSPEND_THRESHOLD_SECONDS:
                self._slept += gap
            self._last_monotonic, self._last_wall = mono, wall
            return mono + self._slept


def elapsed_source(clocks: object = time) -> Callable[[], float]:
    """The best elapsed-time reader ``clocks`` (the ``time`` module, or a stand-in in tests) offers.

    ``CLOCK_BOOTTIME`` where it exists and answers; otherwise a ``SuspendAwareClock`` over ``monotonic`` and
    ``time``.
    """
    boottime = getattr(clocks, "CLOCK_BOOTTIME", None)
    clock_gettime = getattr(clocks, "clock_gettime", None)
    if boottime is not None and clock_gettime is not None:
        try:
            clock_gettime(boottime)
        except OSError:  # a kernel older than 2.6.39, or a sandbox that refuses the clock
            pass
        else:
            return lambda: float(clock_gettime(boottime))
    return SuspendAwareClock(clocks.monotonic, clocks.time)  # type: ignore[attr-defined]


class SystemClock:
    """The real clocks of the machine: elapsed time that counts suspend, and the wall clock."""

    def __init__(self, clocks: object = time) -> None:
        self._elapsed = elapsed_source(clocks)
        self._wall: Callable[[], float] = clocks.time  # type: ignore[attr-defined]

    def monotonic(self) -> float:
        return self._elapsed()

    def wall(self) -> float:
        return float(self._wall())


class FakeClock:
    """A clock that only moves when told to, so tests and benchmarks are exact and never sleep."""

    def __init__(self, wall: float = 1_800_000_000.0, monotonic: float = 1000.0) -> None:
        self._wall = float(wall)
        self._monotonic = float(monotonic)

    def monotonic(self) -> float:
        return self._monotonic

    def wall(self) -> float:
        return self._wall

    def advance(self, seconds: float) -> None:
        """Let time pass (awake or asleep: the elapsed clock counts both): both clocks move together."""
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"time only moves forward: cannot advance by {seconds!r} seconds")
        self._wall += seconds
        self._monotonic += seconds

    def restart(self, monotonic: float = 0.0) -> None:
        """Simulate a new process: the monotonic origin is unrelated to the old one, the wall clock is not."""
        self._monotonic = float(monotonic)

    def shift_wall(self, seconds: float) -> None:
        """Correct the system clock (NTP, a manual change): only the wall clock jumps, possibly backwards."""
        self._wall += seconds
