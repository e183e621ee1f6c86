"""Every key of every screen, generated from the screens' ``BINDINGS`` so it can never fall out of date.

The screens come from the app (``screens.navigation.help_screens``): a new screen only needs adding there. The
help opens with the sections that fill its first frame (the app's own keys and the stage's) and adds the others
straight after that frame: listing them means importing every screen module, about 100 ms on the first open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from screens.base import DismissOnce
from screens.internals import FramesOnDemand, QuietFirstResume, SettledResize
from screens.widgets.row_stack import RowStack
from screens.widgets.rows import Cell, Row

KeyedScreens = Sequence[tuple[str, type[DOMNode]]]
"""(heading, screen or widget class) in the order the help lists them; the app gives it (``screens.navigation``
imports the screens, this module imports none)."""

HIDDEN_ACTIONS = {"typing"}
"""Actions bound twice on purpose (the footer's copy of an F-key); the help lists the other copy."""


@dataclass(frozen=True)
class KeyHelp:
    keys: str
    description: str


def own_bindings(cls: type[DOMNode]) -> list[Binding]:
    """Bindings declared by ``cls`` and its bases in this project, not by Textual's own widgets."""
    found: list[BindingType] = []
    for klass in reversed(cls.__mro__):
        if klass.__module__.startswith("screens.") and "BINDINGS" in vars(klass):
            found.extend(vars(klass)["BINDINGS"])
    if not found:
        found = list(getattr(cls, "BINDINGS", []))
    return list(Binding.make_bindings(found))


def describe(bindings: Iterable[Binding], key_display: Any) -> list[KeyHelp]:
    """Bindings grouped by what they do ("space · F5  Start, pause or resume the timer").

    A binding's tooltip is its long description; bindings sharing one (a letter key and its F-key) are one line.
    """
    grouped: dict[str, list[str]] = {}
    order: list[str] = []
    for binding in bindings:
        action = binding.action.split("(", 1)[0]
        if action in HIDDEN_ACTIONS or action in ("app.focus_next", "app.focus_previous"):
            continue
        description = binding.tooltip or binding.description or action.replace("_", " ")
        if description not in grouped:
            grouped[description] = []
            order.append(description)
        shown = key_display(binding)
        if shown not in grouped[description]:
            grouped[description].append(shown)
    return [KeyHelp(" · ".join(grouped[d]), d) for d in order]


def help_sections(app: App[Any], screens: KeyedScreens) -> list[tuple[str, list[KeyHelp]]]:
    """(heading, keys) for each of ``screens``, merging sections that share a heading; the app's own section
    (``app``'s class among ``screens``) also names the command palette's key."""
    sections: dict[str, list[KeyHelp]] = {}
    for heading, cls in screens:
        entries = describe(own_bindings(cls), app.get_key_display)
        if isinstance(app, cls):
            entries.append(KeyHelp(app.get_key_display(Binding(app.COMMAND_PALETTE_BINDING, "")), "Commands"))
        sections.setdefault(heading, []).extend(entries)
    return [(heading, entries) for heading, entries in sections.items() if entries]


def projector_help(app: App[Any]) -> Text:
    """How to put the workshop on a projector: a second terminal running ``workshop present``."""
    session = getattr(app, "session", None)
    workshop_id = session.workshop.id if session is not None else "ID"
    return Text.assemble(
        "Open a second terminal on the projector's screen and run  ",
        (f"workshop present {workshop_id}", "bold"),
        ".\nIt shows the room the stage, its questions, a big countdown, the agenda, the notes as they "
        "arrive and votes once revealed, and follows this window live. It never shows a ballot before the "
        "reveal, who has not voted yet, dialogs or notices; it takes no lock and changes nothing.",
    )


KEYS_WIDTH = 28
"""The keys column is as wide as the section's longest keys, up to this; longer keys are cut with an ellipsis."""


def key_rows(heading: str, entries: list[KeyHelp]) -> RowStack:
    """One section as rows: a blank line and the heading, then keys in one column and what they do in the
    other, long descriptions wrapping under themselves.

    Rows, not Rich tables: Textual measures a Rich table by drawing it, on every layout (the 23 tables were
    drawn 2,344 times to open the help, about 110 ms)."""
    rows = [Row((), Content("")), Row((), Content.styled(heading, "bold underline"))]
    width = min(KEYS_WIDTH, max((Content(entry.keys).cell_length for entry in entries), default=1))
    for entry in entries:
        cells = (Cell(Content(""), 0), Cell(Content.styled(entry.keys, "bold"), width + 1))
        rows.append(Row(cells, Content(entry.description), gap=1))
    return RowStack(rows)


class HelpScreen(FramesOnDemand, QuietFirstResume, SettledResize, DismissOnce, ModalScreen[None]):
    """The key map, grouped by screen, the screen it was opened from first after the app's own keys; escape (or
    ? / F1 / q) closes it. Opaque: a see-through modal screen
    makes Textual draw the stage beneath it and blend every cell of it on each frame."""

    DEFAULT_CSS: ClassVar[str] = """
    HelpScreen {
        align: center middle;
        background: $background;
        & > #help {
            width: 90%;
            max-width: 110;
            height: 90%;
            border: thick $primary;
            background: $surface;
            padding: 0 1;
        }
        #help-title { text-style: bold; width: 1fr; content-align: center middle; }
        .help-heading { text-style: bold underline; margin-top: 1; }
        #help-hint { width: 1fr; text-style: bold; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close help"),
    ]

    def __init__(
        self, screens: KeyedScreens, later: Callable[[], KeyedScreens] | None = None, *, context: str = ""
    ) -> None:
        """``screens``: the sections shown in the first frame; ``later``: every section, in order (those of
        ``screens`` first), added after the first frame; ``None``: ``screens`` is every section. ``context``: the
        heading of the screen the help was opened from (its section follows the app's own), named in the title."""
        super().__init__()
        self.screens = screens
        self.later = later
        self.context = context

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Label(Content(f"Keys: {self.context} first" if self.context else "Keys"), id="help-title")
            with VerticalScroll(id="help-body"):
                # One widget per section: Textual draws only the widgets in view and counts the others' heights.
                for heading, entries in help_sections(self.app, self.screens):
                    yield Static(key_rows(heading, entries), classes="help-keys")
                yield Label("On a projector", classes="help-heading")
                yield Static(projector_help(self.app), id="help-projector")
            yield Label("↑/↓ scroll · escape closes · ctrl+p lists every command", id="help-hint")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
        if self.later is not None:
            # After the first frame, and behind whatever was already waiting for it (keys, callbacks).
            self.call_after_refresh(self.call_later, self._add_later_sections)

    def _add_later_sections(self) -> None:
        """The sections not shown in the first frame, in their place before the projector's; a view scrolled to
        the end meanwhile (End typed ahead) is kept at the end."""
        if self.later is None or not self.is_attached:
            return
        later, self.later = self.later(), None
        shown = len(self.screens)  # ``later`` starts with them (``screens.navigation.first_help_screens``)
        self.screens = later
        sections = [
            Static(key_rows(heading, entries), classes="help-keys")
            for heading, entries in help_sections(self.app, later[shown:])
        ]
        body = self.query_one("#help-body", VerticalScroll)
        # End may still be scrolling there (an animation): where it is going counts, and a new animation to
        # the new end replaces that one.
        animating = body.scroll_target_y != body.scroll_y
        at_end = body.max_scroll_y > 0 and max(body.scroll_y, body.scroll_target_y) >= body.max_scroll_y
        body.mount_all(sections, before=body.query_one(".help-heading"))
        if at_end:
            body.call_after_refresh(body.scroll_end, animate=animating)

    def action_close(self) -> None:
        self.dismiss(None)
