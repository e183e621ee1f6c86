"""Dot voting on screen: the set-up, the facilitator's board, one participant's private ballot, the reveal.

A vote belongs to a stage (its notes) or, with ``stage_id=None``, to the whole workshop (the final priorities,
on every stage's decisions). ``Navigator.vote`` (``screens.navigation``) is the one entry point the stage's ``v``
key and the palette use: it shows the board of the open vote, else the result of the latest closed one, else the
set-up. This package module holds what the voting screens share (how a ballot note and the rules read); it imports
none of them, and they reach one another through the navigator.

Privacy is the board's and the ballot's first rule: while a vote is open nothing on screen shows totals or
another participant's dots (the session's ``participant_dots`` is the only count a ballot reads; the result is
read only after ``close_ballot``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from facilitation import text
from facilitation.models import Ballot, Workshop

if TYPE_CHECKING:
    from facilitation import ballots

FINAL_PRIORITIES = "Final priorities"
NOTE_CHARS = 2000
"""Ballots and results show a note in full, wrapped, up to this many characters (a pasted document is cut)."""


def note_problem(workshop: Workshop, ballot: Ballot, note_id: int) -> str:
    """Why a note on the ballot can no longer take dots ("" when it can): deleted, moved since opening, or hidden
    from the room."""
    note = workshop.notes.get(note_id)
    if note is not None and note.deleted:
        into = next((n.id for n in workshop.notes.values() if not n.deleted and note_id in n.merged_from), None)
        if into is not None:
            return f"merged into #{into}: off the ballot, its dots moved there (within the cap)"
    if note is None or note.deleted:
        return "deleted after the vote opened: off the ballot, its dots went back"
    if ballot.stage_id is not None and note.stage_id != ballot.stage_id:
        where = workshop.stages.get(note.stage_id)
        return f"moved to {where.title if where else 'another stage'}: off the ballot, its dots went back"
    if note.withheld:
        return "hidden from the room: off the ballot, its dots went back"
    return ""


def closed_notes(workshop: Workshop, ballot: Ballot) -> set[int]:
    """The ballot's notes that can no longer take dots (those with a ``note_problem``), in one pass over the
    ballot: a screen that opens on a ballot of thousands of notes asks once, not once per note."""
    notes = workshop.notes
    stage_id = ballot.stage_id
    closed: set[int] = set()
    for note_id in ballot.note_ids:
        note = notes.get(note_id)
        if (
            note is None
            or note.deleted_at is not None
            or (stage_id is not None and note.stage_id != stage_id)
            or note.withheld
        ):
            closed.add(note_id)
    return closed


def since_reveal(workshop: Workshop, ballot: Ballot, note_id: int) -> str:
    """What became of a revealed note since the reveal ("" when nothing that matters): merged, deleted, moved."""
    note = workshop.notes.get(note_id)
    if note is None:
        return "no longer on file"
    if note.deleted:
        into = next(
            (n.id for n in workshop.notes.values() if not n.deleted and note_id in n.merged_from), None
        )
        return f"merged into #{into} since the reveal" if into is not None else "deleted since the reveal"
    if ballot.stage_id is not None and note.stage_id != ballot.stage_id:
        where = workshop.stages.get(note.stage_id)
        return f"moved to {where.title if where else 'another stage'} since the reveal"
    return ""


def note_text(
    workshop: Workshop,
    ballot: Ballot,
    note_id: int,
    *,
    with_id: bool = True,
    revealed: ballots.ResultItem | None = None,
) -> Content:
    """A ballot note as ballots and results show it: ``#id``, the stage for a cross-stage vote, the whole text,
    wrapped by the row that holds it (``NOTE_CHARS`` at most).

    ``revealed``: the note's line of a revealed result, whose text and stage (as revealed) are shown instead of
    the note's now, with what became of it since. ``Content`` (not a Rich ``Text``), so a ``Row`` can count its
    wrapped height without drawing it.
    """
    note = workshop.notes.get(note_id)
    parts: list[str | tuple[str, str]] = []
    if with_id:
        parts.append((f"#{note_id} ", "bold"))
    if revealed is not None and revealed.text:
        if ballot.stage_id is None:
            stage = workshop.stages.get(revealed.stage_id) if revealed.stage_id is not None else None
            parts.append((f"[{stage.title if stage else '?'}] ", "bold"))
        parts.append(text.shown(revealed.text, NOTE_CHARS))
        since = since_reveal(workshop, ballot, note_id)
        if since:
            parts.append((f"  ({since})", "italic"))
        return Content.assemble(*parts)
    if note is None:
        parts.append(("(note no longer on file)", "italic"))
        return Content.assemble(*parts)
    if ballot.stage_id is None:
        stage = workshop.stages.get(note.stage_id)
        parts.append((f"[{stage.title if stage else '?'}] ", "bold"))
    parts.append(text.shown(note.text, NOTE_CHARS))
    problem = note_problem(workshop, ballot, note_id)
    if problem:
        parts.append((f"  ({problem})", "italic"))
    return Content.assemble(*parts)


def rules_text(ballot: Ballot) -> str:
    """The ballot's rules in a few words, for the header of every voting screen."""
    if ballot.mode == "tally":
        return "room tally: the facilitator types the count per note"
    who = "anonymous" if ballot.anonymous else "named: the result shows who voted for what"
    return f"{text.plural(ballot.budget, 'dot')} each, at most {ballot.cap} on one note · {who}"
