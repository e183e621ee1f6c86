"""The summary: what each stage produced so far, readable from the back of the room, and the export key.

It is the screen the facilitator shows at the end ("here is what we decided") and the place the export and the
action plan grow from, so each stage is one plain block: its expected output, the counts, the decisions, the
candidate actions and, once a vote was revealed, its top notes.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets.option_list import Option

from facilitation import text, voting
from facilitation.models import CheckRound, Note, Stage, Workshop
from facilitation.stage_kinds import rules_of
from screens.base import WorkshopChanged, WorkshopScreenMixin
from screens.widgets import KeyBar
from screens.widgets.lazy_list import LazyOptionList
from screens.widgets.rows import Cell, LaterRow, Row
from workshop.session import WorkshopSession

TOP_NOTES = 5
"""How many of a vote's notes the summary lists (more when tied with the last)."""


def _readiness_count(ws: Workshop) -> str:
    """How many answered the readiness check: one figure while only the start round has answers, else one per
    round ("6 readiness answers at the start, 4 at the end"), so the two rounds are never added into one count."""
    end = sum(1 for answers in ws.readiness.values() if answers.round is CheckRound.END)
    start = len(ws.readiness) - end
    if not end:
        return _plural(start, "readiness answer")
    return f"{_plural(start, 'readiness answer')} at the start, {end} at the end"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _line(body: Content, *cells: Cell) -> Option:
    return Option(Row(cells, body), disabled=True)


BULLET_WIDTH = 3
"""Columns of a bullet's marker cell (two spaces and the marker)."""
BULLET_CHARS = 200
"""Characters of a note's first line a bullet shows (``text.preview``)."""


def _bullet(marker: str, note: Note) -> Row:
    return Row([Cell(Content(f"  {marker}"), BULLET_WIDTH)], Content(text.preview(note.text, BULLET_CHARS)))


def _bullets(marker: str, notes: list[Note]) -> list[Option]:
    """Marked notes (their first line) with a hanging indent, so a long note wraps under its own text, not under
    the marker. Each row is built when first drawn or counted (``LaterRow``): a workshop of 20,000 notes has
    about a thousand decisions and candidates, and the summary shows a screenful of them."""
    return [
        Option(
            LaterRow(
                partial(_bullet, marker, note),
                fixed=BULLET_WIDTH + 1,
                length=min(len(note.text.split("\n", 1)[0]), BULLET_CHARS),
            ),
            disabled=True,
        )
        for note in notes
    ]


def _display_order(note: Note) -> tuple[float, int]:
    return (note.position, note.id)


def stage_block(
    session: WorkshopSession,
    stage: Stage,
    number: int | None,
    marked: list[Note] | None = None,
    count: int | None = None,
) -> list[Option]:
    """One stage as the room reads it: title and counts, expected output, decisions, candidates, top votes.

    One row per line (a long note wraps under its bullet), for a list that draws only the rows on screen.
    ``marked`` are the stage's live notes marked a decision or a candidate action, in any order, and ``count``
    how many live notes it holds, when the caller has them (else read here): only the decisions and candidates
    listed are put in display order (position, then id, as ``Workshop.stage_notes``)."""
    ws = session.workshop
    title = f"{number}. {stage.title}" if number else stage.title
    if stage.skipped:
        return [_line(Content.assemble((title, "bold underline"), ("  (skipped)", "dim")))]
    if marked is None or count is None:
        notes = ws.stage_notes(stage.id)
        marked = [n for n in notes if n.mark is not None]
        count = len(notes)
    decisions = sorted((n for n in marked if n.mark == "decision"), key=_display_order)
    candidates = sorted((n for n in marked if n.mark == "candidate"), key=_display_order)
    actions = [a for a in ws.actions.values() if a.source_stage_id == stage.id]
    counts = []
    rules = rules_of(stage.kind)
    if rules.readiness_check:
        counts.append(_readiness_count(ws))
    if count or rules.counts_notes:
        counts += [_plural(count, "note"), _plural(len(decisions), "decision")]
        counts.append(_plural(len(candidates), "candidate"))
    if rules.action_plan:
        counts.append(_plural(len(ws.actions), "action") + " in the plan")
    elif actions:
        counts.append(_plural(len(actions), "action"))
    rows = [_line(Content.assemble((title, "bold underline"), ("   " + " · ".join(counts), "bold")))]
    if stage.output:
        rows.append(_line(Content.styled(f"Expected: {stage.output}", "italic")))
    if decisions:
        rows.append(_line(Content.styled("Decisions", "bold $success")))
        rows += _bullets("✔", decisions)
    if candidates:
        rows.append(_line(Content.styled("Candidate actions", "bold")))
        rows += _bullets("→", candidates)
    rows.extend(_vote_lines(session, stage.id))
    return rows


def _vote_lines(session: WorkshopSession, stage_id: int) -> list[Option]:
    """The top notes of the stage's latest vote, once it has been revealed (never a vote still open)."""
    ballot = session.votes.latest(stage_id)
    if ballot is None or ballot.status != "closed":
        return []
    result = session.votes.result(ballot.id)
    voted = [r for r in result.ranked if r.dots > 0]
    who = f"{_plural(result.voters, 'voter')}, " if ballot.mode == "private" else "room tally, "
    heading = _line(
        Content.styled(f"Vote: {ballot.title} ({who}{_plural(result.total_dots, 'dot')})", "bold")
    )
    if not voted:
        return [heading, _line(Content.styled("  no dots were cast", "dim"))]
    top = voting.top(voted, TOP_NOTES)
    place_width = max(len(f"  {item.rank}.") for item in top)
    dots_width = max(len(_plural(item.dots, "dot")) for item in top)
    rows = [heading]
    for item in top:
        note = session.workshop.notes.get(item.note_id)
        label = text.preview(note.text, 160) if note else f"note #{item.note_id}"
        place = Cell(Content(f"  {item.rank}{'=' if item.tied else '.'}"), place_width, "right")
        rows.append(
            _line(
                Content(label),
                place,
                Cell(Content.styled(_plural(item.dots, "dot"), "bold"), dots_width, "right"),
            )
        )
    return rows


def summary_lines(session: WorkshopSession) -> tuple[Text, list[Option]]:
    """The summary's head (title, details, counts) and its lines, every stage in agenda order (``stage_block``).

    The live notes per stage and the marked ones come as the session keeps them change by change
    (``session.notes.live_counts``, ``session.actions.marked_ids``): counting them from every note of the workshop
    took about 8 ms of each drawing at 20,000 notes."""
    ws = session.workshop
    counts = session.notes.live_counts()
    marked: dict[int, list[Note]] = {}
    for note_id in session.actions.marked_ids():
        note = ws.notes.get(note_id)
        if note is not None and note.deleted_at is None:
            marked.setdefault(note.stage_id, []).append(note)
    decisions = sum(1 for notes in marked.values() for note in notes if note.mark == "decision")
    rows: list[Option] = []
    number = 0
    for stage in ws.agenda():
        counted = not stage.skipped and rules_of(stage.kind).numbered
        if counted:
            number += 1
        shown = number if counted else None
        if rows:
            rows.append(_line(Content("")))
        rows += stage_block(session, stage, shown, marked.get(stage.id, []), counts.get(stage.id, 0))
    return summary_head(ws, sum(counts.values()), decisions), rows


def summary_head(ws: Workshop, notes: int, decisions: int) -> Text:
    """Title, details and the counts; ``notes``: how many live notes the workshop holds, ``decisions`` how many
    of them are marked a decision."""
    details = " · ".join(x for x in (ws.organisation, ws.date, ws.facilitator) if x)
    return Text.assemble(
        (ws.title, "bold"),
        f"  {details}\n" if details else "\n",
        f"{_plural(len(ws.active_participants()), 'participant')} · {_plural(notes, 'note')} · "
        f"{_plural(decisions, 'decision')} · {_plural(len(ws.actions), 'action')}",
    )


class SummaryView(LazyOptionList):
    """The summary's lines, for reading: the keys scroll (nothing is highlighted) and only what is on screen is
    measured and drawn."""

    DEFAULT_CSS = """
    SummaryView {
        border: none;
        & > .option-list--option-disabled { color: $foreground; }
        &:focus { border: none; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("end", "scroll_end", "Bottom", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    def action_page_up(self) -> None:
        self.scroll_page_up()

    def action_page_down(self) -> None:
        self.scroll_page_down()


class SummaryScreen(WorkshopScreenMixin, Screen[None]):
    """What the workshop produced, stage by stage."""

    AUTO_FOCUS = "#summary"
    DEFAULT_CSS = """
    SummaryScreen #summary-title { height: 1; padding: 0 1; background: $panel; }
    SummaryScreen #summary-head { height: auto; padding: 0 1; background: $panel; }
    SummaryScreen #summary { height: 1fr; padding: 0 1; scrollbar-gutter: stable; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the stage"),
        Binding("x", "export", "Export…", tooltip="Export: choose Word, Markdown, CSV, JSON and the folder"),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Redraw the summary"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(" Summary ", "bold reverse"), id="summary-title")
        yield Static("", id="summary-head")
        yield SummaryView(id="summary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.refresh_summary()

    def on_workshop_changed(self, message: WorkshopChanged) -> None:
        """Notes, marks, votes, actions and answers change what the summary shows: draw it again."""
        self.refresh_summary()

    def refresh_summary(self) -> None:
        session = self.workshop_app.session
        if session is None:
            return
        head, rows = summary_lines(session)
        self.query_one("#summary-head", Static).update(head)
        body = self.query_one("#summary", SummaryView)
        scrolled = body.scroll_offset.y
        body.set_options(rows)
        body.scroll_to(y=scrolled, animate=False, immediate=True)

    # --- export ------------------------------------------------------------------------------------------

    def action_export(self) -> None:
        """Choose formats and folder in the export dialog, which writes the files in the background."""
        self.navigator.export()

    # --- navigation --------------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.refresh_summary()

    def action_back(self) -> None:
        if not self.is_active:
            return  # a key typed ahead, handled after this screen had already closed
        self.navigator.back()
