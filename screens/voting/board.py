"""The facilitator's screen while a vote is open, on the projector for the room to see.

Private ballots: who is on the ballot and how many have voted — never a count per note, never anyone's dots. A
named vote marks who has voted and who has not; an anonymous one (the default) names nobody as voted or not, on the
board, in its status line or in any of its questions and notices: only counts (this screen is often on the
projector). Enter opens the highlighted participant's own ballot (the keyboard is passed to them); ``n`` opens the
next one at the keyboard who is not done (has not confirmed); people voting on their phones are counted, never opened here.
Room tally: the notes with the counts the facilitator types (the room's dots are on the wall, not secret).
``r`` closes the vote and reveals the result; ``l`` changes the limits; ``d`` clears every dot (after a yes).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from facilitation import ballots, text
from facilitation.entry import EntryError, parse_count
from facilitation.models import Ballot, Participant, Vote, Workshop
from screens.base import WorkshopChanged, WorkshopScreenMixin
from screens.dialogs import ConfirmScreen, TextEntryScreen
from screens.voting import NOTE_CHARS, note_problem, note_text, rules_text
from screens.widgets import KeyBar
from screens.widgets.cells import fit, widest
from screens.widgets.lazy_list import LazyOptionList
from screens.widgets.rows import Cell, LaterRow, Row
from workshop.session import EXTERNAL_RELOAD, MAX_TALLY, SessionError

if TYPE_CHECKING:
    pass

PRIVATE_ONLY = {"next_voter", "limits"}
TALLY_WIDTH = 9
"""Columns for a tally's count ("1,234 dots")."""
TALLY_ONLY = {"tally_step"}
VOTERS_MIN_WIDTH = 40
"""Columns of the voters' list at least (its border included), whatever its rows need."""
VOTERS_MAX_SHARE = 0.6
"""The voters' list takes at most this share of the screen's width (at least ``VOTERS_MIN_WIDTH``); the ballot's
notes keep the rest. A name too long for that is cut with "…" rather than wrapping its row."""
MARK_WIDTH = 4
"""Cells before a voter's name ("  ▯ ", " ✔ ")."""
LEFT = "  left: dots kept"
ON_PHONE = "  votes on their phone"
VOTED_ON_PHONE = "  voted on phone"
WAITING_ON_PHONE = "  not yet, on phone"
PLACING_ON_PHONE = "  not done, on phone"
PLACING = "  voted, not done"
"""A named vote's voter who placed dots without confirming: counted as having voted (their dots count), as the
status line and the reveal question say."""
ANONYMOUS_STATES = (ON_PHONE, "  at the keyboard", LEFT)
NAMED_STATES = (VOTED_ON_PHONE, WAITING_ON_PHONE, PLACING_ON_PHONE, "  voted", PLACING, "  not yet", LEFT)
"""What a voter's row may say after the name, by the vote's kind: the column is sized for the longest, so it keeps
its width while people vote (a changed width would wrap the ballot's notes again)."""


def ballot_row(workshop: Workshop, ballot: Ballot) -> Callable[[int], Option]:
    """What makes the option of one note of the ballot (by id): the note wrapping under its own text, no counts,
    whatever the mode; a ``LaterRow``, built, measured and drawn only when on screen."""
    id_width = max((len(f"#{n}") for n in ballot.note_ids), default=2)

    def row(note_id: int) -> Row:
        number = Cell(Content.styled(f"#{note_id}", "bold"), id_width, "right")
        return Row([number], note_text(workshop, ballot, note_id, with_id=False))

    def option(note_id: int) -> Option:
        return Option(
            LaterRow(partial(row, note_id), fixed=id_width + 1, length=_length(workshop, note_id)),
            id=f"n{note_id}",
        )

    return option


def _length(workshop: Workshop, note_id: int) -> int:
    """Characters a note takes on a ballot, for guessing its height before it is drawn."""
    note = workshop.notes.get(note_id)
    return min(len(note.text), NOTE_CHARS) + 8 if note is not None else 24


def tally_row(workshop: Workshop, ballot: Ballot, note_id: int) -> Row:
    """One note of a room tally: the dots typed for it, then the note."""
    count = ballot.tally.get(note_id, 0)
    return Row(
        [Cell(Content.styled(text.plural(count, "dot"), "bold"), TALLY_WIDTH, "right")],
        note_text(workshop, ballot, note_id),
    )


class VoteBoardScreen(WorkshopScreenMixin, Screen[None]):
    """One open vote: participants' progress (private ballots) or the typed counts (room tally)."""

    CSS_PATH = "board.tcss"
    AUTO_FOCUS = None
    """``on_mount`` focuses the list the keys act on (``board_list``: voters, or the tally)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open('ballot')",
            "Ballot",
            priority=True,
            tooltip="Open the highlighted participant's ballot (private ballots)",
        ),
        Binding(
            "enter",
            "open('count')",
            "Type count",
            priority=True,
            tooltip="Type the highlighted note's count (room tally)",
        ),
        Binding(
            "n",
            "next_voter",
            "Next voter",
            tooltip="Open the ballot of the next participant at the keyboard who is not done",
        ),
        Binding("plus,equals_sign", "tally_step(1)", "+1", tooltip="Room tally: one more dot on the note"),
        Binding("minus", "tally_step(-1)", "-1", tooltip="Room tally: one dot fewer on the note"),
        Binding("r", "reveal", "Close & reveal", tooltip="Close the vote and reveal the result"),
        Binding("l", "limits", "Limits", tooltip="Change the dots per participant and the most on one note"),
        Binding(
            "d", "reset", "Reset", tooltip="Clear every dot of this vote and start it again (asks first)"
        ),
        Binding("escape", "back", "Back", tooltip="Back to the stage; the vote stays open"),
    ]

    def __init__(self, ballot_id: int) -> None:
        super().__init__()
        self.ballot_id = ballot_id
        self._tally_drawn: dict[int, tuple[int, str]] = {}
        """What each tally row shows (count, problem), so a changed count redraws one row."""
        self._stale = False
        """A change to this ballot was heard and the board not redrawn yet (more of its burst are coming)."""
        self._texts: dict[str, Text] = {}
        """What each ``Static`` of the board shows (``_update``)."""
        self._voters_shown: tuple[object, ...] | None = None
        """What the voters' rows and status line were drawn from (``_draw_voters``)."""

    @property
    def ballot(self) -> Ballot:
        return self.session.votes.ballot(self.ballot_id)

    @property
    def board_list(self) -> OptionList:
        """The list the keys act on: the voters (private ballots) or the notes with their counts (room tally)."""
        if self.ballot.mode == "tally":
            return self.query_one("#board-tally", LazyOptionList)
        return self.query_one("#board-list", OptionList)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.workshop_app.session is None:
            return True
        tally = self.ballot.mode == "tally"
        if action == "open":
            return parameters == (("count",) if tally else ("ballot",))
        if action in PRIVATE_ONLY:
            return not tally
        if action in TALLY_ONLY:
            return tally
        return True

    def compose(self) -> ComposeResult:
        yield Static(id="board-title")
        yield Static(id="board-rules")
        with Horizontal(id="board-body"):
            # keeps its measured lines when first shown (OptionList re-counts)
            yield LazyOptionList(id="board-list")
            yield LazyOptionList(id="board-tally")
            yield LazyOptionList(id="board-notes")
        yield Static(id="board-status")
        yield KeyBar()

    def on_mount(self) -> None:
        ballot = self.ballot
        tally = ballot.mode == "tally"
        self.set_class(tally, "-tally")
        self.query_one("#board-list", OptionList).border_title = (
            "Who votes" if ballot.anonymous else "Who has voted"
        )
        self.query_one("#board-tally", LazyOptionList).border_title = "Dots per note"
        notes = self.query_one("#board-notes", LazyOptionList)
        notes.border_title = f"On the ballot ({text.plural(len(ballot.note_ids), 'note')})"
        self.board_list.focus()
        if not tally:  # a screen's worth of notes for the first frame, the rest just after it
            row = ballot_row(self.session.workshop, ballot)
            notes.set_options_in_parts(ballot.note_ids, row, first=self.app.size.height)
        self.redraw()
        if self.board_list.option_count:
            self.board_list.highlighted = 0

    def on_workshop_changed(self, message: WorkshopChanged) -> None:
        """Dots cast or taken back, ballots submitted, tallies typed, limits changed, people joining: whoever
        made the change (this screen, a participant's ballot above it, another window), the board follows."""
        session = self.workshop_app.session
        if session is None or self.ballot_id not in session.workshop.ballots:
            return
        change = message.change
        if session.workshop.ballots[self.ballot_id].status != "open":
            return  # revealed: the results screen replaces the board
        mine = any(
            (isinstance(r, Ballot) and r.id == self.ballot_id)
            or (isinstance(r, Vote) and r.ballot_id == self.ballot_id)
            or isinstance(r, Participant)
            for r in change.changed
        )
        if mine or change.removed_ids("votes") or change.kind == EXTERNAL_RELOAD:
            self._stale = True
        if self._stale and not self.more_changes_coming():  # a burst of dots (one group round): redrawn once
            self._stale = False
            self.redraw()

    # --- drawing ---------------------------------------------------------------------------------------

    def redraw(self) -> None:
        ballot = self.ballot
        title = Text.assemble(
            (f" VOTE OPEN · {ballot.title} ", "bold reverse"),
            f"  run {ballot.run}",
        )
        self._update("#board-title", title)
        self._update("#board-rules", Text(rules_text(ballot)))
        if ballot.mode == "tally":
            self._draw_tally(ballot)
        else:
            self._draw_voters(ballot)

    def _update(self, selector: str, text: Text) -> None:
        """Show ``text`` in the ``Static`` at ``selector`` unless it shows it already (``Static.update`` lays the
        screen out: a phone's dot would, for a title and rules that did not change)."""
        if self._texts.get(selector) != text:
            self._texts[selector] = text
            self.query_one(selector, Static).update(text)

    def _set_options(self, options: list[Option]) -> None:
        board = self.board_list
        highlighted = board.highlighted
        board.set_options(options)
        if options:
            board.highlighted = min(highlighted or 0, len(options) - 1)

    def _draw_voters(self, ballot: Ballot) -> None:
        """The voters' rows and the status line, each redrawn only when what it shows changed: the rows when a
        ballot is confirmed or a person or phone joins, and (a named vote) when a voter places their first dot or
        takes back their last; the status line then too. Any other dot (a phone's, in a busy room) changes
        neither."""
        ws = self.session.workshop
        on_devices = self._phone_voters(ballot)
        anonymous = bool(ballot.anonymous)
        # a named vote's rows say who placed dots without confirming (an anonymous one never says who voted)
        progress = self._progress(ballot)
        placing = frozenset() if anonymous else frozenset(progress.placing)
        shown = (
            anonymous,
            self.app.size.width,
            tuple(
                (
                    p,
                    ws.participant_name(p),
                    p in ws.participants and ws.participants[p].active,
                    p in on_devices,
                    p in ballot.submitted,
                    p in placing,
                )
                for p in ballot.eligible
            ),
        )
        if shown != self._voters_shown or not self.board_list.option_count:
            self._voters_shown = shown
            self._set_options(self._voter_rows(ballot, placing))
        # A voter's first dot (or last taken back) changes the status line alone; any other dot changes nothing.
        self._update("#board-status", self._status(ballot, progress))

    def _voter_rows(self, ballot: Ballot, placing: frozenset[int] = frozenset()) -> list[Option]:
        """One row per eligible voter: their name and, as far as the vote may say, whether they are done;
        ``placing``: those (of a named vote) who placed dots without confirming."""
        ws = self.session.workshop
        on_devices = self._phone_voters(ballot)
        anonymous = bool(ballot.anonymous)
        options = []
        width = self._size_voters(ballot, widest(ws.participant_name(p) for p in ballot.eligible))
        for participant_id in ballot.eligible:
            person = ws.participants.get(participant_id)
            name = fit(ws.participant_name(participant_id), width)
            voted = participant_id in ballot.submitted
            if person is not None and not person.active:
                prompt = Text.assemble(("  – ", "bold"), name, (LEFT, "italic"))
                options.append(Option(prompt, id=f"p{participant_id}", disabled=True))
            elif participant_id in on_devices:
                # on their phone: the keyboard cannot vote for them; an anonymous vote never says whether they have
                mark, state = (
                    ("  ▯ ", ON_PHONE)
                    if anonymous
                    else (" ✔ ", VOTED_ON_PHONE)
                    if voted
                    else (" ◐ ", PLACING_ON_PHONE)
                    if participant_id in placing
                    else (" ○ ", WAITING_ON_PHONE)
                )
                prompt = Text.assemble((mark, "bold"), (name, "bold"), state)
                options.append(Option(prompt, id=f"p{participant_id}", disabled=True))
            elif anonymous:
                prompt = Text.assemble(("  · ", "bold"), (name, "bold"), "  at the keyboard")
                options.append(Option(prompt, id=f"p{participant_id}"))
            elif voted:
                prompt = Text.assemble((" ✔ ", "bold green"), (name, "bold"), "  voted")
                options.append(Option(prompt, id=f"p{participant_id}"))
            elif participant_id in placing:
                prompt = Text.assemble((" ◐ ", "bold"), (name, "bold"), PLACING)
                options.append(Option(prompt, id=f"p{participant_id}"))
            else:
                prompt = Text.assemble((" ○ ", "bold"), (name, "bold"), "  not yet")
                options.append(Option(prompt, id=f"p{participant_id}"))
        return options

    def _phone_voters(self, ballot: Ballot) -> frozenset[int]:
        """Who votes on their phone in this vote: joined in the room, unless their ballot was begun at the keyboard
        before they joined (the keyboard finishes it, as their phone tells them)."""
        votes = self.session.votes
        on_devices = votes.device_voters
        if not on_devices:
            return on_devices
        return on_devices - votes.keyboard_voters(ballot.id)

    def _size_voters(self, ballot: Ballot, names: int) -> int:
        """Make the voters' list as wide as its rows (a mark, the widest of ``names`` cells, the longest thing a
        row of this vote may say, the list's border, scroll bar and padding), between ``VOTERS_MIN_WIDTH`` and
        ``VOTERS_MAX_SHARE`` of the screen; returns the cells left for a name (names wider are cut), so that no
        row wraps ("Annika Johansson  votes on their phone" did in a list 40 wide, at 80x24 and 200x60 alike)."""
        board = self.query_one("#board-list", OptionList)
        styles = board.styles
        chrome = (
            (2 if styles.border_left[0] else 0)
            + styles.padding.width
            + styles.scrollbar_size_vertical
            + board.get_component_styles("option-list--option").padding.width
        )
        state = widest(ANONYMOUS_STATES if ballot.anonymous else NAMED_STATES)
        most = max(VOTERS_MIN_WIDTH, int(self.app.size.width * VOTERS_MAX_SHARE))
        width = min(most, max(VOTERS_MIN_WIDTH, chrome + MARK_WIDTH + names + state))
        if board.styles.width is None or board.styles.width.cells != width:
            board.styles.width = width
        return max(1, min(names, width - chrome - MARK_WIDTH - state))

    def on_resize(self) -> None:
        """A wider or narrower terminal: the voters' list is sized again (``_size_voters``)."""
        if self.is_mounted and self.ballot.mode != "tally":
            self._draw_voters(self.ballot)

    def _progress(self, ballot: Ballot) -> ballots.Progress:
        """Who of the voters is done, still placing dots, or has not voted (``ballots.progress``): those still on
        the list, and those who left after taking part (done: their dots are kept and count)."""
        ws = self.session.workshop
        dots = ballots.dots_of(ws, ballot)
        active = self._active_voters(ballot)
        left = [p for p in ballot.eligible if p not in active]
        return ballots.progress(ballot, dots, active, left)

    def _status(self, ballot: Ballot, progress: ballots.Progress | None = None) -> Text:
        """The line under the board: counts, and (a named vote only) who is not done yet.

        "Have voted" counts whoever confirmed or placed a dot, as the revealed result does ("3 of 6 participants
        voted"); those who placed dots without confirming are counted apart, since their dots count if the vote
        is revealed now."""
        ws = self.session.workshop
        voters = self._active_voters(ballot)
        on_devices = self._phone_voters(ballot)
        if progress is None:
            progress = self._progress(ballot)
        status = Text.assemble((f"{progress.voted} of {progress.counted} have voted.", "bold"))
        if progress.placing:
            status.append(f"  {len(progress.placing)} of them not done yet (their dots so far count).")
        phones = [p for p in voters if p in on_devices]
        if phones:
            phones_done = sum(1 for p in phones if p in ballot.submitted)
            status.append(f"  On phones: {phones_done} of {len(phones)} done.")
        at_keyboard = self._keyboard_waiting(ballot)
        if not progress.placing and not progress.waiting:
            status.append("  Everyone has voted: press r to close the vote and reveal the result.")
        elif ballot.anonymous:
            if at_keyboard:
                status.append("  n opens the ballot of the next person at the keyboard who is not done.")
        else:
            waiting = [ws.participant_name(p) for p in voters if p not in ballot.submitted]
            status.append(f"  Not done yet: {', '.join(waiting)}.")
            if at_keyboard:
                status.append("  Enter opens the highlighted person's ballot: hand them the keyboard.")
        return status

    def _keyboard_waiting(self, ballot: Ballot) -> list[int]:
        """Who still has to vote at the keyboard (not on a phone), in board order."""
        on_devices = self._phone_voters(ballot)
        return [p for p in self._active_voters(ballot) if p not in ballot.submitted and p not in on_devices]

    def _active_voters(self, ballot: Ballot) -> list[int]:
        ws = self.session.workshop
        return [p for p in ballot.eligible if p in ws.participants and ws.participants[p].active]

    def _draw_tally(self, ballot: Ballot) -> None:
        ws = self.session.workshop
        rows = self.board_list
        drawn = {n: (ballot.tally.get(n, 0), note_problem(ws, ballot, n)) for n in ballot.note_ids}
        if rows.option_count == len(ballot.note_ids) and self._tally_drawn.keys() == drawn.keys():
            for index, note_id in enumerate(ballot.note_ids):  # a count changed: redraw only what changed
                if self._tally_drawn[note_id] != drawn[note_id]:
                    rows.replace_option_prompt_at_index(index, tally_row(ws, ballot, note_id))
                    # Not ``enable_option_at_index``: Textual moves the highlight when it enables an option.
                    rows.get_option_at_index(index).disabled = bool(drawn[note_id][1])
        else:
            fixed = TALLY_WIDTH + 1
            self._set_options(
                [
                    Option(
                        LaterRow(partial(tally_row, ws, ballot, n), fixed=fixed, length=_length(ws, n) + 6),
                        id=f"n{n}",
                        disabled=bool(drawn[n][1]),
                    )
                    for n in ballot.note_ids
                ]
            )
        self._tally_drawn = drawn
        typed = sum(ballot.tally.values())
        status = Text.assemble(
            (f"{text.plural(typed, 'dot')} typed so far.", "bold"),
            "  Enter types the highlighted note's count; + and - change it by one. r reveals.",
        )
        self._update("#board-status", status)

    # --- acting ----------------------------------------------------------------------------------------

    def _highlighted_id(self) -> int | None:
        option = self.board_list.highlighted_option
        if option is None or option.id is None or option.disabled:
            return None
        return int(option.id[1:])

    @on(OptionList.OptionSelected, "#board-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self, _what: str = "") -> None:
        """Enter: the highlighted participant's ballot, or (room tally) the highlighted note's count."""
        chosen = self._highlighted_id()
        if chosen is None:
            return
        if self.ballot.mode == "tally":
            self._type_count(chosen)
        else:
            self.open_ballot_for(chosen)

    def open_ballot_for(self, participant_id: int) -> None:
        """Show ``participant_id``'s own ballot; someone who has voted is asked before it opens again.

        A reopened ballot stays confirmed until a dot changes (then it waits for Enter again): looking at it and
        pressing escape leaves it confirmed."""
        from screens.voting.ballot import ParticipantBallotScreen

        ballot = self.ballot
        name = self.session.workshop.participant_name(participant_id)
        if participant_id in self._phone_voters(ballot):  # a named vote: its row says so already
            self.notify(
                f"{name} votes on their own phone. To vote here, release the name in the room (j) first.",
                markup=False,
                timeout=6,
            )
            return
        if participant_id not in ballot.submitted:
            self.app.push_screen(ParticipantBallotScreen(self.ballot_id, participant_id))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(ParticipantBallotScreen(self.ballot_id, participant_id))

        question = (
            "This ballot is confirmed. Open it again to change it?"
            if ballot.anonymous
            else f"{name} has voted. Open {name}'s ballot again to change it?"
        )
        self.app.push_screen(ConfirmScreen(question, yes="Reopen", no="Keep"), answered)

    def action_next_voter(self) -> None:
        ballot = self.ballot
        waiting = self._keyboard_waiting(ballot)
        if not waiting:
            on_phones = [p for p in self._active_voters(ballot) if p not in ballot.submitted]
            self.notify(
                f"Everyone at the keyboard is done; {len(on_phones)} still voting on their phones."
                if on_phones
                else "Everyone has voted: press r to reveal.",
                markup=False,
                timeout=5,
            )
            return
        self.board_list.highlighted = self.board_list.get_option_index(f"p{waiting[0]}")
        self.open_ballot_for(waiting[0])

    def _type_count(self, note_id: int) -> None:
        current = self.ballot.tally.get(note_id, 0)

        def typed(value: str | None) -> None:
            if value is None:
                return
            try:
                dots = parse_count(value, "A count", high=MAX_TALLY)
            except EntryError as error:
                self.workshop_app.show_error(error)
                return
            self._set_tally(note_id, dots)

        self.app.push_screen(
            TextEntryScreen(f"How many dots did the room put on note #{note_id}?", str(current)), typed
        )

    def _set_tally(self, note_id: int, dots: int) -> None:
        try:
            self.session.votes.tally(self.ballot_id, note_id, dots)
        except SessionError as error:
            self.workshop_app.show_error(error)

    def action_tally_step(self, step: int) -> None:
        note_id = self._highlighted_id()
        if note_id is None:
            return
        self._set_tally(note_id, self.ballot.tally.get(note_id, 0) + step)

    def action_reveal(self) -> None:
        """r: close the vote and reveal; asked first while anyone is not done (``reveal_question`` says who)."""
        ballot = self.ballot
        question = self.reveal_question(ballot) if ballot.mode == "private" else None
        if question:
            self.app.push_screen(
                ConfirmScreen(question, yes="Reveal", safe_default=True),
                lambda yes: self._reveal() if yes else None,
            )
        else:
            self._reveal()

    def reveal_question(self, ballot: Ballot) -> str | None:
        """The question asked before revealing a private vote that not everyone is done with, else ``None``.

        It says apart who has not voted at all and who placed dots without confirming (their dots count), so the
        result's "N participants voted" is what the facilitator was told; an anonymous vote gets counts, never
        names (the board is often on the projector)."""
        progress = self._progress(ballot)
        if not progress.placing and not progress.waiting:
            return None
        total = progress.counted
        names = self.session.workshop.participant_name
        parts = []
        if progress.waiting:
            if ballot.anonymous:
                parts.append(f"{len(progress.waiting)} of {total} have not voted")
            else:
                parts.append(f"not voted: {', '.join(names(p) for p in progress.waiting)}")
        if progress.placing:
            if ballot.anonymous:
                parts.append(
                    f"{len(progress.placing)} of {total} placed dots without saying they are done: their dots count"
                )
            else:
                who = ", ".join(names(p) for p in progress.placing)
                parts.append(f"placed dots but not done: {who} (their dots count)")
        return f"Not everyone is done ({'; '.join(parts)}). Close the vote and reveal the result anyway?"

    def _reveal(self) -> None:
        try:
            self.session.votes.close(self.ballot_id)
        except SessionError as error:
            self.workshop_app.show_error(error)
            return
        self.navigator.vote_results(self.ballot_id, replace=True)

    def action_limits(self) -> None:
        from screens.voting.setup import LimitsScreen

        self.app.push_screen(LimitsScreen(self.ballot_id))

    def action_reset(self) -> None:
        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.session.votes.reset(self.ballot_id)
            except SessionError as error:
                self.workshop_app.show_error(error)
                return
            self.notify(
                "Every dot was cleared; the cleared votes stay in the event log.", markup=False, timeout=6
            )

        self.app.push_screen(
            ConfirmScreen(
                f"Clear every dot of {self.ballot.title} and start this vote again? Everyone votes anew.",
                yes="Clear",
                no="Keep",
                safe_default=True,
            ),
            answered,
        )

    def action_back(self) -> None:
        self.dismiss(None)
