"""The home screen: the workshops in the data folder, newest first, and the keys to open, create or tidy them.

It is the first thing the facilitator sees, often already on the projector, so it stays plain: one table, one
line of help, and the demo one key away for a first look at the app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from facilitation.text import clean_line
from screens.base import WorkshopScreenMixin
from screens.widgets.key_bar import KeyBar
from screens.widgets.text_field import TextField
from workshop.session import DamagedWorkshopError, SessionError, WorkshopSummary

EMPTY_MESSAGE = "No workshops yet — press n to create one, or w for the demo."


COLUMNS = {
    "title": "Workshop",
    "organisation": "Organisation",
    "date": "Date",
    "stage": "Stage reached",
    "notes": "Notes",
}
WIDE = 110
"""From this many columns the table sizes itself to its content."""


def column_widths(width: int) -> dict[str, int]:
    """Fixed widths that fit ``width`` terminal columns (none when there is room for everything)."""
    if width >= WIDE:
        return {}
    fixed = {"date": 10, "stage": 15, "notes": 5}
    spare = width - sum(fixed.values()) - 2 * len(COLUMNS) - 2
    title = max(12, spare * 3 // 5)
    return {**fixed, "title": title, "organisation": max(8, spare - title)}


class WorkshopTable(DataTable[Any]):
    """The list of workshops; enter opens the highlighted one (shown in the footer, unlike DataTable's)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "select_cursor", "Open", show=True, tooltip="Open or resume the highlighted workshop"
        ),
    ]


class HomeScreen(WorkshopScreenMixin, Screen[None]):
    """The workshops in the data folder, and what to do with them."""

    DEFAULT_CSS = (Path(__file__).parent / "home.tcss").read_text(encoding="utf-8")
    """Textual 8.2.8 does not load ``CSS_PATH`` for the app's default screen (only for pushed ones)."""
    AUTO_FOCUS = "#workshops"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open", "Open", show=False, tooltip="Open or resume the highlighted workshop"),
        Binding("n", "new", "New", tooltip="Create a new workshop"),
        Binding(
            "e",
            "setup",
            "Set-up",
            tooltip="Edit the details, participants and agenda of the highlighted workshop",
        ),
        Binding(
            "c",
            "duplicate",
            "Copy",
            tooltip="Copy the highlighted workshop (details, participants, agenda; not the notes)",
        ),
        Binding("d,delete", "delete", "Delete", tooltip="Delete the highlighted workshop (asks first)"),
        Binding("w,f2", "demo", "Demo", tooltip="Open a fresh demo workshop, half-way through"),
        Binding(
            "slash",
            "filter",
            "Filter",
            show=False,  # the footer is full at 80 columns: the line above the list says it instead
            key_display="/",
            tooltip="Show only the workshops whose title, organisation, facilitator, date or stage match",
        ),
        Binding("escape", "clear_filter", "Clear filter", show=False, tooltip="Show every workshop again"),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Re-read the workshops in the data folder"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._summaries: dict[str, WorkshopSummary] = {}
        self._search = ""
        """The filter's text: the list shows the workshops that match it (all of them when empty)."""
        self._widths: dict[str, int] | None = None
        """The column widths the table was last filled with (``column_widths``)."""
        self._resumed = False
        """Whether the screen has resumed since it mounted (the first resume follows the mount at once)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="home-intro")
        yield TextField(
            placeholder="Filter: words from a title, organisation, facilitator, date or stage",
            id="home-filter",
        )
        yield WorkshopTable(id="workshops", cursor_type="row", zebra_stripes=True)
        yield Static(EMPTY_MESSAGE, id="home-empty")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Workshops"
        # the workshop just left (h) is highlighted, so Enter reopens it, as the stage's h promises; the list is
        # newest first, and the cursor stayed on its first row, another workshop
        app = self.workshop_app
        self.refresh_workshops(select=app.session.workshop.id if app.session is not None else app.last_workshop_id)

    def on_screen_resume(self) -> None:
        """Back from set-up or a dialog: a workshop may have been created, renamed or removed meanwhile. The
        first resume comes straight after ``on_mount`` read them: nothing to read again."""
        if self._resumed:
            self.refresh_workshops()
        self._resumed = True

    # --- the list ------------------------------------------------------------------------------------

    def refresh_workshops(self, select: str | None = None) -> None:
        """Re-read the data folder; keep the cursor on the same workshop (or on ``select``)."""
        table = self.query_one("#workshops", WorkshopTable)
        keep = select or self.selected_id()
        try:
            app = self.workshop_app
            summaries = app.library.list(self._search or None, live=app.session)
        except SessionError as error:
            self.workshop_app.show_error(error)
            summaries = []
        self._summaries = {s.id: s for s in summaries}
        self._draw(keep)
        empty = not summaries
        table.display = not empty
        message = self.query_one("#home-empty", Static)
        message.display = empty
        message.update(
            f"No workshop matches “{self._search}” — press escape to see them all."
            if self._search
            else EMPTY_MESSAGE
        )
        count = len(summaries)
        where = self.workshop_app.library.data_dir
        noun = f"{count} workshop{'s' if count != 1 else ''}"
        self.query_one("#home-intro", Static).update(
            Text.assemble(
                (noun, "bold"), f" match{'es' if count == 1 else ''} “{self._search}”", " · escape shows all"
            )
            if self._search
            else Text.assemble((noun, "bold"), f" in {where} · / filters" if count else "")
        )
        if not empty and self.is_current and not self.query_one("#home-filter", Input).has_focus:
            table.focus()

    def on_resize(self) -> None:
        """Fill the table again only when the new width needs other column widths (a resize that keeps them,
        such as the screen's first, changes nothing in it)."""
        if column_widths(self.size.width) != self._widths:
            self._draw(self.selected_id())

    def _draw(self, keep: str | None) -> None:
        """Fill the table from the last reading; on a narrow terminal the long columns get fixed widths."""
        table = self.query_one("#workshops", WorkshopTable)
        table.clear(columns=True)
        widths = self._widths = column_widths(self.size.width)
        for key, label in COLUMNS.items():
            table.add_column(label, key=key, width=widths.get(key))
        for summary in self._summaries.values():
            table.add_row(*self._row(summary), key=summary.id)
        if keep in self._summaries:
            table.move_cursor(row=table.get_row_index(keep))

    @staticmethod
    def _row(summary: WorkshopSummary) -> tuple[Text, ...]:
        if summary.error:
            return (
                Text(f"⚠ {summary.id}", style="bold red"),
                Text("damaged file", style="red"),
                Text(""),
                Text(clean_line(summary.error), style="red", overflow="ellipsis", no_wrap=True),
                Text(""),
            )
        return (
            # one clean line each (facilitation.text.clean_line): an imported file's title may hold a newline, a
            # tab, an escape sequence or a right-to-left override left open (the library's index keeps titles as
            # a workshop saved before 749a30b left them), which shifted the row or the rows after it
            Text(clean_line(summary.title), overflow="ellipsis", no_wrap=True),
            Text(clean_line(summary.organisation), overflow="ellipsis", no_wrap=True),
            Text(clean_line(summary.date), overflow="ellipsis", no_wrap=True),
            Text(clean_line(summary.stage_reached), overflow="ellipsis", no_wrap=True),
            Text(str(summary.notes), justify="right"),
        )

    def selected_id(self) -> str | None:
        """The id of the highlighted workshop, or None when the list is empty."""
        table = self.query_one("#workshops", WorkshopTable)
        if not self._summaries or table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def _selected(self) -> WorkshopSummary | None:
        workshop_id = self.selected_id()
        if workshop_id is None:
            self.notify("There is no workshop to choose: press n to create one, or w for the demo.")
            return None
        return self._summaries[workshop_id]

    def _is_open(self, workshop_id: str) -> bool:
        session = self.workshop_app.session
        return session is not None and session.workshop.id == workshop_id

    # --- actions -------------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#workshops")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        """Open (or resume) the highlighted workshop at the stage it reached."""
        summary = self._selected()
        if summary is None:
            return
        if self._is_open(summary.id):
            self.navigator.stage()
            return
        self.workshop_app.open_workshop(summary.id)

    def action_setup(self) -> None:
        """Open the highlighted workshop on its set-up screen (details, participants, agenda)."""
        summary = self._selected()
        if summary is None:
            return
        app = self.workshop_app
        if not self._is_open(summary.id):
            # Not app.open_workshop: it shows the stage screen, which would be replaced before it mounted.
            try:
                session = app.library.open(summary.id)
            except DamagedWorkshopError:
                app.open_workshop(summary.id)  # the app's answer to a damaged file: offer its backups
                return
            except SessionError as error:
                app.show_error(error)
                return
            app.close_session()
            app.session = session
            if session.read_only:
                app.notify(session.read_only_reason, title="Read-only", severity="warning", timeout=10)
        self.navigator.setup()

    def action_new(self) -> None:
        self.navigator.new_workshop()

    def action_demo(self) -> None:
        """Create a fresh demo workshop, half-way through, and show it."""
        try:
            session = self.workshop_app.library.demo()
        except SessionError as error:
            self.workshop_app.show_error(error)
            return
        self.workshop_app.use_session(session)

    def action_refresh(self) -> None:
        self.refresh_workshops()

    # --- the filter ----------------------------------------------------------------------------------

    def action_filter(self) -> None:
        """Show the filter field and type into it; the list narrows as you type (from the library index)."""
        field = self.query_one("#home-filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#home-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._search = event.value.strip()
        self.refresh_workshops()

    @on(Input.Submitted, "#home-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        """Enter: keep the filter and go to the list, to open one with enter."""
        event.stop()
        table = self.query_one("#workshops", WorkshopTable)
        if table.display:
            table.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#home-filter", Input)
        if not field.display and not self._search:
            return
        field.value = ""
        field.display = False
        self._search = ""
        self.refresh_workshops()
        self.query_one("#workshops", WorkshopTable).focus()

    def action_duplicate(self) -> None:
        """Copy details, participants and agenda (not the notes): for running the same workshop again."""
        from screens.dialogs import TextEntryScreen

        summary = self._selected()
        if summary is None:
            return
        if summary.error:
            self.workshop_app.show_error("A damaged workshop cannot be copied: open it to restore a backup.")
            return

        def copy_as(title: str | None) -> None:
            if title is None:
                return
            try:
                new_id = self.workshop_app.library.duplicate(summary.id, title.strip() or None)
            except SessionError as error:
                self.workshop_app.show_error(error)
                return
            self.refresh_workshops(select=new_id)
            self.notify(f"Copied as “{self._summaries[new_id].title}”.", markup=False)

        self.workshop_app.push_screen(
            TextEntryScreen("Title of the copy", f"{summary.title} (copy)"), copy_as
        )

    def action_delete(self) -> None:
        """Delete the highlighted workshop after a confirmation that names it."""
        from screens.dialogs import ConfirmScreen

        summary = self._selected()
        if summary is None:
            return
        what = f"the damaged file “{summary.id}”" if summary.error else f"“{summary.title}”"
        question = (
            f"Delete {what}? It goes to the trash in the data folder with its notes, votes and actions; "
            f"`workshop restore {summary.id}` brings it back within 30 days."
        )

        def delete(confirmed: bool | None) -> None:
            if not confirmed:
                return
            if self._is_open(summary.id):
                self.workshop_app.close_session()
            try:
                self.workshop_app.library.delete(summary.id)
            except SessionError as error:
                self.workshop_app.show_error(error)
                return
            self.refresh_workshops()
            self.notify(f"Moved {what} to the trash (workshop restore {summary.id}).", markup=False)

        self.workshop_app.push_screen(ConfirmScreen(question, safe_default=True), delete)
