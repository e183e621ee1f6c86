"""The clocks the timers run on."""

from __future__ import annotations

import time

import pytest

from facilitation.clock import Clock, FakeClock, SystemClock


def test_fake_clock_defaults_and_advance_moves_both() -> None:
    clock = FakeClock()
    assert clock.wall() == 1_800_000_000.0
    assert clock.monotonic() == 1000.0
    clock.advance(90.5)
    assert clock.wall() == 1_800_000_090.5
    assert clock.monotonic() == 1090.5


def test_fake_clock_refuses_to_go_back() -> None:
    clock = FakeClock()
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.advance(float("nan"))


def test_restart_jumps_monotonic_only() -> None:
    clock = FakeClock(wall=100.0, monotonic=5000.0)
    clock.advance(10)
    clock.restart(monotonic=3.0)
    assert clock.monotonic() == 3.0
    assert clock.wall() == 110.0


def test_shift_wall_moves_only_the_wall_clock() -> None:
    clock = FakeClock(wall=100.0, monotonic=50.0)
    clock.shift_wall(-30)
    assert clock.wall() == 70.0
    assert clock.monotonic() == 50.0


def test_system_clock_reads_the_real_clocks() -> None:
    clock: Clock = SystemClock()
    before_wall, before_mono = time.time(), time.monotonic()
    wall, mono = clock.wall(), clock.monotonic()
    assert before_wall <= wall <= time.time()
    assert before_mono <= mono <= time.monotonic()


def test_both_clocks_satisfy_the_protocol() -> None:
    clocks: list[Clock] = [SystemClock(), FakeClock()]
    assert all(isinstance(c.monotonic(), float) and isinstance(c.wall(), float) for c in clocks)
