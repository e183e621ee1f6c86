"""Every stage of the agenda at a glance: done, current, upcoming, and how far behind or ahead the room is.

The schedule maths is ``facilitation.schedule.build_schedule``; this widget only feeds it each stage's timer
timestamps and draws the answer, on one wrapped line in the compact layout or one stage per line in the wide
layout's side column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from facilitation.models import Workshop
from facilitation.schedule import ScheduleReport, StageTiming, build_schedule, format_minutes
from facilitation.timer import StageTimer
from screens.widgets.cells import pad, widest

MarkState = Literal["done", "current", "started", "upcoming"]
SYMBOLS: dict[MarkState, str] = {"done": "✓", "current": "▶", "started": "◐", "upcoming": "·"}


@dataclass(frozen=True)
class StageMark:
    """One stage as the strip draws it."""

    stage_id: int
    title: str
    minutes: int
    state: MarkState
    delta_seconds: float | None
    """Actual minus planned wall time (done stages), or ``None`` when it has not run."""


def stage_marks(
    workshop: Workshop, timers: dict[int, StageTimer], now: float
) -> tuple[list[StageMark], ScheduleReport]:
    """The agenda's stages with their state, and the schedule report that gives the drift.

    ``timers`` maps stage id to the session's live timer. The current stage is the session's current stage
    (the one on screen), even if its timer has not started; a stage left with its timer paused shows as
    started, not done.
    """
    agenda = workshop.agenda(include_skipped=False)
    timings = [
        StageTiming(
            stage_id=s.id,
            planned_minutes=s.minutes,
            started_at=timers[s.id].started_at,
            finished_at=timers[s.id].finished_at,
        )
        for s in agenda
    ]
    report = build_schedule(timings, now)
    by_id = {entry.stage_id: entry for entry in report.stages}
    marks: list[StageMark] = []
    for stage in agenda:
        timer = timers[stage.id]
        state: MarkState
        if stage.id == workshop.current_stage_id:
            state = "current"
        elif timer.status == "finished":
            state = "done"
        elif timer.started_at is not None:
            state = "started"
        else:
            state = "upcoming"
        entry = by_id.get(stage.id)
        delta = entry.delta_seconds if entry is not None and state != "upcoming" else None
        marks.append(StageMark(stage.id, stage.title, stage.minutes, state, delta))
    return marks, report


class AgendaStrip(Static):
    """The agenda as a strip (compact) or a column (wide); ``show`` redraws only when the text changes."""

    DEFAULT_CSS: ClassVar[str] = """
    AgendaStrip { height: auto; padding: 0 1; }
    """

    vertical: reactive[bool] = reactive(False)
    """One stage per line, for the wide layout's side column."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self._marks: list[StageMark] = []
        self._drift = "on time"
        self._behind = False
        self._ahead = False
        self._key: tuple[object, ...] | None = None

    @property
    def drift_text(self) -> str:
        """The drift in words: "on time", "3 min behind" or "2 min ahead"."""
        return self._drift

    @property
    def marks(self) -> list[StageMark]:
        return list(self._marks)

    def show(self, marks: list[StageMark], report: ScheduleReport) -> None:
        self._marks = marks
        self._drift = report.status_text
        self._behind, self._ahead = report.behind, report.ahead
        self._redraw()

    def watch_vertical(self) -> None:
        self._key = None
        self._redraw()

    def _redraw(self) -> None:
        key = (  # what is drawn, no more: a running stage's delta moves every second but is not shown
            self.vertical,
            self._drift,
            self._behind,
            self._ahead,
            tuple((m.stage_id, m.title, m.minutes, m.state, _shown_delta(m)) for m in self._marks),
        )
        if key == self._key:
            return
        self._key = key
        self.update(self._render_vertical() if self.vertical else self._render_line())

    def _drift_part(self) -> tuple[str, str]:
        style = "bold $error" if self._behind else "bold $success" if self._ahead else "bold"
        return (f"● {self._drift}", style)

    def _render_line(self) -> Content:
        parts: list[str | tuple[str, str]] = []
        for mark in self._marks:
            label = f"{SYMBOLS[mark.state]} {mark.title}"
            if mark.state == "current":
                parts.append((f" {label} ", "bold reverse"))
            elif mark.state == "upcoming":
                parts.append(label)
            else:
                parts.append((label, "bold"))
            parts.append("  ")
        parts.append(self._drift_part())
        return Content.assemble(*parts)

    def _render_vertical(self) -> Content:
        parts: list[str | tuple[str, str]] = [("AGENDA", "bold underline"), "\n"]
        width = widest(m.title for m in self._marks)
        for mark in self._marks:
            line = f"{SYMBOLS[mark.state]} {pad(mark.title, width)} {mark.minutes:>3} min"
            if (delta := _shown_delta(mark)) is not None:
                line += f" {delta}"
            if mark.state == "current":
                parts.append((line, "bold reverse"))
            elif mark.state == "upcoming":
                parts.append(line)
            else:
                parts.append((line, "bold"))
            parts.append("\n")
        parts.append(self._drift_part())
        return Content.assemble(*parts)


def drawn_drift(
    marks: list[StageMark], report: ScheduleReport, *, deltas: bool
) -> tuple[str, bool, bool, tuple[str | None, ...]]:
    """What of ``stage_marks``'s result an ``AgendaStrip`` draws that moves with the time of day: the drift's
    words and colour, and with ``deltas`` (the wide layout's column) each stage's delta as written. The stage
    screen compares it at coming seconds to sleep until the strip would be drawn otherwise."""
    shown = tuple(_shown_delta(m) for m in marks) if deltas else ()
    return report.status_text, report.behind, report.ahead, shown


def _shown_delta(mark: StageMark) -> str | None:
    """A stage's actual minus planned time as the wide layout writes it (not for the current stage)."""
    if mark.delta_seconds is None or mark.state == "current":
        return None
    return format_minutes(mark.delta_seconds)
