"""A new workshop's set-up: a draft (details, participants, the agenda template) until it is created.

Nothing is written until "Create" (ctrl+s) or "Run" (F5): the workshop is then created from the draft in one
step, and the open workshop's set-up (``SetupScreen``) takes this screen's place to edit its agenda, or the
stage screen shows its first stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select

from facilitation import catalogue
from facilitation.schedule import format_duration
from screens.setup.form import TITLE_HINT, AgendaRow, SetupForm
from workshop.session import SessionError, WorkshopSession
from workshop.session.validation import participant_names


def template_label(name: str, stages: Sequence[catalogue.StageTemplate]) -> str:
    """A template as the agenda choice lists it: its name and the planned time of the stages it runs."""
    total = sum(s.minutes for s in stages if not s.skipped)
    return f"{name} · {format_duration(total)}"


class NewWorkshopScreen(SetupForm):
    """Details, participants and the agenda template of a workshop that does not exist yet."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s", "create", "Create", tooltip="Create the new workshop and stay here to adjust its agenda"
        ),
        Binding("f5", "run", "Run workshop", tooltip="Create the new workshop and start it at its first stage"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.participants: list[str] = []
        """The names added so far, in order (checked as the session would: no blanks, no duplicates)."""
        self._templates: dict[str, list[catalogue.StageTemplate]] = {}
        self._template_name = catalogue.DEFAULT_TEMPLATE

    # --- layout --------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._templates = self.workshop_app.library.templates()
        yield from super().compose()

    def compose_details_extra(self) -> ComposeResult:
        with Horizontal(classes="field", id="template-field"):
            yield Label("Agenda", classes="field-label")
            yield Select(
                [(template_label(n, s), n) for n, s in self._templates.items()],
                value=self._template_name,
                allow_blank=False,
                compact=True,
                id="template",
            )

    def compose_participants_extra(self) -> ComposeResult:
        yield Button("Create workshop  (ctrl+s)", id="create", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.sub_title = "New workshop"
        today = dt.date.fromtimestamp(self.workshop_app.clock.wall()).isoformat()
        self.query_one("#date", Input).value = today
        self._refresh_participants()
        self._refresh_agenda()
        self.query_one("#title").focus()

    # --- details: Enter moves on, nothing is saved yet ------------------------------------------------------

    @on(Input.Submitted)
    def _detail_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "date":
            self.query_one("#participants").focus()
        else:
            self.focus_next()

    @on(Select.Changed, "#template")
    def _template_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._template_name = event.value
            self._refresh_agenda()

    # --- participants: a list of names in memory ---------------------------------------------------------------

    def _refresh_participants(self, highlight: int | None = None) -> None:
        self.draw_participants(((f"draft-{i}", name) for i, name in enumerate(self.participants)), highlight)

    def action_add_participants(self) -> None:
        """Add one name per line, so a pasted list of names goes in at once."""
        from screens.dialogs import TextEntryScreen

        def add(value: str | None) -> None:
            names = [line.strip() for line in (value or "").splitlines() if line.strip()]
            if not names:
                return
            try:
                self.participants = participant_names([*self.participants, *names])
            except SessionError as error:
                # asked again with the list as typed, to mend the name refused: a pasted list is not lost
                self.notify(str(error), title="Not added yet", severity="warning", markup=False)
                ask(value or "")
                return
            self._refresh_participants(highlight=10**6)

        def ask(initial: str) -> None:
            self.app.push_screen(
                TextEntryScreen("Add participants — one name per line", initial, multiline=True), add
            )

        ask("")

    def action_rename_participant(self) -> None:
        from screens.dialogs import TextEntryScreen

        chosen = self.highlighted_participant()
        if chosen is None:
            return
        index, old = chosen

        def rename(value: str | None) -> None:
            if value is None or value.strip() == old:
                return
            others = [n for i, n in enumerate(self.participants) if i != index]
            others.insert(index, value)
            try:
                self.participants = participant_names(others)
            except SessionError as error:
                self.notify(str(error), title="Not renamed", severity="warning", markup=False)
                return
            self._refresh_participants(highlight=index)

        self.app.push_screen(TextEntryScreen(f"Rename {old}", old), rename)

    def action_remove_participant(self) -> None:
        """Take the highlighted name off the draft (nothing to lose yet, so no question)."""
        chosen = self.highlighted_participant()
        if chosen is not None:
            index, _name = chosen
            del self.participants[index]
            self._refresh_participants(highlight=index)

    # --- agenda: the chosen template's, shown; edited once the workshop exists ---------------------------------

    def _refresh_agenda(self) -> None:
        stages = self._templates.get(self._template_name, [])
        rows: list[AgendaRow] = [(f"t{i}", s.title, s.minutes, s.skipped, "") for i, s in enumerate(stages)]
        self.draw_agenda(rows, Text.assemble("Agenda ", ("preview · editable once created", "dim")))

    def _create_first(self, *_: object) -> None:
        """Every agenda key of the draft: the agenda is the template's until the workshop exists."""
        self.notify("Create the workshop first (ctrl+s); its agenda can then be edited here.")

    action_change_minutes = action_type_minutes = action_move_stage = _create_first
    action_toggle_skip = action_rename_stage = action_add_stage = _create_first

    # --- create, run, back ---------------------------------------------------------------------------------

    @on(Button.Pressed, "#create")
    def _create_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_create()

    def _create(self) -> WorkshopSession | None:
        """Create the workshop from the draft and make it the open one; None (with the reason) if refused."""
        values = self.detail_values()
        if not values["title"]:
            self.notify(TITLE_HINT, title="Not created", severity="warning", markup=False)
            self.query_one("#title").focus()
            return None
        try:
            session = self.workshop_app.library.create(
                values["title"],
                organisation=values["organisation"],
                facilitator=values["facilitator"],
                participants=list(self.participants),
                template=self._template_name,
                date=values["date"] or None,
            )
        except SessionError as error:
            self.notify(str(error), title="Not created", severity="warning", markup=False)
            return None
        app = self.workshop_app
        app.close_session()
        app.session = session
        return session

    def action_create(self) -> None:
        """Create the workshop; its own set-up replaces this screen, to adjust the agenda."""
        session = self._create()
        if session is None:
            return
        self.navigator.setup()
        self.app.notify(
            f"“{session.workshop.title}” created. Adjust the agenda here; F5 runs the workshop.",
            title="Created",
            markup=False,
        )

    def action_run(self) -> None:
        """Create the workshop and start it at its first stage."""
        if self._create() is not None:
            self.navigator.stage()

    def action_back(self) -> None:
        """Back where the draft was opened from (home); the draft is dropped."""
        if not self.is_active:
            return  # a key typed ahead, handled after this screen had already closed
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.navigator.home()
