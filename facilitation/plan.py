"""The action plan's rules: which notes are candidates for actions, in what order, and what is still missing.

Candidates are every decision and candidate action, the top-voted notes of each stage's latest revealed vote
(ties kept), and every note that got dots in the final-priorities vote. With a revealed final-priorities vote its
ranking comes first; the rest follow in agenda order, most dots first, then board order.
"""

from __future__ import annotations

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


def _ranking(workshop: Workshop, ballot: Ballot | None) -> list[voting.RankedItem]:
    """A revealed vote's live notes that got at least one dot, most dots first."""
    if ballot is None:
        return []
    notes = workshop.notes
    return [
        item
        for item in ballots.ranking(workshop, ballot)
        if item.dots > 0 and item.note_id in notes and not notes[item.note_id].deleted
    ]


def plan_candidates(workshop: Workshop) -> list[Candidate]:
    """Decisions, candidate actions and top-voted notes of every stage, in the order to turn them into actions.

    With a revealed final-priorities vote its ranking comes first; every other candidate follows in agenda
    order, most dots first within a stage, then board order.
    """
    ws = workshop
    stages = ws.agenda()
    all_ballots = list(ws.ballots.values())
    final = _ranking(ws, ballots.latest_closed(b for b in all_ballots if b.stage_id is None))
    final_by_note = {item.note_id: item for item in final}
    actions_by_note: dict[int, list[int]] = {}
    for action in ws.ordered_actions():
        if action.source_note_id is not None:
            actions_by_note.setdefault(action.source_note_id, []).append(action.id)

    stage_order = {stage.id: i for i, stage in enumerate(stages)}
    board_order: dict[int, int] = {}
    stage_dots: dict[int, int] = {}
    chosen: set[int] = set(final_by_note)
    for stage in stages:
        notes = ws.stage_notes(stage.id)
        board_order.update({note.id: i for i, note in enumerate(notes)})
        chosen.update(note.id for note in notes if note.mark in NOTE_MARKS)
        ranked = _ranking(ws, ballots.latest_closed(b for b in all_ballots if b.stage_id == stage.id))
        stage_dots.update({item.note_id: item.dots for item in ranked})
        chosen.update(item.note_id for item in voting.top(ranked, TOP_VOTED))

    def order(note_id: int) -> tuple[int, ...]:
        final_item = final_by_note.get(note_id)
        if final_item is not None:
            return (0, final.index(final_item))
        note = ws.notes[note_id]
        return (
            1,
            stage_order.get(note.stage_id, len(stages)),
            -stage_dots.get(note_id, 0),
            board_order[note_id],
        )

    result = []
    for note_id in sorted((i for i in chosen if i in board_order), key=order):
        note = ws.notes[note_id]
        final_item = final_by_note.get(note_id)
        result.append(
            Candidate(
                note=note,
                stage=ws.stages[note.stage_id],
                dots=stage_dots.get(note_id),
                final_rank=final_item.rank if final_item else None,
                final_tied=final_item.tied if final_item else False,
                final_dots=final_item.dots if final_item else None,
                action_ids=tuple(actions_by_note.get(note_id, [])),
            )
        )
    return result


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
