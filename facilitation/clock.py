"""Where the time comes from, injected so timers can be tested and benchmarked without sleeping.

Two clocks, because they answer different questions: the monotonic clock measures how long something took
while the process runs (it never jumps when the system clock is corrected), and the wall clock gives
timestamps that still mean something after a restart, so they are what gets persisted.
"""

from __future__ import annotations

import math
import time
from typing import Protocol


class Clock(Protocol):
    """The two readings a stage timer needs."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin; only differences within one process mean anything."""
        ...

    def wall(self) -> float:
        """Seconds since the epoch; comparable across processes, so this is what gets persisted."""
        ...


class SystemClock:
    """The real clocks of the machine."""

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()


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
        """Let time pass: both clocks move together, as they do on a real machine."""
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
