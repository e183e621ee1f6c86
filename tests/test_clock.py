"""The clocks the timers run on."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitation.clock import SUSPEND_THRESHOLD_SECONDS, Clock, FakeClock, SuspendAwareClock, SystemClock


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
    before_wall = time.time()
    wall = clock.wall()
    assert before_wall <= wall <= time.time()
    if hasattr(time, "CLOCK_BOOTTIME"):
        before = time.clock_gettime(time.CLOCK_BOOTTIME)
        assert before <= clock.monotonic() <= time.clock_gettime(time.CLOCK_BOOTTIME)


def test_both_clocks_satisfy_the_protocol() -> None:
    clocks: list[Clock] = [SystemClock(), FakeClock()]
    assert all(isinstance(c.monotonic(), float) and isinstance(c.wall(), float) for c in clocks)


# --- real time: a laptop that sleeps -------------------------------------------------------------------------


class Machine:
    """A laptop's clocks: ``CLOCK_MONOTONIC`` stops while it sleeps, ``CLOCK_BOOTTIME`` and the wall clock don't."""

    CLOCK_BOOTTIME = 7

    def __init__(self, *, boottime: bool = True) -> None:
        self._mono = 500.0
        self._boot = 900.0
        self._wall = 1_800_000_000.0
        if not boottime:
            self.CLOCK_BOOTTIME = None  # type: ignore[assignment]

    def monotonic(self) -> float:
        return self._mono

    def time(self) -> float:
        return self._wall

    def clock_gettime(self, which: int) -> float:
        assert which == 7
        return self._boot

    def run(self, seconds: float) -> None:
        self._mono += seconds
        self._boot += seconds
        self._wall += seconds

    def sleep(self, seconds: float) -> None:
        self._boot += seconds
        self._wall += seconds

    def step_wall(self, seconds: float) -> None:
        self._wall += seconds


def _ten_minute_timer_slept_through(machine: Machine) -> tuple[float, float]:
    """The issue's example: a 10-minute stage, 1 minute run, 8 minutes asleep; remaining now and after a restart."""
    from facilitation.timer import StageTimer

    clock = SystemClock(machine)
    timer = StageTimer(600, clock)
    timer.start()
    saved = timer.to_dict()  # the session saves the timer when it starts
    for _ in range(60):
        machine.run(1)
        clock.monotonic()  # the countdown reads the clock several times a second
    machine.sleep(8 * 60)
    shown = timer.remaining
    after_restart = StageTimer.from_dict(saved, SystemClock(machine)).remaining
    return shown, after_restart


@pytest.mark.parametrize("boottime", [True, False], ids=["linux-boottime", "elsewhere-wall-vs-monotonic"])
def test_a_timer_counts_the_time_the_laptop_slept(boottime: bool) -> None:
    shown, after_restart = _ten_minute_timer_slept_through(Machine(boottime=boottime))
    assert shown == pytest.approx(60.0)
    assert after_restart == pytest.approx(60.0)


def test_linux_uses_boottime() -> None:
    machine = Machine()
    clock = SystemClock(machine)
    start = clock.monotonic()
    machine.sleep(100)
    assert clock.monotonic() - start == 100


def test_a_refused_boottime_falls_back_to_comparing_clocks() -> None:
    class Sandboxed(Machine):
        def clock_gettime(self, which: int) -> float:
            raise OSError("not allowed")

    machine = Sandboxed()
    clock = SystemClock(machine)
    start = clock.monotonic()
    machine.sleep(100)
    assert clock.monotonic() - start == pytest.approx(100)


def test_without_boottime_a_wall_clock_set_back_is_not_time_going_backwards() -> None:
    machine = Machine(boottime=False)
    clock = SystemClock(machine)
    start = clock.monotonic()
    machine.run(10)
    machine.step_wall(-3600)
    machine.run(10)
    assert clock.monotonic() - start == pytest.approx(20)


def test_without_boottime_small_disagreements_are_not_a_suspend() -> None:
    machine = Machine(boottime=False)
    clock = SystemClock(machine)
    start = clock.monotonic()
    for _ in range(100):
        machine.run(1)
        machine.step_wall(0.5)  # the wall clock runs a little fast: NTP will slew it back
        clock.monotonic()
    assert clock.monotonic() - start == pytest.approx(100)


@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["run", "sleep", "step"]), st.floats(-7200, 7200, allow_nan=False)),
        max_size=40,
    )
)
def test_elapsed_time_never_goes_backwards_and_counts_every_sleep(steps: list[tuple[str, float]]) -> None:
    machine = Machine(boottime=False)
    clock = SuspendAwareClock(machine.monotonic, machine.time)
    previous = start = clock()
    awake = asleep = 0.0
    for kind, seconds in steps:
        if kind == "run":
            machine.run(abs(seconds))
            awake += abs(seconds)
        elif kind == "sleep":
            machine.sleep(abs(seconds))
            asleep += abs(seconds) if abs(seconds) > SUSPEND_THRESHOLD_SECONDS else 0.0
        else:
            machine.step_wall(seconds)
        now = clock()
        assert now >= previous
        previous = now
    if all(kind != "step" for kind, _ in steps):
        assert previous - start == pytest.approx(awake + asleep)


def test_the_real_system_clock_never_goes_backwards() -> None:
    clock = SystemClock()
    readings = [clock.monotonic() for _ in range(1000)]
    assert readings == sorted(readings)
