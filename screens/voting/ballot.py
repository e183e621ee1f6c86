"""One participant's private ballot: the keyboard is passed to them, and they see their own dots and nothing else.

Every dot is a ``cast_vote`` or ``retract_vote`` call, durable before the screen shows it; a refusal (no dots
left, the cap, a note deleted or moved since the vote opened) is shown as the session words it and nothing
changes. The only counts read here are ``participant_dots`` for this participant: never the totals, never another
participant's dots. Enter confirms (``submit_ballot``) and hands back to the board, where the ballot is hidden.

Escape never changes whether the ballot is confirmed: it leaves a confirmed ballot confirmed (reopened from the
board to look at it) and an unconfirmed one unconfirmed. Changing a dot of a confirmed ballot un-confirms it (the
screen says so) until Enter confirms it again. Every notice raised here (refusals, "no dot on this note") leaves the
screen when the keyboard is handed back, however the screen is left (``screens.private_notices``).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from facilitation import text, voting
from facilitation.models import Ballot, Note
from screens.base import WorkshopChanged, WorkshopScreenMixin
from screens.dialogs import ConfirmScreen
from screens.private_notices import PrivateScreen
from screens.voting import NOTE_CHARS, closed_notes, note_text
from screens.widgets import KeyBar
from screens.widgets.lazy_list import LazyOptionList
from screens.widgets.rows import Cell, LaterRow, Row
from workshop.session import EXTERNAL_RELOAD, SessionError

if TYPE_CHECKING:
    pass


def dot_slots(mine: int, cap: int) -> str:
    """``●●○``: this participant's dots on a note, and the room left under the cap."""
    return "●" * mine + "○" * max(0, cap - mine)


def _length(note: Note | None) -> int:
    """Characters a note takes on the ballot, for guessing its height before it is drawn."""
    return min(len(note.text), NOTE_CHARS) + 8 if note is not None else 24


class ParticipantBallotScreen(PrivateScreen, WorkshopScreenMixin, Screen[None]):
    """The ballot of ``participant_id`` in ``ballot_id``."""

    CSS_PATH = "ballot.tcss"
    AUTO_FOCUS = "#ballot-notes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "plus,equals_sign,space,right", "add_dot", "Add a dot", tooltip="Put one of your dots on the note"
        ),
        Binding(
            "minus,left,backspace",
            "remove_dot",
            "Take back",
            tooltip="Take one of your dots back from the note",
        ),
        Binding(
            "enter",
            "confirm",
            "Confirm",
            priority=True,
            tooltip="Confirm your ballot and hand the keyboard back",
        ),
        Binding(
            "escape",
            "leave",
            "Leave",
            tooltip="Hand the keyboard back as the ballot is: the dots placed are kept, a confirmed ballot stays confirmed",
        ),
    ]

    def __init__(self, ballot_id: int, participant_id: int) -> None:
        super().__init__()
        self.ballot_id = ballot_id
        self.participant_id = participant_id
        self._drawn: dict[int, int] = {}
        """The voter's dots per note as drawn."""

    @property
    def ballot(self) -> Ballot:
        return self.session.votes.ballot(self.ballot_id)

    @property
    def voter_name(self) -> str:
        return self.session.workshop.participant_name(self.participant_id)

    @property
    def notes_list(self) -> LazyOptionList:
        return self.query_one("#ballot-notes", LazyOptionList)

    def my_dots(self) -> dict[int, int]:
        """This participant's dots per note: the only counts this screen ever reads."""
        return self.session.votes.participant_dots(self.ballot_id, self.participant_id)

    def compose(self) -> ComposeResult:
        yield Static(id="ballot-title")
        yield Static(id="ballot-privacy")
        yield Static(id="ballot-left")
        yield LazyOptionList(id="ballot-notes")
        yield Static(
            "↑/↓ choose a note · + or space adds a dot · - takes one back · Enter confirms · escape leaves",
            id="ballot-hint",
        )
        yield KeyBar()

    def on_mount(self) -> None:
        ballot = self.ballot
        self.query_one("#ballot-title", Static).update(
            Text.assemble(
                (f" {self.voter_name}'s ballot ", "bold reverse"), f"  {ballot.title} · run {ballot.run}"
            )
        )
        self.query_one("#ballot-privacy", Static).update(
            Text(
                f"{self.voter_name}, only your own dots are on this screen: nobody else's, and no totals. "
                "The result is shown when the facilitator closes the vote.",
            )
        )
        mine = self.my_dots()
        ws = self.session.workshop
        problems = closed_notes(ws, ballot)
        closed = {n for n in problems if not mine.get(n)}  # a note holding this voter's dots stays selectable
        fixed = max(ballot.cap, 3) + 2
        notes = ws.notes
        prompt = self._prompt
        self.notes_list.set_options(
            Option(
                LaterRow(partial(prompt, n, mine.get(n, 0)), fixed=fixed, length=_length(notes.get(n))),
                id=f"n{n}",
                disabled=n in closed,
            )
            for n in ballot.note_ids
        )
        first = next((i for i, n in enumerate(ballot.note_ids) if n not in closed), None)
        if first is not None:
            self.notes_list.highlighted = first
        self._draw_left(mine, problems)
        self._drawn = dict(mine)

    def on_workshop_changed(self, message: WorkshopChanged) -> None:
        """This voter's dots on this ballot changed (here, or from anywhere else): redraw the notes whose count
        changed and the dots left; new limits redraw every note (the slots follow the cap)."""
        change = message.change
        session = self.workshop_app.session
        if session is None or self.ballot_id not in session.workshop.ballots:
            return
        if change.event.data.get("ballot_id") != self.ballot_id and change.kind != EXTERNAL_RELOAD:
            return
        mine = self.my_dots()
        every = change.kind in ("vote.limits", EXTERNAL_RELOAD)
        for note_id in self.ballot.note_ids:
            if every or mine.get(note_id, 0) != self._drawn.get(note_id, 0):
                self._redraw_note(note_id, mine)
        self._draw_left(mine)
        self._drawn = dict(mine)

    def _prompt(self, note_id: int, mine: int) -> Row:
        """The voter's dots on the note (and the room left under the cap), then the note, wrapping."""
        ballot = self.ballot
        slots = Cell(Content.styled(dot_slots(mine, ballot.cap), "bold"), max(ballot.cap, 3))
        return Row([slots], note_text(self.session.workshop, ballot, note_id), gap=2)

    @property
    def confirmed(self) -> bool:
        """Whether this participant's ballot is confirmed now."""
        return self.participant_id in self.ballot.submitted

    def _draw_left(self, mine: dict[int, int], problems: set[int] | None = None) -> None:
        """The dots left line; ``problems``: the ballot's notes closed to dots, when the caller has them."""
        ballot = self.ballot
        used = sum(mine.values())
        left = max(0, ballot.budget - used)
        line = Text.assemble(
            ("Dots left ", "bold"),
            ("●" * left, "bold"),
            "○" * min(used, ballot.budget),
            (f"  {left} of {ballot.budget}", "bold"),
            f" · at most {ballot.cap} on one note",
        )
        placeable = self.placeable_left(mine, problems)
        if placeable < left:  # more dots than the notes can take under the cap (voting.budget_warning)
            line.append(
                f" · only {placeable} can still be placed" if placeable else " · no note can take another",
                style="bold",
            )
        if self.confirmed:
            line.append_text(
                Text.assemble(
                    " · ", ("✔ confirmed", "bold green"), ": changing a dot un-confirms it until Enter"
                )
            )
        else:
            line.append(" · not confirmed yet: Enter confirms")
        self.query_one("#ballot-left", Static).update(line)

    def _redraw_note(self, note_id: int, mine: dict[int, int]) -> None:
        index = self.ballot.note_ids.index(note_id)
        self.notes_list.replace_option_prompt_at_index(index, self._prompt(note_id, mine.get(note_id, 0)))
        self._draw_left(mine)

    def _highlighted_note(self) -> int | None:
        option = self.notes_list.highlighted_option
        if option is None or option.id is None:
            return None
        return int(option.id[1:])

    # --- dots ------------------------------------------------------------------------------------------

    def action_add_dot(self) -> None:
        note_id = self._highlighted_note()
        if note_id is None:
            return
        try:
            self.session.votes.cast(self.ballot_id, self.participant_id, note_id)
            self._changed()
        except SessionError as error:
            self.workshop_app.show_error(error)

    def _changed(self) -> None:
        """A dot of a confirmed ballot changed: it is no longer what was confirmed, so it waits for Enter again."""
        if self.confirmed:
            self.session.votes.unsubmit(self.ballot_id, self.participant_id)

    def action_remove_dot(self) -> None:
        note_id = self._highlighted_note()
        if note_id is None:
            return
        if not self.my_dots().get(note_id):
            self.notify("You have no dot on this note.", markup=False, timeout=3)
            return
        try:
            self.session.votes.retract(self.ballot_id, self.participant_id, note_id)
            self._changed()
        except SessionError as error:
            self.workshop_app.show_error(error)

    # --- confirm or leave ------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#ballot-notes")
    def _enter_on_note(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_confirm()

    def placeable_left(self, mine: dict[int, int], problems: set[int] | None = None) -> int:
        """Dots this voter could still place: the dots left, or fewer when the notes open to dots cannot take
        them all under the cap (``voting.budget_warning``). ``problems``: ``closed_notes`` of the ballot, when
        the caller has them (else found here)."""
        ballot = self.ballot
        if problems is None:
            problems = closed_notes(self.session.workshop, ballot)
        return voting.placeable_left(ballot.note_ids, problems, mine, ballot.budget, ballot.cap)

    def action_confirm(self) -> None:
        left = self.placeable_left(self.my_dots())
        if left > 0:
            question = (
                f"{self.voter_name}, you have {text.plural(left, 'dot')} left. Confirm your ballot anyway?"
            )
            self.app.push_screen(
                ConfirmScreen(question, yes="Confirm", no="Keep voting"),
                lambda yes: self._submit() if yes else None,
            )
        else:
            self._submit()

    def _submit(self) -> None:
        try:
            self.session.votes.submit(self.ballot_id, self.participant_id)
        except SessionError as error:
            self.workshop_app.show_error(error)
            return
        said = "Ballot confirmed" if self.ballot.anonymous else f"{self.voter_name} has voted"
        self.dismiss(None)
        self.app.notify(f"{said}. Pass the keyboard back.", markup=False, timeout=4)

    def action_leave(self) -> None:
        """Escape: hand the keyboard back with the ballot as it is; never confirms or un-confirms it."""
        whose = "This" if self.ballot.anonymous else f"{self.voter_name}'s"  # anonymous: the board names nobody
        placed = sum(self.my_dots().values())
        confirmed = self.confirmed
        self.dismiss(None)
        if confirmed:
            self.app.notify(f"{whose} ballot stays confirmed.", markup=False, timeout=4)
        elif placed:
            self.app.notify(
                f"{whose} ballot is not confirmed yet; the dots placed so far ({placed}) are kept.",
                markup=False,
                timeout=6,
            )
