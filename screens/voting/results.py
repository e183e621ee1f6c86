"""The reveal: a closed vote's notes sorted by dots, with bars and counts, ties shown as ties.

The facilitator decides from here: ``x`` marks the highlighted note a decision and ``c`` a candidate action (the
same key again clears it), and both flow into the action plan. A vote can be re-opened (``o``), run again as a
new run on the same notes (``R``; the old run stays on file) or cleared and re-opened (``d``); every run and
reset is in the event log. ``n`` sets up a new vote (say, after more notes were added).
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

from facilitation import ballots, text, voting
from facilitation.ballots import ResultItem
from facilitation.models import Ballot, Note, Participant, Vote, Workshop
from screens.base import WorkshopChanged, WorkshopScreenMixin
from screens.charts import bar
from screens.dialogs import ConfirmScreen
from screens.voting import NOTE_CHARS, note_text, rules_text
from screens.widgets import KeyBar
from screens.widgets.lazy_list import LazyOptionList
from screens.widgets.rows import Cell, LaterRow, Row
from workshop.session import EXTERNAL_RELOAD, BallotResult, SessionError, WorkshopSession

if TYPE_CHECKING:
    pass

BAR_WIDTH = 24
NARROW_BAR_WIDTH = 12
PLACE_WIDTH = 4
DOTS_WIDTH = 8
MARKS = {"decision": (" DECISION ", "bold reverse ansi_green"), "candidate": (" ACTION? ", "bold reverse")}


def place_text(item: voting.RankedItem) -> str:
    """``1.`` for a rank of its own, ``2=`` for a shared one."""
    return f"{item.rank}{'=' if item.tied else '.'}"


def result_row(
    session: WorkshopSession,
    ballot: Ballot,
    item: voting.RankedItem,
    top: int,
    named: dict[int, dict[int, int]],
    bar_style: str = "bold $accent",
    bar_width: int = BAR_WIDTH,
) -> Row:
    """One ranked note: place, bar, count, then its mark and text (and who voted, for a named vote) wrapping
    under its own column."""
    ws = session.workshop
    parts: list[Content | tuple[str, str]] = []
    note = ws.notes.get(item.note_id)
    if note is not None and note.mark in MARKS:
        parts += [MARKS[note.mark], (" ", "")]
    parts.append(note_text(ws, ballot, item.note_id, revealed=item if isinstance(item, ResultItem) else None))
    if item.tied and item.dots:
        parts.append(("  tied", "bold italic"))
    who = named.get(item.note_id)
    if who:
        parts.append(("\n" + " · ".join(f"{ws.participant_name(p)} {d}" for p, d in who.items()), "italic"))
    style = "bold" if item.dots else "dim"
    shown_bar = (
        Content.styled(bar(item.dots, top, bar_width), bar_style) if item.dots else Content.styled("·", "dim")
    )
    return Row(
        [
            Cell(Content.styled(place_text(item), "bold"), PLACE_WIDTH, "right"),
            Cell(shown_bar, bar_width),
            Cell(Content.styled(text.plural(item.dots, "dot"), style), DOTS_WIDTH, "right"),
        ],
        Content.assemble(*parts),
    )


def _length(workshop: Workshop, note_id: int) -> int:
    """Characters a ranked note takes (mark, text, "tied"), for guessing its height before it is drawn."""
    note = workshop.notes.get(note_id)
    return min(len(note.text), NOTE_CHARS) + 40 if note is not None else 40


class VoteResultsScreen(WorkshopScreenMixin, Screen[None]):
    """A revealed vote, ranked; decide on the highlighted note."""

    CSS_PATH = "results.tcss"
    AUTO_FOCUS = "#ranking"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "x",
            "mark('decision')",
            "Decision",
            tooltip="Mark the highlighted note as a decision (again: unmark)",
        ),
        Binding(
            "c",
            "mark('candidate')",
            "Action?",
            tooltip="Mark the highlighted note as a candidate action (again: unmark)",
        ),
        Binding("o", "reopen", "Re-open", tooltip="Re-open this vote (the dots cast are kept)"),
        Binding("R", "rerun", "Re-run", tooltip="Run the vote again as a new run; this run stays on file"),
        Binding(
            "d", "reset", "Reset", show=False, tooltip="Clear every dot and re-open the vote (asks first)"
        ),
        Binding("n", "new_vote", "New vote", show=False, tooltip="Set up a new vote (pick the notes again)"),
        Binding("escape", "back", "Back", tooltip="Back to the stage"),
    ]

    def __init__(self, ballot_id: int) -> None:
        super().__init__()
        self.ballot_id = ballot_id
        self._drawn_bar_width = 0
        self._rows: dict[int, tuple[voting.RankedItem, int]] = {}
        """Each ranked note's item and index in the list, to redraw one row after a mark."""
        self._named: dict[int, dict[int, int]] = {}
        self._top = 0

    @property
    def ranking(self) -> LazyOptionList:
        return self.query_one("#ranking", LazyOptionList)

    def compose(self) -> ComposeResult:
        yield Static(id="results-title")
        yield Static(id="results-summary")
        yield LazyOptionList(id="ranking")
        yield Static(id="results-ties")
        yield KeyBar()

    def on_mount(self) -> None:
        self.redraw()
        if self.ranking.option_count:
            self.ranking.highlighted = 0

    def on_workshop_changed(self, message: WorkshopChanged) -> None:
        """A note on the ballot marked: its row again. Any other change to this ballot, its notes or the
        participants (names in a named vote): the ranking again. Changes elsewhere leave the screen as it is."""
        session = self.workshop_app.session
        if session is None or self.ballot_id not in session.workshop.ballots:
            return
        change = message.change
        ballot = session.workshop.ballots[self.ballot_id]
        on_ballot = set(ballot.note_ids)
        touched = False
        for record in change.changed:
            if isinstance(record, Ballot) and record.id == self.ballot_id:
                touched = True
            elif isinstance(record, Note) and record.id in on_ballot:
                if change.kind == "note.marked" and record.id in self._rows:
                    self._redraw_note(record.id)
                else:
                    touched = True
            elif isinstance(record, Participant | Vote):
                touched = True
        if touched or change.removed or change.kind == EXTERNAL_RELOAD:
            self.redraw()

    def on_resize(self) -> None:
        if self._bar_width() != self._drawn_bar_width:
            self.redraw()

    def _bar_width(self) -> int:
        """Below 110 columns the bars shrink so the notes keep room to be read."""
        return BAR_WIDTH if self.app.size.width >= 110 else NARROW_BAR_WIDTH

    def result(self) -> BallotResult:
        return self.session.votes.result(self.ballot_id)

    def redraw(self) -> None:
        result = self.result()
        ballot = result.ballot
        session = self.session
        self.query_one("#results-title", Static).update(
            Text.assemble(
                (f" RESULT · {ballot.title} ", "bold reverse"),
                f"  run {ballot.run}",
                ("  (re-opened: the vote is open again)" if ballot.status == "open" else "", "bold"),
            )
        )
        if ballot.mode == "tally":
            who = f"Room tally · {text.plural(result.total_dots, 'dot')}"
        else:
            ws = session.workshop
            eligible = ballots.eligible_count(
                ballot,
                ballots.dots_of(ws, ballot),
                lambda p: p in ws.participants and ws.participants[p].active,
            )
            who = (
                f"{result.voters} of {text.plural(eligible, 'participant')} voted · "
                f"{text.plural(result.total_dots, 'dot')} · {rules_text(ballot)}"
            )
        self.query_one("#results-summary", Static).update(Text(who, style="bold"))
        named: dict[int, dict[int, int]] = {}
        if ballot.mode == "private" and not ballot.anonymous and ballot.status == "closed":
            named = session.votes.named_dots(self.ballot_id)
        self._named = named
        self._top = top = max((r.dots for r in result.ranked), default=0)
        self._drawn_bar_width = bar_width = self._bar_width()
        self._rows = {item.note_id: (item, index) for index, item in enumerate(result.ranked)}
        highlighted = self.ranking.highlighted
        fixed = PLACE_WIDTH + bar_width + DOTS_WIDTH + 3
        ws = session.workshop
        self.ranking.set_options(
            Option(
                LaterRow(
                    partial(result_row, session, ballot, item, top, named, bar_width=bar_width),
                    fixed=fixed,
                    length=_length(ws, item.note_id) + (80 if item.note_id in named else 0),
                ),
                id=f"n{item.note_id}",
            )
            for item in result.ranked
        )
        if result.ranked:
            self.ranking.highlighted = min(highlighted or 0, len(result.ranked) - 1)
        ties = any(r.tied and r.dots for r in result.ranked)
        ties_line = self.query_one("#results-ties", Static)
        ties_line.display = ties
        ties_line.update(Text.assemble(("= tied. ", "bold"), voting.TIE_BREAK))

    def _highlighted_note(self) -> int | None:
        option = self.ranking.highlighted_option
        return int(option.id[1:]) if option is not None and option.id else None

    @on(OptionList.OptionSelected, "#ranking")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()

    def action_mark(self, mark: str) -> None:
        note_id = self._highlighted_note()
        if note_id is None:
            return
        try:
            note = self.session.note(note_id)
            self.session.notes.mark(note_id, None if note.mark == mark else mark)
        except SessionError as error:
            self.workshop_app.show_error(error)

    def _redraw_note(self, note_id: int) -> None:
        """One note's row again (a mark changes nothing else on the screen)."""
        item, index = self._rows[note_id]
        ballot = self.session.votes.ballot(self.ballot_id)
        row = result_row(self.session, ballot, item, self._top, self._named, bar_width=self._drawn_bar_width)
        self.ranking.replace_option_prompt_at_index(index, row)

    def action_reopen(self) -> None:
        try:
            self.session.votes.reopen(self.ballot_id)
        except SessionError as error:
            self.workshop_app.show_error(error)
            return
        self.navigator.vote_board(self.ballot_id, replace=True)

    def action_rerun(self) -> None:
        from facilitation.ballots import describe_left_out

        ballot = self.session.votes.ballot(self.ballot_id)
        kept, left_out = self.session.votes.rerun_notes(self.ballot_id)
        if not kept:
            self.workshop_app.show_error(
                f"None of this vote's notes are still here ({describe_left_out(left_out)}): press n for a new vote."
            )
            return
        which = (
            f"on its {text.plural(len(kept), 'note')} still here (left out: {describe_left_out(left_out)})"
            if left_out
            else "on the same notes"
        )

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                again = self.session.votes.rerun(self.ballot_id)
            except SessionError as error:
                self.workshop_app.show_error(error)
                return
            if left_out:
                self.notify(
                    f"Run {again.run}: left out {describe_left_out(left_out)}.", markup=False, timeout=8
                )
            self.navigator.vote_board(again.id, replace=True)

        self.app.push_screen(
            ConfirmScreen(
                f"Run {ballot.title} again as run {self._next_run(ballot)}, {which}, with the same rules? "
                f"Run {ballot.run} stays on file.",
                yes="Re-run",
            ),
            answered,
        )

    def _next_run(self, ballot: Ballot) -> int:
        runs = [b.run for b in self.session.workshop.ballots.values() if b.stage_id == ballot.stage_id]
        return max(runs, default=0) + 1

    def action_reset(self) -> None:
        ballot = self.session.votes.ballot(self.ballot_id)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.session.votes.reopen(self.ballot_id)
                self.session.votes.reset(self.ballot_id)
            except SessionError as error:
                self.workshop_app.show_error(error)
                return
            self.navigator.vote_board(self.ballot_id, replace=True)

        self.app.push_screen(
            ConfirmScreen(
                f"Clear every dot of {ballot.title} and open it again? The cleared votes stay in the event log.",
                yes="Clear",
                no="Keep",
                safe_default=True,
            ),
            answered,
        )

    def action_new_vote(self) -> None:
        ballot = self.session.votes.ballot(self.ballot_id)
        self.navigator.vote_setup(ballot.stage_id, replace=True)

    def action_back(self) -> None:
        self.dismiss(None)
