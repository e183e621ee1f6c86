"""The vote set-up: which notes go on the ballot, dots per participant, the cap per note, named or not, the mode.

The dots default to ``voting.default_budget`` of the notes ticked, and follow the ticks until the facilitator
types a number. The session checks the rules when the vote opens; a refusal is shown and the dialog stays, so
nothing typed is lost. ``LimitsScreen`` changes the dots and the cap of a vote already open.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, SelectionList
from textual.widgets.selection_list import Selection

from facilitation import text, voting
from facilitation.entry import MAX_TYPED_CHARS, EntryError, parse_count
from facilitation.models import Note, Workshop
from screens.base import DismissOnce, settle_breakpoints
from screens.internals import FramesOnDemand, QuietFirstResume, SettledResize
from screens.internals_widgets import selected_values
from screens.voting import FINAL_PRIORITIES, NOTE_CHARS
from screens.widgets.rows import Cell, LaterRow, Row
from screens.widgets.text_field import TextField
from screens.widgets.ticks import TickBox, TickList, TickRow
from workshop.session import SessionError, WorkshopSession

if TYPE_CHECKING:
    from screens.base import WorkshopAppAPI


MAX_DOTS = 999
"""The most dots per participant (or on one note) the set-up accepts; the session's rules refuse less than 1."""


def _whole_number(value: str, what: str) -> int:
    """The typed number (``entry.parse_count``: any script's digits, spaces around), or a refusal naming the field."""
    try:
        return parse_count(value, what, low=1, high=MAX_DOTS)
    except EntryError as error:
        raise SessionError(str(error)) from None


def setup_row(workshop: Workshop, notes: list[Note], *, cross_stage: bool) -> Callable[[Note], Selection[int]]:
    """What makes the ticked row of one of ``notes``: ``#id`` in its own column (as wide as the widest of
    ``notes``), then (``cross_stage``: a vote across stages) the stage, ``ACTION?`` for a candidate action, and the
    note's first line, wrapped under itself.

    Each row is a ``LaterRow``: a set-up of thousands of notes builds and measures only the rows on screen."""
    id_width = max((len(f"#{n.id}") for n in notes), default=2)
    extra = 24 if cross_stage else 0

    def row(note: Note) -> Row:
        parts: list[str | tuple[str, str]] = []
        if cross_stage:
            stage = workshop.stages.get(note.stage_id)
            parts.append((f"[{stage.title if stage else '?'}] ", "bold"))
        if note.mark == "candidate":
            parts.append(("ACTION? ", "bold"))
        parts.append(text.preview(note.text, NOTE_CHARS))
        return Row([Cell(Content.styled(f"#{note.id}", "bold"), id_width, "right")], Content.assemble(*parts))

    def selection(note: Note) -> Selection[int]:
        later = LaterRow(partial(row, note), fixed=id_width + 1, length=min(len(note.text), NOTE_CHARS) + extra + 8)
        return TickRow(later, note.id, True)

    return selection


def limits_warning(screen: ModalScreen[Any], notes: int) -> str:
    """What is wrong with the dots and cap typed in ``screen`` (``#budget``, ``#cap``) for ``notes`` notes, ahead
    of opening: a cap over the dots (refused on open) or dots that cannot all be placed (``voting.budget_warning``,
    allowed). "" when fine or when a field does not hold a number yet (its refusal comes on open)."""
    try:
        budget = parse_count(
            screen.query_one("#budget", Input).value, "Dots per participant", low=1, high=MAX_DOTS
        )
        cap = parse_count(
            screen.query_one("#cap", Input).value, "Most dots on one note", low=1, high=MAX_DOTS
        )
    except EntryError:
        return ""
    if cap > budget:
        return (
            f"At most {cap} on one note is more than the {budget} dots each participant has: "
            "lower it, or raise the dots."
        )
    return voting.budget_warning(budget, cap, notes) or ""


def refused_as_warned(screen: ModalScreen[Any]) -> bool:
    """True when the dots and cap typed in ``screen`` are the kind the session refuses (a cap over the dots) and
    its warning already says so: the warning turns into the refusal (error colour, the cursor on the cap) and the
    bell rings, instead of a second message saying it again in other words (at 80x24 that notice covered the
    dialog's keys)."""
    try:
        budget = parse_count(screen.query_one("#budget", Input).value, "Dots", low=1, high=MAX_DOTS)
        cap = parse_count(screen.query_one("#cap", Input).value, "Cap", low=1, high=MAX_DOTS)
    except EntryError:
        return False
    label = screen.query_one("#dialog-warning", Label)
    if cap <= budget or not label.display:
        return False
    label.add_class("-refused")
    screen.query_one("#cap", Input).focus()
    screen.app.bell()
    return True


def show_warning(screen: ModalScreen[Any], warning: str) -> None:
    """Show ``warning`` under the dialog's summary (hidden when "")."""
    label = screen.query_one("#dialog-warning", Label)
    label.update(Content.styled(f"⚠ {warning}", "bold") if warning else "")
    label.display = bool(warning)
    label.remove_class("-refused")  # typed on: a warning again until the next refusal
    screen.set_class(bool(warning), "-warned")  # at 80x24 the summary gives up its blank line for the warning


class VoteSetupScreen(FramesOnDemand, QuietFirstResume, SettledResize, DismissOnce, ModalScreen[int | None]):
    """Set up and open a vote on a stage's notes (or, with ``stage_id=None``, the final priorities)."""

    CSS_PATH = "setup.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s,f10", "open_vote", "Open the vote", priority=True, tooltip="Open the vote as set up"),
        Binding("ctrl+a", "toggle_all", "All/none", tooltip="Put every note on the ballot, or none"),
        Binding("escape", "cancel", "Cancel", tooltip="Close the set-up without opening a vote"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    """Below 30 lines the notes list gives up rows so the fields and the key hint under it stay on screen."""

    def __init__(self, stage_id: int | None) -> None:
        super().__init__()
        self.stage_id = stage_id
        self._budget_typed = False
        self._cap_typed = False
        self._defaults: dict[str, str] = {}
        self._order: list[int] = []
        """The listed notes' ids, in the list's order (set with the options)."""

    @property
    def session(self) -> WorkshopSession:
        session = cast("WorkshopAppAPI", self.app).session
        assert session is not None
        return session

    def _notes(self) -> list[Note]:
        if self.stage_id is None:
            return self.session.votes.final_priority_notes(include_candidates=self._with_candidates())
        # A new vote never puts a note hidden from the room on its ballot (docs/VOTING.md); the session refuses one.
        return [note for note in self.session.workshop.stage_notes(self.stage_id) if not note.withheld]

    def _with_candidates(self) -> bool:
        boxes = self.query("#candidates").results(Checkbox)
        return any(box.value for box in boxes)

    def _list_notes(self) -> None:
        """List every note that can go on the ballot, ticked: rows built, measured and drawn only when shown, and
        only a screen's worth of them built before the first frame (the rest just after it)."""
        notes = self._notes()
        self._order = [note.id for note in notes]
        row = setup_row(self.session.workshop, notes, cross_stage=self.stage_id is None)
        self.query_one("#ballot-notes", TickList).set_options_in_parts(notes, row, first=self.app.size.height)

    def same_size_resize(self) -> None:
        settle_breakpoints(self)  # Textual sets them in the handler ``SettledResize`` skips

    def compose(self) -> ComposeResult:
        settle_breakpoints(self)
        if self.stage_id is None:
            title = f"Set up the vote: {FINAL_PRIORITIES} (the decisions of every stage)"
        else:
            title = f"Set up the vote: {self.session.stage(self.stage_id).title}"
        with Vertical(id="dialog"):
            yield Label(Content(title), id="dialog-title")
            yield Label(
                "Notes on the ballot (space ticks or unticks; ctrl+a all or none)", classes="field-label"
            )
            if self.stage_id is None:
                yield TickBox("Add the candidate actions too", id="candidates")
            yield TickList[int](id="ballot-notes")  # listed in on_mount (``_list_notes``)
            with Horizontal(id="limits"):
                yield Label("Dots per participant", classes="field-label")
                yield TextField(id="budget", max_length=MAX_TYPED_CHARS)
                yield Label("Most dots on one note", classes="field-label")
                yield TextField(id="cap", max_length=MAX_TYPED_CHARS)
            yield TickBox("Room tally: I type the count per note (sticky dots, show of hands)", id="tally")
            yield TickBox("Named: the result shows who put their dots where", id="named")
            yield Label(id="dialog-summary")
            yield Label(id="dialog-warning")
            yield Label(
                "tab next field · ctrl+s opens the vote (or Enter in a number) · escape cancels",
                id="dialog-hint",
            )

    def on_mount(self) -> None:
        self._list_notes()
        self._follow_selection()
        notes = self.query_one("#ballot-notes", SelectionList)
        notes.focus()
        if notes.option_count:
            notes.highlighted = 0

    # --- the numbers follow the ticks until typed ----------------------------------------------------------

    def _selected(self) -> list[int]:
        """The ticked notes in board order (``SelectionList.selected`` is in the order they were ticked); the notes
        whose rows are still to be added (just after the first frame) are ticked, as every row starts."""
        notes = self.query_one("#ballot-notes", TickList)
        ticked = selected_values(notes)
        pending = {note.id for note in notes.pending}
        return [value for value in self._order if value in ticked or value in pending]

    def _ticked_count(self) -> int:
        """How many notes are ticked: ``len(self._selected())`` without listing them (each tick and each part of the
        rows added posts a change). The list's values are the notes listed, and those still to be added are
        ticked and not in the list yet, so the two counts add up."""
        notes = self.query_one("#ballot-notes", TickList)
        return len(selected_values(notes)) + len(notes.pending)

    def _follow_selection(self) -> None:
        budget = str(max(1, voting.default_budget(self._ticked_count())))
        if not self._budget_typed:
            self._set_field("budget", budget)
        if not self._cap_typed:
            self._set_field("cap", self.query_one("#budget", Input).value)
        self._summarise()

    def _set_field(self, field: str, value: str) -> None:
        """Fill in a default; remembered so its ``Changed`` message (which comes later) is not taken as typing."""
        self._defaults[field] = value
        self.query_one(f"#{field}", Input).value = value

    def _summarise(self) -> None:
        count = self._ticked_count()
        tally = self.query_one("#tally", Checkbox).value
        for field in ("#budget", "#cap"):
            self.query_one(field, Input).disabled = tally
        self.query_one("#named", Checkbox).disabled = tally
        if tally:
            summary = f"{text.plural(count, 'note')} on the ballot · room tally: you type each note's count on the next screen"
        else:
            ws = self.session.workshop
            active = {p.id for p in ws.active_participants()}
            on_phones = len(active & self.session.votes.device_voters)  # not someone removed, phone still joined
            everyone = len(active)
            if not on_phones:
                who = "each participant votes in turn on this laptop and sees only their own dots"
            elif on_phones >= everyone:
                who = "everyone votes on their phone and sees only their own dots"
            else:
                who = (
                    f"{on_phones} of {everyone} vote on their phones, the others in turn on this laptop; each sees "
                    "only their own dots"
                )
            summary = f"{text.plural(count, 'note')} on the ballot · private ballots: {who}"
        self.query_one("#dialog-summary", Label).update(summary)
        show_warning(self, "" if tally or not count else limits_warning(self, count))

    @on(SelectionList.SelectedChanged)
    def _ticks_changed(self) -> None:
        self._follow_selection()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        field = event.input.id or ""
        self._summarise()
        if event.value == self._defaults.get(field):
            return
        if field == "budget":
            self._budget_typed = True
            if not self._cap_typed:
                self._set_field("cap", event.value)
        elif field == "cap":
            self._cap_typed = True

    @on(Checkbox.Changed, "#tally")
    def _mode_changed(self) -> None:
        self._summarise()

    @on(Checkbox.Changed, "#candidates")
    def _candidates_changed(self) -> None:
        self._list_notes()
        self._follow_selection()

    def action_toggle_all(self) -> None:
        notes = self.query_one("#ballot-notes", TickList)
        notes.complete()  # every note, also those whose rows were still to come
        if len(notes.selected) == notes.option_count:
            notes.deselect_all()
        else:
            notes.select_all()

    # --- open -----------------------------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open_vote()

    def action_open_vote(self) -> None:
        app = cast("WorkshopAppAPI", self.app)
        tally = self.query_one("#tally", Checkbox).value
        self.query_one("#ballot-notes", TickList).complete()
        if not tally and refused_as_warned(self):
            return
        try:
            note_ids = self._selected()
            if not note_ids:
                raise SessionError("Tick at least one note for the ballot.")
            budget = cap = None
            if not tally:
                budget = _whole_number(self.query_one("#budget", Input).value, "Dots per participant")
                cap = _whole_number(self.query_one("#cap", Input).value, "Most dots on one note")
            ballot = self.session.votes.open(
                self.stage_id,
                note_ids=note_ids,
                budget=budget,
                cap=cap,
                anonymous=not self.query_one("#named", Checkbox).value,
                mode="tally" if tally else "private",
            )
        except SessionError as error:
            app.show_error(error)
            return
        warning = voting.budget_warning(ballot.budget, ballot.cap, len(ballot.note_ids))
        self.dismiss(ballot.id)
        if warning and ballot.mode != "tally":
            app.notify(f"{ballot.title} is open. {warning}", severity="warning", timeout=10, markup=False)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LimitsScreen(FramesOnDemand, QuietFirstResume, SettledResize, DismissOnce, ModalScreen[bool]):
    """Change the dots per participant and the cap of an open vote; the session refuses going below what was cast."""

    CSS_PATH = "setup.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s,f10", "save", "Save", priority=True, tooltip="Save the new limits"),
        Binding("escape", "cancel", "Cancel", tooltip="Keep the limits as they are"),
    ]

    def __init__(self, ballot_id: int) -> None:
        super().__init__()
        self.ballot_id = ballot_id

    @property
    def session(self) -> WorkshopSession:
        session = cast("WorkshopAppAPI", self.app).session
        assert session is not None
        return session

    def compose(self) -> ComposeResult:
        ballot = self.session.votes.ballot(self.ballot_id)
        with Vertical(id="dialog"):
            yield Label(Content(f"Change the limits of {ballot.title}"), id="dialog-title")
            with Horizontal(id="limits"):
                yield Label("Dots per participant", classes="field-label")
                yield TextField(str(ballot.budget), id="budget", max_length=MAX_TYPED_CHARS)
                yield Label("Most dots on one note", classes="field-label")
                yield TextField(str(ballot.cap), id="cap", max_length=MAX_TYPED_CHARS)
            yield Label(
                "Raising a limit is always fine; lowering it below what someone has cast is refused.",
                id="dialog-summary",
            )
            yield Label(id="dialog-warning")
            yield Label("tab next field · Enter or ctrl+s saves · escape cancels", id="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#budget", Input).focus()
        self._warn()

    @on(Input.Changed)
    def _warn(self) -> None:
        show_warning(self, limits_warning(self, len(self.session.votes.ballot(self.ballot_id).note_ids)))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        app = cast("WorkshopAppAPI", self.app)
        if refused_as_warned(self):
            return
        try:
            budget = _whole_number(self.query_one("#budget", Input).value, "Dots per participant")
            cap = _whole_number(self.query_one("#cap", Input).value, "Most dots on one note")
            ballot = self.session.votes.ballot(self.ballot_id)
            if (budget, cap) == (ballot.budget, ballot.cap):
                self.dismiss(False)
                return
            ballot = self.session.votes.set_limits(self.ballot_id, budget=budget, cap=cap)
        except SessionError as error:
            app.show_error(error)
            return
        self.dismiss(True)
        warning = voting.budget_warning(ballot.budget, ballot.cap, len(ballot.note_ids))
        if warning:
            app.notify(f"New limits saved. {warning}", severity="warning", timeout=10, markup=False)

    def action_cancel(self) -> None:
        self.dismiss(False)
