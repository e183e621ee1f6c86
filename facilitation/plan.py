"""The action plan's rules: which notes are candidates for actions, in what order, and what is still missing.

Candidates are every decision and candidate action, the top-voted notes of each stage's latest revealed vote
(ties kept), and every note that got dots in the final-priorities vote. With a revealed final-priorities vote its
ranking comes first; the rest follow in agenda order, most dots first, then board order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from facilitation import ballots, text, voting
from facilitation.models import NOTE_MARKS, ActionItem, Ballot, Note, Stage, Workshop

TOP_VOTED = 3
"""How many of a stage's top-voted notes are candidates (more when tied)."""
DONE = "done"


@dataclass(frozen=True)
class Candidate:
    """A note that could become an action, and why it is on the list."""

    note: Note
    stage: Stage
    dots: int | None
    """Dots in its stage's latest revealed vote; ``None`` when it was not on one."""
    final_rank: int | None
    """Place in the final-priorities vote (ties share a place); ``None`` when it got no dot there."""
    final_tied: bool
    final_dots: int | None
    action_ids: tuple[int, ...]
    """Actions already made from this note."""


Ranking = Callable[[Workshop, Ballot], Sequence[ballots.ResultItem]]
"""``ballots.ranking``, or the same count kept by a session (``session.votes.ranking``)."""


def _dotted(workshop: Workshop, ballot: Ballot | None, ranking: Ranking) -> list[ballots.ResultItem]:
    """A revealed vote's notes that got at least one dot, most dots first (deleted notes too)."""
    if ballot is None:
        return []
    return [item for item in ranking(workshop, ballot) if item.dots > 0]


def _live(workshop: Workshop, items: list[ballots.ResultItem]) -> list[ballots.ResultItem]:
    """``items`` whose notes are still there (not deleted)."""
    notes = workshop.notes
    return [item for item in items if item.note_id in notes and not notes[item.note_id].deleted]


def plan_candidates(
    workshop: Workshop, ranking: Ranking = ballots.ranking, *, marked: Iterable[int] | None = None
) -> list[Candidate]:
    """Decisions, candidate actions and top-voted notes of every stage, in the order to turn them into actions.

    With a revealed final-priorities vote its ranking comes first; every other candidate follows in agenda
    order, most dots first within a stage, then board order (position, then id: ``Workshop.stage_notes``).
    One pass over the notes, and only the candidates are sorted (at 20,000 notes, sorting every stage's notes
    took about 40 ms of the action plan's opening). ``ranking`` ranks a ballot: ``ballots.ranking`` (the
    default) or a session's kept count of it, the same function's result. ``marked``: the ids of the notes
    marked (``NOTE_MARKS``) when the caller keeps them (``session.actions``), which saves the pass over every
    note; ``None`` finds them.
    """
    return plan_and_watched(workshop, ranking, marked=marked)[0]


def plan_and_watched(
    workshop: Workshop, ranking: Ranking = ballots.ranking, *, marked: Iterable[int] | None = None
) -> tuple[list[Candidate], set[int]]:
    """``plan_candidates``, and the notes besides the marked ones whose change can change the candidates: every
    note with dots in a vote the candidates are read from (deleted ones too: undeleting one can make it a top
    note again). A change to any other note that leaves it unmarked leaves the candidates as they are."""
    ws = workshop
    stages = ws.agenda()
    stage_order = {stage.id: i for i, stage in enumerate(stages)}
    by_stage: dict[int | None, list[Ballot]] = {}
    for ballot in ws.ballots.values():
        by_stage.setdefault(ballot.stage_id, []).append(ballot)
    dotted = _dotted(ws, ballots.latest_closed(by_stage.get(None, [])), ranking)
    watched = {item.note_id for item in dotted}
    final = _live(ws, dotted)
    final_by_note = {item.note_id: (place, item) for place, item in enumerate(final)}
    actions_by_note: dict[int, list[int]] = {}
    for action in ws.ordered_actions():
        if action.source_note_id is not None:
            actions_by_note.setdefault(action.source_note_id, []).append(action.id)

    chosen: set[int] = set(final_by_note)
    if marked is None:
        chosen.update(note.id for note in ws.notes.values() if note.mark in NOTE_MARKS)
    else:
        chosen.update(marked)
    stage_dots: dict[int, int] = {}
    for stage in stages:
        dotted = _dotted(ws, ballots.latest_closed(by_stage.get(stage.id, [])), ranking)
        watched.update(item.note_id for item in dotted)
        ranked = _live(ws, dotted)
        stage_dots.update({item.note_id: item.dots for item in ranked})
        chosen.update(item.note_id for item in voting.top(ranked, TOP_VOTED))

    def on_board(note_id: int) -> bool:
        note = ws.notes.get(note_id)
        return note is not None and not note.deleted and note.stage_id in stage_order

    def order(note_id: int) -> tuple[float, ...]:
        final_item = final_by_note.get(note_id)
        if final_item is not None:
            return (0, final_item[0])
        note = ws.notes[note_id]
        return (1, stage_order[note.stage_id], -stage_dots.get(note_id, 0), note.position, note.id)

    result = []
    for note_id in sorted(filter(on_board, chosen), key=order):
        note = ws.notes[note_id]
        final_item = final_by_note.get(note_id)
        result.append(
            Candidate(
                note=note,
                stage=ws.stages[note.stage_id],
                dots=stage_dots.get(note_id),
                final_rank=final_item[1].rank if final_item else None,
                final_tied=final_item[1].tied if final_item else False,
                final_dots=final_item[1].dots if final_item else None,
                action_ids=tuple(actions_by_note.get(note_id, [])),
            )
        )
    return result, watched


def missing_owner(action: ActionItem) -> bool:
    return not action.owner.strip()


def missing_due(action: ActionItem) -> bool:
    return not action.due


def plan_status(workshop: Workshop) -> str:
    """``3 actions · 1 without an owner · 2 without a due date``: what still needs filling in before export."""
    actions = workshop.ordered_actions()
    if not actions:
        return "No actions yet: highlight a candidate and press a, or press n for a new action."
    parts = [text.plural(len(actions), "action")]
    no_owner = sum(1 for a in actions if missing_owner(a))
    no_due = sum(1 for a in actions if missing_due(a))
    if no_owner:
        parts.append(f"{no_owner} without an owner")
    if no_due:
        parts.append(f"{no_due} without a due date")
    done = sum(1 for a in actions if a.status == DONE)
    if done:
        parts.append(f"{done} done")
    if not no_owner and not no_due:
        parts.append("every action has an owner and a date")
    return " · ".join(parts)
