"""The export dialog: which formats, which folder, whether to overwrite; then the files, written in the background.

The files are written by ``app.exporter`` (``exports.export_workshop``, injected by the CLI so the screens never
import the exporters) from a copy of the workshop, in a thread worker, so the screen stays live while Word
files are built. The worker touches no widget: it hands its outcome back with ``app.call_from_thread``.

Folders: the default is ``~/Documents/<workshop id>`` when ``~/Documents`` exists, else ``<workshop id>`` in the
folder the app was started from; it is created when missing. A typed folder is created too when its parent
exists; a typed folder whose parent is missing is refused with a message, since that is usually a typo.
"""

from __future__ import annotations

import contextlib
import copy
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from facilitation import text
from facilitation.export_formats import EXPORT_FORMATS
from facilitation.models import Workshop
from screens.base import WorkshopScreenMixin
from screens.dialogs import DIALOG_CSS, ConfirmScreen
from screens.widgets.text_field import TextField
from screens.widgets.ticks import TickBox
from workshop.session import SessionError

if TYPE_CHECKING:
    from screens.base import WorkshopAppAPI

FORMATS: tuple[tuple[str, str], ...] = tuple((fmt.key, fmt.label) for fmt in EXPORT_FORMATS)
UNTICKED = tuple(fmt.key for fmt in EXPORT_FORMATS if not fmt.ticked)
"""Formats not ticked when the dialog opens: a PDF needs LibreOffice and takes a few seconds."""


def libreoffice_found() -> bool:
    """Whether LibreOffice's ``soffice`` is on the PATH (the PDF export says how to get it when it is not)."""
    return bool(shutil.which("soffice") or shutil.which("libreoffice"))


def default_export_folder(workshop_id: str) -> Path:
    """``~/Documents/<id>`` when there is a Documents folder, else ``<id>`` in the current folder."""
    documents = Path.home() / "Documents"
    return (documents if documents.is_dir() else Path.cwd()) / workshop_id


def shown_path(path: Path) -> str:
    """A path as the facilitator would type it: ``~/…`` under the home folder."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


class ExportProblem(Exception):
    """A folder the export cannot use, worded for the facilitator."""


def prepare_folder(folder: Path, *, create_parents: bool) -> bool:
    """Make sure ``folder`` exists; returns whether it was created here (so a failed export can remove it)."""
    if folder.is_dir():
        return False
    if folder.exists():
        raise ExportProblem(f"{folder} is a file, not a folder: choose another folder.")
    if not create_parents and not folder.parent.is_dir():
        raise ExportProblem(
            f"The folder {folder.parent} does not exist, so {folder.name} cannot be made in it: "
            "check the spelling, or create it first."
        )
    try:
        folder.mkdir(parents=create_parents)
    except PermissionError:
        raise ExportProblem(f"Cannot create {folder}: its folder is read-only.") from None
    except OSError as error:
        raise ExportProblem(f"Cannot create {folder}: {error.strerror or error}") from None
    return True


def missing_details(workshop: Workshop) -> str:
    """``2 actions have no owner and 1 has no due date``, or empty when every action has both."""
    actions = workshop.ordered_actions()
    no_owner = sum(1 for a in actions if not a.owner.strip())
    no_due = sum(1 for a in actions if not a.due)

    def have(count: int) -> str:
        return "has" if count == 1 else "have"

    parts = []
    if no_owner:
        parts.append(f"{text.plural(no_owner, 'action')} {have(no_owner)} no owner")
    if no_due:
        counted = str(no_due) if no_owner else text.plural(no_due, "action")
        parts.append(f"{counted} {have(no_due)} no due date")
    return " and ".join(parts)


@dataclass(frozen=True)
class ExportOutcome:
    """What the worker hands back: the files written, or the message saying why none were."""

    folder: Path
    paths: tuple[Path, ...] = ()
    error: str = ""


class ExportScreen(WorkshopScreenMixin, ModalScreen[None]):
    """Choose formats, folder and overwrite, then export in the background; closes when the files are written."""

    DEFAULT_CSS: ClassVar[str] = (
        DIALOG_CSS.format(name="ExportScreen")
        + """
    ExportScreen {
        & > #dialog { max-width: 90; max-height: 100%; padding: 0 2; overflow-y: auto; }
        #dialog-title { margin: 1 0 0 0; }
        .section { text-style: bold; margin-top: 1; }
        TickBox { border: none; padding: 0; background: $surface; }
        TickBox:focus { background: $primary 25%; }
        TickBox:focus > .toggle--label { background: transparent; }
        #folder:focus { background: $primary 25%; }
        #folder-hint { width: 1fr; height: auto; }
        #overwrite { margin-top: 1; }
        #missing { width: 1fr; height: auto; margin-top: 1; color: $warning; text-style: bold; }
        #export-message { width: 1fr; height: auto; margin-top: 1; text-style: bold; }
        #export-message.-error { color: $error; }
        #dialog-buttons { margin-bottom: 1; }
        #dialog-buttons Button { min-width: 14; }
    }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "export", "Export", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._default_folder: Path | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        session = self.workshop_app.session
        workshop_id = session.workshop.id if session else "workshop"
        title = session.workshop.title if session else ""
        self._default_folder = default_export_folder(workshop_id)
        with Vertical(id="dialog"):
            yield Label(Content.assemble("Export “", (title, "bold"), "” · space ticks"), id="dialog-title")
            for fmt, label in FORMATS:
                if fmt == "pdf" and not libreoffice_found():
                    # short enough to read whole in the dialog at 80x24 (it was cut: "…, not found o")
                    label = "PDF (.pdf): needs LibreOffice, not installed here"
                yield TickBox(label, fmt not in UNTICKED, id=f"format-{fmt}", compact=True)
            yield Label("Folder (created if missing)", classes="section")
            yield TextField(shown_path(self._default_folder), id="folder", compact=True)
            yield Static(
                Content(
                    f"Default: ~/Documents/{workshop_id} if ~/Documents exists, "
                    f"else {workshop_id} in the folder the app was started from."
                ),
                id="folder-hint",
            )
            yield TickBox("Overwrite files that already exist", False, id="overwrite", compact=True)
            yield Static("", id="missing")
            yield Static("", id="export-message")
            with Horizontal(id="dialog-buttons"):
                yield Button("Export (ctrl+s)", id="export", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        session = self.workshop_app.session
        missing = missing_details(session.workshop) if session else ""
        warning = self.query_one("#missing", Static)
        warning.update(Content(f"⚠ {missing}: you will be asked before exporting." if missing else ""))
        warning.display = bool(missing)
        self.query_one("#export-message").display = False
        self.query_one("#folder", Input).focus()

    # --- reading the form ------------------------------------------------------------------------------

    @property
    def formats(self) -> list[str]:
        return [fmt for fmt, _ in FORMATS if self.query_one(f"#format-{fmt}", Checkbox).value]

    @property
    def folder(self) -> Path | None:
        typed = self.query_one("#folder", Input).value.strip()
        return (Path.cwd() / Path(typed).expanduser()) if typed else None

    def _show(self, message: str, *, error: bool = False) -> None:
        shown = self.query_one("#export-message", Static)
        shown.update(Content(message))
        shown.set_class(error, "-error")
        shown.display = bool(message)

    # --- exporting -------------------------------------------------------------------------------------

    @on(Input.Submitted, "#folder")
    def _folder_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    @on(Button.Pressed, "#export")
    def _export_pressed(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_export(self) -> None:
        """Check the form, ask about actions without an owner or date, then export."""
        app = self.workshop_app
        if self._busy:
            return
        if app.session is None:
            self.dismiss(None)
            return
        if app.exporter is None:
            self._show("Export is not available in this build.", error=True)
            return
        if not self.formats:
            self._show("Tick at least one format (tab to it, then space).", error=True)
            return
        if self.folder is None:
            self._show("Type the folder to export to.", error=True)
            return
        missing = missing_details(app.session.workshop)
        if missing:
            question = f"{missing}. Export anyway, or go back and fill them in first?"

            def answered(yes: bool | None) -> None:
                if yes:
                    self._start()

            app.push_screen(ConfirmScreen(question, yes="Export anyway", no="Not yet"), answered)
            return
        self._start()

    def _start(self) -> None:
        app = self.workshop_app
        folder = self.folder
        if app.session is None or folder is None:
            return
        self._busy = True
        self.query_one("#export", Button).disabled = True
        self._show(f"Exporting to {shown_path(folder)} …")
        force = self.query_one("#overwrite", Checkbox).value
        create_parents = folder == self._default_folder
        self._export(app, copy.deepcopy(app.session.workshop), self.formats, folder, force, create_parents)

    @work(thread=True, exclusive=True, group="export")
    def _export(
        self,
        app: WorkshopAppAPI,
        workshop: Workshop,
        formats: list[str],
        folder: Path,
        force: bool,
        create_parents: bool,
    ) -> None:
        """Runs in a thread: files only, no widgets; the outcome goes back through ``call_from_thread``."""
        exporter = app.exporter
        assert exporter is not None
        created = False
        try:
            created = prepare_folder(folder, create_parents=create_parents)
            paths = exporter(workshop, formats, folder, force=force)
        except ExportProblem as problem:
            outcome = ExportOutcome(folder, error=str(problem))
        except OSError as error:
            outcome = ExportOutcome(folder, error=f"Could not write to {folder}: {error.strerror or error}")
        except ValueError as error:
            outcome = ExportOutcome(folder, error=str(error))
        else:
            outcome = ExportOutcome(folder, tuple(paths))
        if outcome.error and created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: never leave behind a folder this export made for nothing
        app.call_from_thread(self._finished, app, outcome)

    def _finished(self, app: WorkshopAppAPI, outcome: ExportOutcome) -> None:
        """Back on the UI thread: say what was written (or why not), log it, close on success."""
        self._busy = False
        if outcome.error:
            message = outcome.error
            if "exists; use --force" in message:
                message = message.replace(
                    "use --force to overwrite", "tick “Overwrite files that already exist”"
                )
            if self.is_attached and app.screen is self:
                # Said in the dialog, where the fix is (a folder, the overwrite box); a toast would cover it.
                self.query_one("#export", Button).disabled = False
                self._show(message, error=True)
                app.bell()
            else:
                app.show_error(message)
            return
        names = ", ".join(path.name for path in outcome.paths)
        where = shown_path(outcome.folder)
        listed = "\n".join(f"• {path.name}" for path in outcome.paths)
        app.notify(
            f"Wrote {text.plural(len(outcome.paths), 'file')} to {where}:\n{listed}",
            title="Exported",
            timeout=12,
            markup=False,
        )
        session = app.session
        if session is not None:
            # A read-only window exports too; only the minutes miss the line.
            with contextlib.suppress(SessionError):
                session.log(
                    "export.written",
                    f"Exported {names} to {where}",
                    data={"folder": str(outcome.folder), "files": [p.name for p in outcome.paths]},
                )
        if self.is_attached and app.screen is self:
            self.dismiss(None)

    def action_cancel(self) -> None:
        if self._busy:
            self.notify("The export carries on; you will be told when the files are written.", timeout=5)
        self.dismiss(None)
