"""Agenda schedule maths: planned offsets, done/current/upcoming, drift and formatting."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitation.schedule import (
    ScheduleReport,
    StageTiming,
    build_schedule,
    format_clock,
    format_minutes,
    planned_starts,
)

T0 = 1_800_000_000.0
MINUTES = (10, 20, 15)  # planned starts 0, 600, 1800; total 2700 s


def timings(*spans: tuple[float | None, float | None]) -> list[StageTiming]:
    """Stages of MINUTES with (started, finished) offsets from T0; missing spans are upcoming."""
    result = []
    for i, minutes in enumerate(MINUTES):
        start, end = spans[i] if i < len(spans) else (None, None)
        result.append(
            StageTiming(
                stage_id=i + 1,
                planned_minutes=minutes,
                started_at=None if start is None else T0 + start,
                finished_at=None if end is None else T0 + end,
            )
        )
    return result


def report(drift: float) -> ScheduleReport:
    return ScheduleReport(stages=[], planned_total=0, actual_total=0, drift_seconds=drift)


# --- planned offsets ---------------------------------------------------------------------------------------


def test_planned_starts_are_cumulative_seconds() -> None:
    assert planned_starts([10, 20, 15]) == [0, 600, 1800]
    assert planned_starts([]) == []
    assert planned_starts([0.5, 0, 1]) == [0, 30, 30]


@given(st.lists(st.floats(min_value=0, max_value=600, allow_nan=False), max_size=20))
def test_planned_starts_never_decrease(minutes: list[float]) -> None:
    starts = planned_starts(minutes)
    assert len(starts) == len(minutes)
    assert all(a <= b for a, b in itertools.pairwise(starts))
    if minutes:
        assert starts[0] == 0
        assert starts[-1] + minutes[-1] * 60 == pytest.approx(sum(minutes) * 60)


# --- states and drift --------------------------------------------------------------------------------------


def test_before_anything_starts_everything_is_upcoming() -> None:
    result = build_schedule(timings(), now=T0 + 5000)
    assert [s.state for s in result.stages] == ["upcoming"] * 3
    assert result.drift_seconds == 0
    assert result.status_text == "on time"
    assert result.planned_total == 2700
    assert result.actual_total == 0
    assert result.current is None
    first = result.stages[0]
    assert (first.planned_start, first.planned_end) == (0, 600)
    assert first.actual_start is first.actual_end is first.actual_seconds is first.delta_seconds is None


def test_empty_agenda() -> None:
    result = build_schedule([], now=T0)
    assert result.stages == [] and result.planned_total == 0 and result.drift_seconds == 0


def test_first_stage_running_on_time() -> None:
    result = build_schedule(timings((0, None)), now=T0 + 300)
    assert [s.state for s in result.stages] == ["current", "upcoming", "upcoming"]
    current = result.current
    assert current is not None and current.stage_id == 1
    assert current.actual_start == 0
    assert current.actual_end is None
    assert current.actual_seconds == 300
    assert current.delta_seconds == -300
    assert result.actual_total == 300
    assert result.drift_seconds == 0
    assert result.status_text == "on time"


def test_overrunning_current_stage_puts_us_behind() -> None:
    result = build_schedule(timings((0, None)), now=T0 + 900)
    assert result.drift_seconds == 300
    assert result.behind and not result.ahead
    assert result.status_text == "5 min behind"


def test_finishing_early_puts_us_ahead() -> None:
    result = build_schedule(timings((0, 480), (480, None)), now=T0 + 600)
    assert [s.state for s in result.stages] == ["done", "current", "upcoming"]
    done = result.stages[0]
    assert (done.actual_start, done.actual_end) == (0, 480)
    assert (done.actual_seconds, done.delta_seconds) == (480, -120)
    assert result.drift_seconds == -120
    assert result.ahead and not result.behind
    assert result.status_text == "2 min ahead"
    assert result.actual_total == 480 + 120


def test_late_start_of_current_stage_counts_as_behind() -> None:
    # stage 1 on time, a 5-minute break, stage 2 started at 900 instead of 600
    result = build_schedule(timings((0, 600), (900, None)), now=T0 + 1000)
    assert result.drift_seconds == 300
    assert result.actual_total == 600 + 100, "the break between stages is not time spent in a stage"
    # ...and the late start plus an overrun add up
    later = build_schedule(timings((0, 600), (900, None)), now=T0 + 900 + 1200 + 60)
    assert later.drift_seconds == 360


def test_between_stages_drift_is_as_if_the_next_started_now() -> None:
    waiting = timings((0, 480))
    assert build_schedule(waiting, now=T0 + 500).drift_seconds == -100
    assert build_schedule(waiting, now=T0 + 800).drift_seconds == 200
    assert [s.state for s in build_schedule(waiting, now=T0 + 800).stages] == ["done", "upcoming", "upcoming"]


def test_finished_workshop_compares_its_end_with_the_plan() -> None:
    result = build_schedule(timings((0, 600), (600, 2000), (2000, 2900)), now=T0 + 9999)
    assert [s.state for s in result.stages] == ["done"] * 3
    assert result.actual_total == 2900
    assert result.drift_seconds == 200
    assert result.status_text == "3 min behind"
    assert [s.delta_seconds for s in result.stages] == [0, 200, 0]


def test_finished_workshop_counts_gaps_between_stages() -> None:
    result = build_schedule(timings((0, 600), (700, 1900), (1900, 2800)), now=T0 + 3000)
    assert result.actual_total == 2700
    assert result.drift_seconds == 100


def test_stage_finished_without_running_took_no_time() -> None:
    result = build_schedule(timings((0, 600), (None, 600), (600, None)), now=T0 + 700)
    skipped = result.stages[1]
    assert skipped.state == "done"
    assert (skipped.actual_start, skipped.actual_end, skipped.actual_seconds) == (600, 600, 0)
    assert skipped.delta_seconds == -1200
    assert result.drift_seconds == 600 - 1800, "running stage 3 at 600 s instead of 1800 s: 20 min ahead"
    assert result.status_text == "20 min ahead"


def test_only_skipped_through_stages_set_the_workshop_start() -> None:
    result = build_schedule(timings((None, 0)), now=T0 + 100)
    assert result.stages[0].state == "done"
    assert result.drift_seconds == 100 - 600


def test_several_open_stages_the_last_started_is_current() -> None:
    # stage 1 was left running when stage 3 was started; stage 2 is later in agenda but untouched
    result = build_schedule(timings((0, None), (None, None), (700, None)), now=T0 + 1000)
    assert [s.state for s in result.stages] == ["done", "upcoming", "current"]
    left = result.stages[0]
    assert left.actual_end == 700 and left.actual_seconds == 700
    assert result.current is not None and result.current.stage_id == 3
    assert result.drift_seconds == 700 - 1800


def test_explicit_workshop_start() -> None:
    # planned to begin at T0, began 5 minutes late
    result = build_schedule(timings((300, None)), now=T0 + 400, workshop_start=T0)
    assert result.stages[0].actual_start == 300
    assert result.drift_seconds == 300
    assert result.status_text == "5 min behind"


def test_explicit_workshop_start_but_nothing_started_yet() -> None:
    assert build_schedule(timings(), now=T0 + 400, workshop_start=T0).drift_seconds == 0


def test_skipped_stages_are_not_passed_so_take_no_time() -> None:
    only_two = [
        StageTiming(1, 10, T0, T0 + 600),
        StageTiming(3, 15, T0 + 600, None),
    ]
    result = build_schedule(only_two, now=T0 + 700)
    assert result.planned_total == 1500
    assert result.stages[1].planned_start == 600
    assert result.drift_seconds == 0


def test_wall_clock_moved_back_gives_no_negative_durations() -> None:
    result = build_schedule(timings((0, None)), now=T0 - 50)
    assert result.stages[0].actual_seconds == 0


# --- status text -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drift", "text"),
    [
        (0, "on time"),
        (60, "on time"),
        (-60, "on time"),
        (59.9, "on time"),
        (61, "1 min behind"),
        (-61, "1 min ahead"),
        (89, "1 min behind"),
        (90, "2 min behind"),
        (150, "3 min behind"),
        (240, "4 min behind"),
        (-120, "2 min ahead"),
        (3600, "60 min behind"),
    ],
)
def test_status_text(drift: float, text: str) -> None:
    r = report(drift)
    assert r.status_text == text
    assert r.behind == text.endswith("behind")
    assert r.ahead == text.endswith("ahead")


# --- formatting --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "00:00"),
        (0.999, "00:00"),
        (59.9, "00:59"),
        (60, "01:00"),
        (600, "10:00"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (3725, "1:02:05"),
        (36_000, "10:00:00"),
        (-30, "-00:30"),
        (-0.4, "00:00"),
    ],
)
def test_format_clock(seconds: float, text: str) -> None:
    assert format_clock(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (600, "10:00"),
        (599.2, "10:00"),
        (0.2, "00:01"),
        (0, "00:00"),
        (59.000000001, "00:59"),
        (3599.5, "1:00:00"),
    ],
)
def test_format_clock_rounds_up_for_countdowns(seconds: float, text: str) -> None:
    assert format_clock(seconds, round_up=True) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (200, "+3:20"),
        (-45, "-0:45"),
        (0, "0:00"),
        (0.4, "0:00"),
        (-0.4, "0:00"),
        (59.6, "+1:00"),
        (5, "+0:05"),
        (-600, "-10:00"),
        (3900, "+1:05:00"),
        (-3661, "-1:01:01"),
    ],
)
def test_format_minutes(seconds: float, text: str) -> None:
    assert format_minutes(seconds) == text


@given(st.floats(min_value=-100_000, max_value=100_000, allow_nan=False))
def test_formats_never_crash_and_keep_the_sign(seconds: float) -> None:
    clock_text = format_clock(seconds)
    delta_text = format_minutes(seconds)
    assert clock_text.startswith("-") == (seconds <= -1)
    assert delta_text == "0:00" or delta_text[0] in "+-"
