"""Read-only views of a workshop that every exporter shares, so the Word, Markdown and CSV files agree.

Each exporter renders a ``Report``: one pass over the ``Workshop`` that ranks notes, sorts actions, sums up the
readiness check, measures the timing and collapses the event log into minutes. The exporters only lay it out.

Text in a ``Report`` is already cleaned with ``facilitation.text.clean`` (control characters dropped, lone
surrogates replaced), because this is the boundary where the room's text leaves the app for files that refuse it.
Privacy rules live here too, once: a note's author is shown only when the note has one, and votes are only ever
counted, never attributed to a person.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from exports.interchange import ExportError, atomic_write
from facilitation import ballots, text, voting
from facilitation.clock import FakeClock
from facilitation.models import PRIORITIES, Ballot, Event, Note, Stage, Workshop
from facilitation.readiness import ReadinessRound, readiness_rounds
from facilitation.schedule import StageTiming, build_schedule
from facilitation.stage_kinds import rules_of
from facilitation.text import plural
from facilitation.timer import StageTimer, TimerError

SUMMARY_LIMIT = 8
"""Most priorities the one-page summary lists; the rest are counted, so the summary stays one page."""


def safe(value: object) -> str:
    """Any value as Word-safe text: ``None`` becomes empty, everything else ``str`` then ``clean``."""
    if value is None:
        return ""
    return text.clean(value if isinstance(value, str) else str(value))


def safe_line(value: object) -> str:
    """A title or a name on one line: Word-safe, newlines and tabs folded into spaces."""
    return text.clean_line(safe(value))


def human_date(iso: str | None) -> str:
    """``2027-03-12`` → ``12 March 2027``; anything that is not an ISO date is shown as typed."""
    if not iso:
        return ""
    try:
        day = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return safe_line(iso)
    return f"{day.day} {day:%B %Y}"


def local_time(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp).astimezone()


def iso_datetime(timestamp: float | None) -> str:
    """Local time with its UTC offset (``2027-03-12T09:05:00+01:00``): unambiguous and still readable."""
    if not timestamp:
        return ""
    return local_time(timestamp).isoformat(timespec="seconds")


# --- notes and stages -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteView:
    """A note as the documents show it."""

    id: int
    stage_id: int
    text: str
    """Cleaned, complete, line breaks kept."""
    author: str
    """The author's name, or empty for an anonymous note."""
    mark: str | None
    board_position: int
    """1-based place on the stage's board."""
    dots: int | None
    """Dots in the stage's latest closed vote; ``None`` when the note was not on a closed vote."""
    rank: int | None
    tied: bool
    created_at: float

    @property
    def mark_label(self) -> str:
        return {"decision": "Decision", "candidate": "Candidate action"}.get(self.mark or "", "")

    @property
    def dots_label(self) -> str:
        return "" if self.dots is None else plural(self.dots, "dot")

    @property
    def rank_label(self) -> str:
        """The rank as the result screen, phones and the projector write it: ``2`` or, shared, ``2=``
        (docs/VOTING.md); empty when the note has no rank."""
        if self.rank is None:
            return ""
        return f"{self.rank}=" if self.tied else str(self.rank)


@dataclass(frozen=True)
class StageView:
    """One stage: what it is for and what the room produced, its notes ranked by votes."""

    id: int
    key: str
    kind: str
    title: str
    purpose: str
    output: str
    prompts: tuple[str, ...]
    minutes: int
    skipped: bool
    ranked: tuple[NoteView, ...]
    """Notes on the latest closed vote, most dots first (``voting.TIE_BREAK``), then the rest in board order."""
    board: tuple[NoteView, ...]
    """Every live note in board order."""
    ballot_title: str
    """Title of the vote the dots come from; empty when no vote was closed in this stage."""
    voters: int
    total_dots: int
    state: str = ""
    """``done``, ``current`` or ``upcoming`` from the timing report; empty for a skipped stage."""

    @property
    def not_run(self) -> bool:
        """Not started yet when the document was made (so "no notes" means "not yet", not "none")."""
        return self.state == "upcoming" and not self.skipped

    @property
    def voted(self) -> bool:
        return bool(self.ballot_title)

    @property
    def decisions(self) -> tuple[NoteView, ...]:
        return tuple(n for n in self.ranked if n.mark == "decision")

    @property
    def candidates(self) -> tuple[NoteView, ...]:
        return tuple(n for n in self.ranked if n.mark == "candidate")

    @property
    def with_dots(self) -> tuple[NoteView, ...]:
        return tuple(n for n in self.ranked if n.dots)

    @property
    def without_dots(self) -> int:
        return len(self.ranked) - len(self.with_dots)

    @property
    def has_section(self) -> bool:
        """Discipline and custom stages get a section; other stages only when the room wrote notes there."""
        return rules_of(self.kind).own_section or bool(self.board)


def _note_view(
    workshop: Workshop, note: Note, position: int, item: voting.RankedItem | None = None
) -> NoteView:
    author = safe_line(workshop.credit(note))
    return NoteView(
        id=note.id,
        stage_id=note.stage_id,
        text=safe(note.text),
        author=author,
        mark=note.mark,
        board_position=position,
        dots=item.dots if item else None,
        rank=item.rank if item else None,
        tied=item.tied if item else False,
        created_at=note.created_at,
    )


def _result_author(workshop: Workshop, item: ballots.ResultItem, note: Note | None) -> str:
    """Who a result's line is by: the author the room saw at the reveal, with the note's co-authors when it is
    still that author's note (a merge keeps every author credited, ``Workshop.credit``); "" if anonymous."""
    if item.author_id is None:
        return ""
    if note is not None and not note.deleted and note.author_id == item.author_id:
        return safe_line(workshop.credit(note))
    return safe_line(workshop.participant_name(item.author_id))


def _result_view(
    workshop: Workshop, item: ballots.ResultItem, live: dict[int, Note], position: dict[int, int]
) -> NoteView:
    """A line of a vote's result as revealed (``ballots.outcome``): the text, author and dots the room saw. The
    mark is the note's mark now when it is still on this board (marks are made from the result), else none."""
    note = live.get(item.note_id)
    author = _result_author(workshop, item, note)
    return NoteView(
        id=item.note_id,
        stage_id=item.stage_id if item.stage_id is not None else (note.stage_id if note else 0),
        text=safe(item.text),
        author=author,
        mark=note.mark if note is not None else None,
        board_position=position.get(item.note_id, 0),
        dots=item.dots,
        rank=item.rank,
        tied=item.tied,
        created_at=note.created_at if note is not None else 0.0,
    )


def _stage_view(
    workshop: Workshop,
    stage: Stage,
    notes: list[Note],
    ballot: Ballot | None,
    votes_by_ballot: dict[int, list[tuple[int, int]]],
) -> StageView:
    """``votes_by_ballot`` is unused since results come from ``ballots.outcome``; kept for the callers."""
    position = {note.id: i for i, note in enumerate(notes, start=1)}
    by_id = {note.id: note for note in notes}
    board = [_note_view(workshop, note, position[note.id]) for note in notes]
    ranked: list[NoteView] = []
    voters = total = 0
    if ballot is not None:
        result = ballots.outcome(workshop, ballot)
        ranked = [_result_view(workshop, item, by_id, position) for item in result.ranked]
        dots = {view.id: view for view in ranked}
        board = [
            dataclasses.replace(
                view, dots=dots[view.id].dots, rank=dots[view.id].rank, tied=dots[view.id].tied
            )
            if view.id in dots
            else view
            for view in board
        ]
        voters = result.voters
        total = result.total_dots
    on_ballot = {view.id for view in ranked}
    ranked += [view for view in board if view.id not in on_ballot]
    return StageView(
        id=stage.id,
        key=stage.key,
        kind=stage.kind,
        title=safe_line(stage.title) or f"Stage {stage.id}",
        purpose=safe(stage.purpose),
        output=safe(stage.output),
        prompts=tuple(safe(p) for p in stage.prompts),
        minutes=stage.minutes,
        skipped=stage.skipped,
        ranked=tuple(ranked),
        board=tuple(board),
        ballot_title=(safe_line(ballot.title) or "Vote") if ballot else "",
        voters=voters,
        total_dots=total,
    )


def _votes_by_ballot(workshop: Workshop) -> dict[int, list[tuple[int, int]]]:
    grouped: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for vote in sorted(workshop.votes.values(), key=lambda v: v.id):
        grouped[vote.ballot_id].append((vote.participant_id, vote.note_id))
    return grouped


def stage_views(workshop: Workshop) -> list[StageView]:
    """Every stage in agenda order with its notes ranked by the stage's latest closed vote."""
    notes_by_stage: dict[int, list[Note]] = defaultdict(list)
    for note in workshop.notes.values():
        if not note.deleted and not note.withheld:  # hidden from the room by the facilitator: out of documents
            notes_by_stage[note.stage_id].append(note)
    ballots_by_stage: dict[int | None, list[Ballot]] = defaultdict(list)
    for ballot in workshop.ballots.values():
        ballots_by_stage[ballot.stage_id].append(ballot)
    votes = _votes_by_ballot(workshop)
    views = []
    for stage in workshop.agenda():
        notes = sorted(notes_by_stage.get(stage.id, []), key=lambda n: (n.position, n.id))
        shown = ballots.latest_closed(ballots_by_stage.get(stage.id, []))
        views.append(_stage_view(workshop, stage, notes, shown, votes))
    return views


# --- summary: vision and priorities ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorityItem:
    text: str
    stage_title: str
    author: str
    dots: int | None
    rank: int | None
    tied: bool


def vision_statement(stages: Sequence[StageView]) -> NoteView | None:
    """The Vision stage's top-ranked decision, else its top-voted note, else ``None``."""
    vision = next((s for s in stages if s.key == "vision" and not s.skipped), None)
    vision = vision or next((s for s in stages if s.key == "vision"), None)
    if vision is None:
        return None
    if vision.decisions:
        return vision.decisions[0]
    if vision.with_dots:
        return vision.with_dots[0]
    return None


def top_priorities(workshop: Workshop, stages: Sequence[StageView]) -> tuple[tuple[PriorityItem, ...], str]:
    """The final-priorities vote ranked (notes with dots), else every decision in agenda order.

    Returns the items and where they come from: the vote's title, or ``""`` when they are the decisions.
    """
    titles = {s.id: s.title for s in stages}
    final = ballots.latest_closed(b for b in workshop.ballots.values() if b.stage_id is None)
    if final is not None:
        items = ballots.outcome(workshop, final).ranked
        voted = [i for i in items if i.dots] or items
        result = []
        for item in voted:
            author = _result_author(workshop, item, workshop.notes.get(item.note_id))
            stage_title = titles.get(item.stage_id, "") if item.stage_id is not None else ""
            result.append(PriorityItem(safe(item.text), stage_title, author, item.dots, item.rank, item.tied))
        return tuple(result), safe_line(final.title) or "Final priorities"
    decisions = [
        PriorityItem(n.text, s.title, n.author, n.dots, n.rank, n.tied) for s in stages for n in s.decisions
    ]
    return tuple(decisions), ""


# --- the action plan ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionRow:
    """One action item as every export shows it."""

    id: int
    title: str
    owner: str
    due: str
    """As stored: an ISO date, or empty."""
    measure: str
    details: str
    """The action's own full text (the whole note it was made from, kept when it was made), or empty."""
    priority: int
    priority_label: str
    """``High``, ``Medium`` or ``Low``."""
    status: str
    source_stage: str
    source_note: str
    """The full text of the note the action came from (cleaned), or empty."""
    source_note_id: int | None
    created: str
    """ISO date-time with offset, or empty."""

    @property
    def live(self) -> bool:
        """Still to do (open or in progress): not done and not dropped."""
        return self.status.lower() not in ("done", "dropped")


def _action_sort_key(priority: int, due: str, order: int) -> tuple[int, int, str, int]:
    return (priority, 0 if due else 1, due, order)


def action_rows(workshop: Workshop) -> list[ActionRow]:
    """The action plan: by priority (high first), then due date (no date last), then the facilitator's order."""
    titles = {stage.id: safe_line(stage.title) for stage in workshop.stages.values()}
    rows = []
    for order, action in enumerate(workshop.ordered_actions()):
        priority = action.priority if isinstance(action.priority, int) else 2
        note = workshop.notes.get(action.source_note_id) if action.source_note_id is not None else None
        stage_id = (
            action.source_stage_id
            if action.source_stage_id is not None
            else (note.stage_id if note else None)
        )
        # a participant owner by their name now (files renamed before renames carried to actions say the old one)
        person = workshop.participants.get(action.owner_id) if action.owner_id is not None else None
        owner = person.name if person is not None else action.owner
        due = safe_line(action.due)
        row = ActionRow(
            id=action.id,
            title=safe(action.title).strip(),
            owner=safe_line(owner),
            due=due,
            measure=safe(action.measure).strip(),
            details=safe(action.details).strip(),
            priority=priority,
            priority_label=PRIORITIES.get(priority, str(priority)).capitalize(),
            status=safe_line(action.status).capitalize(),
            source_stage=titles.get(stage_id, "") if stage_id is not None else "",
            source_note=safe(note.text).strip() if note else "",
            source_note_id=note.id if note else None,
            created=iso_datetime(action.created_at),
        )
        rows.append((_action_sort_key(priority, due, order), row))
    rows.sort(key=lambda pair: pair[0])
    return [row for _, row in rows]


# --- the readiness check --------------------------------------------------------------------------------------


# --- the timing report ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimingRow:
    stage_id: int
    title: str
    planned_seconds: float
    actual_seconds: float | None
    """Wall time from the stage's start to its end, pauses included; ``None`` if it never ran."""
    delta_seconds: float | None
    extended_seconds: float
    started: str
    """Local ``HH:MM`` of the first start, or empty."""
    state: str
    """``done``, ``current`` or ``upcoming``."""

    @property
    def planned_text(self) -> str:
        return f"{self.planned_seconds / 60:g} min"

    @property
    def actual_text(self) -> str:
        if self.actual_seconds is None:
            return "not run"
        return duration_words(self.actual_seconds) + (" so far" if self.state == "current" else "")

    @property
    def delta_text(self) -> str:
        """Over or under the plan in words (``1 min 30 s under``, ``2 min over``); a running stage within its
        time says what is left (``16 min 15 s left``)."""
        if self.delta_seconds is None:
            return ""
        if self.state == "current" and self.delta_seconds < 0:
            return f"{duration_words(self.delta_seconds)} left"
        if abs(self.delta_seconds) < 1:
            return "on time"
        return f"{duration_words(self.delta_seconds)} {'over' if self.delta_seconds > 0 else 'under'}"


@dataclass(frozen=True)
class TimingReport:
    rows: tuple[TimingRow, ...]
    planned_seconds: float
    actual_seconds: float
    over_under_seconds: float
    """Actual minus planned, summed over the finished stages: positive = over time."""
    status: str
    """``on time``, ``4 min behind`` … as the status bar said at ``now``."""

    @property
    def ran(self) -> bool:
        return any(row.actual_seconds is not None for row in self.rows)

    @property
    def summary_text(self) -> str:
        """One sentence for under the table: the stages against their plan, and the day against its schedule."""
        if not self.ran:
            return "No stage has been run yet."
        delta = self.over_under_seconds
        if abs(delta) < 1:
            stages = "The finished stages took exactly their planned time"
        else:
            more = "more" if delta > 0 else "less"
            stages = f"The finished stages took {duration_words(delta)} {more} than planned"
        if self.status.endswith("behind"):
            drift = f"running {self.status.removesuffix(' behind')} late"
        elif self.status.endswith("ahead"):
            drift = f"running {self.status.removesuffix(' ahead')} early"
        else:
            drift = "on schedule"
        return f"{stages}. Counting the time between stages too, the workshop was {drift} when this was exported."

    def _rows(self, state: str) -> list[TimingRow]:
        return [row for row in self.rows if row.state == state]

    @property
    def totals(self) -> list[tuple[str, str, str, str]]:
        """The table's closing rows, each comparing like with like: ``(label, planned, actual, over/under)``.

        The finished stages (planned against actual, and the difference in words), the stage running now (its plan
        and its time so far), and the stages not run yet (their plan only). Rows with no stage are left out.
        """
        rows: list[tuple[str, str, str, str]] = []
        done = self._rows("done")
        if done:
            planned = sum(r.planned_seconds for r in done)
            actual = sum(r.actual_seconds or 0.0 for r in done)
            rows.append(
                (
                    f"Finished ({plural(len(done), 'stage')})",
                    _minutes(planned),
                    duration_words(actual),
                    self.over_under_text,
                )
            )
        current = self._rows("current")
        if current:
            planned = sum(r.planned_seconds for r in current)
            actual = sum(r.actual_seconds or 0.0 for r in current)
            rows.append(("Running now", _minutes(planned), f"{duration_words(actual)} so far", ""))
        upcoming = self._rows("upcoming")
        if upcoming:
            planned = sum(r.planned_seconds for r in upcoming)
            rows.append((f"Not run yet ({plural(len(upcoming), 'stage')})", _minutes(planned), "—", ""))
        return rows

    @property
    def over_under_text(self) -> str:
        if abs(self.over_under_seconds) < 1:
            return "on time"
        word = "over" if self.over_under_seconds > 0 else "under"
        return f"{duration_words(self.over_under_seconds)} {word}"


def duration_words(seconds: float) -> str:
    """A length of time in words, sign dropped: ``18 min 45 s``, ``1 h 5 min``, ``40 s``."""
    total = round(abs(seconds))
    hours, rest = divmod(total, 3600)
    mins, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    if mins:
        return f"{mins} min {secs} s" if secs else f"{mins} min"
    return f"{secs} s"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} min"


def timing_report(workshop: Workshop, now: float) -> TimingReport:
    """Planned against actual time per stage (skipped stages left out), from the timers' wall-clock stamps."""
    clock = FakeClock(wall=now, monotonic=0.0)
    stages = workshop.agenda(include_skipped=False)
    timings, extended = [], {}
    for stage in stages:
        try:
            timer = StageTimer.restore(stage.timer, stage.minutes * 60, clock)
            started, finished, extra = timer.started_at, timer.finished_at, timer.extended_seconds
        except (TimerError, TypeError, ValueError):  # a damaged timer must not stop the export
            started = finished = None
            extra = 0.0
        timings.append(StageTiming(stage.id, stage.minutes, started, finished))
        extended[stage.id] = extra
    schedule = build_schedule(timings, now)
    rows = []
    for stage, timing, planned in zip(stages, timings, schedule.stages, strict=True):
        rows.append(
            TimingRow(
                stage_id=stage.id,
                title=safe_line(stage.title) or f"Stage {stage.id}",
                planned_seconds=planned.planned_seconds,
                actual_seconds=planned.actual_seconds,
                delta_seconds=planned.delta_seconds,
                extended_seconds=extended[stage.id],
                started=local_time(timing.started_at).strftime("%H:%M") if timing.started_at else "",
                state=planned.state,
            )
        )
    over_under = sum(r.delta_seconds for r in rows if r.delta_seconds is not None and r.state == "done")
    return TimingReport(
        rows=tuple(rows),
        planned_seconds=schedule.planned_total,
        actual_seconds=schedule.actual_total,
        over_under_seconds=over_under,
        status=schedule.status_text,
    )


# --- minutes --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MinuteLine:
    when: str
    """Local ``HH:MM``; with the date in front when the log spans more than one day."""
    stage: str
    summary: str

    @property
    def detail(self) -> str:
        """The summary without a leading ``Stage:`` when the stage is shown beside it."""
        prefix = f"{self.stage}: "
        return self.summary[len(prefix) :] if self.stage and self.summary.startswith(prefix) else self.summary


_BALLOT_DETAIL_KINDS = ("vote.cast", "vote.retracted", "vote.submitted", "vote.unsubmitted", "vote.tallied")
"""Per-dot and per-voter events: the minutes sum each run up in one line instead (who voted, how many dots)."""
_HIDDEN_KINDS = ("note.deleted", "note.restored", "note.undone", "note.withheld", "note.shown")
"""A deleted note and its undo, hiding a note from the room and showing it again are not minutes: the room's record
is what stayed. The JSON keeps them."""
_NOTE_KINDS = ("note.added", "note.edited", "note.marked", "note.moved", "note.reordered")


def _names(workshop: Workshop, ids: Sequence[int]) -> str:
    names = [safe_line(workshop.participant_name(i)) for i in ids if i in workshop.participants]
    if not names:
        return "nobody"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _run_summary(workshop: Workshop, ballot: Ballot, event: Event | None) -> str:
    """One line for a vote run: who voted and how many dots (at the reveal when ``event`` is one)."""
    title = safe_line(ballot.title) or "Vote"
    number = event.data.get("run", ballot.run) if event is not None else ballot.run
    run = f" (run {number})" if isinstance(number, int) and number > 1 else ""
    voted = "room tally" if ballot.mode == "tally" else f"{_names(workshop, ballot.submitted)} voted"
    if event is None:
        dots = sum(ballots.totals(ballot, ballots.dots_of(workshop, ballot)).values())
        return f"{title}{run} still open: {voted} so far, {plural(dots, 'dot')}"
    result = event.data.get("result")
    if isinstance(result, list):
        dots = sum(
            row[1] for row in result if isinstance(row, list) and len(row) > 1 and isinstance(row[1], int)
        )
    else:
        dots = sum(ballots.totals(ballot, ballots.dots_of(workshop, ballot)).values())
    return f"{title}{run} revealed: {voted}, {plural(dots, 'dot')}"


def whole_words(summary: str) -> str:
    """A log line whose quoted note was shortened mid-word (``… in mi…``) ends at the last whole word instead
    (``… in…``): the minutes never cut a word; the note itself is in full in its stage's section."""
    if not summary.endswith("…"):
        return summary
    body = summary[:-1]
    if body and not body[-1].isspace() and " " in body:
        body = body.rsplit(" ", 1)[0]
    return body.rstrip(" ,;:.-–—") + "…"


_GROUPED_KINDS = ("note.added", "readiness.recorded")
"""Runs of these (one stage, one readiness round) read as one line: the notes are in the body, the answers in the
readiness chart."""


def _round(event: Event) -> str:
    value = event.data.get("round", "")
    return value if isinstance(value, str) else ""


def _hidden_notes(workshop: Workshop) -> set[int]:
    """Notes the minutes leave out with their events: deleted, or hidden from the room by the facilitator."""
    return {note.id for note in workshop.notes.values() if note.deleted or note.withheld}


def minutes(workshop: Workshop) -> list[MinuteLine]:
    """The event log as minutes a reader can take in.

    Kept out: deleted notes (their adding, editing, marking, moving, deleting) and undos; each vote run is one line
    at its reveal (who voted, how many dots: never who voted for what), or one line where it stands if still
    open; a run of notes added one after another in one stage is one line (the notes are in the body). The JSON
    export keeps the whole log.
    """
    events = sorted(workshop.events, key=lambda e: (e.at, e.id))
    days = {local_time(e.at).date() for e in events}
    fmt = "%Y-%m-%d %H:%M" if len(days) > 1 else "%H:%M"
    titles = {stage.id: safe_line(stage.title) for stage in workshop.stages.values()}
    hidden = _hidden_notes(workshop)
    last_detail: dict[int, int] = {}
    revealed_after: set[int] = set()
    for index, event in enumerate(events):
        ballot_id = event.data.get("ballot_id")
        if event.kind in _BALLOT_DETAIL_KINDS and isinstance(ballot_id, int):
            last_detail[ballot_id] = index
            revealed_after.discard(ballot_id)
        elif event.kind == "vote.revealed" and isinstance(ballot_id, int):
            revealed_after.add(ballot_id)
    open_runs = {
        last_detail[b]: b
        for b in last_detail
        if b not in revealed_after and b in workshop.ballots and workshop.ballots[b].status == "open"
    }

    lines: list[MinuteLine] = []
    added_run: list[Event] = []

    def line(event: Event, summary: str) -> MinuteLine:
        stage = titles.get(event.stage_id, "") if event.stage_id is not None else ""
        return MinuteLine(local_time(event.at).strftime(fmt), stage, whole_words(safe(summary).strip()))

    def flush() -> None:
        if len(added_run) == 1:
            lines.append(line(added_run[0], added_run[0].summary))
        elif added_run and added_run[0].kind == "readiness.recorded":
            first = added_run[0]
            people = [e.data.get("participant_id") for e in added_run]
            names = _names(workshop, [p for p in people if isinstance(p, int)])
            lines.append(line(first, f"Readiness ({_round(first)}): {names} answered"))
        elif added_run:
            first = added_run[0]
            per_stage = Counter(
                titles.get(e.stage_id, "") if e.stage_id is not None else "" for e in added_run
            )
            if len(per_stage) == 1:
                stage = next(iter(per_stage))
                lines.append(line(first, f"{stage + ': ' if stage else ''}{len(added_run)} notes added"))
            else:
                where = ", ".join(f"{title or 'no stage'} {count}" for title, count in per_stage.items())
                lines.append(MinuteLine(line(first, "").when, "", f"{len(added_run)} notes added ({where})"))
        added_run.clear()

    for index, event in enumerate(events):
        note_id = event.data.get("note_id")
        ballot_id = event.data.get("ballot_id")
        ballot = workshop.ballots.get(ballot_id) if isinstance(ballot_id, int) else None
        if event.kind in _HIDDEN_KINDS or (event.kind in _NOTE_KINDS and note_id in hidden):
            continue
        if event.kind in _GROUPED_KINDS:
            if added_run and (added_run[-1].kind, _round(added_run[-1])) != (event.kind, _round(event)):
                flush()
            added_run.append(event)
            continue
        if event.kind in _BALLOT_DETAIL_KINDS:
            if index in open_runs and ballot is not None:
                flush()
                lines.append(line(event, _run_summary(workshop, ballot, None)))
            continue
        flush()
        if event.kind == "vote.revealed" and ballot is not None:
            lines.append(line(event, _run_summary(workshop, ballot, event)))
            continue
        lines.append(line(event, event.summary))
    flush()
    return lines


# --- the whole report -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """Everything an export shows, computed once."""

    title: str
    organisation: str
    facilitator: str
    date: str
    """The workshop's date as ``12 March 2027`` (or as typed when it is not an ISO date)."""
    participants: tuple[str, ...]
    stages: tuple[StageView, ...]
    actions: tuple[ActionRow, ...]
    readiness: tuple[ReadinessRound, ...]
    timing: TimingReport
    vision: NoteView | None
    priorities: tuple[PriorityItem, ...]
    priorities_source: str
    """The final-priorities vote's title, or empty when the priorities are the decisions."""
    minutes: tuple[MinuteLine, ...]
    generated_at: float
    progress: str = ""
    """Empty when every stage has run; else ``draft, in progress at Strategy`` or ``draft, not started yet``."""

    @property
    def sections(self) -> tuple[StageView, ...]:
        """The stages that get a section of their own (disciplines, custom stages, any stage with notes)."""
        return tuple(s for s in self.stages if s.has_section)

    @property
    def note_count(self) -> int:
        return sum(len(s.board) for s in self.stages)

    @property
    def decision_count(self) -> int:
        return sum(len(s.decisions) for s in self.stages)

    @property
    def summary_priorities(self) -> tuple[PriorityItem, ...]:
        return self.priorities[:SUMMARY_LIMIT]

    @property
    def generated_text(self) -> str:
        return local_time(self.generated_at).strftime("%Y-%m-%d %H:%M")


def participant_names(workshop: Workshop) -> tuple[str, ...]:
    """Everyone who took part; someone who left during the workshop is still listed, and marked."""
    people = sorted(workshop.participants.values(), key=lambda p: p.id)
    return tuple(
        safe_line(p.name) + ("" if p.active else " (left)") for p in people if safe_line(p.name) or p.active
    )


def build_report(workshop: Workshop, *, now: float | None = None) -> Report:
    """The shared view of a workshop at wall time ``now`` (default: the current time)."""
    now = time.time() if now is None else now
    timing = timing_report(workshop, now)
    states = {row.stage_id: row.state for row in timing.rows}
    stages = [dataclasses.replace(s, state=states.get(s.id, "")) for s in stage_views(workshop)]
    priorities, source = top_priorities(workshop, stages)
    return Report(
        title=safe_line(workshop.title) or "Workshop",
        organisation=safe_line(workshop.organisation),
        facilitator=safe_line(workshop.facilitator),
        date=human_date(workshop.date),
        participants=participant_names(workshop),
        stages=tuple(stages),
        actions=tuple(action_rows(workshop)),
        readiness=tuple(readiness_rounds(workshop)),
        timing=timing,
        vision=vision_statement(stages),
        priorities=priorities,
        priorities_source=source,
        minutes=tuple(minutes(workshop)),
        generated_at=now,
        progress=progress(workshop, timing),
    )


def progress(workshop: Workshop, timing: TimingReport) -> str:
    """What a document made mid-workshop says on its title page: ``draft, in progress at <stage>``."""
    if not timing.rows or all(row.state == "done" for row in timing.rows):
        return ""
    if not timing.ran:
        return "draft, not started yet"
    running = next((row for row in timing.rows if row.state == "current"), None)
    stage = workshop.current_stage
    title = running.title if running else (safe_line(stage.title) if stage else "")
    return f"draft, in progress at {title}" if title else "draft, in progress"


# --- writing files --------------------------------------------------------------------------------------------


def check_target(path: Path, *, force: bool) -> Path:
    """Refuse before any work is done: an existing file (unless ``force``), a folder, a missing or read-only
    folder. Same rules and wording as the JSON export."""
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder")
    if not force and (path.exists() or path.is_symlink()):
        raise ExportError(f"{path} exists; use --force to overwrite")
    if not path.parent.is_dir():
        raise ExportError(f"cannot write {path}: the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write {path}: the folder {path.parent} is read-only")
    return path


def write_atomically(path: Path, data: bytes, *, force: bool) -> Path:
    """Check the target, then write through the JSON export's atomic writer (temporary file beside the target,
    fsync, ``os.replace``): a failure leaves the old file or none, never half of a new one."""
    path = check_target(path, force=force)
    atomic_write(path, data)
    return path
