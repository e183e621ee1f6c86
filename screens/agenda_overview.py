"""The agenda overview: planned against actual time per stage, how far behind or ahead the room is, and a jump
to any stage. It answers the facilitator's "can we still finish on time, and where do we cut?".
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from facilitation.models import Stage
from facilitation.schedule import (
    ScheduleReport,
    StageSchedule,
    StageTiming,
    build_schedule,
    format_clock,
    format_duration,
)
from facilitation.schedule import format_minutes as format_delta
from facilitation.timer import StageTimer
from screens.base import WorkshopChanged, WorkshopScreenMixin
from screens.internals import set_interval_apart
from screens.widgets.key_bar import KeyBar
from workshop.session import EXTERNAL_RELOAD, WorkshopSession

REFRESH_SECONDS = 5.0
"""The running stage's actual time moves: redraw this often (the numbers are computed, not counted)."""

STATE_STYLES = {"done": "green", "current": "bold yellow", "upcoming": "", "skipped": "dim"}


def schedule_of(session: WorkshopSession, now: float) -> tuple[ScheduleReport, dict[int, StageSchedule]]:
    """The schedule of the stages the room runs (skipped ones take no time), keyed by stage id as well."""
    timings = []
    for stage in session.workshop.agenda(include_skipped=False):
        timer = session.timer.of(stage.id)
        timings.append(StageTiming(stage.id, stage.minutes, timer.started_at, timer.finished_at))
    report = build_schedule(timings, now)
    return report, {s.stage_id: s for s in report.stages}


class OverviewTable(DataTable[Any]):
    """The stages; enter jumps to the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Go to stage", show=True, tooltip="Go to the highlighted stage"),
    ]


class AgendaOverviewScreen(WorkshopScreenMixin, Screen[None]):
    """Planned against actual minutes for every stage of the open workshop."""

    AUTO_FOCUS = "#overview"
    DEFAULT_CSS = """
    AgendaOverviewScreen #overview-status { height: auto; padding: 0 1; text-style: bold; }
    AgendaOverviewScreen #overview { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the stage"),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Recompute the times now"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="overview-status")
        table = OverviewTable(id="overview", cursor_type="row", zebra_stripes=True)
        table.add_column("#", key="n")
        table.add_column("Stage", key="stage")
        table.add_column("Planned", key="planned")
        table.add_column("Actual", key="actual")
        table.add_column("Over/under", key="delta")
        table.add_column("State", key="state")
        yield table
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Agenda: planned and actual"
        session = self.workshop_app.session
        self.refresh_overview(select=session.workshop.current_stage_id if session else None)
        set_interval_apart(self, REFRESH_SECONDS, self.refresh_overview)  # not kept by the stopped timer once gone

    def on_workshop_changed(self, message: WorkshopChanged) -> None:
        """Stages, their timers and the current stage drive the overview (time itself: ``REFRESH_SECONDS``)."""
        change = message.change
        if change.info or any(isinstance(r, Stage) for r in change.changed) or change.kind == EXTERNAL_RELOAD:
            self.refresh_overview()

    def refresh_overview(self, select: int | None = None) -> None:
        session = self.workshop_app.session
        if session is None:
            return
        table = self.query_one("#overview", OverviewTable)
        keep = select if select is not None else self._selected_stage_id()
        report, by_id = schedule_of(session, self.workshop_app.clock.wall())
        current_id = session.workshop.current_stage_id
        table.clear()
        number = 0
        for stage in session.workshop.agenda():
            if not stage.skipped:
                number += 1
            table.add_row(
                *self._row(
                    stage, by_id.get(stage.id), number, stage.id == current_id, session.timer.of(stage.id)
                ),
                key=str(stage.id),
            )
        if keep is not None and str(keep) in table.rows:
            table.move_cursor(row=table.get_row_index(str(keep)))
        # The stage whose countdown runs (the schedule's current one), which need not be the one on screen: the
        # facilitator may have stepped back with p while it runs on.
        running = report.current
        timer = session.timer.of(running.stage_id) if running is not None else None
        left_now = None
        if timer is not None and timer.status in ("running", "paused"):
            left_now = 0.0 if timer.is_overrun else timer.remaining
        self.query_one("#overview-status", Static).update(self._status(report, left_now))

    @staticmethod
    def _row(
        stage: Stage, timing: StageSchedule | None, number: int, here: bool, timer: StageTimer
    ) -> tuple[Text, ...]:
        marker = "▶" if here else " "
        if stage.skipped or timing is None:
            return (
                Text(f"{marker}  "),
                Text(stage.title, style="dim", overflow="ellipsis", no_wrap=True),
                Text(format_duration(stage.minutes), style="dim strike", justify="right"),
                Text("—", style="dim", justify="right"),
                Text(""),
                Text("skipped", style=STATE_STYLES["skipped"]),
            )
        actual = Text("—", justify="right")
        delta = Text("")
        if timing.actual_seconds is not None and timing.delta_seconds is not None:
            actual = Text(format_clock(timing.actual_seconds), justify="right")
            if timer.status in ("running", "paused"):
                # the time left is the countdown's own (StageTimer.remaining): the same on both screens
                if timer.is_overrun:
                    delta = Text(f"+{format_clock(timer.overrun)} over", style="bold red", justify="right")
                else:
                    delta = Text(f"{format_clock(timer.remaining, round_up=True)} left", justify="right")
            else:
                over = timing.delta_seconds > 59
                under = timing.delta_seconds < -59
                style = "bold red" if over else "green" if under else ""
                delta = Text(format_delta(timing.delta_seconds), style=style, justify="right")
        return (
            Text(f"{marker}{number:>2}", style="bold" if here else ""),
            Text(stage.title, style="bold" if here else "", overflow="ellipsis", no_wrap=True),
            Text(format_duration(stage.minutes), justify="right"),
            actual,
            delta,
            Text(timing.state, style=STATE_STYLES[timing.state]),
        )

    @staticmethod
    def _status(report: ScheduleReport, left_now: float | None = None) -> Text:
        """The line above the table: planned, spent, over or under, the time still planned and ahead or behind.

        ``left_now``: seconds left on the current stage's countdown while it runs or is paused (0 once over), so
        the time still planned counts the minutes added or taken off and the pauses, as its row's "left" does;
        ``None`` when it is not counting down (then its plan less the time spent)."""
        planned = f"Planned {format_duration(report.planned_total / 60)}"
        if not any(s.state != "upcoming" for s in report.stages):
            return Text.assemble(planned, " · not started yet")
        style = "red" if report.behind else "green" if report.ahead else ""
        spent = format_clock(report.actual_total)
        left = sum(s.planned_seconds for s in report.stages if s.state == "upcoming")
        over = sum(s.delta_seconds or 0.0 for s in report.stages if s.state == "done")
        current = report.current
        if current is not None and current.actual_seconds is not None:
            left += left_now if left_now is not None else max(0.0, current.planned_seconds - current.actual_seconds)
            over += max(0.0, current.delta_seconds or 0.0)
        return Text.assemble(
            planned,
            f" · spent {spent} · over/under {format_delta(over)}",
            f" · {format_duration(left / 60)} still planned · ",
            (report.status_text, style),
        )

    def _selected_stage_id(self) -> int | None:
        table = self.query_one("#overview", OverviewTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(row_key.value) if row_key.value is not None else None

    # --- actions -------------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#overview")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_jump()

    def action_jump(self) -> None:
        """Make the highlighted stage current and run it (a timer running elsewhere is paused, not lost)."""
        session = self.workshop_app.session
        stage_id = self._selected_stage_id()
        if session is None or stage_id is None:
            return
        stage = session.stage(stage_id)
        if stage.skipped:
            self.notify(
                f"“{stage.title}” is skipped: put it back on the agenda in set-up first.",
                severity="warning",
                markup=False,
            )
            return
        self.navigator.stage(stage_id)

    def action_refresh(self) -> None:
        self.refresh_overview()

    def action_back(self) -> None:
        """Back to the screen this was opened from (the stage screen, usually)."""
        if not self.is_active:
            return  # a key typed ahead, handled after this screen had already closed
        self.navigator.back()
