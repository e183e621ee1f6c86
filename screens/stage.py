"""The stage screen, where the workshop spends most of its time: the timebox, the prompts and the room's notes.

It reads everything from ``app.session`` and changes everything through it. The countdown is redrawn four times
a second from the session's ``StageTimer`` (timestamps on a monotonic clock): a tick never counts time, so a busy
event loop cannot make the clock wrong, and a timer left running before a restart carries on where it should.

Keys come in two sets. On the notes list, single letters act (space starts the timer, ``e`` edits, …). While
typing in the note field every printable key types, so the keys that matter during capture also have F-keys
that work everywhere; the footer shows whichever set works at that moment.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static

from facilitation.models import Note, Participant, Stage
from facilitation.names import AuthorPrefix, Person, credited, split_author
from facilitation.schedule import format_clock
from facilitation.stage_kinds import rules_of
from facilitation.text import plural, preview
from facilitation.timer import StageTimer
from facilitation.timer_words import seconds_to_next_digit
from screens.base import ReadOnlyChanged, WorkshopChanged, WorkshopScreenMixin
from screens.internals import BlinkForAWhile, QuietInputWidth, set_timer_apart
from screens.widgets import AgendaStrip, KeyBar, NoteList, TimerDisplay, drawn_drift, stage_marks
from workshop.session import EXTERNAL_RELOAD, Change, SessionError

if TYPE_CHECKING:
    pass

REMINDER_SECONDS = 30.0
"""A stage entered this long ago with its timer never started gets one reminder."""
TICK_SECONDS = 60.0
"""The longest the clock waits between two redraws while the stage's timer is not running. Then nothing on the
clock moves but the agenda's ahead/behind (its minutes, and in the wide layout a stage's delta to the second) and
the reminder due ``REMINDER_SECONDS`` after the stage was entered: the clock is redrawn at the first whole second
from now at which any of them is drawn differently (``StageScreen._still_for``), at the latest after this. A
running countdown is redrawn just after each of its seconds instead (``facilitation.timer_words.
seconds_to_next_digit``); never counted: the timer computes the time on every redraw. It was a 0.25 s interval,
then a 1 s one: four, then one wake-up a second of an idle app (issue #11's idle room)."""
DIGIT_MARGIN_SECONDS = 0.01
"""A running countdown is redrawn this long after its digits move, so the new second is already there."""

SPACE_DOES = ("start", "pause", "resume", "restart")
TIP_TIMER = "Start, pause or resume the timer (restart it once the stage is finished)"
TIP_NEXT = "Finish this stage and go to the next"
TIP_PREVIOUS = "Go back to the previous stage"
TIP_AUTHOR = "Next author for the notes typed from now on"
TIP_UNDO = "Undo the last change to the notes (again: the one before)"
TIP_REDO = "Redo the change to the notes that u last undid (again: the one undone before it)"
TIP_CANDIDATE = "Mark the note as a candidate action (again: unmark)"
TIP_HIDE = "Hide the note from the room: phones and the projector (again: show it)"


def _everywhere(
    key: str, action_args: str, description: str, tooltip: str, *, shown: bool = True
) -> list[Binding]:
    """An F-key (or ctrl key) that works while typing a note too.

    Two bindings for one key: the first (``typing``) is enabled only while the note field has focus, so the footer
    shows it exactly then; the second (``anywhere``, never shown) makes the key work on the notes list as well.
    """
    return [
        Binding(key, f"typing({action_args})", description, show=shown, tooltip=tooltip),
        Binding(key, f"anywhere({action_args})", description, show=False, tooltip=tooltip),
    ]


class NoteInput(BlinkForAWhile, QuietInputWidth, Input):
    """The quick-entry field. A multi-line paste opens the long-note editor instead of keeping one line. Typing in
    it does not lay the screen out (``screens.internals.QuietInputWidth``); its cursor stops blinking a while after
    the last key (``screens.internals.BlinkForAWhile``)."""

    KEEPS_PASTED_LINES: ClassVar[bool] = True
    """Pasted line breaks reach ``on_paste`` (the app joins a paste's lines for other one-line fields)."""

    class MultilinePaste(Message):
        """Text with line breaks was pasted: the screen offers it in the multi-line editor."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def on_key(self, event: events.Key) -> None:
        """Enter takes the note and empties the field in key order.

        Textual runs Input's Enter binding only after the key has bubbled up to the app, behind any keys
        typed after it: "idea one⏎idea two⏎" typed faster than the app draws became two notes reading
        "idea oneidea two". Here each Enter takes exactly what was typed before it.

        Textual runs one key handler per class of the widget, this class's first; ``prevent_default`` keeps
        ``Input``'s own (which would type a newline) from running.

        The app usually lets the stage screen take the Enter before it reaches the field (``StageScreen.
        take_enter``, which calls ``enter`` in the app's handler of the key). One that does reach the field (typed
        while keys before it were on their way) is taken here, in this key's own handler: a ``Submitted`` message
        posted to the screen waited for the screen's turn of the loop, behind every frame, live page slice and
        request queued meanwhile (in a busy room, most of the Enter's wait to its handler). Under another screen
        (none uses the field elsewhere) ``Submitted`` is posted to the screen as before.
        """
        if event.key != "enter":
            return  # Input's own handler types the character
        event.stop()
        event.prevent_default()
        self.enter()

    def enter(self) -> None:
        """Take what was typed and empty the field: the stage screen adds it as a note."""
        text, self.value = self.value, ""
        screen = self.screen
        if isinstance(screen, StageScreen):
            screen.note_entered(self, text)
        else:
            screen.post_message(self.Submitted(self, text))

    def on_paste(self, event: events.Paste) -> None:
        """Several lines go to the long-note editor; one line is typed in whole.

        The app has already dropped control characters and colour codes (``screens.text_input``). Textual's
        ``Input`` would keep only what comes before the first ``str.splitlines`` boundary, which includes U+2028
        and U+2029: here only the line breaks around a one-line paste are left out.
        """
        event.prevent_default()
        event.stop()
        lines = [line for line in event.text.splitlines() if line.strip()]
        if len(lines) > 1:
            self.post_message(self.MultilinePaste(event.text))
        elif lines and self.selection.is_empty:
            self.insert_text_at_cursor(lines[0])
        elif lines:
            self.replace(lines[0], *self.selection)


class StageScreen(WorkshopScreenMixin, Screen[None]):
    """One stage of the open workshop: countdown, agenda strip, prompts, notes and quick entry. Its frames are
    drawn on demand, as every workshop screen's, with no wake-up of the event loop 16 ms after each
    (``screens.internals.FramesOnDemand``, through ``WorkshopScreenMixin``)."""

    CSS_PATH = "stage.tcss"
    AUTO_FOCUS = "#notes"
    HORIZONTAL_BREAKPOINTS = [(0, "-compact"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = [
        # space says what it will do now: Start, Pause, Resume or Restart (check_action shows the one that applies).
        *(Binding("space", f"space('{what}')", what.title(), tooltip=TIP_TIMER) for what in SPACE_DOES),
        *_everywhere("f5", "'toggle_timer'", "Start/Pause", TIP_TIMER),
        Binding("plus,equals_sign", "extend(1)", "+1 min", tooltip="Add 1 minute"),
        *_everywhere("f6", "'extend', 1", "+1 min", "Add 1 minute"),
        Binding("minus", "shorten(1)", "-1 min", show=False, tooltip="Take 1 minute off"),
        Binding("right_square_bracket", "extend(5)", "+5 min", show=False, tooltip="Add 5 minutes"),
        *_everywhere("f7", "'extend', 5", "+5 min", "Add 5 minutes"),
        Binding("n", "next_stage", "Next", tooltip=TIP_NEXT),
        *_everywhere("f8", "'next_stage'", "Next stage", TIP_NEXT),
        Binding("f1", "app.help", "Help", tooltip="Every key of every screen"),
        Binding("k", "readiness", "Readiness", tooltip="Run the readiness check (on the readiness stage)"),
        Binding("p", "previous_stage", "Previous", show=False, tooltip=TIP_PREVIOUS),
        *_everywhere("f9", "'previous_stage'", "Previous", TIP_PREVIOUS, shown=False),
        Binding("r", "restart_timer", "Restart", show=False, tooltip="Restart the timer from the full time"),
        Binding("i", "focus_input", "Type", tooltip="Type a note (Enter adds it; “Ana: …” sets the author)"),
        Binding("escape", "focus_notes", "Notes list", tooltip="Leave the note field for the notes list"),
        *_everywhere("f2", "'long_note'", "Long note", "Write a long, multi-line note"),
        *_everywhere("f3", "'cycle_author'", "Author", TIP_AUTHOR),
        Binding("w", "cycle_author", "Author", show=False, tooltip=TIP_AUTHOR),
        Binding("A", "note_author", "Note's author", show=False, tooltip="Change who wrote the highlighted note"),
        Binding("e", "edit_note", "Edit", tooltip="Edit the highlighted note"),
        Binding("d,delete", "delete_note", "Delete", tooltip="Delete the highlighted note"),
        Binding("u", "undo_delete", "Undo", show=False, tooltip=TIP_UNDO),
        *_everywhere("ctrl+z", "'undo_delete'", "Undo", TIP_UNDO, shown=False),
        *_everywhere("ctrl+y", "'redo'", "Redo", TIP_REDO, shown=False),
        Binding(
            "v", "vote", "Vote", tooltip="Dot vote on this stage's notes (action plan: the final priorities)"
        ),
        Binding("x", "mark('decision')", "Decision", tooltip="Mark the note as a decision (again: unmark)"),
        Binding("c", "mark('candidate')", "Action?", show=False, tooltip=TIP_CANDIDATE),
        Binding("m", "move_note", "Move", show=False, tooltip="Move the note to another stage"),
        Binding("g", "merge_note", "Merge", show=False, tooltip="Merge another note of this stage into it"),
        Binding("z", "hide_note", "Hide", show=False, tooltip=TIP_HIDE),
        Binding("s", "summary", "Summary", show=False, tooltip="Workshop summary"),
        Binding("o", "action_plan", "Actions", tooltip="The action plan: turn decisions into actions"),
        Binding("a", "agenda", "Agenda", tooltip="Agenda overview"),
        Binding("q", "toggle_prompts", "Questions", show=False, tooltip="Show or hide the guiding questions"),
        Binding("b", "toggle_bell", "Bell", show=False, tooltip="Turn the time's-up bell on or off"),
        Binding("h", "home", "Home", show=False, tooltip="Close this workshop and go to the workshop list"),
        Binding(
            "j",
            "room",
            "Room",
            show=False,
            tooltip="The room: participants join from their phones (QR code, join code)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._stage_id: int | None = None
        self._entered_at = 0.0
        self._reminded = False
        self._author_id: int | None = None
        self._show_prompts = False
        self._timer_status = ""
        self._resumed = False
        """Whether the screen has resumed since it mounted."""
        self._changes: list[Change] = []
        """Changes heard and not followed yet: more of the same burst are coming, or changes made elsewhere
        are gathered until ``FOLLOW_PERIOD`` has passed (``on_workshop_changed``)."""
        self._follow_now = False
        """Whether a change heard since the last follow must be followed at once (``_can_wait``)."""
        self._woken = False
        """Whether a ``ChangesHeard`` is on its way to the screen (``hear_change``)."""
        self._followed_at = float("-inf")
        """When the screen last followed changes (``now``, seconds)."""
        self._gathering: Timer | None = None
        """The timer that follows the gathered changes, while one is set."""
        self._awaited: set[int] = set()
        """Ids of notes added here whose change has not been followed yet: theirs is followed at once."""
        self._tick: Timer | None = None
        """The clock's next redraw (``_next_tick``), due at ``_tick_due`` (``time.monotonic``)."""
        self._tick_due = 0.0
        self._still = TICK_SECONDS
        """Seconds until the stopped clock draws anything otherwise (``_still_for``), as of its last redraw."""

    # --- plumbing --------------------------------------------------------------------------------------

    @property
    def _typing(self) -> bool:
        return isinstance(self.focused, NoteInput)

    @property
    def notes(self) -> NoteList:
        return self.query_one("#notes", NoteList)

    @property
    def timer_display(self) -> TimerDisplay:
        return self.query_one("#timer", TimerDisplay)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the letter keys while typing (the field takes them) and show the F-keys instead."""
        if action == "anywhere":
            return True
        if action in ("typing", "focus_notes"):
            return self._typing
        if self._typing:
            return False
        if action == "space":
            return parameters == (self._space_does(),)
        if action == "readiness":
            kind = self._stage_kind()
            return kind is not None and rules_of(kind).readiness_check
        return True

    def _stage_kind(self) -> str | None:
        session = self.workshop_app.session
        if session is None or self._stage_id not in session.workshop.stages:
            return None
        return session.workshop.stages[self._stage_id].kind

    def _space_does(self) -> str:
        """What space does to this stage's timer now: ``start``, ``pause``, ``resume`` or ``restart``."""
        session = self.workshop_app.session
        if session is None or self._stage_id is None:
            return "start"
        status = session.timer.of(self._stage_id).status
        return {"idle": "start", "running": "pause", "paused": "resume"}.get(status.value, "restart")

    def action_space(self, what: str) -> None:
        if what == "restart":
            self.action_restart_timer()
        else:
            self.action_toggle_timer()

    def action_anywhere(self, name: str, *args: Any) -> None:
        """An F-key: the same action as its letter key, but it also works while typing a note."""
        method: Callable[..., Any] = getattr(self, f"action_{name}")
        method(*args)

    def action_typing(self, name: str, *args: Any) -> None:
        self.action_anywhere(name, *args)

    # --- layout ----------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.settle_breakpoints()
        with Vertical(id="stage-main"):
            yield Static(id="stage-title")
            yield AgendaStrip(id="agenda-strip")
            yield Static(id="read-only-banner")
            yield Static(id="stage-prompt")
            yield TimerDisplay(id="timer", timer=self._opening_timer())
            yield NoteList(
                id="notes", empty_hint="No notes yet. Press i (or tab), type a note and press Enter."
            )
            with Horizontal(id="entry"):
                yield Label("", id="author")
                yield NoteInput(
                    placeholder="Type a note, Enter adds it · “Ana: …” sets the author · F2 long note",
                    id="note-input",
                )
        with VerticalScroll(id="stage-side"):
            yield Static(id="side-prompts")
            yield AgendaStrip(id="agenda-side")
        yield KeyBar()

    def _opening_timer(self) -> StageTimer | None:
        """The timer of the stage the screen opens on, so the countdown starts styled for it; None if none."""
        session = self.workshop_app.session
        if session is None or session.workshop.current_stage_id not in session.workshop.stages:
            return None  # on_mount goes home
        try:
            return session.timer.of(session.workshop.current_stage_id)
        except SessionError:
            return None

    def on_mount(self) -> None:
        app = self.workshop_app
        if app.session is None:
            self.navigator.home()
            return
        ws = app.session.workshop
        if ws.current_stage_id not in ws.stages:
            # Only a damaged or hand-edited file gets here (a restored empty backup, say): say so, go home.
            app.show_error(f"“{ws.title}” has no stage to run. Open its set-up to build an agenda.")
            app.close_session()
            app.call_later(self.navigator.home)
            return
        self.query_one("#agenda-side", AgendaStrip).vertical = True
        session = self.session
        self._show_read_only(app.read_only_text)
        if session.read_only:
            note_input = self.query_one(NoteInput)
            note_input.disabled = True
            note_input.placeholder = "Read-only: notes cannot be added in this window."
        self._enter_stage()  # draws the clock, which sets its next redraw (set_timer_apart: not kept once gone)

    def on_read_only_changed(self, message: ReadOnlyChanged) -> None:
        self._show_read_only(message.text)

    def _show_read_only(self, text: str) -> None:
        """The banner over a read-only workshop: who writes it now, or that they stopped (``read_only_text``)."""
        session = self.workshop_app.session
        if not text and session is not None and session.read_only:
            text = session.read_only_reason  # opened read-only without a follower (from home's set-up, say)
        banner = self.query_one("#read-only-banner", Static)
        banner.display = bool(text)
        banner.update(Content(f"READ-ONLY · {text}" if text else ""))

    def on_screen_resume(self) -> None:
        """Back from the agenda, the summary or a dialog: the widgets followed every change meanwhile
        (``on_workshop_changed``); only the clock moved on. The first resume comes straight after ``on_mount``
        drew the clock: nothing moved."""
        if self._resumed:
            self.refresh_clock()
        self._resumed = True

    FOLLOW_PERIOD: ClassVar[float] = 0.05
    """Seconds: changes made elsewhere (the room's phones) are followed at most this often.

    In a busy room every group commit round (a few phones' notes or dots, up to a hundred rounds a second) moved
    the list to its newest note and redrew it (5-9 ms of CPU each), a frame each, and the facilitator's Enter
    waited behind those frames (room_bench, issue #11). Gathered, they cost a follow and a frame per period; a
    phone's note reaches the screen at most this much later (the room's target: p95 under 250 ms). Changes made
    here (``WorkshopChanged.here``), the note typed here (``_awaited``), and a change to a stage, the workshop's
    own fields or a participant are followed at once, together with every change gathered before them."""

    def now(self) -> float:
        """The clock ``FOLLOW_PERIOD`` is counted on (``time.monotonic`` seconds; tests replace it)."""
        return time.monotonic()

    class ChangesHeard(Message, bubble=False):
        """Changes were gathered (``hear_change``): the screen follows them now or when ``FOLLOW_PERIOD`` ends."""

    def hear_change(self, change: Change, *, here: bool) -> None:
        """A committed change, made here, on another screen, from the palette, by a phone or by another process,
        handed over by the app's relay as it is published: it joins the changes not followed yet, and one
        ``ChangesHeard`` message is posted for all that arrive before the screen gets to it.

        They are followed in order, in one batch of the note list (``NoteList.batched``: one scroll and one
        repaint): at once when one of them cannot wait (``_can_wait``), else once ``FOLLOW_PERIOD`` has passed
        since the last follow. The Enter that adds a note follows them itself when its note is published before
        its handler returns (``note_entered``): the list shows the note with no turn of the loop in between.

        A note typed here and published outside any handler (by its group commit round's end, a callback the
        loop runs before everything waiting there: ``GroupCommit``) is followed right here, with everything
        gathered before it: the list shows it in the callback that made it durable. Posted as a message, it
        waited for the screen's own turn of the loop behind whatever was queued meanwhile (frames, live pages,
        requests): one more hand-off on the way from the facilitator's Enter to the note listed (issue #11)."""
        self._changes.append(change)
        if here or not self._can_wait(change):
            self._follow_now = True
            if not here and self._typed_in(change) and self.is_attached:
                self._follow_gathered()
                return
        if not self._woken:
            self._woken = self.post_message(self.ChangesHeard())

    def _typed_in(self, change: Change) -> bool:
        """Whether ``change`` writes a note typed here and not shown yet (``_awaited``)."""
        awaited = self._awaited
        return bool(awaited) and any(isinstance(r, Note) and r.id in awaited for r in change.changed)

    def on_workshop_changed(self, message: WorkshopChanged) -> None:
        """A change posted as a message (as to every other screen) is gathered like one handed over."""
        self.hear_change(message.change, here=message.here)

    def on_stage_screen_changes_heard(self, _message: ChangesHeard) -> None:
        self._woken = False
        if not self._changes:
            return  # followed meanwhile (an Enter's handler)
        if not self._follow_now:
            wait = self._followed_at + self.FOLLOW_PERIOD - self.now()
            if wait > 0:
                if self._gathering is None:
                    self._gathering = self.set_timer(wait, self._follow_gathered, name="follow the room")
                return
        self._follow_gathered()

    def _can_wait(self, change: Change) -> bool:
        """Whether a change made elsewhere may be gathered: it touches only notes (none added here), votes or
        readiness answers, not a stage, a participant or the workshop's own fields, nor re-reads the workshop."""
        if change.info or change.kind == EXTERNAL_RELOAD:
            return False
        awaited = self._awaited
        for record in change.changed:
            if isinstance(record, (Stage, Participant)):
                return False
            if awaited and isinstance(record, Note) and record.id in awaited:
                return False
        return True

    def _follow_gathered(self) -> None:
        """Follow every change heard and not followed yet, in order, in one batch of the note list."""
        if self._gathering is not None:
            self._gathering.stop()
            self._gathering = None
        self._follow_now = False
        changes, self._changes = self._changes, []
        if not changes:
            return
        if self._awaited:
            for change in changes:
                for record in change.changed:
                    if isinstance(record, Note):
                        self._awaited.discard(record.id)
        if self._stage_id is None or self.workshop_app.session is None:
            return  # not showing a stage (going home)
        with self.notes.batched():
            for change in changes:
                self._follow(change)
        self._followed_at = self.now()

    def _follow(self, change: Change) -> None:
        session = self.workshop_app.session
        if session is None or self._stage_id is None:
            return
        ws = session.workshop
        if ws.current_stage_id != self._stage_id and ws.current_stage_id in ws.stages:
            self._enter_stage()  # the workshop moved to another stage
            return
        if self._stage_id not in ws.stages:
            return
        self.notes.follow(change, ws, self._stage_id, follow_new=True if self._typing else None)
        kind = change.kind
        if any(isinstance(r, Stage) for r in change.changed) or change.info or kind == EXTERNAL_RELOAD:
            self._draw_stage_text(ws.stages[self._stage_id])
            self.refresh_clock()
        if any(isinstance(r, Participant) for r in change.changed) or kind == EXTERNAL_RELOAD:
            if self._author_id is not None and self._author_id not in {p.id for p in ws.active_participants()}:
                self._author_id = None
            self._draw_author()

    def _enter_stage(self) -> None:
        """Show the session's current stage from scratch (entering the screen, or another stage)."""
        stage = self.session.stage()
        changed = stage.id != self._stage_id
        self._stage_id = stage.id
        if changed:
            self._entered_at = self.workshop_app.clock.monotonic()
            self._reminded = False
            if self._author_id is not None:
                self._say("New stage: notes are anonymous again (w picks an author).", timeout=5)
            self._author_id = None  # an author picked for one stage's notes does not carry into the next
            self.refresh_bindings()  # k (readiness check) shows on the readiness stage only
        self._draw_stage_text(stage)
        self._load_notes()
        self._draw_author()
        self.refresh_clock()

    def _draw_stage_text(self, stage: Stage) -> None:
        ws = self.session.workshop
        agenda = ws.agenda(include_skipped=False)
        place = next((i for i, s in enumerate(agenda, start=1) if s.id == stage.id), None)
        where = f"stage {place} of {len(agenda)}" if place else "skipped stage"
        bell = "  ·  bell off" if ws.muted else ""
        self.query_one("#stage-title", Static).update(
            Content.assemble(
                (f" {stage.title} ", "bold reverse"),
                f"  {where} · {stage.minutes} min planned{bell}  ·  ",
                (ws.title, "bold"),
            )
        )
        questions = [f"• {q}" for q in stage.prompts]
        one_line = stage.purpose or (stage.prompts[0] if stage.prompts else "")
        rules = rules_of(stage.kind)
        plan_hint = (f"{rules.hint}  ·  ", "bold $accent") if rules.hint else ""
        prompt = self.query_one("#stage-prompt", Static)
        if self._show_prompts and questions:
            prompt.update(Content.assemble((one_line, "bold"), "\n", "\n".join(questions)))
        else:
            hint = "  (q: questions)" if questions else ""
            prompt.update(Content.assemble(plan_hint, (one_line, "bold"), hint))
        prompt.set_class(self._show_prompts, "-expanded")
        side: list[str | tuple[str, str]] = []
        if rules.hint:
            side += [(rules.hint, "bold $accent"), "\n\n"]
        if stage.purpose:
            side += [(stage.purpose, "bold"), "\n\n"]
        if stage.output:
            side += [("The room produces: ", "bold"), stage.output, "\n\n"]
        if questions:
            side += [("Questions", "bold underline"), "\n", "\n".join(questions), "\n"]
        self.query_one("#side-prompts", Static).update(Content.assemble(*side))

    def _load_notes(self, *, select: int | None = None) -> None:
        ws = self.session.workshop
        assert self._stage_id is not None
        earlier = self.session.unread_notes(self._stage_id)  # a first frame from the preview: read after it
        self.notes.set_notes(ws.stage_notes(self._stage_id), ws, select=select, earlier=earlier)

    def _draw_author(self) -> None:
        name = self.session.workshop.participant_name(self._author_id) or "anonymous"
        self.query_one("#author", Label).update(Content.assemble(("✎ ", "bold"), (name, "bold")))

    @property
    def stage_id(self) -> int | None:
        """The stage this screen shows."""
        return self._stage_id

    # --- the clock -------------------------------------------------------------------------------------

    def refresh_clock(self) -> None:
        """Redraw the countdown and the agenda from the timers as they are now; ring and remind when due; then set
        the next redraw: just after the countdown's next second while it runs, ``TICK_SECONDS`` otherwise (a
        change that arrives meanwhile redraws at once and sets it again).

        Tests call it after moving the fake clock.
        """
        step: float | None = None
        try:
            step = self._draw_clock()
        finally:
            self._next_tick(step)

    def _draw_clock(self) -> float | None:
        """``refresh_clock``'s drawing; returns ``seconds_to_next_digit`` of the stage's timer (None: not running)."""
        app = self.workshop_app
        if app.session is None or self._stage_id is None or app.session.workshop.current_stage_id is None:
            return None
        session = app.session
        try:
            timer = session.timer.of(self._stage_id)
        except SessionError:
            return None
        self.timer_display.show(timer, session.clock.wall())
        if timer.status.value != self._timer_status:
            self._timer_status = timer.status.value
            self.refresh_bindings()
        self._ring_if_due(timer)
        self._remind_if_due(timer)
        ws = session.workshop
        timers = {s.id: session.timer.of(s.id) for s in ws.agenda(include_skipped=False)}
        now = session.clock.wall()
        marks, report = stage_marks(ws, timers, now)
        strips = list(self.query(AgendaStrip))
        for strip in strips:
            strip.show(marks, report)
        step = seconds_to_next_digit(timer)
        if step is None:
            self._still = self._still_for(timer, timers, now, any(strip.vertical for strip in strips))
        return step

    def _still_for(
        self, timer: StageTimer, timers: dict[int, StageTimer], now: float, deltas_shown: bool
    ) -> float:
        """Seconds from ``now`` (wall time) until the clock of a stage whose ``timer`` is not running is drawn
        differently: the first whole second at which the agenda's drift, or with ``deltas_shown`` (the wide layout)
        a stage's delta, is written otherwise, or the reminder is due; ``TICK_SECONDS`` at most. The countdown
        itself, its words and its bar do not move while the timer is not running."""
        ws = self.session.workshop
        longest = TICK_SECONDS
        if not self._reminded and timer.status == "idle" and not self.session.read_only:
            elapsed = self.workshop_app.clock.monotonic() - self._entered_at
            longest = min(longest, max(REMINDER_SECONDS - elapsed, 0.0))
        drawn = drawn_drift(*stage_marks(ws, timers, now), deltas=deltas_shown)
        second = 1
        while second < longest:
            if drawn_drift(*stage_marks(ws, timers, now + second), deltas=deltas_shown) != drawn:
                return float(second)
            second += 1
        return longest

    def _next_tick(self, step: float | None) -> None:
        """Redraw the clock after ``step`` seconds (and ``DIGIT_MARGIN_SECONDS``), or for None (the timer is not
        running) once anything it draws moves (``_still_for``). A redraw already set no later than that is kept (a
        screen resumed over and over makes no timers)."""
        delay = self._still if step is None else step + DIGIT_MARGIN_SECONDS
        due = time.monotonic() + delay
        if self._tick is not None:
            if self._tick_due <= due:
                return
            self._tick.stop()
        self._tick_due = due
        self._tick = set_timer_apart(self, delay, self._ticked, "stage clock")

    def _ticked(self) -> None:
        self._tick = None  # this timer has fired: nothing to stop
        self.refresh_clock()

    def _ring_if_due(self, timer: StageTimer) -> None:
        """At zero: the bell (unless muted) and a notice, once per run of the stage."""
        if timer.status != "running" or not timer.is_overrun:
            return
        ws = self.session.workshop
        key = (ws.id, self._stage_id, timer.started_at, timer.duration)
        if key in self.workshop_app.timer_alerts:
            return
        self.workshop_app.timer_alerts.add(key)
        if not ws.muted:
            self.app.bell()
        stage = self.session.stage(self._stage_id)
        self._say(
            f"{stage.title}: time's up. The timer keeps counting the overrun; + adds a minute, n moves on.",
            title="TIME'S UP",
            severity="warning",
            timeout=15,
        )

    def _remind_if_due(self, timer: StageTimer) -> None:
        if self._reminded or timer.status != "idle" or self.session.read_only:
            return
        if self.workshop_app.clock.monotonic() - self._entered_at < REMINDER_SECONDS:
            return
        self._reminded = True
        stage = self.session.stage(self._stage_id)
        self._say(
            f"The {stage.title} timer has not started yet: press space (or F5) to start it.",
            title="Timer not started",
            severity="warning",
            timeout=12,
        )

    # --- timer and stage actions -------------------------------------------------------------------------

    def action_toggle_timer(self) -> None:
        with self._guard():
            self.session.timer.toggle(self._stage_id)

    def action_extend(self, minutes: int) -> None:
        with self._guard():
            timer = self.session.timer.extend(minutes, self._stage_id)
            self._say(f"{minutes} min added: now {format_clock(timer.duration)} in all.", timeout=4)

    def action_shorten(self, minutes: int) -> None:
        with self._guard():
            timer = self.session.timer.shorten(minutes, self._stage_id)
            self._say(f"{minutes} min taken off: now {format_clock(timer.duration)} in all.", timeout=4)
        self.refresh_clock()

    def action_restart_timer(self) -> None:
        from screens.dialogs import ConfirmScreen  # on first use: start-up skips the dialogs

        stage = self.session.stage(self._stage_id)

        def answered(yes: bool | None) -> None:
            if yes:
                with self._guard():
                    self.session.timer.reset(stage.id)
                    self._entered_at = self.workshop_app.clock.monotonic()
                    self._reminded = False

        self.app.push_screen(
            ConfirmScreen(
                f"Restart the {stage.title} timer from {stage.minutes} min? "
                "The time run so far and any minutes added are cleared.",
                safe_default=True,
            ),
            answered,
        )

    def action_next_stage(self) -> None:
        """Finish this stage and move on. Always asks first (Enter alone says no): a finished timer cannot be
        started again where it was, so a stray ``n`` must not finish a stage, even after its time is up."""
        from screens.dialogs import ConfirmScreen  # on first use: start-up skips the dialogs

        session = self.session
        stage = session.stage(self._stage_id)
        timer = session.timer.of(stage.id)
        agenda = session.workshop.agenda(include_skipped=False)
        ids = [s.id for s in agenda]
        is_last = stage.id in ids and ids.index(stage.id) == len(ids) - 1
        if is_last and timer.status == "finished":
            self._say("This is the last stage. Press s for the summary.", timeout=6)
            return
        if timer.status == "finished":
            self._finish_stage()  # already finished (the facilitator came back to it): only moves on
            return
        following = "end the workshop's last stage" if is_last else "go to the next stage"
        if timer.status == "idle":
            question = f"{stage.title}: its timer never started. Finish the stage and {following}?"
        elif timer.is_overrun:
            over = format_clock(timer.overrun)
            question = f"{stage.title}: time is up (+{over}). Finish the stage and {following}?"
        else:
            left = format_clock(timer.remaining, round_up=True)
            question = f"{stage.title} still has {left} left. Finish the stage and {following}?"
        self.app.push_screen(
            ConfirmScreen(question, safe_default=True), lambda yes: self._finish_stage() if yes else None
        )

    def _finish_stage(self) -> None:
        with self._guard():
            before = self._stage_id
            stage = self.session.timer.finish()
            if stage.id == before:
                self._say("That was the last stage. Press s for the summary.", timeout=8)

    def action_previous_stage(self) -> None:
        with self._guard():
            self.session.agenda.previous()

    def action_go_to_stage(self, stage_id: int) -> None:
        """Jump to any stage (the command palette's "Go to stage …")."""
        with self._guard():
            self.session.agenda.go_to(stage_id)

    def action_toggle_bell(self) -> None:
        with self._guard():
            muted = not self.session.workshop.muted
            self.session.agenda.set_muted(muted)
            self._say("Timer bell off." if muted else "Timer bell on.", timeout=4)

    def action_toggle_prompts(self) -> None:
        self._show_prompts = not self._show_prompts
        self._draw_stage_text(self.session.stage(self._stage_id))

    def action_agenda(self) -> None:
        self.navigator.agenda()

    def action_summary(self) -> None:
        self.navigator.summary()

    def action_action_plan(self) -> None:
        self.navigator.action_plan()

    def action_vote(self) -> None:
        """The open vote's board, else the latest result, else a new vote's set-up (``Navigator.vote``)."""
        stage = self.session.stage(self._stage_id)
        # The action-plan stage votes on the final priorities (every stage's decisions), not on its own notes.
        self.navigator.vote(None if rules_of(stage.kind).votes_across_stages else stage.id)

    def action_readiness(self) -> None:
        self.navigator.readiness()

    def action_room(self) -> None:
        self.navigator.room()

    def action_home(self) -> None:
        """``h``: close the workshop and go to the workshop list; asked first while the note field holds a note not
        added yet (a Tab, then typing on, reaches the list's keys: "here" went home and lost the words typed)."""
        from screens.dialogs import ConfirmScreen  # on first use: start-up skips the dialogs

        draft = self.query_one(NoteInput).value.strip()
        if not draft:
            self._go_home()
            return
        question = (
            f"Close this workshop and go to the workshop list? The note you are typing is not added yet: "
            f"“{preview(draft, 60)}”."
        )
        self.app.push_screen(
            ConfirmScreen(question, yes="Go home", no="Stay", safe_default=True),
            lambda yes: self._go_home() if yes else None,
        )

    def _go_home(self) -> None:
        self.workshop_app.close_session()
        self.navigator.home()

    # --- entering notes ----------------------------------------------------------------------------------

    def action_focus_input(self) -> None:
        note_input = self.query_one(NoteInput)
        if note_input.disabled:
            self.workshop_app.show_error(self.session.read_only_reason or "This workshop is open read-only.")
            return
        note_input.focus()

    def action_focus_notes(self) -> None:
        self.notes.focus()

    def on_key(self, event: events.Key) -> None:
        """A character typed on the notes list that is not a command starts a note with it.

        A facilitator who starts typing a note without first pressing ``i`` or ``tab`` usually begins with a
        capital letter ("We should …"): that letter (any printable character no key of this screen or the app is
        bound to, except a lowercase ASCII letter, which stays the list's command or does nothing) moves to the
        note field and is typed there, so the rest of the note follows it in order (``screens.type_ahead``).
        Before, "We" typed on the list moved nothing and "we" picked the next author and opened the edit dialog of
        the highlighted note, the rest of the text typed into it. Bound keys and lowercase letters reach their
        bindings as before (the app checks bindings after the key has bubbled through here). A read-only window
        keeps the field disabled and says why, as ``i`` does there.
        """
        character = event.character
        if self._typing or not event.is_printable or not character or self.app.screen is not self:
            return
        if character.isascii() and character.islower():
            return
        bound = self.active_bindings
        if any(key in bound for key in (event.key, *event.aliases)):
            return
        event.stop()
        event.prevent_default()
        if self.query_one(NoteInput).disabled:
            self.action_focus_input()  # says why no note can be typed here, as i does
            return
        self._start_note(character)

    def _start_note(self, text: str) -> None:
        """Move to the note field and type ``text`` there, where the keys typed next go too."""
        field = self.query_one(NoteInput)
        if field.disabled:
            return
        self.set_focus(field)  # now, not later as ``field.focus()`` would: the next key goes to the field
        # After the field's Focus event (queued on the field by ``set_focus``), which selects what the field holds:
        # typed at once, the text was selected and the next key typed over it.
        field.call_later(field.insert_text_at_cursor, text)

    def action_cycle_author(self) -> None:
        """Next participant as the author of the notes typed from now on (after the last: anonymous)."""
        people = self.session.workshop.active_participants()
        ids: list[int | None] = [None, *(p.id for p in people)]
        index = ids.index(self._author_id) if self._author_id in ids else 0
        self._author_id = ids[(index + 1) % len(ids)]
        self._draw_author()

    @on(Input.Submitted, "#note-input")
    def _note_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.note_entered(event.input, event.value)

    def take_enter(self) -> bool:
        """An Enter the app offers before handing it over (``WorkshopScreenMixin.take_enter``): while the note field
        has the focus (and is enabled), the note is added now, in the app's handler of the key, as the field
        itself would (``NoteInput.enter``): every key typed before it has been handled (``screens.type_ahead``),
        and no binding acts on Enter in the field (``NoteInput.on_key`` stops it)."""
        field = self.focused
        if not isinstance(field, NoteInput) or field.disabled or not self.is_current:
            return False
        field.enter()
        return True

    def note_entered(self, field: Input, text: str) -> None:
        """Enter in the note field (``NoteInput.on_key``), which it emptied: add ``text`` as a note. A refused
        note goes back in the field, so nothing typed is lost (before anything typed since, which belongs to the
        next note), also when the disk refuses it later."""

        def restore(text: str) -> None:
            if text.strip():
                field.value = text + (" " + field.value if field.value else "")
                field.cursor_position = len(text)

        if not self.add_note(text, restore=restore):
            restore(text)
        elif self._follow_now:
            self._follow_gathered()  # the note was published inside the handler: shown now, with no loop turn

    @on(NoteInput.MultilinePaste)
    def _multiline_paste(self, event: NoteInput.MultilinePaste) -> None:
        note_input = self.query_one(NoteInput)
        self._open_long_note(note_input.value + event.text)

    def add_note(self, raw: str, *, restore: Callable[[str], None] | None = None) -> bool:
        """Add what was typed as a note of this stage.

        A ``Name:`` prefix that means one present participant credits them (``anna: …``); one that fits several
        (``Maria: …``) or is near someone's name (``Ann: …``, ``Bjron: …``) asks who wrote it
        (``facilitation.names.match_name`` decides), and a dismissed question hands the text to ``restore`` so
        nothing typed is lost. Anything else is added whole, by the author shown beside the field. Returns False
        only when the note was refused (the message says why).
        """
        ws = self.session.workshop
        people = [Person(p.id, p.name) for p in ws.active_participants()]
        prefix = split_author(raw, people)
        if prefix is not None and prefix.match.kind in ("several", "near") and not self.session.read_only:
            self._ask_author(raw, prefix, restore)
            return True
        author, body = credited(prefix, raw)
        give_back = (lambda: restore(raw)) if restore is not None else None
        return self._add(body, self._author_id if author is None else author, self._stage_id, give_back)

    def _add(
        self, body: str, author_id: int | None, stage_id: int | None, give_back: Callable[[], None] | None = None
    ) -> bool:
        """Add a note; False when the session refused it (the message is shown).

        The key handler never waits for the disk: the note is group-committed (``session.group.soon``) and the
        list shows it when its change is published, once durable (usually within a frame). If the disk refuses
        it then, the app shows the store's message and ``give_back()`` puts the text back in the note field."""
        session = self.session

        def refused(_message: str) -> None:
            if give_back is not None and self.is_attached:
                give_back()

        with self._guard():
            note = session.group.soon(
                lambda: session.notes.add(body, stage_id=stage_id, author_id=author_id), refused=refused
            )
            self._awaited.add(note.id)  # its change is followed at once, whoever publishes it
            return True
        return False

    def _ask_author(self, raw: str, prefix: AuthorPrefix, restore: Callable[[str], None] | None) -> None:
        """Who wrote ``raw``: each person its prefix may mean, the text kept as typed (by the current author),
        or the text without the prefix as an anonymous note. "Keep as typed" is highlighted, and typing on
        answers it, so a facilitator typing without looking never credits the wrong person.
        """
        from screens.dialogs import ChooseWhileTypingScreen  # on first use: start-up skips the dialogs

        ws = self.session.workshop
        stage_id = self._stage_id
        body = preview(prefix.body, 50)
        current = ws.participant_name(self._author_id) or "anonymous"
        options: list[tuple[str, tuple[str, int | None]]] = [
            (f"{p.name}: “{body}”", (prefix.body, p.id)) for p in prefix.match.people
        ]
        keep = len(options)
        options.append((f"Keep as typed: “{preview(raw, 50)}” ({current})", (raw, self._author_id)))
        options.append((f"Anonymous: “{body}”", (prefix.body, None)))
        if prefix.match.kind == "several":
            question = f"“{prefix.typed}” fits {len(prefix.match.people)} participants. Who wrote this note?"
        else:
            question = f"Nobody here is called “{prefix.typed}”. Who wrote this note?"

        def chosen(choice: tuple[str, int | None] | None) -> None:
            if choice is None:
                if restore is not None:
                    restore(raw)
                return
            text, author_id = choice
            give_back = (lambda: restore(raw)) if restore is not None else None
            if not self._add(text, author_id, stage_id, give_back) and give_back is not None:
                give_back()

        self.app.push_screen(
            ChooseWhileTypingScreen(
                question,
                options,
                keep=keep,
                typed_on=self._type_on,
                what="keeps it as typed",
                escape="puts it back in the field",
            ),
            chosen,
        )

    def _type_on(self, character: str) -> None:
        """A key typed while the author question was up goes on into the note field."""
        note_input = self.query_one(NoteInput)
        if not note_input.disabled:
            note_input.insert_text_at_cursor(character)
            note_input.focus()

    def action_long_note(self) -> None:
        self._open_long_note(self.query_one(NoteInput).value)

    def _open_long_note(self, initial: str) -> None:
        from screens.dialogs import TextEntryScreen  # on first use: start-up skips the dialogs

        if self.session.read_only:
            self.workshop_app.show_error(self.session.read_only_reason or "This workshop is open read-only.")
            return
        stage = self.session.stage(self._stage_id)

        def done(text: str | None) -> None:
            if text is not None and self.add_note(text, restore=self._open_long_note):
                self.query_one(NoteInput).clear()

        self.app.push_screen(TextEntryScreen(f"New note for {stage.title}", initial, multiline=True), done)

    # --- acting on the highlighted note ------------------------------------------------------------------

    def _selected_note(self) -> Note | None:
        note_id = self.notes.selected_note_id
        if note_id is None:
            self._say("There is no note here yet: press i to type one.", timeout=4)
            return None
        try:
            return self.session.note(note_id)
        except SessionError as error:
            self.workshop_app.show_error(error)
            return None

    @on(OptionList.OptionSelected, "#notes")
    def _note_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_edit_note()

    def action_edit_note(self) -> None:
        from screens.dialogs import TextEntryScreen  # on first use: start-up skips the dialogs

        note = self._selected_note()
        if note is None:
            return

        def done(text: str | None) -> None:
            if text is None:
                return
            with self._guard():
                self.session.notes.edit(note.id, text)

        self.app.push_screen(TextEntryScreen(f"Edit note #{note.id}", note.text, multiline=True), done)

    def action_delete_note(self) -> None:
        note = self._selected_note()
        if note is None:
            return
        with self._guard():
            self.session.notes.delete(note.id)
            self._say(f"Note #{note.id} deleted — press u to undo.", timeout=8)

    def action_undo_delete(self) -> None:
        """``u``: undo the last change to the notes, whatever it was, and say what was undone."""
        with self._guard():
            undone = self.session.notes.undo()
            note = undone.note
            where = self._elsewhere(note)
            kept = (
                f" The {plural(undone.dots_not_restored, 'dot')} given back to voters stay with them."
                if undone.dots_not_restored
                else ""
            )
            self._say(
                f"Undone: {undone.what} of note #{note.id}{where}. u again undoes the change before.{kept}",
                timeout=6,
            )

    def _elsewhere(self, note: Note) -> str:
        """", in Strategy" when ``note`` is on another stage than the one shown (for a notice), else ""."""
        return "" if note.stage_id == self._stage_id else f", in {self.session.stage(note.stage_id).title}"

    def action_redo(self) -> None:
        """``ctrl+y``: make again the change to the notes that ``u`` last undid, and say what was redone."""
        with self._guard():
            redone = self.session.notes.redo()
            note = redone.note
            where = self._elsewhere(note)
            more = (
                " ctrl+y again redoes the change undone before it;" if self.session.notes.can_redo() else ""
            )
            self._say(f"Redone: {redone.what} of note #{note.id}{where}.{more} u undoes this one.", timeout=6)

    def action_hide_note(self) -> None:
        """``z``: hide the highlighted note from the room (phones, the projector, documents), or show it again.
        The list keeps it, marked; ``u`` undoes either."""
        note = self._selected_note()
        if note is None:
            return
        with self._guard():
            before = len(self.session.workshop.votes)
            updated = self.session.notes.hide(note.id, not note.withheld)
            returned = before - len(self.session.workshop.votes)
            if updated.withheld:
                given_back = f" Its {plural(returned, 'dot')} went back to the voters." if returned else ""
                self._say(
                    f"Note #{note.id} hidden from the room: phones, the projector and documents leave it out."
                    f"{given_back} z shows it again.",
                    timeout=8,
                )
            else:
                self._say(f"Note #{note.id} shown to the room again.", timeout=5)

    def action_mark(self, mark: str) -> None:
        """Mark the note as a decision or a candidate action; the same key again clears the mark."""
        note = self._selected_note()
        if note is None:
            return
        with self._guard():
            self.session.notes.mark(note.id, None if note.mark == mark else mark)

    def action_move_note(self) -> None:
        from screens.dialogs import ChooseScreen  # on first use: start-up skips the dialogs

        note = self._selected_note()
        if note is None:
            return
        stages = [s for s in self.session.workshop.agenda() if s.id != note.stage_id]
        options = [(s.title + ("  (skipped)" if s.skipped else ""), s.id) for s in stages]

        def chosen(stage_id: int | None) -> None:
            if stage_id is None:
                return
            with self._guard():
                self.session.notes.move(note.id, stage_id)
                self._say(f"Note #{note.id} moved to {self.session.stage(stage_id).title}.", timeout=5)

        self.app.push_screen(ChooseScreen(f"Move note #{note.id} to which stage?", options), chosen)

    def action_merge_note(self) -> None:
        from screens.dialogs import ChooseScreen  # on first use: start-up skips the dialogs

        note = self._selected_note()
        if note is None:
            return
        ws = self.session.workshop
        others = [n for n in ws.stage_notes(note.stage_id) if n.id != note.id]
        if not others:
            self._say("There is no other note in this stage to merge with.", timeout=5)
            return
        options = [
            (f"#{n.id} {ws.credit(n) or 'anonymous'}: {preview(n.text, 70)}", n.id)
            for n in others
        ]

        def chosen(other_id: int | None) -> None:
            if other_id is None:
                return
            with self._guard():
                self.session.notes.merge(note.id, other_id)
                self._say(f"Note #{other_id} merged into #{note.id}.", timeout=5)

        self.app.push_screen(
            ChooseScreen(f"Merge which note into #{note.id}? (its text is added to #{note.id})", options),
            chosen,
        )

    def action_note_author(self) -> None:
        """``A``: change who wrote the highlighted note (a present participant, or anonymous); ``u`` undoes it.
        Co-authors from a merge stay credited. Typing on instead of choosing types a note that starts with "A"."""
        from screens.dialogs import ChooseWhileTypingScreen  # on first use: start-up skips the dialogs

        note = self._selected_note()
        if note is None:
            return
        ws = self.session.workshop
        now = ws.participant_name(note.author_id) or "anonymous"
        options: list[tuple[str, tuple[int | None]]] = [
            (p.name + ("  (now)" if p.id == note.author_id else ""), (p.id,)) for p in ws.active_participants()
        ]
        options.append(("anonymous" + ("  (now)" if note.author_id is None else ""), (None,)))
        now_at = next((i for i, (_, (pid,)) in enumerate(options) if pid == note.author_id), 0)

        def chosen(choice: tuple[int | None] | None) -> None:
            if choice is None or choice[0] == note.author_id:
                return
            with self._guard():
                current = self.session.note(note.id)  # its text as it is now, should it have changed meanwhile
                self.session.notes.edit(note.id, current.text, author_id=choice[0])
                who = ws.participant_name(choice[0]) or "anonymous"
                self._say(f"Note #{note.id} is now by {who} (was {now}) — u undoes it.", timeout=6)

        # "As a team …" or "Ana: …" typed on the list opens this question with its A: the next key typed answers
        # "no change" and goes on, after the A, into the note field, so the note is typed as meant.
        self.app.push_screen(
            ChooseWhileTypingScreen(
                f"Who wrote note #{note.id}? Now: {now}.",
                options,
                keep=now_at,
                typed_on=lambda character: self._start_note("A" + character),
                what="types a note “A…”",
            ),
            chosen,
        )
