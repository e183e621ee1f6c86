"""The projector screen: what the room sees while the facilitator keeps the laptop's screen.

From top to bottom: the stage's title and place in the agenda, the agenda strip with ahead/behind, the stage's
purpose, questions and what the room produces, the countdown as big as the terminal allows, and a board with the
stage's notes as they arrive (or the notes on an open ballot, a vote once revealed, the readiness chart once shown).

It has no keys that change anything, no dialogs and no notifications: it draws the session's state, and redraws
the parts a ``Change`` concerns when one arrives. The countdown is computed from the stage timer's timestamps and
the clock, exactly as the facilitator's countdown is, and redrawn only when it moves: just after each whole second
of a running timer (``facilitation.timer_words.seconds_to_next_digit``), and once a second otherwise for the
agenda's ahead/behind, which moves with the time of day. A projector left on a paused or finished stage for an hour
therefore wakes once a second, not four times (``benchmarks/follow_bench.py`` measures its CPU).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from facilitation import text
from facilitation.models import Ballot, Note, Stage, Workshop
from facilitation.readiness import readiness_rounds, result_shown
from facilitation.timer_words import seconds_to_next_digit
from screens.base import WorkshopChanged
from screens.internals import FramesOnDemand, QuietFirstResume, call_later_direct
from screens.projector.board import Board, StageNotes, ballot_notes_view, notes_view, results_view
from screens.projector.countdown import ProjectorCountdown
from screens.widgets import AgendaStrip, drawn_drift, stage_marks
from screens.widgets.readiness_charts import attitude_chart, discipline_chart
from workshop.session.ledger import EXTERNAL_RELOAD

if TYPE_CHECKING:
    from facilitation.timer import StageTimer
    from screens.projector.app import ProjectorApp
    from workshop.follow import FollowStatus
    from workshop.session import Change, WorkshopSession

IDLE_TICK_SECONDS = 1.0
"""How often the clock is redrawn while the stage's timer is not running (the agenda's ahead/behind)."""
DIGIT_MARGIN_SECONDS = 0.01
AGENDA_HORIZON_SECONDS = 60
"""How far ahead the agenda's drift is looked at for the next second at which it is drawn otherwise: once it has
stayed the same this long, it is looked at again."""
"""A running countdown is redrawn this long after its digits move, so the new second is already there."""

STAGE_TEXT = {"stages", "info"}
"""Tables (and the workshop's own fields) whose change redraws the title, agenda and prompts."""


def room_invitation(ws: Workshop) -> tuple[str, str] | None:
    """(address, join code) while the room is open to new phones: the latest ``room.*`` event is ``room.opened``."""
    for event in reversed(ws.events):
        if event.kind.startswith("room."):
            if event.kind == "room.opened" and event.data.get("url") and event.data.get("code"):
                return str(event.data["url"]), str(event.data["code"])
            return None
    return None


class LowerPart(Horizontal):
    """The board and the room's invitation side by side; a new height draws the invitation again (its QR code is
    shown only where it fits whole)."""

    def on_resize(self) -> None:
        screen = self.screen
        if isinstance(screen, ProjectorScreen):
            screen.draw_room()


class BoardBox(Vertical):
    """The board's frame, whose title says what the board shows; a new width fits the title again
    (``ProjectorScreen.fit_board_title``)."""

    def on_resize(self) -> None:
        screen = self.screen
        if isinstance(screen, ProjectorScreen):
            screen.fit_board_title()


def board_titles(shown: int, waiting: int | None) -> list[str]:
    """The notes board's title, from the fullest wording to the shortest: ``shown`` notes on the board and, during
    silent brainstorming (``waiting`` not None), how many wait for the reveal. The screen shows the first that fits
    the frame (at 80x24 with the room's address beside it the frame's title has 47 cells)."""
    notes = f"Notes · {shown}"
    if waiting is None:
        return [notes]
    return [
        f"{notes} · silent brainstorming: {text.plural(waiting, 'note')} until the reveal",
        f"{notes} · silent: {text.plural(waiting, 'note')} until the reveal",
        f"{notes} · silent: {waiting} until the reveal",
        f"{notes} · silent: {waiting} to come",
    ]


class ProjectorScreen(FramesOnDemand, QuietFirstResume, Screen[None]):
    """The one screen of ``workshop present``: read-only, no dialogs, nothing meant for the facilitator."""

    AUTO_FOCUS = None
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]

    def __init__(self) -> None:
        super().__init__()
        self._stage_id: int | None = None
        self._notes: StageNotes | None = None
        self._tick: asyncio.TimerHandle | None = None
        self._room_drawn: tuple[str, str, bool] | None = None
        self._board_titles: list[str] = [""]
        self._countdown: ProjectorCountdown | None = None
        self._agenda_strip: AgendaStrip | None = None
        self._agenda_still: tuple[float, float] = (0.0, 0.0)
        """Wall times (from, until) between which the agenda strip is drawn as it is: what it draws that moves with
        the time of day (the drift, the stages' deltas) stays the same, and nothing changed (a change empties it)."""

    @property
    def projector(self) -> ProjectorApp:
        return self.app  # type: ignore[return-value]

    @property
    def session(self) -> WorkshopSession:
        return self.projector.session

    @property
    def countdown(self) -> ProjectorCountdown:
        """The countdown widget (found once: the screen's widgets are composed once and never replaced, and each
        second's redraw would otherwise walk the screen's widgets to find it again)."""
        found = self._countdown
        if found is None:
            found = self._countdown = self.query_one(ProjectorCountdown)
        return found

    @property
    def agenda_strip(self) -> AgendaStrip:
        """The agenda strip (found once, as ``countdown``)."""
        found = self._agenda_strip
        if found is None:
            found = self._agenda_strip = self.query_one(AgendaStrip)
        return found

    def compose(self) -> ComposeResult:
        yield Static(id="p-title")
        yield Static(id="p-follow")
        yield AgendaStrip(id="p-agenda")
        yield Static(id="p-prompt")
        yield ProjectorCountdown(id="p-countdown")
        with LowerPart(id="p-lower"):
            with BoardBox(id="p-board-box"):
                yield Board(id="p-board")
            yield Static(id="p-room")

    def on_mount(self) -> None:
        self.show_follow_status(self.projector.follow_status)
        self.redraw()

    # --- changes -------------------------------------------------------------------------------------

    def on_workshop_changed(self, message: WorkshopChanged) -> None:
        self._agenda_still = (0.0, 0.0)  # the agenda is worked out again at the clock's next redraw
        self.apply_change(message.change)

    def apply_change(self, change: Change) -> None:
        """Redraw what ``change`` concerns (the follower's session published it)."""
        if change.kind.startswith("room."):
            self.draw_room()
            return
        if (
            change.info
            or change.kind == EXTERNAL_RELOAD
            or any(isinstance(r, Stage) for r in change.changed)
            or any(name == "stages" for name, _ in change.removed)
        ):
            self.redraw()
            return
        if self._notes is not None:
            for record in change.changed:
                if isinstance(record, Note):
                    self._notes.update(record)
            for name, record_id in change.removed:
                if name == "notes":
                    self._notes.remove(record_id)
        self.draw_board()
        self.refresh_clock()

    def show_follow_status(self, status: FollowStatus | None) -> None:
        banner = self.query_one("#p-follow", Static)
        message = status.message if status is not None else ""
        banner.display = bool(message)
        banner.update(Content(message))

    # --- drawing -------------------------------------------------------------------------------------

    def redraw(self) -> None:
        """Everything, from the session as it is now."""
        ws = self.session.workshop
        stage = ws.current_stage
        self._stage_id = stage.id if stage is not None else None
        self._notes = StageNotes(stage.id, ws.stage_notes(stage.id)) if stage is not None else None
        self._draw_stage_text(ws, stage)
        self.draw_board()
        self.draw_room()
        self.refresh_clock()

    def draw_room(self) -> None:
        """The room's QR code, address and join code while the facilitator has it open to new phones. The code
        is drawn only where it fits whole under the countdown (15 lines and the two under it): one cut off at
        the bottom cannot be scanned and hid the address and the join code, which are always shown."""
        panel = self.query_one("#p-room", Static)
        opened = room_invitation(self.session.workshop)
        panel.display = opened is not None
        if opened is None:
            self._room_drawn = None
            return
        from room.qr import QR_STYLE, qr_lines

        url, code = opened
        qr = qr_lines(url)
        rows = self.query_one("#p-lower").content_size.height
        with_code = rows == 0 or rows >= len(qr) + 2  # 0: not laid out yet; its first resize draws it again
        if self._room_drawn == (url, code, with_code):
            return
        self._room_drawn = (url, code, with_code)
        parts: list[str | tuple[str, str]] = [("\n".join(qr), QR_STYLE), "\n"] if with_code else []
        panel.update(
            Text.assemble(*parts, (url, "bold"), "\n", ("Join code ", ""), (f"{code[:3]} {code[3:]}", "bold"))
        )

    def _draw_stage_text(self, ws: Workshop, stage: Stage | None) -> None:
        title = self.query_one("#p-title", Static)
        prompt = self.query_one("#p-prompt", Static)
        if stage is None:
            title.update(Content.assemble((f" {ws.title} ", "bold reverse")))
            prompt.update(Content("The workshop has no stage to run yet."))
            return
        agenda = ws.agenda(include_skipped=False)
        place = next((i for i, s in enumerate(agenda, start=1) if s.id == stage.id), None)
        where = f"stage {place} of {len(agenda)}" if place else "extra stage"
        title.update(
            Content.assemble((f" {stage.title} ", "bold reverse"), f"  {where}  ·  ", (ws.title, "bold"))
        )
        parts: list[str | tuple[str, str]] = []  # what a short terminal cuts comes last: the questions
        if stage.purpose:
            parts += [(stage.purpose, "bold"), "\n"]
        if stage.output:
            parts += [("The room produces: ", "bold"), stage.output, "\n"]
        for question in stage.prompts:
            parts += [f"• {question}", "\n"]
        prompt.update(Content.assemble(*parts).rstrip() if parts else Content(""))

    def refresh_clock(self) -> None:
        """The countdown and the agenda's ahead/behind as they are now, then the next redraw is set (see the
        module's docstring); a change that arrives meanwhile redraws at once and sets it again."""
        session = self.session
        ws = session.workshop
        if self._stage_id is None or self._stage_id not in ws.stages:
            self.countdown.display = False
            self._next_tick(None)
            return
        self.countdown.display = True
        now = session.clock.wall()
        timer = session.timer.of(self._stage_id)
        self.countdown.show(timer, now)
        self._next_tick(seconds_to_next_digit(timer))
        since, until = self._agenda_still
        if since <= now < until:  # the strip would be drawn the same (a clock set back works it out again)
            return
        agenda = ws.agenda(include_skipped=False)
        timers = {s.id: session.timer.of(s.id) for s in agenda}
        marks, report = stage_marks(ws, timers, now)
        self.agenda_strip.show(marks, report)
        drawn = drawn_drift(marks, report, deltas=True)
        self._agenda_still = (now, now + self._agenda_still_for(ws, timers, now, drawn))

    @staticmethod
    def _agenda_still_for(
        ws: Workshop, timers: dict[int, StageTimer], now: float, drawn: tuple[object, ...]
    ) -> float:
        """Seconds from ``now`` during which the agenda strip surely draws ``drawn`` (``drawn_drift`` with the
        stages' deltas, whether or not the strip shows them): the whole seconds before the first at which it is
        drawn otherwise, up to ``AGENDA_HORIZON_SECONDS``. The marks' other parts (titles, minutes, states) move
        only with a change, which works the strip out again. A redraw at the start of the second before the change
        looks again and finds it a second ahead, so the change is drawn at the first redraw after it, as when the
        strip was worked out at every redraw (once a second: ``ws.agenda``, every stage's timer and the schedule,
        about a sixth of a running countdown's second)."""
        for second in range(1, AGENDA_HORIZON_SECONDS + 1):
            if drawn_drift(*stage_marks(ws, timers, now + second), deltas=True) != drawn:
                return float(second - 1)
        return float(AGENDA_HORIZON_SECONDS)

    def _next_tick(self, step: float | None) -> None:
        """Redraw the clock after ``step`` seconds (and a margin), or ``IDLE_TICK_SECONDS`` for ``None``."""
        if self._tick is not None:
            self._tick.cancel()
        delay = IDLE_TICK_SECONDS if step is None else step + DIGIT_MARGIN_SECONDS
        self._tick = call_later_direct(self, delay, self._ticked)

    def _ticked(self) -> None:
        self._tick = None  # this call has come: nothing to cancel
        self.refresh_clock()

    def on_unmount(self) -> None:
        """The next redraw of the clock is called off (it is the event loop's, not one of the screen's timers)."""
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None

    def draw_board(self) -> None:
        """The board for the current stage: notes, an open vote's notes, a revealed vote or the readiness chart."""
        board = self.query_one(Board)
        ws = self.session.workshop
        stage = ws.stages.get(self._stage_id) if self._stage_id is not None else None
        if stage is None:
            self._board_titles = [""]
            self.fit_board_title()
            board.show(lambda _w, _h: "")
            return
        accent = f"bold {self.app.current_theme.accent or ''}".strip()
        ballot = self._ballot(stage)
        if stage.kind == "readiness":
            self._board_titles = ["Readiness check"]
            chart = self._readiness(ws, accent)
            board.show(lambda _w, _h: chart)
        elif ballot is not None and ballot.status == "closed":
            self._board_titles = ["Vote result"]
            ranked = self.session.votes.result(ballot.id).ranked
            board.show(lambda w, h: results_view(ballot, ranked, ws, w, h, bar_style=accent))
        elif ballot is not None:
            self._board_titles = ["Voting"]
            board.show(lambda w, h: ballot_notes_view(ballot, ws, w, h))
        else:
            if self._notes is None or self._notes.stage_id != stage.id:
                self._notes = StageNotes(stage.id, ws.stage_notes(stage.id))
            notes = self._notes.notes
            waiting = None
            if stage.silent:  # the room sees how many came in, never what, until the reveal
                waiting = sum(1 for n in ws.stage_notes(stage.id) if n.hidden and not n.withheld)
            self._board_titles = board_titles(len(notes), waiting)
            board.show(lambda w, h: notes_view(notes, ws, w, h, accent=accent))
        self.fit_board_title()

    def fit_board_title(self) -> None:
        """Title the board's frame with the fullest wording that fits its width (the frame's two corners take a
        cell each); the shortest where none does (Textual ends it with an ellipsis), the fullest before the first
        layout (its first resize fits it)."""
        box = self.query_one("#p-board-box")
        width, titles = box.size.width, self._board_titles
        title = next((t for t in titles if cell_len(t) <= width - 2), titles[-1]) if width else titles[0]
        if box.border_title != title:
            box.border_title = title

    def _ballot(self, stage: Stage) -> Ballot | None:
        """The stage's latest vote (on the action plan: the final-priorities vote across stages)."""
        ballot = self.session.votes.latest(stage.id)
        if ballot is None and stage.kind == "action_plan":
            ballot = self.session.votes.latest(None)
        return ballot

    def _readiness(self, ws: Workshop, accent: str) -> Text | Group:
        rounds = {r.round: r for r in readiness_rounds(ws)}
        round_name = "end" if "end" in rounds else "start"
        people = ws.active_participants()
        answered = {r.participant_id for r in ws.readiness.values() if r.round == round_name}
        done = sum(1 for p in people if p.id in answered)
        rnd = rounds.get(round_name)
        if rnd is None or not result_shown(ws, round_name):
            return Text.assemble(
                ("Readiness check", "bold"),
                f" · {done} of {len(people)} have answered.\n",
                "The result appears here when everyone has answered.",
            )
        return Group(attitude_chart(rnd, accent), discipline_chart(rnd, accent))
