"""Each ballot's result kept by the session (``session.votes.result``) is always the result counted afresh
(``facilitation.ballots.outcome``), and it is kept through the changes that cannot alter it.

Votes revealed before records were kept (a ``closed`` ballot whose ``revealed`` is empty: workshops imported from
earlier versions) are counted from the notes and dots on file, or from the ranking their ``vote.revealed`` event
logged with the notes' texts as they are now; so is an open vote's running count. Their kept results used to be
thrown away by any change at all (the action plan's first open after a reveal elsewhere counted five of them again
at 20,000 notes). Now a result stays kept unless a change wrote or removed its ballot, a vote of it, a note it
reads, or logged a reveal naming it, and everything is counted afresh after a change the session was not told of
(an undo of refused changes, a batch followed from another window). The property test runs random changes over an
imported legacy workshop; the named tests pin each kind of change that must clear a kept result or keep it.
"""

from __future__ import annotations

import contextlib
import copy
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation import ballots
from facilitation.clock import FakeClock
from facilitation.models import Ballot, BallotStatus, Event, Vote, Workshop
from workshop import records
from workshop.session import SessionError, WorkshopSession
from workshop.store import Store

LEGACY_KINDS = ("dots", "dots_closed_at", "logged", "malformed")
"""How a legacy ballot was revealed: counted from its dots (closed with no time, as the oldest files have it, or
with one), from the ranking its ``vote.revealed`` event logged, or with an event whose ranking cannot be read."""


def legacy_workshop(folder: Path, kinds: list[str]) -> WorkshopSession:
    """A workshop as an earlier version wrote it, imported: 4 notes on each of two stages, one closed ballot per
    entry of ``kinds`` (``LEGACY_KINDS``) with no ``revealed`` record, three voters' dots on each. A logged ranking
    names the stage's first note, which its ballot no longer lists (as after a merge in an earlier version)."""
    store = Store(folder)
    clock = FakeClock()
    made = WorkshopSession.create(store, "Offsite", participants=["Ana", "Ben", "Chloé"], clock=clock)
    stages = [s.id for s in made.workshop.agenda()][1:3]
    for stage in stages:
        for i in range(4):
            made.notes.add(f"idea {i} on {stage}", stage_id=stage)
    ws: Workshop = copy.deepcopy(made.workshop)
    made.close()
    vote_id = 0
    event_id = max(e.id for e in ws.events)
    for number, kind in enumerate(kinds):
        ballot_id = number + 1
        stage = stages[number % 2]
        on = [n.id for n in ws.stage_notes(stage)]
        ws.ballots[ballot_id] = Ballot(
            ballot_id,
            stage,
            f"vote {ballot_id}",
            on[1:] if kind == "logged" else on,  # its logged ranking names a note the ballot no longer lists
            budget=3,
            cap=2,
            status=BallotStatus.CLOSED,
            closed_at=None if kind == "dots" else clock.wall() + 1,
            eligible=list(ws.participants),
            submitted=list(ws.participants)[:2],
        )
        for person in ws.participants:
            for offset in range(person % 3 + 1):
                vote_id += 1
                ws.votes[vote_id] = Vote(vote_id, ballot_id, person, on[(person + offset * 2) % len(on)])
        if kind in ("logged", "malformed"):
            event_id += 1
            rows: object = (
                [[note, 3 - i, i + 1] for i, note in enumerate(on[:3])] if kind == "logged" else "?"
            )
            ws.events.append(
                Event(
                    event_id,
                    clock.wall() + 1,
                    "vote.revealed",
                    "revealed",
                    stage,
                    {"ballot_id": ballot_id, "result": rows},
                )
            )
    return WorkshopSession.import_workshop(store, ws, clock=clock)


def fresh(session: WorkshopSession, ballot: Ballot) -> tuple[object, ...]:
    found = ballots.outcome(session.workshop, ballot)
    return (found.ranked, found.voters, found.total_dots, found.recorded)


def kept(session: WorkshopSession, ballot_id: int) -> tuple[object, ...]:
    result = session.votes.result(ballot_id)
    return (result.ranked, result.voters, result.total_dots, result.recorded)


def assert_every_result_fresh(session: WorkshopSession, after: str) -> None:
    for ballot in session.workshop.ballots.values():
        assert kept(session, ballot.id) == fresh(session, ballot), f"ballot {ballot.id} after {after}"


STEPS = [
    "add",
    "edit",
    "move",
    "merge",
    "delete",
    "hide",
    "undo",
    "mark",
    "open_vote",
    "open_tally",
    "dot",
    "retract",
    "tally",
    "close",
    "reopen",
    "reset",
    "rerun",
    "join",
    "rename_stage",
    "action",
]


def step(session: WorkshopSession, name: str, pick: int) -> None:
    """One change, on the note / ballot / stage ``pick`` chooses; a refusal is a change not made."""
    ws = session.workshop
    stages = [s.id for s in ws.agenda()][1:4]
    stage = stages[pick % len(stages)]
    notes = [n.id for n in ws.notes.values() if not n.deleted]
    note = notes[pick % len(notes)] if notes else None
    chosen = ws.ballots[list(ws.ballots)[pick % len(ws.ballots)]] if ws.ballots else None
    person = list(ws.participants)[pick % len(ws.participants)]
    with contextlib.suppress(SessionError):
        if name == "add" or note is None:
            session.notes.add(f"idea {pick}", stage_id=stage)
        elif name == "edit":
            session.notes.edit(note, f"idea {pick}, said again")
        elif name == "move":
            session.notes.move(note, stage)
        elif name == "merge" and len(notes) > 1:
            session.notes.merge(note, notes[(pick + 1) % len(notes)])
        elif name == "delete":
            session.notes.delete(note)
        elif name == "hide":
            session.notes.hide(note, not ws.notes[note].hidden)
        elif name == "undo":
            session.notes.undo()
        elif name == "mark":
            session.notes.mark(note, None if pick % 2 else "decision")
        elif name in ("open_vote", "open_tally"):
            where = ws.notes[note].stage_id
            on = [n.id for n in ws.stage_notes(where) if not n.withheld]
            mode = "tally" if name == "open_tally" else "private"
            session.votes.open(where, note_ids=on, budget=3, cap=2, mode=mode)
        elif chosen is not None and name in ("dot", "retract", "tally"):
            on_ballot = chosen.note_ids[pick % len(chosen.note_ids)]
            if name == "dot":
                session.votes.cast(chosen.id, person, on_ballot)
            elif name == "retract":
                session.votes.retract(chosen.id, person, on_ballot)
            else:
                session.votes.tally(chosen.id, on_ballot, pick)
        elif chosen is not None and name == "close":
            session.votes.close(chosen.id)
        elif chosen is not None and name == "reopen":
            session.votes.reopen(chosen.id)
        elif chosen is not None and name == "reset":
            session.votes.reset(chosen.id)
        elif chosen is not None and name == "rerun":
            session.votes.rerun(chosen.id)
        elif name == "join":
            session.participants.add(f"Person {pick}")
        elif name == "rename_stage":
            session.agenda.rename(stage, f"Stage {pick}")
        elif name == "action":
            session.actions.add(f"do {pick}", source_note_id=note)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(LEGACY_KINDS), min_size=1, max_size=4),
    st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 40)), min_size=1, max_size=30),
)
def test_kept_results_are_always_those_counted_afresh(kinds: list[str], steps: list[tuple[str, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        session = legacy_workshop(Path(folder), kinds)
        try:
            assert_every_result_fresh(session, "the import")
            for name, pick in steps:
                step(session, name, pick)
                assert_every_result_fresh(session, name)
        finally:
            session.close()


# --- named cases --------------------------------------------------------------------------------------------


@pytest.fixture
def legacy(data_dir: Path) -> Iterator[WorkshopSession]:
    """One ballot of each kind (``LEGACY_KINDS``): ids 1 to 4; 1 and 3 on the first stage, 2 and 4 on the second."""
    session = legacy_workshop(data_dir, list(LEGACY_KINDS))
    yield session
    session.close()


def _counted(session: WorkshopSession) -> dict[int, object]:
    """Every ballot's kept result object, asked for now (so each is kept going into the next change)."""
    return {ballot_id: session.votes.result(ballot_id) for ballot_id in session.workshop.ballots}


def _stage_of(session: WorkshopSession, ballot_id: int) -> int:
    stage = session.workshop.ballots[ballot_id].stage_id
    assert stage is not None
    return stage


def _other_stage(session: WorkshopSession) -> int:
    used = {b.stage_id for b in session.workshop.ballots.values()}
    return next(s.id for s in session.workshop.agenda() if s.id not in used)


def test_changes_elsewhere_keep_every_result(legacy: WorkshopSession) -> None:
    """A note added, edited, moved, hidden and merged off every ballot, a vote opened, dotted and revealed on
    another stage (what the action plan meets after a reveal), someone joining, a stage renamed and an action:
    every kept result is the same object, and still right."""
    first = _counted(legacy)
    elsewhere = _other_stage(legacy)
    a = legacy.notes.add("Coffee", stage_id=elsewhere)
    b = legacy.notes.add("Tea", stage_id=elsewhere)
    c = legacy.notes.add("Cake", stage_id=elsewhere)
    legacy.notes.edit(a.id, "Coffee, hot")
    legacy.notes.hide(c.id)
    legacy.notes.merge(a.id, b.id)
    ballot = legacy.votes.open(elsewhere, note_ids=[a.id], budget=2, cap=2)
    legacy.votes.cast(ballot.id, 1, a.id)
    legacy.votes.close(ballot.id)
    legacy.participants.add("Dana")
    legacy.agenda.rename(_stage_of(legacy, 1), "Renamed")
    legacy.actions.add("Publish the roadmap")
    for ballot_id, result in first.items():
        assert legacy.votes.result(ballot_id) is result, f"ballot {ballot_id} counted again"
    assert_every_result_fresh(legacy, "changes elsewhere")


def test_editing_a_note_on_a_ballot_clears_the_results_that_read_it(legacy: WorkshopSession) -> None:
    """Every kind of legacy ballot shows its notes' texts as they are now: an edit is in the next result; the
    ballots of the other stage keep theirs."""
    first = _counted(legacy)
    note = legacy.workshop.ballots[1].note_ids[0]  # ballot 3 logged it in its ranking, no longer listing it
    assert note not in legacy.workshop.ballots[3].note_ids
    legacy.notes.edit(note, "Said better")
    for ballot_id in (1, 3):
        texts = [item.text for item in legacy.votes.result(ballot_id).ranked]
        assert "Said better" in texts, f"ballot {ballot_id}"
    for ballot_id in (2, 4):
        assert legacy.votes.result(ballot_id) is first[ballot_id]
    assert_every_result_fresh(legacy, "an edit")


@pytest.mark.parametrize("change", ["delete", "hide", "move", "merge"])
def test_a_note_leaving_a_ballot_revealed_without_a_time_clears_its_result(
    legacy: WorkshopSession, change: str
) -> None:
    """Ballot 1 was closed with no time on file (``closed_at`` empty): a note deleted, hidden, moved away or merged
    into another leaves its count, and the next result says so."""
    first = _counted(legacy)
    ballot = legacy.workshop.ballots[1]
    dotted = first[1].ranked[0]  # type: ignore[attr-defined]
    assert dotted.dots > 0
    note = dotted.note_id
    if change == "delete":
        legacy.notes.delete(note)
    elif change == "hide":
        legacy.notes.hide(note)
    elif change == "move":
        legacy.notes.move(note, _other_stage(legacy))
    else:
        other = next(n for n in ballot.note_ids if n != note)
        legacy.notes.merge(other, note)
    again = legacy.votes.result(1)
    assert note not in [item.note_id for item in again.ranked]
    assert_every_result_fresh(legacy, change)


def test_undo_clears_the_result_it_changes(legacy: WorkshopSession) -> None:
    first = _counted(legacy)
    note = first[1].ranked[0].note_id  # type: ignore[attr-defined]
    legacy.notes.delete(note)
    assert note not in [item.note_id for item in legacy.votes.result(1).ranked]
    legacy.notes.undo()
    assert note in [item.note_id for item in legacy.votes.result(1).ranked]
    assert_every_result_fresh(legacy, "undo")


def test_a_dot_clears_the_running_count_of_its_vote_only(legacy: WorkshopSession) -> None:
    """A legacy ballot re-opened: its running count follows each dot cast and taken back (a change that writes a
    vote and nothing else); the other ballots keep their results."""
    legacy.votes.reopen(1)
    first = _counted(legacy)
    note = legacy.workshop.ballots[1].note_ids[-1]
    before = {item.note_id: item.dots for item in first[1].ranked}  # type: ignore[attr-defined]
    legacy.votes.cast(1, 3, note)
    after = {item.note_id: item.dots for item in legacy.votes.result(1).ranked}
    assert after[note] == before[note] + 1
    legacy.votes.retract(1, 3, note)
    assert {item.note_id: item.dots for item in legacy.votes.result(1).ranked} == before
    for ballot_id in (2, 3, 4):
        assert legacy.votes.result(ballot_id) is first[ballot_id]
    assert_every_result_fresh(legacy, "dots")


def test_writing_a_ballot_clears_its_result(legacy: WorkshopSession) -> None:
    """Re-opened, a tally typed, reset, revealed again: each writes the ballot record, and each result follows."""
    legacy.votes.reopen(2)
    assert legacy.votes.result(2).recorded is False
    legacy.votes.reset(2)
    assert legacy.votes.result(2).total_dots == 0
    legacy.votes.close(2)
    assert legacy.votes.result(2).recorded is True
    assert_every_result_fresh(legacy, "ballot writes")


def test_a_reveal_logged_for_a_legacy_ballot_clears_its_result(legacy: WorkshopSession) -> None:
    """A ``vote.revealed`` event naming a ballot changes what its result reads even when no record is written
    with it (the log is read for every ballot revealed before records were kept)."""
    first = _counted(legacy)
    ballot = legacy.workshop.ballots[1]
    rows = [[note, 9 - i, i + 1] for i, note in enumerate(ballot.note_ids[:2])]
    legacy._ledger.commit("vote.revealed", "logged again", data={"ballot_id": 1, "result": rows})
    again = legacy.votes.result(1)
    assert [(i.note_id, i.dots) for i in again.ranked] == [(r[0], r[1]) for r in rows]
    assert legacy.votes.result(2) is first[2]
    assert_every_result_fresh(legacy, "a logged reveal")


def test_a_change_the_session_was_not_told_of_counts_every_result_again(legacy: WorkshopSession) -> None:
    """Memory changed without the parts being told (an undo of changes the disk refused bumps
    ``Ledger.changes`` only): nothing kept is trusted, the reveals found in the log included."""
    _counted(legacy)
    note_id = legacy.workshop.ballots[1].note_ids[0]
    legacy.workshop.notes[note_id] = legacy.workshop.notes[note_id].replace(text="Put back as it was")
    rows = [[n, 7, 1] for n in legacy.workshop.ballots[2].note_ids[:1]]
    event = Event(10_000, 0.0, "vote.revealed", "put back", None, {"ballot_id": 2, "result": rows})
    legacy.workshop.events.append(event)
    legacy._ledger.changes += 1
    assert "Put back as it was" in [i.text for i in legacy.votes.result(3).ranked]
    assert [(i.note_id, i.dots) for i in legacy.votes.result(2).ranked] == [(r[0], r[1]) for r in rows]
    assert_every_result_fresh(legacy, "an unannounced change")


def test_a_follower_counts_results_again_after_each_batch(legacy: WorkshopSession) -> None:
    """A window following the workshop (``WorkshopSession.following``) applies other processes' changes without
    ``Ledger.on_applied``: each batch followed is counted afresh."""
    follower = WorkshopSession.following(copy.deepcopy(legacy.workshop), clock=FakeClock())
    first = {b: follower.votes.result(b) for b in follower.workshop.ballots}
    note = follower.workshop.notes[follower.workshop.ballots[1].note_ids[0]]
    edited = note.replace(text="Edited in the other window")
    event = Event(10_000, 0.0, "note.edited", "edited", note.stage_id, {"note_id": note.id})
    follower._ledger.apply_external([records.put(edited), records.put(event)])
    assert "Edited in the other window" in [i.text for i in follower.votes.result(1).ranked]
    for ballot_id in follower.workshop.ballots:
        assert (
            follower.votes.result(ballot_id).ranked
            == ballots.outcome(follower.workshop, follower.workshop.ballots[ballot_id]).ranked
        )
    assert first


def test_a_new_workshop_in_the_ledger_is_counted_afresh(legacy: WorkshopSession) -> None:
    """The ledger's workshop replaced by another object (the whole workshop read after the first frame): what was
    kept for the old one is not used for the new one, even where the two share the ballot records."""
    _counted(legacy)
    whole = copy.copy(legacy.workshop)
    whole.notes = dict(legacy.workshop.notes)
    note_id = whole.ballots[1].note_ids[0]
    whole.notes[note_id] = whole.notes[note_id].replace(text="Read from the file")
    legacy._ledger.ws = whole
    assert "Read from the file" in [i.text for i in legacy.votes.result(1).ranked]
    assert_every_result_fresh(legacy, "a new workshop")


def test_a_revealed_result_is_kept_by_its_record(legacy: WorkshopSession) -> None:
    """A vote revealed now keeps its record: edits to its notes and any other change leave its result as
    revealed (the same object), until it is re-opened."""
    legacy.votes.reopen(1)
    revealed = legacy.votes.close(1)
    assert legacy.votes.result(1) is revealed
    for note in legacy.workshop.ballots[1].note_ids:
        legacy.notes.edit(note, "Changed after the reveal")
    assert legacy.votes.result(1) is revealed
    legacy.votes.reopen(1)
    assert legacy.votes.result(1) is not revealed
    assert_every_result_fresh(legacy, "a reveal")
