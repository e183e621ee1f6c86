"""What the two set-up screens share: the layout (details, participants, agenda), its key-bound lists, and drawing.

``NewWorkshopScreen`` (``screens.setup.draft``) fills this form for a workshop that does not exist yet;
``SetupScreen`` (``screens.setup.live``) edits the open workshop through its session. Each screen says what its
keys do; this module only lays out and draws what it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from facilitation.entry import EntryError, parse_minutes
from facilitation.schedule import format_duration
from screens.base import WorkshopScreenMixin
from screens.widgets.text_field import TextField
from workshop.session import MAX_STAGE_MINUTES

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


AgendaRow = tuple[str, str, int, bool, str]
"""(row key, stage title, minutes, skipped, state shown beside it) of one agenda line."""


class SetupForm(WorkshopScreenMixin, Screen[None]):
    """The set-up layout: details on the left with the participants, the agenda on the right.

    A screen built on it adds its own pieces through ``compose_details_extra``, ``compose_participants_extra``
    and ``compose_agenda_extra``, and fills the lists with ``draw_participants`` and ``draw_agenda``.
    """

    CSS_PATH = "setup.tcss"
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to where set-up was opened from"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="setup-body"):
            with Vertical(id="setup-left"):
                yield Static("Workshop", classes="section-title")
                for name in DETAIL_FIELDS:
                    with Horizontal(classes="field"):
                        yield Label(FIELD_LABELS[name], classes="field-label")
                        placeholder = "YYYY-MM-DD" if name == "date" else ""
                        yield TextField(id=name, compact=True, placeholder=placeholder)
                yield from self.compose_details_extra()
                yield Static("Participants", id="participants-title", classes="section-title")
                yield ParticipantList(id="participants")
                yield Static(PARTICIPANT_KEYS, classes="hint")
                yield from self.compose_participants_extra()
            with Vertical(id="setup-right"):
                yield Static("Agenda", id="agenda-title", classes="section-title")
                table = AgendaTable(id="agenda", cursor_type="row", zebra_stripes=True)
                table.add_column("#", key="n")
                table.add_column("Stage", key="stage")
                table.add_column("Min", key="minutes")
                table.add_column("", key="state")
                yield table
                yield Static("", id="agenda-total")
                yield from self.compose_agenda_extra()
        yield Footer()

    def compose_details_extra(self) -> ComposeResult:
        """Widgets under the detail fields (none by default)."""
        yield from ()

    def compose_participants_extra(self) -> ComposeResult:
        """Widgets under the participants (none by default)."""
        yield from ()

    def compose_agenda_extra(self) -> ComposeResult:
        """Widgets under the agenda's total (none by default)."""
        yield from ()

    # --- drawing --------------------------------------------------------------------------------------------

    def detail_values(self) -> dict[str, str]:
        """The detail fields as typed, stripped, by field name."""
        return {name: self.query_one(f"#{name}", Input).value.strip() for name in DETAIL_FIELDS}

    def draw_participants(self, people: Iterable[tuple[str, str]], highlight: int | None = None) -> None:
        """Show ``people`` ((option id, name) pairs) and their count; keep the highlighted row, or highlight
        row ``highlight`` (a number past the end highlights the last)."""
        plist = self.query_one("#participants", ParticipantList)
        keep = plist.highlighted if highlight is None else highlight
        plist.clear_options()
        plist.add_options(Option(name, id=option_id) for option_id, name in people)
        count = plist.option_count
        if count:
            plist.highlighted = min(keep or 0, count - 1)
        self.query_one("#participants-title", Static).update(
            f"Participants ({count})" if count else "Participants — none yet"
        )

    def highlighted_participant(self) -> tuple[int, str] | None:
        """(index in the list, name) of the highlighted participant; None, with a hint, when there is none."""
        plist = self.query_one("#participants", ParticipantList)
        index = plist.highlighted
        if index is None or plist.option_count == 0:
            self.notify("There is no participant yet: press a to add some.")
            return None
        return index, str(plist.get_option_at_index(index).prompt)

    def draw_agenda(self, rows: Sequence[AgendaRow], title: str | Text, select: str | None = None) -> None:
        """Show the agenda ``rows`` under ``title``, numbered without the skipped ones, and the planned total;
        the row keyed ``select`` (else the one highlighted before) stays highlighted."""
        table = self.query_one("#agenda", AgendaTable)
        keep = select if select is not None else self.selected_key()
        table.clear()
        self.query_one("#agenda-title", Static).update(title)
        number = 0
        for key, stage_title, minutes, skipped, state in rows:
            style = "dim" if skipped else ""
            if not skipped:
                number += 1
            table.add_row(
                Text("" if skipped else str(number), justify="right"),
                Text(stage_title, style=style, overflow="ellipsis", no_wrap=True),
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

    def selected_key(self) -> str | None:
        """The key of the highlighted agenda row, or None when the agenda is empty."""
        table = self.query_one("#agenda", AgendaTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value


def typed_minutes(value: str, what: str) -> int | str:
    """A stage's typed length (``entry.parse_minutes``: ``45``, ``1h30``, ``1:30``, any script's digits), or the
    refusal to show."""
    try:
        return parse_minutes(value, what, high=MAX_STAGE_MINUTES)
    except EntryError as error:
        return str(error)
