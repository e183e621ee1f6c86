"""Agenda schedule maths: where the workshop stands against its plan, and the timing report afterwards.

Everything is in wall-clock seconds, because the question is "will we finish on time?": a stage paused for a
coffee break still used up the room's time. Offsets (``planned_start``, ``actual_start`` …) are seconds from
the workshop's start; skipped stages are simply not passed in, so they take no planned time.

Drift (positive = behind schedule) is defined as:

* nothing started yet: 0;
* a stage is running (the *current* one): how late it will end if it stops at its planned length, i.e.
  ``(actual_start - planned_start)`` plus its overrun so far, ``max(0, elapsed - planned)``. Equivalently
  ``max(actual_start - planned_start, now_offset - planned_end)``. While the stage is within its time, drift
  is how late it started; once it overruns, every further second counts.
* between stages (some done, none running): ``now_offset - planned_start`` of the first upcoming stage in
  agenda order, i.e. as if that stage started now;
* all stages done: ``actual_end - planned_total``, where ``actual_end`` is the offset at which the last
  stage ended, so the gaps between stages count too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

ON_TIME_SECONDS = 60.0
"""Drift within this many seconds either way reads as "on time": nobody can act on less."""

StageState = Literal["done", "current", "upcoming"]


@dataclass(frozen=True)
class StageTiming:
    """What the schedule needs to know about one (non-skipped) stage, in agenda order."""

    stage_id: int
    planned_minutes: float
    started_at: float | None
    """Wall-clock seconds of the first start; ``None`` if never started (or finished without running)."""
    finished_at: float | None


@dataclass(frozen=True)
class StageSchedule:
    """One stage's place in the plan and in reality; offsets in seconds from the workshop's start."""

    stage_id: int
    planned_start: float
    planned_end: float
    actual_start: float | None
    actual_end: float | None
    """For a stage left unfinished (another one started later): the moment the next one started."""
    actual_seconds: float | None
    """Wall time spent, pauses included; for the current stage, so far."""
    delta_seconds: float | None
    """``actual_seconds`` minus the planned length: positive = over; for the current stage, minus = left."""
    state: StageState

    @property
    def planned_seconds(self) -> float:
        return self.planned_end - self.planned_start


@dataclass(frozen=True)
class ScheduleReport:
    """Planned against actual for the whole agenda: how far ahead or behind the room is."""

    stages: list[StageSchedule]
    planned_total: float
    """Seconds the whole agenda was planned to take."""
    actual_total: float
    """Seconds spent in done and current stages (gaps between stages excluded)."""
    drift_seconds: float
    """Positive = behind schedule; see the module docstring for the exact definition."""

    @property
    def behind(self) -> bool:
        return self.drift_seconds > ON_TIME_SECONDS

    @property
    def ahead(self) -> bool:
        return self.drift_seconds < -ON_TIME_SECONDS

    @property
    def current(self) -> StageSchedule | None:
        return next((s for s in self.stages if s.state == "current"), None)

    @property
    def status_text(self) -> str:
        """ "4 min behind", "on time" or "2 min ahead", for the status bar."""
        if not (self.behind or self.ahead):
            return "on time"
        minutes = max(1, int(abs(self.drift_seconds) / 60 + 0.5))
        return f"{minutes} min {'behind' if self.behind else 'ahead'}"


def planned_starts(minutes: Sequence[float]) -> list[float]:
    """Planned start offsets in seconds: 0, then each stage after the ones before it."""
    starts: list[float] = []
    offset = 0.0
    for m in minutes:
        starts.append(offset)
        offset += m * 60.0
    return starts


def build_schedule(
    timings: Sequence[StageTiming], now: float, workshop_start: float | None = None
) -> ScheduleReport:
    """The schedule at wall time ``now`` for stages given in agenda order.

    ``workshop_start`` defaults to the earliest start (or, if no stage ever ran, the earliest finish). A stage
    with a start and no finish is ``current``; if several are, the one started last is, and the others count
    as ``done``, ended when the next stage started. A stage finished without being started (skipped through)
    is ``done`` and took 0 seconds.
    """
    starts = planned_starts([t.planned_minutes for t in timings])
    planned_total = sum(t.planned_minutes for t in timings) * 60.0

    if workshop_start is None:
        stamps = [t.started_at for t in timings if t.started_at is not None]
        if not stamps:
            stamps = [t.finished_at for t in timings if t.finished_at is not None]
        workshop_start = min(stamps) if stamps else None

    open_stages = [i for i, t in enumerate(timings) if t.started_at is not None and t.finished_at is None]
    current_index = max(open_stages, key=lambda i: (timings[i].started_at, i)) if open_stages else None
    all_starts = [t.started_at for t in timings if t.started_at is not None]

    stages: list[StageSchedule] = []
    for i, t in enumerate(timings):
        planned_start = starts[i]
        planned_seconds = t.planned_minutes * 60.0
        planned_end = planned_start + planned_seconds
        state: StageState
        start: float | None = t.started_at
        end: float | None = t.finished_at
        if i == current_index:
            state = "current"
            end = None
        elif start is None and end is None:
            state = "upcoming"
        else:
            state = "done"
            if start is None:
                start = end
            elif end is None:
                end = min([s for s in all_starts if s > start] + [now])
        if state == "upcoming" or workshop_start is None or start is None:
            stages.append(
                StageSchedule(t.stage_id, planned_start, planned_end, None, None, None, None, state)
            )
            continue
        actual_seconds = max(0.0, (end if end is not None else now) - start)
        stages.append(
            StageSchedule(
                stage_id=t.stage_id,
                planned_start=planned_start,
                planned_end=planned_end,
                actual_start=start - workshop_start,
                actual_end=end - workshop_start if end is not None else None,
                actual_seconds=actual_seconds,
                delta_seconds=actual_seconds - planned_seconds,
                state=state,
            )
        )

    actual_total = sum(s.actual_seconds or 0.0 for s in stages if s.state != "upcoming")
    drift = 0.0
    if workshop_start is not None and any(s.state != "upcoming" for s in stages):
        drift = _drift(stages, now - workshop_start, planned_total)
    return ScheduleReport(
        stages=stages, planned_total=planned_total, actual_total=actual_total, drift_seconds=drift
    )


def _drift(stages: Sequence[StageSchedule], now_offset: float, planned_total: float) -> float:
    """Positive = behind; the cases are spelled out in the module docstring."""
    current = next((s for s in stages if s.state == "current"), None)
    if current is not None:
        assert current.actual_start is not None and current.actual_seconds is not None
        late_start = current.actual_start - current.planned_start
        return late_start + max(0.0, current.actual_seconds - current.planned_seconds)
    upcoming = next((s for s in stages if s.state == "upcoming"), None)
    if upcoming is not None:
        return now_offset - upcoming.planned_start
    last_end = max((s.actual_end for s in stages if s.actual_end is not None), default=now_offset)
    return last_end - planned_total


def format_clock(seconds: float, *, round_up: bool = False) -> str:
    """``MM:SS``, or ``H:MM:SS`` from one hour, for the countdown.

    Whole seconds are truncated; pass ``round_up=True`` for a countdown so it shows 10:00 at the start and
    reaches 00:00 only when the time is really up. Negative values get a leading ``-``.
    """
    sign = "-" if seconds < 0 else ""
    magnitude = abs(seconds)
    total = math.ceil(magnitude - 1e-9) if round_up else math.floor(magnitude + 1e-9)
    if total == 0:
        sign = ""
    hours, rest = divmod(total, 3600)
    mins, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{mins:02d}:{secs:02d}"
    return f"{sign}{mins:02d}:{secs:02d}"


def format_minutes(seconds: float) -> str:
    """A signed delta, ``+3:20`` or ``-0:45`` (``+1:05:00`` from an hour), to the second; zero is ``0:00``."""
    total = round(seconds)
    if total == 0:
        return "0:00"
    sign = "+" if total > 0 else "-"
    hours, rest = divmod(abs(total), 3600)
    mins, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{mins:02d}:{secs:02d}"
    return f"{sign}{mins}:{secs:02d}"


def format_duration(minutes: float) -> str:
    """A planned length in minutes as people say it: "45 min", "1 h", "2 h 20 min" (rounded to the minute;
    negative lengths get a leading ``-``). Used by the agenda overview and the set-up screens."""
    total = round(minutes)
    hours, mins = divmod(abs(total), 60)
    sign = "-" if total < 0 else ""
    if not hours:
        return f"{sign}{mins} min"
    return f"{sign}{hours} h" + (f" {mins} min" if mins else "")
