"""The action plan: what the workshop decided, turned into actions with an owner, a date and a measure.

Left (or on top, in a narrow terminal) are the candidates: every note marked a decision or a candidate action in
any stage, plus the top-voted notes of each stage's latest revealed vote, ordered by the final-priorities vote
when one was revealed. One key turns the highlighted candidate into an action through ``ActionFormScreen``.
Right (or below) is the plan itself, in the order the facilitator gives it, with a ⚠ on every action that still
lacks an owner or a due date, because those are the actions nobody will do.

Every change goes through the session (``add_action``, ``edit_action``, ``move_action`` …); the form only
collects the fields and shows the session's refusal (a due date it cannot read) without closing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, ClassVar, cast

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from facilitation import ballots, text
from facilitation.dates import DateError, due_warning, local_today, parse_due
from facilitation.models import (
    ACTION_STATUSES,
    PRIORITIES,
    ActionItem,
)
from facilitation.names import same_name
from facilitation.plan import DONE, Candidate, missing_due, missing_owner, plan_status
from screens.base import DismissOnce, WorkshopChanged, WorkshopScreenMixin
from screens.dialogs import DIALOG_CSS, ConfirmScreen
from screens.internals import FramesOnDemand, QuietFirstResume, SettledResize
from screens.internals_widgets import FixedSizeDataTable
from screens.widgets import KeyBar
from screens.widgets.lazy_list import LazyOptionList
from screens.widgets.rows import Cell, LaterRow, Row
from screens.widgets.text_field import TextField
from workshop.session import EXTERNAL_RELOAD, KEEP, ActionChange, SessionError

OPEN = "open"
RANK_WIDTH = 3


# --- what the screen shows -----------------------------------------------------------------------------------


def first_line(note_text: str) -> str:
    """The note's first non-empty line, as the starting text of an action."""
    for line in note_text.splitlines():
        cleaned = text.clean_line(line)
        if cleaned:
            return cleaned[:1000]
    return ""


def candidate_prompt(place: int, candidate: Candidate) -> Row:
    """The rank, then the whole note (line breaks kept; ``text.shown``) and, on the next line, its stage,
    mark, dots and any action made from it, all wrapping under a hanging indent (not under the number)."""
    if candidate.final_rank is not None:
        rank = f"{candidate.final_rank}{'=' if candidate.final_tied else '.'}"
    else:
        rank = f"{place}."
    note = candidate.note
    # Badges in reverse video and no coloured text on the plain background: the highlight bar is coloured too,
    # and coloured text on it is unreadable on a projector.
    parts: list[str | tuple[str, str]] = [text.shown(note.text), "\n", (candidate.stage.title, "bold")]
    if note.mark == "decision":
        parts += [" ", (" DECISION ", "bold reverse $success")]
    elif note.mark == "candidate":
        parts += [" ", (" ACTION? ", "bold reverse $accent")]
    if candidate.dots:
        parts.append(f" · {'●' * min(candidate.dots, 10)} {text.plural(candidate.dots, 'dot')}")
    if candidate.final_dots:
        parts.append(f" · final vote: {text.plural(candidate.final_dots, 'dot')}")
    if candidate.action_ids:
        ids = ", ".join(f"#{i}" for i in candidate.action_ids)
        parts += [" ", (f" ✓ HAS ACTION {ids} ", "bold reverse")]
    return Row([Cell(Content.styled(rank, "bold"), RANK_WIDTH, "right")], Content.assemble(*parts))


# --- the action form -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionFields:
    """What the form collected, as typed: the session checks it (a due date it cannot read, an empty title)."""

    title: str
    owner: str
    due: str
    measure: str
    priority: int
    status: str


DUE_HINT = "e.g. 2026-12-15, +3d, +2w, friday, 15 dec · empty: no date yet"


class ActionFormScreen(
    FramesOnDemand, QuietFirstResume, SettledResize, DismissOnce, ModalScreen[ActionItem | None]
):
    """Add or edit one action: what, owner, due date, measure of success, priority and status.

    ``save`` is called with the fields and returns the saved action, or a message to show; on a message the form
    stays open with everything as typed, so a mistyped date costs one correction, not the whole form again.
    """

    DEFAULT_CSS: ClassVar[str] = (
        DIALOG_CSS.format(name="ActionFormScreen")
        + """
    ActionFormScreen {
        & > #dialog { width: 90%; max-width: 110; max-height: 100%; overflow-y: auto; }
        .field { height: auto; margin-bottom: 1; }
        .field-label { width: 10; height: 1; text-style: bold; }
        .field.-active > .field-label { background: $accent; color: $text; }
        Input { width: 1fr; }
        Input:focus, Select:focus-within SelectCurrent { background: $primary 25%; }
        #owner { width: 26; margin-right: 1; }
        #owner-typed { width: 1fr; }
        #priority { width: 16; margin-right: 2; }
        #status { width: 18; }
        .field-hint { width: 1fr; height: auto; padding-left: 10; margin-top: -1; margin-bottom: 1; }
        #due-hint.-warning { color: $warning; text-style: bold; }
        #due-hint.-error { color: $error; }
        #form-error { width: 1fr; height: auto; color: $error; text-style: bold; }
    }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        heading: str,
        initial: ActionFields,
        participants: list[str],
        save: Callable[[ActionFields], ActionItem | str],
        *,
        read_due: Callable[[str], tuple[str, bool]] | None = None,
        facilitator: str = "",
    ) -> None:
        super().__init__()
        self.heading = heading
        self.initial = initial
        self.participants = participants
        self.save = save
        self.read_due = read_due
        """What the due hint says for the typed text (the date read, or why not) and whether it is a warning."""
        self.owners: list[tuple[str, str]] = [(name, name) for name in participants]
        """The owner picker's (label, name): the participants, then the facilitator (unless also one of them)."""
        if facilitator.strip() and not any(same_name(facilitator, name) for name in participants):
            self.owners.append((f"{facilitator} (facilitator)", facilitator))

    def compose(self) -> ComposeResult:
        initial = self.initial
        picked = next((name for _, name in self.owners if same_name(name, initial.owner)), None)
        with Vertical(id="dialog"):
            yield Label(Content(self.heading), id="dialog-title")
            with Horizontal(classes="field"):
                yield Label("What", classes="field-label")
                yield TextField(
                    initial.title, id="title", placeholder="The action, as a verb: “Publish …”", compact=True
                )
            with Horizontal(classes="field"):
                yield Label("Owner", classes="field-label")
                yield Select(
                    self.owners,
                    prompt="Nobody yet",
                    value=picked if picked is not None else Select.NULL,
                    id="owner",
                    compact=True,
                )
                yield TextField(
                    "" if picked is not None else initial.owner,
                    id="owner-typed",
                    placeholder="…or type any name",
                    compact=True,
                )
            with Horizontal(classes="field"):
                yield Label("Due", classes="field-label")
                yield TextField(initial.due, id="due", placeholder="2026-12-15, +2w, next friday…", compact=True)
            yield Label(DUE_HINT, classes="field-hint", id="due-hint")
            with Horizontal(classes="field"):
                yield Label("Measure", classes="field-label")
                yield TextField(
                    initial.measure, id="measure", placeholder="How we will know it is done", compact=True
                )
            with Horizontal(classes="field"):
                yield Label("Priority", classes="field-label")
                yield Select(
                    [(label, value) for value, label in PRIORITIES.items()],
                    value=initial.priority,
                    allow_blank=False,
                    id="priority",
                    compact=True,
                )
                yield Label("Status", classes="field-label")
                yield Select(
                    [(status, status) for status in ACTION_STATUSES],
                    value=initial.status,
                    allow_blank=False,
                    id="status",
                    compact=True,
                )
            yield Static("", id="form-error")
            yield Label("Enter or ctrl+s saves · tab: next field · escape cancels", id="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#form-error").display = False
        self._due_typed()
        title = self.query_one("#title", Input)
        title.focus()
        title.cursor_position = 0  # show the start of a long prefilled note, not its tail

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        """Light up the label of the field being typed in (``:focus-within`` does not restyle a sibling)."""
        for field in self.query(".field"):
            field.set_class(field.has_pseudo_class("focus-within"), "-active")

    @on(Input.Changed, "#due")
    def _due_typed(self) -> None:
        """Say which day the typed due date is, or why it is not one, or why it may not be meant, as it is typed."""
        typed = self.query_one("#due", Input).value
        said, warning = (
            self.read_due(typed) if self.read_due is not None and typed.strip() else (DUE_HINT, False)
        )
        hint = self.query_one("#due-hint", Label)
        hint.update(Content(said))
        hint.set_class(warning, "-warning")
        hint.remove_class("-error")  # refused as it was; typed on, it is a hint again until the next save

    @on(Select.Changed, "#owner")
    def _owner_picked(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            self.query_one("#owner-typed", Input).value = ""

    @on(Input.Changed, "#owner-typed")
    def _owner_typed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self.query_one("#owner", Select).clear()

    @property
    def fields(self) -> ActionFields:
        typed = self.query_one("#owner-typed", Input).value
        picked = self.query_one("#owner", Select).value
        owner = typed if typed.strip() or picked is Select.NULL else str(picked)
        return ActionFields(
            title=self.query_one("#title", Input).value,
            owner=owner,
            due=self.query_one("#due", Input).value,
            measure=self.query_one("#measure", Input).value,
            priority=cast(int, self.query_one("#priority", Select).value),
            status=cast(str, self.query_one("#status", Select).value),
        )

    def show_error(self, message: str) -> None:
        """Say why the form was not saved, once: a refusal the due date's hint already says (the date cannot be
        read) is not repeated under the form (at 80x24 the two copies pushed the form's keys off the dialog);
        the hint turns into the error and the cursor goes to the date."""
        error = self.query_one("#form-error", Static)
        hint = self.query_one("#due-hint", Label)
        typed = self.query_one("#due", Input).value
        if self.read_due is not None and typed.strip() and self.read_due(typed) == (message, True):
            error.display = False
            hint.add_class("-error")
            self.query_one("#due", Input).focus()
        else:
            error.update(Content(message))
            error.display = True
        self.app.bell()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        outcome = self.save(self.fields)
        if isinstance(outcome, str):
            self.show_error(outcome)
            return
        self.dismiss(outcome)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- the screen ----------------------------------------------------------------------------------------------


COLUMNS: tuple[tuple[str, int], ...] = (("#", 3), ("Action", 0), ("Owner", 12), ("Due", 10), ("Prio.", 6), ("Status", 11), ("⚠", 1))
"""The plan's columns: heading and width (the action's, 0 here, takes what the others leave)."""
GAP = 2
"""Blank columns between two columns (``DataTable``'s cell padding on both sides)."""
FIXED_COLUMNS = sum(width for _, width in COLUMNS) + GAP * len(COLUMNS) + 2
"""Width of every column but the action's, with cell padding and the scrollbar."""


def joined(fields: list[Text], widths: list[int]) -> Text:
    """``fields`` side by side in columns of ``widths`` cells, ``GAP`` apart: each cut with an ellipsis when too
    long and padded with blanks (unstyled: a struck-through title does not strike its padding), as ``DataTable``
    lays out one cell per column. One cell per row draws the plan's table in a seventh of the cells: ``DataTable``
    draws each cell through Rich (padding, styles and the row's and column's mouse data for every cell), about
    15 ms of the action plan's first frame for 7 columns."""
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    for index, (field, width) in enumerate(zip(fields, widths, strict=True)):
        if index:
            line.append(" " * GAP)
        cut = field.copy()
        cut.truncate(width, overflow="ellipsis")
        line.append(cut)
        if cut.cell_len < width:
            line.append(" " * (width - cut.cell_len))
    return line


def fields_of(row: str, widths: list[int]) -> list[str]:
    """The columns of one of the plan's rows (its plain text, as ``joined`` laid it out), blanks at the end
    of each removed."""
    found, start = [], 0
    for width in widths:
        found.append(row[start : start + width].rstrip())
        start += width + GAP
    return found


class ActionTable(FixedSizeDataTable[Text]):
    """The plan's table; tells the screen its new width so the action column fills what is left.

    Every column has a fixed width and every row one line (cells are cut with an ellipsis), so nothing needs
    measuring: ``DataTable`` measured every new cell by drawing it (200 actions took 140 ms)."""

    def on_resize(self, event: events.Resize) -> None:
        screen = self.screen
        if isinstance(screen, ActionPlanScreen):
            screen.fit_columns(event.size.width)


class ActionPlanScreen(WorkshopScreenMixin, Screen[None]):
    """Candidates on one side, the action plan on the other; every key acts on the highlighted row."""

    CSS_PATH = "action_plan.tcss"
    AUTO_FOCUS = "#candidates"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "a",
            "from_candidate",
            "Make action",
            tooltip="Turn the highlighted candidate into an action (enter too)",
        ),
        Binding("n", "new_action", "New", tooltip="A new action that does not come from a note"),
        Binding("e", "edit_action", "Edit", tooltip="Edit the highlighted action (enter on the table too)"),
        Binding(
            "space,c", "toggle_done", "Done/open", tooltip="Mark the highlighted action done, or open again"
        ),
        Binding("shift+up,ctrl+up", "move(-1)", "Move up", show=False, tooltip="Move the action up the plan"),
        Binding("shift+down,ctrl+down", "move(1)", "Move down", show=False, tooltip="Move the action down"),
        Binding("delete,d", "delete_action", "Delete", show=False, tooltip="Delete the highlighted action"),
        Binding("x", "export", "Export…", tooltip="Export the workshop: Word, Markdown, CSV, JSON"),
        Binding("escape", "back", "Back", tooltip="Back to the stage"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._candidates: list[Candidate] = []
        self._title_width = 30
        self._drawing = 0
        """Counts the table's drawings, so rows added after a frame belong to the latest one."""

    # --- layout ----------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.settle_breakpoints()
        yield Static(id="plan-title")
        with Horizontal(id="plan-body"):
            # Drawn as it will be once the candidates take the focus (``AUTO_FOCUS``): setting the class then
            # restyled both panes before the first frame (``on_descendant_focus``).
            with Vertical(id="candidates-pane", classes="-active"):
                yield Label("Candidates · a makes an action", classes="pane-title")
                yield LazyOptionList(id="candidates")
            with Vertical(id="actions-pane"):
                yield Label("Action plan · e edit · space done · shift+↑/↓ reorder", classes="pane-title")
                yield Static(id="plan-status")
                yield ActionTable(id="actions", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        if self.workshop_app.session is None:
            self.navigator.home()
            return
        self._title_width = self._title_width_for(self._expected_table_width())
        self.redraw()

    def on_workshop_changed(self, message: WorkshopChanged) -> None:
        """The plan follows every change to actions, notes (marks make candidates), votes, stages and people,
        whoever made it; an added or changed action is selected."""
        if self.workshop_app.session is None:
            return
        change = message.change
        if change.changed or change.removed or change.kind == EXTERNAL_RELOAD:
            touched = [r.id for r in change.changed if isinstance(r, ActionItem)]
            self.redraw(action_id=touched[0] if touched else None)

    def _expected_table_width(self) -> int:
        """The plan table's width before layout: the whole screen when narrow, three fifths of it when wide (so
        the first frame already has the action column at its width, not a guess drawn again after layout)."""
        width = self.app.size.width
        return width if width < 150 else width - width * 2 // 5

    @staticmethod
    def _title_width_for(table_width: int) -> int:
        return max(14, table_width - FIXED_COLUMNS)

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        """Colour the title of the pane the keys act on (Textual's ``:focus-within`` does not restyle a child)."""
        for pane in self.query("#candidates-pane, #actions-pane"):
            pane.set_class(pane.has_pseudo_class("focus-within"), "-active")

    def fit_columns(self, width: int) -> None:
        """The table was resized: give the action column what the other columns leave."""
        title_width = self._title_width_for(width)
        if title_width != self._title_width and self.workshop_app.session is not None:
            self._title_width = title_width
            self._draw_actions(self.selected_action_id)

    def redraw(self, *, action_id: int | None = None) -> None:
        """Draw everything from the session (the plan is small: rebuilding is simpler than patching)."""
        ws = self.session.workshop
        final = ballots.latest_closed(b for b in ws.ballots.values() if b.stage_id is None)
        order = f"ranked by “{final.title}”" if final else "in agenda order (no final-priorities vote yet)"
        self.query_one("#plan-title", Static).update(
            Content.assemble(
                (" Action plan ", "bold reverse"), "  ", (ws.title, "bold"), f"  ·  candidates {order}"
            )
        )
        self._draw_candidates()
        self._draw_actions(action_id if action_id is not None else self.selected_action_id)

    def _draw_candidates(self) -> None:
        options = self.query_one("#candidates", LazyOptionList)
        highlighted = self.selected_candidate
        self._candidates = self.session.actions.candidates(self.session.votes.ranking)
        options.clear_options()
        if not self._candidates:
            options.add_option(
                Option(
                    Content(
                        "No candidates yet. On a stage, mark notes with x (decision) or c (candidate action), "
                        "or reveal a vote. Press n for an action that does not come from a note."
                    ),
                    disabled=True,
                )
            )
            return

        def option(placed: tuple[int, Candidate]) -> Option:
            place, c = placed
            return Option(
                LaterRow(
                    partial(candidate_prompt, place, c),
                    fixed=RANK_WIDTH + 1,
                    length=min(len(c.note.text), 2000) + 40,  # text.shown shows 2,000 characters at most
                ),
                id=f"n{c.note.id}",
            )

        ids = [c.note.id for c in self._candidates]
        index = ids.index(highlighted.note.id) if highlighted and highlighted.note.id in ids else 0
        # The rows a first frame can show, down to the one to highlight; the rest just after that frame.
        placed = list(enumerate(self._candidates, start=1))
        options.set_options_in_parts(placed, option, first=index + self.app.size.height)
        options.highlighted = index

    def _draw_actions(self, select: int | None = None) -> None:
        table = self.query_one("#actions", DataTable)
        ws = self.session.workshop
        actions = ws.ordered_actions()
        table.clear(columns=True)
        widths = self.column_widths
        heading = joined([Text(name) for name, _ in COLUMNS], widths)
        table.add_column(heading, key="action", width=sum(widths) + GAP * (len(widths) - 1))
        today = date.fromtimestamp(self.session.clock.wall()).isoformat()
        self._drawing += 1
        # The rows a first frame can show (those of a screen's height, down to the one to select) now; the
        # rest right after that frame: a plan of 200 actions built 200 rows to show 30.
        ids = [action.id for action in actions]
        shown = self.app.size.height
        at = ids.index(select) if select in ids else 0
        now = max(shown, at + shown)
        for place, action in enumerate(actions[:now], start=1):
            table.add_row(self._row(place, action, today), key=str(action.id))
        if len(actions) > now:  # after the frame, and after whatever waited for that frame
            rest = partial(self._add_rows, self._drawing, now, actions[now:], today)
            self.call_after_refresh(self.call_later, rest)
        if not actions:
            empty = [Text(""), Text("No actions yet", style="bold"), *(Text("") for _ in COLUMNS[2:])]
            table.add_row(joined(empty, widths), key="empty")
        elif select is not None and str(select) in table.rows:
            table.move_cursor(row=table.get_row_index(str(select)), animate=False)
        self.query_one("#plan-status", Static).update(Content(plan_status(ws)))

    def _add_rows(self, drawing: int, before: int, actions: list[ActionItem], today: str) -> None:
        """The plan's rows below the first ``before`` (those the first frame did not need), unless the table
        was drawn again meanwhile (``drawing`` is no longer the latest)."""
        if drawing != self._drawing or not self.is_mounted:
            return
        table = self.query_one("#actions", DataTable)
        for place, action in enumerate(actions, start=before + 1):
            table.add_row(self._row(place, action, today), key=str(action.id))

    @property
    def column_widths(self) -> list[int]:
        """Each column's width in cells, the action's fitted to the table (``fit_columns``)."""
        return [width or self._title_width for _, width in COLUMNS]

    def row_fields(self, index: int) -> list[str]:
        """The text of each column of the plan's row at ``index`` (0 is the first action)."""
        table = self.query_one("#actions", DataTable)
        return fields_of(str(table.get_row_at(index)[0]), self.column_widths)

    def _row(self, place: int, action: ActionItem, today: str) -> Text:
        """One action's row: its columns (``COLUMNS``) joined into the table's one cell."""
        colours = self.app.theme_variables
        warn = f"bold {colours.get('warning', 'yellow')}"
        done = action.status in (DONE, "dropped")
        title = Text(text.preview(action.title, 200), style="strike" if action.status == "dropped" else "")
        if action.status == DONE:
            title = Text("✓ ", style="bold") + title
        owner = Text(action.owner) if action.owner else Text("none", style=warn)
        if action.due:
            overdue = not done and action.due < today
            due = Text(action.due, style=f"bold {colours.get('error', 'red')}" if overdue else "")
        else:
            due = Text("none", style=warn)
        flagged = missing_owner(action) or missing_due(action)
        priority = PRIORITIES.get(action.priority, str(action.priority))
        cells = [
            Text(str(place)),
            title,
            owner,
            due,
            Text(priority, style="bold" if action.priority == 1 else ""),
            Text(action.status, style="bold" if action.status == DONE else ""),
            Text("⚠" if flagged else "", style=warn),
        ]
        return joined(cells, self.column_widths)

    # --- what the keys act on --------------------------------------------------------------------------

    @property
    def selected_candidate(self) -> Candidate | None:
        options = self.query_one("#candidates", OptionList)
        index = options.highlighted
        if index is None or not self._candidates or index >= len(self._candidates):
            return None
        return self._candidates[index]

    @property
    def selected_action_id(self) -> int | None:
        table = self.query_one("#actions", DataTable)
        if not table.row_count or not table.is_valid_row_index(table.cursor_row):
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key and key.isdigit() else None

    def _selected_action(self) -> ActionItem | None:
        action_id = self.selected_action_id
        if action_id is None:
            self._say("There is no action yet: press a on a candidate, or n for a new one.", timeout=5)
            return None
        try:
            return self.session.actions.get(action_id)
        except SessionError as error:
            self.workshop_app.show_error(error)
            return None

    def _participants(self) -> list[str]:
        return [p.name for p in self.session.workshop.active_participants()]

    @property
    def _facilitator(self) -> str:
        """The facilitator's name from the workshop details: they can own actions too."""
        return self.session.workshop.facilitator

    # --- making and editing actions --------------------------------------------------------------------

    def _open_form(
        self, heading: str, initial: ActionFields, save: Callable[[ActionFields], ActionItem | str]
    ) -> None:
        """Open the action form over the plan: the owner picker lists the active participants and the facilitator;
        ``save`` gets the fields and returns the saved action or a message to show."""
        self.app.push_screen(
            ActionFormScreen(
                heading,
                initial,
                self._participants(),
                save,
                read_due=self._read_due,
                facilitator=self._facilitator,
            )
        )

    @on(OptionList.OptionSelected, "#candidates")
    def _candidate_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_from_candidate()

    @on(DataTable.RowSelected, "#actions")
    def _action_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_action()

    def action_from_candidate(self) -> None:
        candidate = self.selected_candidate
        if candidate is None:
            self._say("There is no candidate to turn into an action: press n for a new action.", timeout=5)
            return
        if candidate.action_ids:
            ids = ", ".join(f"#{i}" for i in candidate.action_ids)
            question = f"This note already has action {ids}. Make another action from it?"
            self.app.push_screen(
                ConfirmScreen(question), lambda yes: self._open_from_candidate(candidate) if yes else None
            )
            return
        self._open_from_candidate(candidate)

    def _open_from_candidate(self, candidate: Candidate) -> None:
        note = candidate.note
        initial = ActionFields(first_line(note.text), "", "", "", 2, OPEN)

        def save(fields: ActionFields) -> ActionItem | str:
            return self._add(fields, source_note_id=note.id)

        heading = f"New action from note #{note.id} ({candidate.stage.title})"
        self._open_form(heading, initial, save)

    def action_new_action(self) -> None:
        initial = ActionFields("", "", "", "", 2, OPEN)
        self._open_form("New action", initial, self._add)

    def _add(self, fields: ActionFields, *, source_note_id: int | None = None) -> ActionItem | str:
        try:
            action = self.session.actions.add(
                fields.title,
                source_note_id=source_note_id,
                owner=fields.owner,
                due=fields.due.strip() or None,
                measure=fields.measure,
                priority=fields.priority,
                status=fields.status,
            )
        except SessionError as error:
            return str(error)
        self._saved(f"Action #{action.id} added{self._due_words(action)}.", action)
        return action

    def _days(self) -> tuple[date, date | None]:
        """Today, and the workshop's own date when it has a readable one."""
        today = local_today(self.workshop_app.clock.wall())
        try:
            held = date.fromisoformat(self.session.workshop.date) if self.session.workshop.date else None
        except ValueError:
            held = None
        return today, held

    def _read_due(self, typed: str) -> tuple[str, bool]:
        """The form's due hint for ``typed``: the day it means (and a warning when it is past or before the
        workshop), or why it is not a date; True when the hint is a warning."""
        today, held = self._days()
        try:
            day = parse_due(typed, today=today)
        except DateError as error:
            return str(error), True
        warning = due_warning(day, today, workshop=held)
        said = f"→ {day:%A} {day.day} {day:%B %Y}"
        return (f"{said} · ⚠ {warning}", True) if warning else (said, False)

    def _saved(self, said: str, action: ActionItem, *, due_changed: bool = True) -> None:
        """The notice for a saved action; a warning (kept longer) when its new due date is past or before the
        workshop (``dates.due_warning``)."""
        today, held = self._days()
        warning = due_warning(date.fromisoformat(action.due), today, workshop=held) if action.due else None
        if warning and due_changed:
            self._say(f"{said} {warning}", severity="warning", timeout=10)
        else:
            self._say(said, timeout=5)

    @staticmethod
    def _due_words(action: ActionItem) -> str:
        if not action.due:
            return ", no due date yet"
        day = date.fromisoformat(action.due)
        return f", due {day:%A} {day.day} {day:%B %Y}"

    def action_edit_action(self) -> None:
        action = self._selected_action()
        if action is None:
            return
        initial = ActionFields(
            action.title, action.owner, action.due or "", action.measure, action.priority, action.status
        )

        def save(fields: ActionFields) -> ActionItem | str:
            def changed(name: str) -> Any:
                value = getattr(fields, name)
                return value if value != getattr(initial, name) else KEEP

            due = fields.due.strip()
            change = ActionChange(
                title=changed("title"),
                owner=changed("owner"),
                due=(due or None) if due != initial.due else KEEP,
                measure=changed("measure"),
                priority=changed("priority"),
                status=changed("status"),
            )
            if not change.names():
                return action
            try:
                updated = self.session.actions.edit(action.id, change)
            except SessionError as error:
                return str(error)
            self._saved(
                f"Action #{updated.id} saved{self._due_words(updated)}.",
                updated,
                due_changed=change.due is not KEEP,
            )
            return updated

        heading = f"Edit action #{action.id}"
        self._open_form(heading, initial, save)

    def action_toggle_done(self) -> None:
        action = self._selected_action()
        if action is None:
            return
        with self._guard():
            if action.status == DONE:
                self.session.actions.edit(action.id, ActionChange(status=OPEN))
                self._say(f"Action #{action.id} is open again.", timeout=4)
            else:
                self.session.actions.complete(action.id)
                self._say(f"Action #{action.id} done.", timeout=4)

    def action_move(self, offset: int) -> None:
        action = self._selected_action()
        if action is None:
            return
        with self._guard():
            self.session.actions.move(action.id, offset)

    def action_delete_action(self) -> None:
        action = self._selected_action()
        if action is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            with self._guard():
                self.session.actions.delete(action.id)
                self._say(f"Action #{action.id} deleted.", timeout=5)

        question = f"Delete action #{action.id}, “{text.preview(action.title, 80)}”?"
        self.app.push_screen(ConfirmScreen(question, yes="Delete", no="Keep", safe_default=True), answered)

    # --- elsewhere -------------------------------------------------------------------------------------

    def action_export(self) -> None:
        self.navigator.export()

    def action_back(self) -> None:
        if not self.is_active:
            return  # a key typed ahead, handled after this screen had already closed
        self.navigator.back()
