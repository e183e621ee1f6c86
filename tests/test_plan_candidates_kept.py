"""The action plan's candidates kept by the session (``session.actions.candidates``) are always exactly those
found afresh (``facilitation.plan.plan_candidates``): checked after every step of random runs of the changes a
workshop goes through (notes added, marked, moved, merged, deleted and undone; votes opened, dotted, revealed,
re-opened and reset; actions made from notes and deleted; stages renamed, moved and skipped), each step asked
for the kept list before and after it; and every ballot's kept result (``session.votes.result``, which a revealed
vote keeps through changes elsewhere) is what counting afresh gives. And the kept list is the same object while
nothing changes."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation import ballots
from facilitation.clock import FakeClock
from facilitation.models import NoteMark
from facilitation.plan import plan_candidates
from workshop.session import SessionError, WorkshopSession
from workshop.store import Store

STEPS = [
    "add",
    "add",
    "mark_decision",
    "mark_candidate",
    "unmark",
    "move",
    "reorder",
    "merge",
    "delete",
    "undo",
    "vote",
    "vote_final",
    "reopen",
    "reset",
    "action",
    "delete_action",
    "rename_stage",
    "move_stage",
    "skip_stage",
    "edit",
    "hide",
    "silent",
    "reveal",
    "open_vote",
    "dot",
    "retract",
    "close",
    "tally",
    "rerun",
    "join",
    "rename_person",
]


def fresh_session(folder: Path) -> WorkshopSession:
    return WorkshopSession.create(
        Store(folder), "Offsite", participants=["Ana", "Ben", "Chloé"], clock=FakeClock()
    )


def step(session: WorkshopSession, name: str, pick: int) -> None:
    """One change, on the note / ballot / action / stage ``pick`` chooses; a refusal is a change not made."""
    ws = session.workshop
    stages = [s.id for s in ws.agenda()]
    stage = stages[pick % len(stages)]
    notes = [n.id for n in ws.notes.values() if not n.deleted]
    note = notes[pick % len(notes)] if notes else None
    try:
        if name == "add" or note is None:
            session.notes.add(f"idea {pick}", stage_id=stage)
        elif name == "mark_decision":
            session.notes.mark(note, NoteMark.DECISION)
        elif name == "mark_candidate":
            session.notes.mark(note, NoteMark.CANDIDATE)
        elif name == "unmark":
            session.notes.mark(note, None)
        elif name == "move":
            session.notes.move(note, stage)
        elif name == "reorder":
            session.notes.reorder(note, -1 if pick % 2 else 1)
        elif name == "merge" and len(notes) > 1:
            session.notes.merge(note, notes[(pick + 1) % len(notes)])
        elif name == "delete":
            session.notes.delete(note)
        elif name == "undo":
            session.notes.undo()
        elif name in ("vote", "vote_final"):
            where = None if name == "vote_final" else ws.notes[note].stage_id
            on = [n for n in notes if where is None or ws.notes[n].stage_id == where]
            ballot = session.votes.open(where, note_ids=on, budget=3, cap=2)
            for person in ws.participants:
                for offset in range(person % 3 + 1):
                    with contextlib.suppress(SessionError):  # over the cap: that dot is not placed
                        session.votes.cast(ballot.id, person, on[(pick + person + offset) % len(on)])
            session.votes.close(ballot.id)
        elif name == "reopen" and ws.ballots:
            ballot_id = list(ws.ballots)[pick % len(ws.ballots)]
            session.votes.reopen(ballot_id)
            if pick % 2:
                session.votes.close(ballot_id)
        elif name == "reset" and ws.ballots:
            session.votes.reset(list(ws.ballots)[pick % len(ws.ballots)])
        elif name == "action":
            session.actions.add(f"do {pick}", source_note_id=note)
        elif name == "delete_action" and ws.actions:
            session.actions.delete(list(ws.actions)[pick % len(ws.actions)])
        elif name == "rename_stage":
            session.agenda.rename(stage, f"Stage {pick}")
        elif name == "move_stage":
            session.agenda.move(stage, 1 if pick % 2 else -1)
        elif name == "skip_stage":
            session.agenda.set_skipped(stage, not ws.stages[stage].skipped)
        elif name == "edit":
            session.notes.edit(note, f"idea {pick}, said again")
        elif name == "hide":
            session.notes.hide(note, not ws.notes[note].hidden)
        elif name == "silent":
            session.notes.set_silent(pick % 2 == 0, stage_id=stage)
        elif name == "reveal":
            session.notes.reveal(stage)
        elif name == "open_vote":  # left open: dots come and go on a vote not revealed yet
            on = [n for n in notes if ws.notes[n].stage_id == ws.notes[note].stage_id]
            session.votes.open(ws.notes[note].stage_id, note_ids=on, budget=3, cap=2, mode=("private", "tally")[pick % 2])
        elif name in ("dot", "retract", "close", "tally", "rerun") and ws.ballots:
            ballot = ws.ballots[list(ws.ballots)[pick % len(ws.ballots)]]
            person = list(ws.participants)[pick % len(ws.participants)]
            on_ballot = ballot.note_ids[pick % len(ballot.note_ids)]
            if name == "dot":
                session.votes.cast(ballot.id, person, on_ballot)
            elif name == "retract":
                session.votes.retract(ballot.id, person, on_ballot)
            elif name == "close":
                session.votes.close(ballot.id)
            elif name == "tally":
                session.votes.tally(ballot.id, on_ballot, pick)
            else:
                session.votes.rerun(ballot.id)
        elif name == "join":
            session.participants.add(f"Person {pick}")
        elif name == "rename_person":
            session.participants.rename(list(ws.participants)[pick % len(ws.participants)], f"Someone {pick}")
    except SessionError:
        pass


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 50)), min_size=1, max_size=40))
def test_kept_candidates_are_always_those_found_afresh(steps: list[tuple[str, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        session = fresh_session(Path(folder))
        try:
            kept = session.votes.ranking
            for name, pick in steps:
                before = session.actions.candidates(kept)
                assert before == plan_candidates(session.workshop)
                step(session, name, pick)
                assert session.actions.candidates(kept) == plan_candidates(session.workshop), name
                assert session.actions.candidates() == plan_candidates(session.workshop), name
                marked = {n.id for n in session.workshop.notes.values() if n.mark is not None}
                assert session.actions.marked_ids() == marked, name
                for ballot in session.workshop.ballots.values():  # the kept counts the candidates read
                    kept_result = session.votes.result(ballot.id)
                    fresh = ballots.outcome(session.workshop, ballot)
                    assert (kept_result.ranked, kept_result.voters, kept_result.total_dots) == (
                        fresh.ranked,
                        fresh.voters,
                        fresh.total_dots,
                    ), name
        finally:
            session.close()


def test_the_kept_candidates_are_the_same_list_until_the_workshop_changes(session: WorkshopSession) -> None:
    stage = session.stage().id
    note = session.notes.add("Publish the roadmap", stage_id=stage)
    session.notes.mark(note.id, NoteMark.DECISION)
    first = session.actions.candidates(session.votes.ranking)
    assert [c.note.id for c in first] == [note.id]
    assert session.actions.candidates(session.votes.ranking) is first, "nothing changed: not found again"
    session.notes.edit(note.id, "Publish the roadmap by Friday")
    again = session.actions.candidates(session.votes.ranking)
    assert again is not first and again[0].note.text == "Publish the roadmap by Friday"


def test_changes_that_cannot_alter_the_candidates_keep_the_list(session: WorkshopSession) -> None:
    """Notes added, edited, moved and hidden while unmarked and undotted, dots on a vote still open, people
    joining: the kept list is the same object (not found again); marking one of those notes finds it again."""
    stage = session.stage().id
    other = session.workshop.agenda()[1].id
    marked = session.notes.add("Publish the roadmap", stage_id=stage)
    session.notes.mark(marked.id, NoteMark.DECISION)
    plain = session.notes.add("Coffee", stage_id=stage)
    first = session.actions.candidates(session.votes.ranking)
    ballot = session.votes.open(stage, note_ids=[marked.id, plain.id], budget=3, cap=2)
    session.votes.cast(ballot.id, 1, plain.id)
    session.votes.retract(ballot.id, 1, plain.id)
    session.notes.add("Tea", stage_id=stage)
    session.notes.edit(plain.id, "Coffee, hot")
    session.notes.hide(plain.id)
    session.notes.move(plain.id, other)
    session.participants.add("Dana")
    assert session.actions.candidates(session.votes.ranking) is first
    session.notes.mark(plain.id, NoteMark.CANDIDATE)
    again = session.actions.candidates(session.votes.ranking)
    assert [c.note.id for c in again] == [c.note.id for c in plan_candidates(session.workshop)]
    assert plain.id in [c.note.id for c in again]


def test_a_change_the_kept_list_did_not_see_finds_it_again(session: WorkshopSession) -> None:
    """Memory changed without the ledger telling the part (an undo of changes the disk refused, a batch
    followed from another window bump ``Ledger.changes`` only): the candidates are found afresh."""
    stage = session.stage().id
    note = session.notes.add("Publish the roadmap", stage_id=stage)
    first = session.actions.candidates()
    assert first == []
    session.workshop.notes[note.id] = note.replace(mark=NoteMark.DECISION)  # as an undo puts a record back
    session._ledger.changes += 1
    assert [c.note.id for c in session.actions.candidates()] == [note.id]
    assert session.actions.marked_ids() == {note.id}


def test_a_failing_applier_does_not_stop_a_commit(session: WorkshopSession) -> None:
    """A listener of ``Ledger.on_applied`` that raises is logged; the change is still made and published, and
    what the failing part keeps (here the candidates: its own listener fails) is found afresh afterwards."""
    import pytest

    stage = session.stage().id
    note = session.notes.add("Publish the roadmap", stage_id=stage)
    assert session.actions.candidates() == []
    heard: list[str] = []
    session.subscribe(lambda change: heard.append(change.kind))

    def broken(_pairs: object) -> None:
        raise RuntimeError("a bug in a listener")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(session._ledger, "_appliers", [broken, broken])  # the part's own in place of the first
        session.notes.mark(note.id, NoteMark.DECISION)
    assert len(heard) == 1
    assert session.workshop.notes[note.id].mark == NoteMark.DECISION
    assert [c.note.id for c in session.actions.candidates()] == [note.id]
