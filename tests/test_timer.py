"""The stage timer: transitions, readings, persistence and restarts, all on a fake clock."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitation.clock import FakeClock
from facilitation.timer import MAX_EXTEND_MINUTES, StageTimer, TimerError, TimerStatus

WALL0 = 1_800_000_000.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(wall=WALL0, monotonic=1000.0)


def running(clock: FakeClock, planned: float = 600.0) -> StageTimer:
    timer = StageTimer(planned, clock)
    timer.start()
    return timer


# --- basics ------------------------------------------------------------------------------------------------


def test_new_timer_is_idle_and_full(clock: FakeClock) -> None:
    timer = StageTimer(600, clock)
    assert timer.status is TimerStatus.IDLE
    assert timer.status == "idle"
    assert timer.planned_seconds == 600
    assert timer.extended_seconds == 0
    assert timer.duration == 600
    assert timer.elapsed == 0
    assert timer.remaining == 600
    assert timer.overrun == 0
    assert not timer.is_overrun
    assert timer.fraction_remaining == 1.0
    assert timer.phase == "normal"
    assert timer.started_at is None
    assert timer.finished_at is None


def test_idle_timer_does_not_count(clock: FakeClock) -> None:
    timer = StageTimer(600, clock)
    clock.advance(100)
    assert timer.elapsed == 0


@pytest.mark.parametrize("planned", [-1, float("nan"), float("inf"), True, "600"])
def test_bad_planned_time_is_refused(clock: FakeClock, planned: Any) -> None:
    with pytest.raises(TimerError):
        StageTimer(planned, clock)


def test_running_measures_time_without_ticks(clock: FakeClock) -> None:
    timer = running(clock)
    assert timer.started_at == WALL0
    clock.advance(125.5)
    assert timer.elapsed == 125.5
    assert timer.remaining == 600 - 125.5
    assert timer.fraction_remaining == pytest.approx((600 - 125.5) / 600)


def test_pause_excludes_paused_time(clock: FakeClock) -> None:
    timer = running(clock)
    clock.advance(100)
    timer.pause()
    assert timer.status is TimerStatus.PAUSED
    clock.advance(1000)
    assert timer.elapsed == 100
    timer.resume()
    clock.advance(50)
    assert timer.elapsed == 150
    assert timer.started_at == WALL0, "resuming does not move the first start"


def test_toggle_walks_start_pause_resume(clock: FakeClock) -> None:
    timer = StageTimer(600, clock)
    assert timer.toggle() is TimerStatus.RUNNING
    clock.advance(10)
    assert timer.toggle() is TimerStatus.PAUSED
    clock.advance(10)
    assert timer.toggle() is TimerStatus.RUNNING
    clock.advance(10)
    assert timer.elapsed == 20
    timer.finish()
    with pytest.raises(TimerError, match="finished"):
        timer.toggle()


def test_extend_adds_time_and_is_allowed_when_idle(clock: FakeClock) -> None:
    timer = StageTimer(600, clock)
    timer.extend(2)
    assert timer.extended_seconds == 120
    assert timer.duration == 720
    timer.start()
    clock.advance(700)
    timer.extend(0.5)
    assert timer.duration == 750
    assert timer.remaining == 50
    timer.pause()
    timer.extend(1)
    assert timer.duration == 810


@pytest.mark.parametrize("minutes", [0, -1, MAX_EXTEND_MINUTES + 0.01, float("nan"), float("inf"), True])
def test_extend_refuses_bad_amounts(clock: FakeClock, minutes: Any) -> None:
    timer = running(clock)
    with pytest.raises(TimerError, match="180 minutes"):
        timer.extend(minutes)
    assert timer.duration == 600


def test_minus_takes_a_minute_off_as_plus_adds_one(clock: FakeClock) -> None:
    timer = StageTimer(600, clock)
    timer.start()
    clock.advance(60)
    assert timer.shorten(1) == 60
    assert timer.remaining == 480
    assert timer.duration == 540 and timer.planned_seconds == 600 and timer.extended_seconds == -60
    timer.extend(1)
    assert timer.remaining == 540


def test_taking_off_more_than_is_left_ends_the_time_without_going_negative(clock: FakeClock) -> None:
    timer = StageTimer(600, clock)
    timer.start()
    clock.advance(560)
    assert timer.shorten(1) == 40
    assert timer.remaining == 0 and not timer.is_overrun and timer.phase == "alert"
    with pytest.raises(TimerError, match="no time left"):
        timer.shorten(1)


def test_shorten_is_refused_on_a_finished_stage_and_for_bad_amounts(clock: FakeClock) -> None:
    timer = StageTimer(600, clock)
    for bad in (0, -1, float("nan"), True, MAX_EXTEND_MINUTES + 1):
        with pytest.raises(TimerError):
            timer.shorten(bad)
    timer.finish()
    with pytest.raises(TimerError, match="finished"):
        timer.shorten(1)


def test_time_taken_off_survives_a_restart(clock: FakeClock) -> None:
    timer = StageTimer(600, clock)
    timer.shorten(2)
    saved = json.loads(json.dumps(timer.to_dict()))
    clock.restart()
    assert StageTimer.from_dict(saved, clock).duration == 480


def test_extend_accepts_the_maximum(clock: FakeClock) -> None:
    timer = running(clock)
    timer.extend(MAX_EXTEND_MINUTES)
    assert timer.extended_seconds == MAX_EXTEND_MINUTES * 60


def test_overrun(clock: FakeClock) -> None:
    timer = running(clock, 60)
    clock.advance(60)
    assert not timer.is_overrun
    assert timer.remaining == 0
    clock.advance(15)
    assert timer.is_overrun
    assert timer.overrun == 15
    assert timer.remaining == 0
    assert timer.phase == "overrun"
    assert timer.fraction_remaining == 0


def test_finish_freezes_elapsed_and_records_time(clock: FakeClock) -> None:
    timer = running(clock)
    clock.advance(90)
    timer.finish()
    assert timer.status is TimerStatus.FINISHED
    assert timer.finished_at == WALL0 + 90
    clock.advance(500)
    assert timer.elapsed == 90


def test_finish_from_pause_and_from_idle(clock: FakeClock) -> None:
    paused = running(clock)
    clock.advance(30)
    paused.pause()
    clock.advance(30)
    paused.finish()
    assert paused.elapsed == 30

    skipped = StageTimer(600, clock)
    skipped.finish()
    assert skipped.status is TimerStatus.FINISHED
    assert skipped.started_at is None
    assert skipped.finished_at == clock.wall()
    assert skipped.elapsed == 0


def test_finish_twice_keeps_the_first_time(clock: FakeClock) -> None:
    timer = running(clock)
    timer.finish()
    first = timer.finished_at
    clock.advance(10)
    with pytest.raises(TimerError, match="already finished"):
        timer.finish()
    assert timer.finished_at == first


def test_reset_clears_everything(clock: FakeClock) -> None:
    timer = running(clock)
    timer.extend(5)
    clock.advance(200)
    timer.finish()
    timer.reset()
    assert timer.status is TimerStatus.IDLE
    assert timer.duration == 600
    assert timer.extended_seconds == 0
    assert timer.elapsed == 0
    assert timer.started_at is None
    assert timer.finished_at is None
    clock.advance(5)
    timer.start()
    clock.advance(5)
    assert timer.elapsed == 5
    assert timer.started_at == clock.wall() - 5


def test_reset_while_running_stops_counting(clock: FakeClock) -> None:
    timer = running(clock)
    clock.advance(100)
    timer.reset()
    clock.advance(100)
    assert timer.elapsed == 0


# --- invalid transitions ---------------------------------------------------------------------------------


def test_invalid_transitions_raise_with_messages(clock: FakeClock) -> None:
    timer = StageTimer(600, clock)
    with pytest.raises(TimerError, match="not started"):
        timer.pause()
    with pytest.raises(TimerError, match="not started"):
        timer.resume()
    timer.start()
    with pytest.raises(TimerError, match=r"^The timer is already running\.$"):
        timer.start()
    with pytest.raises(TimerError, match="already running"):
        timer.resume()
    timer.pause()
    with pytest.raises(TimerError, match="already paused"):
        timer.pause()
    with pytest.raises(TimerError, match="resume it"):
        timer.start()
    timer.finish()
    for action in (timer.start, timer.pause, timer.resume):
        with pytest.raises(TimerError, match="finished"):
            action()
    with pytest.raises(TimerError, match="finished"):
        timer.extend(1)


def test_timer_error_is_a_value_error() -> None:
    assert issubclass(TimerError, ValueError)


# --- phases ------------------------------------------------------------------------------------------------


def test_phase_thresholds_are_inclusive(clock: FakeClock) -> None:
    timer = running(clock, 600)
    clock.advance(479)
    assert timer.phase == "normal"
    clock.advance(1)  # 120 s left: exactly 20 %
    assert timer.remaining == 120
    assert timer.phase == "warning"
    clock.advance(89)
    assert timer.phase == "warning"
    clock.advance(1)  # 30 s left: exactly 5 %
    assert timer.remaining == 30
    assert timer.phase == "alert"
    clock.advance(30)  # 0 left, not yet over
    assert timer.phase == "alert"
    clock.advance(0.001)
    assert timer.phase == "overrun"


def test_phase_thresholds_with_awkward_floats(clock: FakeClock) -> None:
    """0.2 × 7 min is not exact in binary; the threshold must still trigger when reached."""
    timer = running(clock, 7 * 60)
    clock.advance(7 * 60 * 0.8)
    assert timer.phase == "warning"
    clock.advance(7 * 60 * 0.15)
    assert timer.phase == "alert"


def test_phase_follows_extension(clock: FakeClock) -> None:
    timer = running(clock, 600)
    clock.advance(590)
    assert timer.phase == "alert"
    timer.extend(10)  # duration 1200, 610 left
    assert timer.phase == "normal"


def test_phase_of_finished_timer_reports_how_it_ended(clock: FakeClock) -> None:
    timer = running(clock, 60)
    clock.advance(90)
    timer.finish()
    assert timer.phase == "overrun"


def test_zero_minute_stage(clock: FakeClock) -> None:
    timer = running(clock, 0)
    assert timer.fraction_remaining == 0
    assert timer.phase == "alert"
    clock.advance(1)
    assert timer.phase == "overrun"
    assert timer.overrun == 1


# --- persistence -------------------------------------------------------------------------------------------


def test_to_dict_is_json_safe_and_versioned(clock: FakeClock) -> None:
    timer = running(clock)
    clock.advance(42)
    data = timer.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "version": 1,
        "status": "running",
        "planned_seconds": 600.0,
        "extended_seconds": 0.0,
        "accumulated_seconds": 0.0,
        "running_since_wall": WALL0,
        "started_at": WALL0,
        "finished_at": None,
    }


@pytest.mark.parametrize("state", ["idle", "running", "paused", "finished"])
def test_round_trip_in_the_same_process(clock: FakeClock, state: str) -> None:
    timer = StageTimer(600, clock)
    timer.extend(3)
    if state != "idle":
        timer.start()
        clock.advance(100)
        timer.pause()
        clock.advance(7)
        timer.resume()
        clock.advance(20)
    if state == "paused":
        timer.pause()
    if state == "finished":
        timer.finish()
    copy = StageTimer.from_dict(json.loads(json.dumps(timer.to_dict())), clock)
    for name in (
        "status",
        "planned_seconds",
        "extended_seconds",
        "duration",
        "elapsed",
        "started_at",
        "finished_at",
        "phase",
    ):
        assert getattr(copy, name) == getattr(timer, name), name
    assert copy.to_dict() == timer.to_dict()
    clock.advance(30)
    assert copy.elapsed == timer.elapsed


def test_running_timer_keeps_running_across_a_restart(clock: FakeClock) -> None:
    timer = running(clock, 600)
    clock.advance(100)
    timer.pause()
    clock.advance(60)
    timer.resume()
    clock.advance(50)  # elapsed 150
    saved = json.dumps(timer.to_dict())

    clock.advance(200)  # the app is down for 200 s of wall time
    clock.restart(monotonic=7.0)  # a new process: monotonic origin unrelated
    restored = StageTimer.from_dict(json.loads(saved), clock)
    assert restored.status is TimerStatus.RUNNING
    assert restored.elapsed == pytest.approx(350)
    assert restored.started_at == WALL0
    clock.advance(10)
    assert restored.elapsed == pytest.approx(360)
    restored.pause()
    clock.advance(100)
    assert restored.elapsed == pytest.approx(360)


def test_paused_timer_stays_paused_across_a_restart(clock: FakeClock) -> None:
    timer = running(clock)
    clock.advance(100)
    timer.pause()
    saved = timer.to_dict()
    clock.advance(3600)
    clock.restart(monotonic=0.0)
    restored = StageTimer.from_dict(saved, clock)
    assert restored.status is TimerStatus.PAUSED
    assert restored.elapsed == 100
    clock.advance(100)
    assert restored.elapsed == 100
    restored.resume()
    clock.advance(5)
    assert restored.elapsed == 105


def test_finished_timer_survives_a_restart(clock: FakeClock) -> None:
    timer = running(clock)
    clock.advance(100)
    timer.finish()
    saved = timer.to_dict()
    clock.advance(50)
    clock.restart(monotonic=99.0)
    restored = StageTimer.from_dict(saved, clock)
    assert restored.status is TimerStatus.FINISHED
    assert restored.elapsed == 100
    assert restored.finished_at == WALL0 + 100


def test_saved_anchor_follows_the_monotonic_clock_when_the_wall_is_corrected(clock: FakeClock) -> None:
    timer = running(clock)
    clock.advance(100)
    clock.shift_wall(-40)  # NTP correction while running: the screen still showed 100 s
    saved = timer.to_dict()
    assert StageTimer.from_dict(saved, clock).elapsed == pytest.approx(100)


def test_wall_clock_moved_back_while_down_counts_no_negative_time(clock: FakeClock) -> None:
    timer = running(clock)
    clock.advance(100)
    saved = timer.to_dict()  # 100 s elapsed, anchored at WALL0
    clock.shift_wall(-3600)  # clock set back an hour before the restart
    clock.restart(monotonic=1.0)
    restored = StageTimer.from_dict(saved, clock)
    assert restored.status is TimerStatus.RUNNING
    assert restored.elapsed == 0.0, "the open segment cannot be negative; closed segments are kept"
    clock.advance(10)
    assert restored.elapsed == 10


def test_clock_moved_back_keeps_closed_segments(clock: FakeClock) -> None:
    timer = running(clock)
    clock.advance(100)
    timer.pause()
    timer.resume()
    clock.advance(20)
    saved = timer.to_dict()
    clock.shift_wall(-500)
    clock.restart()
    assert StageTimer.from_dict(saved, clock).elapsed == 100


def test_restore_empty_gives_a_fresh_idle_timer(clock: FakeClock) -> None:
    for empty in ({}, None):
        timer = StageTimer.restore(empty, 900, clock)
        assert timer.status is TimerStatus.IDLE
        assert timer.duration == 900


def test_restore_uses_saved_data_when_present(clock: FakeClock) -> None:
    timer = running(clock, 300)
    clock.advance(10)
    restored = StageTimer.restore(timer.to_dict(), 900, clock)
    assert restored.planned_seconds == 300
    assert restored.elapsed == 10


def test_unknown_keys_are_ignored_and_missing_version_means_1(clock: FakeClock) -> None:
    data = StageTimer(600, clock).to_dict()
    data["colour"] = "red"
    del data["version"]
    assert StageTimer.from_dict(data, clock).status is TimerStatus.IDLE


def _valid() -> dict[str, Any]:
    return {
        "version": 1,
        "status": "running",
        "planned_seconds": 600.0,
        "extended_seconds": 0.0,
        "accumulated_seconds": 12.0,
        "running_since_wall": WALL0,
        "started_at": WALL0,
        "finished_at": None,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "sleeping"}, "unknown status"),
        ({"status": None}, "unknown status"),
        ({"planned_seconds": None}, "planned_seconds"),
        ({"planned_seconds": "600"}, "planned_seconds"),
        ({"planned_seconds": -5}, "planned_seconds"),
        ({"planned_seconds": float("nan")}, "planned_seconds"),
        ({"extended_seconds": "-1"}, "extended_seconds"),
        ({"extended_seconds": -601}, "more time was taken off"),
        ({"accumulated_seconds": [1]}, "accumulated_seconds"),
        ({"running_since_wall": None}, "no start time"),
        ({"running_since_wall": "yesterday"}, "running_since_wall"),
        ({"started_at": True}, "started_at"),
        ({"finished_at": {}}, "finished_at"),
        ({"version": "1"}, "version"),
        ({"version": 0}, "version"),
        ({"version": 2}, "newer version"),
    ],
)
def test_bad_persisted_data_is_refused_with_a_message(
    clock: FakeClock, change: dict[str, Any], message: str
) -> None:
    data = _valid() | change
    with pytest.raises(TimerError, match=message):
        StageTimer.from_dict(data, clock)


def test_missing_planned_seconds_is_refused(clock: FakeClock) -> None:
    data = _valid()
    del data["planned_seconds"]
    with pytest.raises(TimerError, match="damaged"):
        StageTimer.from_dict(data, clock)


@pytest.mark.parametrize("data", [[1, 2], "running", 42])
def test_non_mapping_data_is_refused(clock: FakeClock, data: Any) -> None:
    with pytest.raises(TimerError, match="damaged"):
        StageTimer.from_dict(data, clock)
    with pytest.raises(TimerError, match="damaged"):
        StageTimer.restore(data, 600, clock)


# --- properties --------------------------------------------------------------------------------------------

OPERATIONS = st.one_of(
    st.tuples(st.just("advance"), st.floats(min_value=0, max_value=2000, allow_nan=False)),
    st.tuples(st.sampled_from(["start", "pause", "resume", "toggle", "finish", "reset"]), st.none()),
    st.tuples(st.just("extend"), st.floats(min_value=-5, max_value=200, allow_nan=False)),
    st.tuples(st.just("shorten"), st.floats(min_value=-5, max_value=200, allow_nan=False)),
    st.tuples(st.just("reload"), st.floats(min_value=-100, max_value=5000, allow_nan=False)),
    st.tuples(st.just("shift_wall"), st.floats(min_value=-600, max_value=600, allow_nan=False)),
)


@settings(max_examples=300, deadline=None)
@given(planned=st.floats(min_value=0, max_value=7200, allow_nan=False), ops=st.lists(OPERATIONS, max_size=40))
def test_random_operations_keep_the_invariants(planned: float, ops: list[tuple[str, Any]]) -> None:
    clock = FakeClock()
    timer = StageTimer(planned, clock)
    for name, arg in ops:
        before = timer.elapsed
        status = timer.status
        try:
            if name == "advance":
                clock.advance(arg)
            elif name == "extend":
                timer.extend(arg)
            elif name == "shorten":
                left = timer.remaining
                taken = timer.shorten(arg)
                assert 0 < taken <= left and math.isclose(timer.remaining, left - taken, abs_tol=1e-6)
            elif name == "shift_wall":
                clock.shift_wall(arg)
            elif name == "reload":
                # save, let the app be down for |arg| seconds (or the clock go back), restart, restore
                saved = json.loads(json.dumps(timer.to_dict()))
                if arg >= 0:
                    clock.advance(arg)
                else:
                    clock.shift_wall(arg)
                clock.restart(monotonic=abs(arg) * 3.7)
                timer = StageTimer.restore(saved, planned, clock)
                assert timer.status is status
            else:
                getattr(timer, name)()
        except TimerError:
            assert timer.status is status, "a refused operation changes nothing"
            assert timer.elapsed == before
        elapsed = timer.elapsed
        assert elapsed >= 0
        assert timer.remaining >= 0 and timer.overrun >= 0
        assert math.isclose(timer.remaining + elapsed - timer.overrun, timer.duration, abs_tol=1e-6)
        assert 0.0 <= timer.fraction_remaining <= 1.0
        assert timer.phase in ("normal", "warning", "alert", "overrun")
        if timer.status in (TimerStatus.IDLE,):
            assert elapsed == 0
        if timer.status is not TimerStatus.RUNNING and name == "advance":
            assert elapsed == before, "only a running timer counts"
