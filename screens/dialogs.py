"""Small modal dialogs shared by every screen: confirm, enter text, choose one of a list, restore a backup.

Each is a ``ModalScreen`` that returns its answer through ``dismiss`` (``push_screen(dialog, callback)``), never
touches the session itself (except ``BackupsScreen``, which is the app's answer to a damaged file), and closes
with ``escape``. Keys are shown on the dialog so a facilitator never has to guess.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from screens.base import DismissOnce
from screens.internals import FramesOnDemand, QuietFirstResume, SettledResize, TextAreaBlinkForAWhile
from screens.widgets.text_field import TextField
from workshop.session import SessionError

if TYPE_CHECKING:
    from screens.base import WorkshopAppAPI
    from workshop.session import BackupInfo, DamagedWorkshopError

DIALOG_CSS = """
{name} {{
    align: center middle;
    & > #dialog {{
        width: 80%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        padding: 1 2;
        border: thick $primary;
        background: $surface;
    }}
    #dialog-title {{ text-style: bold; width: 1fr; margin-bottom: 1; }}
    #dialog-hint {{ margin-top: 1; width: 1fr; }}
    #dialog-buttons {{ height: auto; margin-top: 1; align-horizontal: right; }}
    #dialog-buttons Button {{ margin-left: 2; }}
}}
"""


class ConfirmScreen(FramesOnDemand, QuietFirstResume, SettledResize, DismissOnce, ModalScreen[bool]):
    """Ask a yes/no question: ``y`` is yes, ``n`` or escape is no, Enter presses the focused button.

    Only a deliberate answer says yes. Any other printable key answers no, with a notice: a facilitator who
    typed on, not seeing that the note field had lost the focus, must not confirm with the first "y" in a
    word ("ready"). A question about something that cannot be undone (restart a timer, finish a stage, delete)
    passes ``safe_default=True``: "No" has the focus, so Enter alone leaves things as they are.
    """

    DEFAULT_CSS: ClassVar[str] = DIALOG_CSS.format(name="ConfirmScreen")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,Y", "answer(True)", "Yes"),
        Binding("n,N,escape", "answer(False)", "No"),
    ]
    ANSWER_KEYS: ClassVar[frozenset[str]] = frozenset({"y", "Y", "n", "N"})

    def __init__(
        self, question: str, *, yes: str = "Yes", no: str = "No", safe_default: bool = False
    ) -> None:
        super().__init__()
        self.question = question
        self._yes, self._no = yes, no
        self.safe_default = safe_default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content(self.question), id="dialog-title")
            with Horizontal(id="dialog-buttons"):
                yield Button(f"{self._yes} (y)", id="yes", variant="primary")
                yield Button(f"{self._no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no" if self.safe_default else "#yes", Button).focus()

    def on_key(self, event: events.Key) -> None:
        """A printable key that is not an answer answers no (see the class docstring)."""
        if event.is_printable and event.key not in self.ANSWER_KEYS:
            event.stop()
            event.prevent_default()
            if self.is_active:
                self.app.notify(
                    f"Not done: “{event.character}” is not an answer (y is yes, n is no).",
                    title="Cancelled",
                    severity="warning",
                    timeout=6,
                    markup=False,
                )
            self.dismiss(False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class TextEditor(TextAreaBlinkForAWhile, TextArea):
    """Textual's ``TextArea`` whose cursor stops blinking a while after the last key
    (``screens.internals.TextAreaBlinkForAWhile``). Styled and queried as a ``TextArea``."""


class TextEntryScreen(FramesOnDemand, QuietFirstResume, SettledResize, DismissOnce, ModalScreen[str | None]):
    """Type or edit a text; one line (enter saves) or several (a text area; ctrl+s saves). ``None`` = cancelled.

    The text comes back as typed: checking it (empty, too long) is the session's job, so the message the
    facilitator sees is the same wherever the text was entered.
    """

    DEFAULT_CSS: ClassVar[str] = (
        DIALOG_CSS.format(name="TextEntryScreen")
        + """
    TextEntryScreen.-multiline > #dialog { height: 90%; max-height: 30; }
    TextEntryScreen TextArea { height: 1fr; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self, title: str, initial: str = "", multiline: bool = False, *, placeholder: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.initial = initial
        self.multiline = multiline
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        self.set_class(self.multiline, "-multiline")
        with Vertical(id="dialog"):
            yield Label(Content(self.title_text), id="dialog-title")
            if self.multiline:
                yield TextEditor(self.initial, id="entry-text", soft_wrap=True, placeholder=self.placeholder)
                hint = "Enter starts a new line · ctrl+s saves · escape cancels"
            else:
                yield TextField(self.initial, id="entry-line", placeholder=self.placeholder)
                hint = "Enter or ctrl+s saves · escape cancels"
            yield Label(hint, id="dialog-hint")

    def on_mount(self) -> None:
        if self.multiline:
            area = self.query_one(TextArea)
            area.focus()
            area.move_cursor(area.document.end)
        else:
            self.query_one(Input).focus()

    @property
    def value(self) -> str:
        if self.multiline:
            return self.query_one(TextArea).text
        return self.query_one(Input).value

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_save(self) -> None:
        self.dismiss(self.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChooseScreen(FramesOnDemand, QuietFirstResume, SettledResize, DismissOnce, ModalScreen[Any]):
    """Pick one of ``options`` (label, value); returns the value, or ``None`` on escape."""

    DEFAULT_CSS: ClassVar[str] = (
        DIALOG_CSS.format(name="ChooseScreen")
        + """
    ChooseScreen OptionList { height: auto; max-height: 20; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, title: str, options: list[tuple[str, Any]], *, hint: str = "", highlighted: int = 0
    ) -> None:
        super().__init__()
        self.first_highlighted = highlighted
        """The option highlighted at first (the current value, say)."""
        self.title_text = title
        self.choices = list(options)
        self.hint = hint or "↑/↓ to move · Enter chooses · escape cancels"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Content(self.title_text), id="dialog-title")
            yield OptionList(
                *(Option(Content(label), id=f"c{i}") for i, (label, _) in enumerate(self.choices)),
                id="choices",
                markup=False,
            )
            yield Label(self.hint, id="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        if options.option_count:
            options.highlighted = min(max(self.first_highlighted, 0), options.option_count - 1)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index][1])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChooseWhileTypingScreen(ChooseScreen):
    """A question that pops up while the facilitator may still be typing (``Name:`` fits several people).

    Opens on option ``keep`` (the choice that changes nothing the facilitator did not ask for), and any printable
    key answers it and goes on to ``typed_on`` (the field they were typing in): typing on without looking loses
    nothing and decides nothing wrongly. Arrows and Enter choose; escape returns ``None``.
    """

    PASSES_TYPING_ON: ClassVar[bool] = True
    """``?`` is text typed on here, not the help (``WorkshopApp.action_help_unless_typing``); F1 is the help."""

    def __init__(
        self,
        title: str,
        options: list[tuple[str, Any]],
        *,
        keep: int,
        typed_on: Callable[[str], None],
        what: str = "keeps it as it is",
        escape: str = "cancels",
    ) -> None:
        super().__init__(
            title, options, highlighted=keep, hint=f"↑/↓ · Enter chooses · typing on {what} · escape {escape}"
        )
        self.keep = keep
        self.typed_on = typed_on

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            self.dismiss(self.choices[self.keep][1])
            self.typed_on(event.character)


class BackupsScreen(FramesOnDemand, QuietFirstResume, SettledResize, DismissOnce, ModalScreen[None]):
    """A workshop file that cannot be read: say so, and offer the backups the store kept.

    Choosing one restores it (the damaged file is kept aside by the store) and opens the workshop; escape goes
    back to the home screen.
    """

    DEFAULT_CSS: ClassVar[str] = (
        DIALOG_CSS.format(name="BackupsScreen")
        + """
    BackupsScreen #dialog { border: thick $error; }
    BackupsScreen OptionList { height: auto; max-height: 14; }
    BackupsScreen #damaged-message { margin-bottom: 1; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back to the workshops")]

    def __init__(self, error: DamagedWorkshopError) -> None:
        super().__init__()
        self.error = error

    def compose(self) -> ComposeResult:
        backups = self.error.backups
        with Vertical(id="dialog"):
            yield Label("This workshop file cannot be read", id="dialog-title")
            yield Static(Content(str(self.error)), id="damaged-message")
            if backups:
                yield Label("Restore one of its backups (the damaged file is kept aside, not deleted):")
                yield OptionList(
                    *(
                        Option(Content(b.label), id=f"b{i}", disabled=not b.readable)
                        for i, b in enumerate(backups)
                    ),
                    id="backups",
                    markup=False,
                )
                hint = "↑/↓ to move · Enter restores that backup and opens the workshop · escape goes back"
            else:
                yield Label("No backups of this workshop were found.")
                hint = "escape goes back to the workshops"
            yield Label(hint, id="dialog-hint")

    def on_mount(self) -> None:
        for options in self.query(OptionList):
            options.focus()
            readable = [i for i, b in enumerate(self.error.backups) if b.readable]
            if readable:
                options.highlighted = readable[0]

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.restore(self.error.backups[event.option_index])

    def restore(self, backup: BackupInfo) -> None:
        """Put ``backup`` in place of the damaged file, then open the workshop."""
        app = cast("WorkshopAppAPI", self.app)
        try:
            app.library.restore_backup(self.error.workshop_id, backup)
        except SessionError as error:
            app.show_error(error)
            return
        self.dismiss(None)
        app.notify(f"Restored {backup.path.name}.", title="Backup restored", markup=False)
        app.open_workshop(self.error.workshop_id)

    def action_back(self) -> None:
        app = cast("WorkshopAppAPI", self.app)
        self.dismiss(None)
        app.navigator.home()
