"""The open workshop's set-up: its details, participants and agenda, edited between (and before) the stages.

Every edit goes through the session and is on disk when the screen shows it, so nothing needs saving and a crash
loses nothing. The screen follows every change to the people and the agenda, made here or anywhere else (a
participant's phone, another window), by the app's ``WorkshopChanged`` messages.
"""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from facilitation import catalogue
from facilitation.models import Participant, Stage
from screens.base import WorkshopChanged
from screens.setup.form import (
    AGENDA_KEYS,
    DETAIL_FIELDS,
    FIELD_LABELS,
    TITLE_HINT,
    AgendaRow,
    SetupForm,
    typed_minutes,
)
from workshop.session import EXTERNAL_RELOAD, SessionError, WorkshopSession


class SetupScreen(SetupForm):
    """Details, participants and agenda of the open workshop."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "run", "Run workshop", tooltip="Start or resume the workshop at its current stage"),
        Binding(
            "ctrl+t",
            "save_template",
            "Save as template",
            tooltip="Save this agenda as a template for the next workshops",
        ),
    ]

    def compose_agenda_extra(self) -> ComposeResult:
        yield Static(AGENDA_KEYS, id="agenda-keys", classes="hint")

    def on_mount(self) -> None:
        app = self.workshop_app
        if app.session is None:
            app.show_error("No workshop is open.")
            self.navigator.home()
            return
        self.sub_title = "Set-up"
        ws = app.session.workshop
        for name in DETAIL_FIELDS:
            self.query_one(f"#{name}", Input).value = getattr(ws, name)
        self._refresh_participants()
        self._refresh_agenda()
        self.query_one("#agenda").focus()

    def on_workshop_changed(self, message: WorkshopChanged) -> None:
        """Follow every change to the people and the agenda, made here or anywhere else: a participant added is
        highlighted, a stage changed is selected."""
        if self.workshop_app.session is None:
            return
        change = message.change
        reload = change.kind == EXTERNAL_RELOAD
        if reload or any(isinstance(r, Participant) for r in change.changed):
            self._refresh_participants(highlight=10**6 if change.kind == "participant.added" else None)
        if reload or any(isinstance(r, Stage) for r in change.changed):
            stage_id = change.event.stage_id
            self._refresh_agenda(select=str(stage_id) if stage_id is not None else None)

    # --- details: each field is saved as it is left or submitted ---------------------------------------------

    @on(Input.Submitted)
    def _detail_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save_detail(event.input)

    @on(Input.Blurred)
    def _detail_blurred(self, event: Input.Blurred) -> None:
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

    def _save_focused_detail(self) -> None:
        """Leaving the screen does not always blur the field being typed in: save it explicitly."""
        if isinstance(self.focused, Input):
            self._save_detail(self.focused)

    # --- participants ------------------------------------------------------------------------------------------

    def _refresh_participants(self, highlight: int | None = None) -> None:
        people = self.session.workshop.active_participants()
        self.draw_participants(((str(p.id), p.name) for p in people), highlight)

    def action_add_participants(self) -> None:
        """Add one name per line, so a pasted list of names goes in at once (the list follows each one)."""
        from screens.dialogs import TextEntryScreen

        def add(value: str | None) -> None:
            names = [line.strip() for line in (value or "").splitlines() if line.strip()]
            for name in names:
                try:
                    back = self.session.participants.departed(name)
                    self.session.participants.add(name)
                    if back is not None:
                        self.notify(
                            f"{back.name} is back: their notes, dots, answers and actions are theirs again.",
                            markup=False,
                        )
                except SessionError as error:
                    self.notify(str(error), title="Not added", severity="warning", markup=False)

        self.app.push_screen(TextEntryScreen("Add participants — one name per line", "", multiline=True), add)

    def action_rename_participant(self) -> None:
        from screens.dialogs import TextEntryScreen

        chosen = self.highlighted_participant()
        if chosen is None:
            return
        index, old = chosen

        def rename(value: str | None) -> None:
            if value is None or value.strip() == old:
                return
            session = self.session
            participant = session.workshop.active_participants()[index]
            try:
                session.participants.rename(participant.id, value)
            except SessionError as error:
                self.notify(str(error), title="Not renamed", severity="warning", markup=False)

        self.app.push_screen(TextEntryScreen(f"Rename {old}", old), rename)

    def action_remove_participant(self) -> None:
        """Remove the highlighted participant, after a question; their notes and votes stay theirs."""
        from screens.dialogs import ConfirmScreen

        chosen = self.highlighted_participant()
        if chosen is None:
            return
        index, name = chosen
        session = self.session

        def remove(confirmed: bool | None) -> None:
            if not confirmed:
                return
            participant = session.workshop.active_participants()[index]
            try:
                session.participants.remove(participant.id)
            except SessionError as error:
                self.workshop_app.show_error(error)

        self.app.push_screen(
            ConfirmScreen(
                f"Remove {name} from the workshop? Their notes and votes stay; adding {name} again brings them back.",
                safe_default=True,
            ),
            remove,
        )

    # --- agenda --------------------------------------------------------------------------------------------------

    def _refresh_agenda(self, select: str | None = None) -> None:
        session = self.session
        rows: list[AgendaRow] = [
            (str(s.id), s.title, s.minutes, s.skipped, self._stage_state(session, s))
            for s in session.workshop.agenda()
        ]
        self.draw_agenda(rows, "Agenda", select)

    @staticmethod
    def _stage_state(session: WorkshopSession, stage: Stage) -> str:
        if stage.id == session.workshop.current_stage_id:
            return "now"
        status = session.timer.of(stage.id).status
        return {"finished": "done", "paused": "paused", "running": "running"}.get(status, "")

    def _selected_stage(self) -> Stage | None:
        key = self.selected_key()
        return None if key is None else self.session.stage(int(key))

    def _agenda_call(self, call: Any, *args: Any) -> Any:
        """Run one agenda change; a refusal becomes a notification (the table follows the change itself)."""
        try:
            return call(*args)
        except SessionError as error:
            self.notify(str(error), title="Not changed", severity="warning", markup=False)
            return None

    def action_change_minutes(self, step: int) -> None:
        stage = self._selected_stage()
        if stage is not None:
            self._agenda_call(self.session.agenda.set_minutes, stage.id, stage.minutes + step)

    def action_type_minutes(self) -> None:
        from screens.dialogs import TextEntryScreen

        stage = self._selected_stage()
        if stage is None:
            return

        def set_minutes(value: str | None) -> None:
            if value is None:
                return
            minutes = typed_minutes(value, stage.title)
            if isinstance(minutes, str):
                # asked again with what was typed, to mend it (escape leaves the minutes as they were)
                self.notify(minutes, title="Not changed", severity="warning", markup=False)
                ask(value)
                return
            self._agenda_call(self.session.agenda.set_minutes, stage.id, minutes)

        def ask(initial: str) -> None:
            self.app.push_screen(TextEntryScreen(f"Minutes for {stage.title}", initial), set_minutes)

        ask(str(stage.minutes))

    def action_move_stage(self, offset: int) -> None:
        stage = self._selected_stage()
        if stage is not None:
            self._agenda_call(self.session.agenda.move, stage.id, offset)

    def action_toggle_skip(self) -> None:
        stage = self._selected_stage()
        if stage is not None:
            self._agenda_call(self.session.agenda.set_skipped, stage.id, not stage.skipped)

    def action_rename_stage(self) -> None:
        from screens.dialogs import TextEntryScreen

        stage = self._selected_stage()
        if stage is None:
            return

        def rename(value: str | None) -> None:
            if value is not None and value.strip() != stage.title:
                self._agenda_call(self.session.agenda.rename, stage.id, value)

        self.app.push_screen(TextEntryScreen("Rename stage", stage.title), rename)

    def action_add_stage(self) -> None:
        """Add a custom stage after the highlighted one: its name, then its minutes."""
        from screens.dialogs import TextEntryScreen

        after = self._selected_stage()
        if after is None:
            return

        def with_minutes(title: str, value: str | None) -> None:
            if value is None:
                return
            minutes = typed_minutes(value, title.strip())
            if isinstance(minutes, str):
                # asked again, the name kept: a slip in the minutes must not lose the stage typed so far
                self.notify(minutes, title="Not added yet", severity="warning", markup=False)
                ask_minutes(title, value)
                return
            try:
                self.session.agenda.add(title, minutes, after_stage_id=after.id)
            except SessionError as error:
                self.notify(str(error), title="Not added", severity="warning", markup=False)

        def ask_minutes(title: str, initial: str) -> None:
            self.app.push_screen(
                TextEntryScreen(f"Minutes for {title.strip()}", initial),
                lambda value: with_minutes(title, value),
            )

        def with_title(title: str | None) -> None:
            if title is None or not title.strip():
                return
            ask_minutes(title, "15")

        self.app.push_screen(TextEntryScreen(f"New stage after {after.title} — its name", ""), with_title)

    def action_save_template(self) -> None:
        """Keep this agenda under a name, to choose it when creating the next workshop."""
        from screens.dialogs import ConfirmScreen, TextEntryScreen

        session = self.session
        library = self.workshop_app.library

        def save(name: str) -> None:
            try:
                library.save_template(name, session.agenda.templates())
            except SessionError as error:
                self.workshop_app.show_error(error)
                return
            self.notify(f"Agenda saved as the template “{name}”.", title="Saved", markup=False)
            # A read-only window can still save the template; only the minutes miss the line.
            with contextlib.suppress(SessionError):
                session.log("template.saved", f"Agenda saved as the template “{name}”")

        def named(value: str | None) -> None:
            name = (value or "").strip()
            if not name:
                return
            if name in library.templates() and name not in catalogue.BUILTIN_TEMPLATES:
                self.app.push_screen(
                    ConfirmScreen(
                        f"There is already a template called “{name}”. Replace it?", safe_default=True
                    ),
                    lambda ok: save(name) if ok else None,
                )
                return
            save(name)

        self.app.push_screen(
            TextEntryScreen("Save this agenda as a template named", session.workshop.title), named
        )

    # --- run, back ---------------------------------------------------------------------------------------------

    def action_run(self) -> None:
        """Start (or resume) the workshop at its current stage."""
        self._save_focused_detail()
        self.navigator.stage()

    def action_back(self) -> None:
        """Back where set-up was opened from: the screen below, or home."""
        if not self.is_active:
            return  # a key typed ahead, handled after this screen had already closed
        self._save_focused_detail()
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.navigator.home()
