"""Set-up: the workshop's details, its participants and its agenda, before (and between) the stages.

For a new workshop the details and participants are a draft until "Create"; the agenda then comes from the chosen
template and is edited here once the workshop exists. For an open workshop every edit goes through the session and
is on disk when the screen shows it, so nothing needs saving and a crash loses nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from facilitation import catalogue
from facilitation.models import Participant, Stage
from facilitation.schedule import format_duration
from screens.base import WorkshopAppAPI, WorkshopChanged
from workshop.session import EXTERNAL_RELOAD, MAX_STAGE_MINUTES, SessionError, WorkshopSession
from workshop.session.validation import participant_names

DETAIL_FIELDS = ("title", "organisation", "facilitator", "date")
FIELD_LABELS = {
    "title": "Title",
    "organisation": "Organisation",
    "facilitator": "Facilitator",
    "date": "Date",
}
TITLE_HINT = "A workshop needs a title: type one in the Title field (say, “Leadership offsite, June”)."
AGENDA_KEYS = "+/- minutes · m type · shift+↑↓ move · s skip · r rename · a add stage"
PARTICIPANT_KEYS = "a add (one per line) · r rename · d remove"


class ParticipantList(OptionList):
    """The participants; the keys act on the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "a,insert",
            "screen.add_participants",
            "Add",
            show=False,
            tooltip="Add participants (one name per line)",
        ),
        Binding(
            "r,enter",
            "screen.rename_participant",
            "Rename",
            show=False,
            tooltip="Rename the highlighted participant",
        ),
        Binding(
            "d,delete",
            "screen.remove_participant",
            "Remove",
            show=False,
            tooltip="Remove the highlighted participant (their notes and votes stay)",
        ),
    ]


class AgendaTable(DataTable[Any]):
    """The agenda; the keys act on the highlighted stage."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "plus,equals_sign",
            "screen.change_minutes(1)",
            "+1 min",
            show=False,
            tooltip="One minute more for the highlighted stage",
        ),
        Binding(
            "minus",
            "screen.change_minutes(-1)",
            "-1 min",
            show=False,
            tooltip="One minute less for the highlighted stage",
        ),
        Binding(
            "m,enter",
            "screen.type_minutes",
            "Minutes",
            show=False,
            tooltip="Type the highlighted stage's minutes",
        ),
        Binding(
            "shift+up,ctrl+up",
            "screen.move_stage(-1)",
            "Move up",
            show=False,
            tooltip="Move the highlighted stage earlier",
        ),
        Binding(
            "shift+down,ctrl+down",
            "screen.move_stage(1)",
            "Move down",
            show=False,
            tooltip="Move the highlighted stage later",
        ),
        Binding(
            "s,space",
            "screen.toggle_skip",
            "Skip",
            show=False,
            tooltip="Skip the highlighted stage, or put it back",
        ),
        Binding("r", "screen.rename_stage", "Rename", show=False, tooltip="Rename the highlighted stage"),
        Binding(
            "a,insert",
            "screen.add_stage",
            "Add stage",
            show=False,
            tooltip="Add a stage after the highlighted one",
        ),
    ]


def template_label(name: str, stages: Sequence[catalogue.StageTemplate]) -> str:
    total = sum(s.minutes for s in stages if not s.skipped)
    return f"{name} · {format_duration(total)}"


class SetupScreen(Screen[None]):
    """Details, participants and agenda of a new workshop (``new=True``) or of the open one."""

    CSS_PATH = "setup.tcss"
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to where set-up was opened from"),
        Binding(
            "ctrl+s", "create", "Create", tooltip="Create the new workshop and stay here to adjust its agenda"
        ),
        Binding("f5", "run", "Run workshop", tooltip="Start or resume the workshop at its current stage"),
        Binding(
            "ctrl+t",
            "save_template",
            "Save as template",
            tooltip="Save this agenda as a template for the next workshops",
        ),
    ]

    def __init__(self, new: bool = False) -> None:
        super().__init__()
        self.new = new
        self._draft_participants: list[str] = []
        self._templates: dict[str, list[catalogue.StageTemplate]] = {}
        self._template_name = catalogue.DEFAULT_TEMPLATE

    @property
    def workshop_app(self) -> WorkshopAppAPI:
        return cast(WorkshopAppAPI, self.app)

    @property
    def session(self) -> WorkshopSession | None:
        return None if self.new else self.workshop_app.session

    # --- layout --------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._templates = self.workshop_app.library.templates()
        yield Header()
        with Horizontal(id="setup-body"):
            with Vertical(id="setup-left"):
                yield Static("Workshop", classes="section-title")
                for name in DETAIL_FIELDS:
                    with Horizontal(classes="field"):
                        yield Label(FIELD_LABELS[name], classes="field-label")
                        placeholder = "YYYY-MM-DD" if name == "date" else ""
                        yield Input(id=name, compact=True, placeholder=placeholder)
                with Horizontal(classes="field", id="template-field"):
                    yield Label("Agenda", classes="field-label")
                    yield Select(
                        [(template_label(n, s), n) for n, s in self._templates.items()],
                        value=self._template_name,
                        allow_blank=False,
                        compact=True,
                        id="template",
                    )
                yield Static("Participants", id="participants-title", classes="section-title")
                yield ParticipantList(id="participants")
                yield Static(PARTICIPANT_KEYS, classes="hint")
                yield Button("Create workshop  (ctrl+s)", id="create", variant="primary", compact=True)
            with Vertical(id="setup-right"):
                yield Static("Agenda", id="agenda-title", classes="section-title")
                table = AgendaTable(id="agenda", cursor_type="row", zebra_stripes=True)
                table.add_column("#", key="n")
                table.add_column("Stage", key="stage")
                table.add_column("Min", key="minutes")
                table.add_column("", key="state")
                yield table
                yield Static("", id="agenda-total")
                yield Static(AGENDA_KEYS, id="agenda-keys", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        if not self.new and self.workshop_app.session is None:
            self.workshop_app.show_error("No workshop is open.")
            self.workshop_app.navigator.home()
            return
        self._fill_details()
        self._show_mode()
        self._refresh_participants()
        self._refresh_agenda()
        self.query_one("#title" if self.new else "#agenda").focus()

    def on_workshop_changed(self, message: WorkshopChanged) -> None:
        """A running workshop's set-up follows every change to its people and agenda, made here or anywhere
        else: a participant added is highlighted, a stage changed is selected."""
        if self.new or self.workshop_app.session is None:
            return
        change = message.change
        reload = change.kind == EXTERNAL_RELOAD
        if reload or any(isinstance(r, Participant) for r in change.changed):
            self._refresh_participants(highlight=10**6 if change.kind == "participant.added" else None)
        if reload or any(isinstance(r, Stage) for r in change.changed):
            stage_id = change.event.stage_id
            self._refresh_agenda(select=str(stage_id) if stage_id is not None else None)

    def _show_mode(self) -> None:
        self.sub_title = "New workshop" if self.new else "Set-up"
        self.query_one("#template-field").display = self.new
        self.query_one("#create").display = self.new
        self.query_one("#agenda-keys").display = not self.new
        self.refresh_bindings()

    def _fill_details(self) -> None:
        session = self.session
        if session is None:
            today = dt.date.fromtimestamp(self.workshop_app.clock.wall()).isoformat()
            self.query_one("#date", Input).value = today
            return
        ws = session.workshop
        for name in DETAIL_FIELDS:
            self.query_one(f"#{name}", Input).value = getattr(ws, name)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "create":
            return self.new
        if action == "save_template":
            return not self.new
        return True

    # --- details ---------------------------------------------------------------------------------------

    @on(Input.Submitted)
    def _detail_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.new:
            if event.input.id == "date":
                self.query_one("#participants").focus()
            else:
                self.focus_next()
            return
        self._save_detail(event.input)

    @on(Input.Blurred)
    def _detail_blurred(self, event: Input.Blurred) -> None:
        if not self.new:
            self._save_detail(event.input)

    def _save_detail(self, field: Input) -> None:
        """Make one edited field durable now; a refused value is put back as it was, with the reason."""
        session = self.workshop_app.session
        name = field.id
        if session is None or name not in DETAIL_FIELDS:
            return
        current = getattr(session.workshop, name)
        if field.value == current:
            return
        try:
            session.agenda.update_details(**{name: field.value})
        except SessionError as error:
            hint = TITLE_HINT if name == "title" and not field.value.strip() else str(error)
            self.notify(hint, title="Not changed", severity="warning", markup=False)
            field.value = current
            field.cursor_position = len(current)
            return
        field.value = getattr(session.workshop, name)
        self.notify(f"{FIELD_LABELS[name]} saved.", timeout=2)

    @on(Select.Changed, "#template")
    def _template_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._template_name = event.value
            self._refresh_agenda()

    # --- participants ----------------------------------------------------------------------------------

    def _refresh_participants(self, highlight: int | None = None) -> None:
        plist = self.query_one("#participants", ParticipantList)
        keep = plist.highlighted if highlight is None else highlight
        plist.clear_options()
        session = self.session
        if session is None:
            plist.add_options(
                Option(name, id=f"draft-{i}") for i, name in enumerate(self._draft_participants)
            )
        else:
            plist.add_options(Option(p.name, id=str(p.id)) for p in session.workshop.active_participants())
        count = plist.option_count
        if count:
            plist.highlighted = min(keep or 0, count - 1)
        self.query_one("#participants-title", Static).update(
            f"Participants ({count})" if count else "Participants — none yet"
        )

    def _highlighted_participant(self) -> tuple[int, str] | None:
        """(index in the list, name) of the highlighted participant."""
        plist = self.query_one("#participants", ParticipantList)
        index = plist.highlighted
        if index is None or plist.option_count == 0:
            self.notify("There is no participant yet: press a to add some.")
            return None
        return index, str(plist.get_option_at_index(index).prompt)

    def action_add_participants(self) -> None:
        """Add one name per line, so a pasted list of names goes in at once."""
        from screens.dialogs import TextEntryScreen

        def add(value: str | None) -> None:
            names = [line.strip() for line in (value or "").splitlines() if line.strip()]
            if names:
                self._add_participants(names)

        self.workshop_app.push_screen(
            TextEntryScreen("Add participants — one name per line", "", multiline=True), add
        )

    def _add_participants(self, names: list[str]) -> None:
        session = self.session
        if session is None:
            try:
                self._draft_participants = participant_names([*self._draft_participants, *names])
            except SessionError as error:
                self.notify(str(error), title="Not added", severity="warning", markup=False)
                return
        else:
            for name in names:
                try:
                    session.participants.add(name)
                except SessionError as error:
                    self.notify(str(error), title="Not added", severity="warning", markup=False)
            return
        self._refresh_participants(highlight=10**6)

    def action_rename_participant(self) -> None:
        from screens.dialogs import TextEntryScreen

        chosen = self._highlighted_participant()
        if chosen is None:
            return
        index, old = chosen

        def rename(value: str | None) -> None:
            if value is None or value.strip() == old:
                return
            session = self.session
            try:
                if session is None:
                    others = [n for i, n in enumerate(self._draft_participants) if i != index]
                    others.insert(index, value)
                    self._draft_participants = participant_names(others)
                else:
                    participant = session.workshop.active_participants()[index]
                    session.participants.rename(participant.id, value)
            except SessionError as error:
                self.notify(str(error), title="Not renamed", severity="warning", markup=False)
                return
            if session is None:
                self._refresh_participants(highlight=index)

        self.workshop_app.push_screen(TextEntryScreen(f"Rename {old}", old), rename)

    def action_remove_participant(self) -> None:
        """Remove the highlighted participant; in a running workshop their notes and votes stay theirs."""
        from screens.dialogs import ConfirmScreen

        chosen = self._highlighted_participant()
        if chosen is None:
            return
        index, name = chosen
        session = self.session
        if session is None:
            del self._draft_participants[index]
            self._refresh_participants(highlight=index)
            return

        def remove(confirmed: bool | None) -> None:
            if not confirmed:
                return
            participant = session.workshop.active_participants()[index]
            try:
                session.participants.remove(participant.id)
            except SessionError as error:
                self.workshop_app.show_error(error)

        self.workshop_app.push_screen(
            ConfirmScreen(f"Remove {name} from the workshop? Their notes and votes stay.", safe_default=True),
            remove,
        )

    # --- agenda ------------------------------------------------------------------------------------------

    def _refresh_agenda(self, select: str | None = None) -> None:
        """Redraw the agenda (a workshop's stages, or the chosen template's for a new one) and its total."""
        table = self.query_one("#agenda", AgendaTable)
        keep = select if select is not None else self._selected_key()
        table.clear()
        session = self.session
        if session is None:
            stages = self._templates.get(self._template_name, [])
            rows = [(f"t{i}", s.title, s.minutes, s.skipped, "") for i, s in enumerate(stages)]
            self.query_one("#agenda-title", Static).update(
                Text.assemble("Agenda ", ("preview · editable once created", "dim"))
            )
        else:
            rows = [
                (str(s.id), s.title, s.minutes, s.skipped, self._stage_state(session, s))
                for s in session.workshop.agenda()
            ]
            self.query_one("#agenda-title", Static).update("Agenda")
        number = 0
        for key, title, minutes, skipped, state in rows:
            style = "dim" if skipped else ""
            if not skipped:
                number += 1
            table.add_row(
                Text("" if skipped else str(number), justify="right"),
                Text(title, style=style, overflow="ellipsis", no_wrap=True),
                Text(str(minutes), style="dim strike" if skipped else "bold", justify="right"),
                Text("skipped" if skipped else state, style="dim" if skipped else "italic"),
                key=key,
            )
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        planned = sum(minutes for _k, _t, minutes, skipped, _s in rows if not skipped)
        skipped_count = sum(1 for row in rows if row[3])
        runs = len(rows) - skipped_count
        detail = f"{runs} stage{'s' if runs != 1 else ''}" + (
            f", {skipped_count} skipped" if skipped_count else ""
        )
        self.query_one("#agenda-total", Static).update(
            Text.assemble("Planned time ", (format_duration(planned), "bold"), f" · {detail}")
        )

    @staticmethod
    def _stage_state(session: WorkshopSession, stage: Stage) -> str:
        if stage.id == session.workshop.current_stage_id:
            return "now"
        status = session.timer.of(stage.id).status
        return {"finished": "done", "paused": "paused", "running": "running"}.get(status, "")

    def _selected_key(self) -> str | None:
        table = self.query_one("#agenda", AgendaTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def _selected_stage(self) -> tuple[WorkshopSession, Stage] | None:
        """The open session and the highlighted stage, or None (with a hint) when there is nothing to edit."""
        session = self.session
        if session is None:
            self.notify("Create the workshop first (ctrl+s); its agenda can then be edited here.")
            return None
        key = self._selected_key()
        if key is None:
            return None
        return session, session.stage(int(key))

    def _agenda_call(self, call: Any, *args: Any) -> Any:
        """Run one agenda change; a refusal becomes a notification (the table follows the change itself)."""
        try:
            return call(*args)
        except SessionError as error:
            self.notify(str(error), title="Not changed", severity="warning", markup=False)
            return None

    def action_change_minutes(self, step: int) -> None:
        chosen = self._selected_stage()
        if chosen is not None:
            session, stage = chosen
            self._agenda_call(session.agenda.set_minutes, stage.id, stage.minutes + step)

    def action_type_minutes(self) -> None:
        from screens.dialogs import TextEntryScreen

        chosen = self._selected_stage()
        if chosen is None:
            return
        session, stage = chosen

        def set_minutes(value: str | None) -> None:
            minutes = parse_minutes(value)
            if minutes is None:
                if value is not None:
                    self.notify(
                        f"Type a whole number of minutes, 1 to {MAX_STAGE_MINUTES}.", severity="warning"
                    )
                return
            self._agenda_call(session.agenda.set_minutes, stage.id, minutes)

        self.workshop_app.push_screen(
            TextEntryScreen(f"Minutes for {stage.title}", str(stage.minutes)), set_minutes
        )

    def action_move_stage(self, offset: int) -> None:
        chosen = self._selected_stage()
        if chosen is not None:
            session, stage = chosen
            self._agenda_call(session.agenda.move, stage.id, offset)

    def action_toggle_skip(self) -> None:
        chosen = self._selected_stage()
        if chosen is not None:
            session, stage = chosen
            self._agenda_call(session.agenda.set_skipped, stage.id, not stage.skipped)

    def action_rename_stage(self) -> None:
        from screens.dialogs import TextEntryScreen

        chosen = self._selected_stage()
        if chosen is None:
            return
        session, stage = chosen

        def rename(value: str | None) -> None:
            if value is not None and value.strip() != stage.title:
                self._agenda_call(session.agenda.rename, stage.id, value)

        self.workshop_app.push_screen(TextEntryScreen("Rename stage", stage.title), rename)

    def action_add_stage(self) -> None:
        """Add a custom stage after the highlighted one: its name, then its minutes."""
        from screens.dialogs import TextEntryScreen

        chosen = self._selected_stage()
        if chosen is None:
            return
        session, after = chosen

        def with_minutes(title: str, value: str | None) -> None:
            minutes = parse_minutes(value)
            if minutes is None:
                if value is not None:
                    self.notify(
                        f"Type a whole number of minutes, 1 to {MAX_STAGE_MINUTES}.", severity="warning"
                    )
                return
            try:
                session.agenda.add(title, minutes, after_stage_id=after.id)
            except SessionError as error:
                self.notify(str(error), title="Not added", severity="warning", markup=False)

        def with_title(title: str | None) -> None:
            if title is None or not title.strip():
                return
            self.workshop_app.push_screen(
                TextEntryScreen(f"Minutes for {title.strip()}", "15"),
                lambda value: with_minutes(title, value),
            )

        self.workshop_app.push_screen(
            TextEntryScreen(f"New stage after {after.title} — its name", ""), with_title
        )

    def action_save_template(self) -> None:
        """Keep this agenda under a name, to choose it when creating the next workshop."""
        from screens.dialogs import ConfirmScreen, TextEntryScreen

        session = self.session
        if session is None:
            return
        library = self.workshop_app.library

        def save(name: str) -> None:
            try:
                library.save_template(name, session.agenda.templates())
            except SessionError as error:
                self.workshop_app.show_error(error)
                return
            self._templates = library.templates()
            self.notify(f"Agenda saved as the template “{name}”.", title="Saved", markup=False)
            # A read-only window can still save the template; only the minutes miss the line.
            with contextlib.suppress(SessionError):
                session.log("template.saved", f"Agenda saved as the template “{name}”")

        def named(value: str | None) -> None:
            name = (value or "").strip()
            if not name:
                return
            if name in library.templates() and name not in catalogue.BUILTIN_TEMPLATES:
                self.workshop_app.push_screen(
                    ConfirmScreen(
                        f"There is already a template called “{name}”. Replace it?", safe_default=True
                    ),
                    lambda ok: save(name) if ok else None,
                )
                return
            save(name)

        self.workshop_app.push_screen(
            TextEntryScreen("Save this agenda as a template named", session.workshop.title), named
        )

    # --- create, run, back ---------------------------------------------------------------------------

    @on(Button.Pressed, "#create")
    def _create_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_create()

    def action_create(self) -> bool:
        """Create the workshop from the draft; the screen then edits it (agenda included). False if refused."""
        if not self.new:
            return True
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name in DETAIL_FIELDS}
        if not values["title"]:
            self.notify(TITLE_HINT, title="Not created", severity="warning", markup=False)
            self.query_one("#title").focus()
            return False
        try:
            session = self.workshop_app.library.create(
                values["title"],
                organisation=values["organisation"],
                facilitator=values["facilitator"],
                participants=list(self._draft_participants),
                template=self._template_name,
                date=values["date"] or None,
            )
        except SessionError as error:
            self.notify(str(error), title="Not created", severity="warning", markup=False)
            return False
        app = self.workshop_app
        app.close_session()
        app.session = session
        self.new = False
        self._draft_participants = []
        self._fill_details()
        self._show_mode()
        self._refresh_participants()
        self._refresh_agenda()
        self.query_one("#agenda").focus()
        self.notify(
            f"“{session.workshop.title}” created. Adjust the agenda here; F5 runs the workshop.",
            title="Created",
            markup=False,
        )
        return True

    def _save_focused_detail(self) -> None:
        """Leaving the screen does not always blur the field being typed in: save it explicitly."""
        if not self.new and isinstance(self.focused, Input):
            self._save_detail(self.focused)

    def action_run(self) -> None:
        """Start (or resume) the workshop at its current stage; a new one is created first."""
        if self.new and not self.action_create():
            return
        self._save_focused_detail()
        self.workshop_app.navigator.stage()

    def action_back(self) -> None:
        """Back where set-up was opened from: the stage screen, or home."""
        if not self.is_active:
            return  # a key typed ahead, handled after this screen had already closed
        self._save_focused_detail()
        app = self.workshop_app
        if len(app.screen_stack) > 2:
            app.pop_screen()
        else:
            app.navigator.home()


def parse_minutes(value: str | None) -> int | None:
    """A typed number of minutes, or None when it is not a whole number in range."""
    try:
        minutes = int((value or "").strip())
    except ValueError:
        return None
    return minutes if 1 <= minutes <= MAX_STAGE_MINUTES else None
