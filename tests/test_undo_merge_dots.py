"""Undoing a merge on an open vote gives the merged note back its dots: the merge carried them onto the kept note
(within the cap), and ``u`` brought the note back with none, so the kept note kept dots its voters had put on the
other one, and the result counted them there. Found trying undo after a merge during a vote."""

from __future__ import annotations

from facilitation import ballots
from workshop.session import WorkshopSession

ANA, BEN = 1, 2


def _totals(session: WorkshopSession, ballot_id: int) -> dict[int, int]:
    outcome = ballots.outcome(session.workshop, session.workshop.ballots[ballot_id])
    return {item.note_id: item.dots for item in outcome.ranked}


def test_undoing_a_merge_puts_the_carried_dots_back(session: WorkshopSession) -> None:
    session.agenda.go_to(2)
    a, b = session.notes.add("Pair new managers").id, session.notes.add("Peer pairs").id
    ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=3)
    session.votes.cast(ballot.id, ANA, b)
    session.votes.cast(ballot.id, ANA, b)
    session.votes.cast(ballot.id, BEN, a)
    session.notes.merge(a, b)
    assert _totals(session, ballot.id) == {a: 3}
    assert session.notes.undo().what == "the merge"
    assert _totals(session, ballot.id) == {a: 1, b: 2}
    assert session.votes.participant_dots(ballot.id, ANA) == {b: 2}


def test_undoing_a_merge_into_a_note_not_on_the_ballot_puts_the_note_back_with_its_dots(
    session: WorkshopSession,
) -> None:
    session.agenda.go_to(2)
    b = session.notes.add("Peer pairs").id
    ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=3)
    later = session.notes.add("Written during the vote").id
    session.votes.cast(ballot.id, ANA, b)
    session.notes.merge(later, b)
    assert session.workshop.ballots[ballot.id].note_ids == [later]
    session.notes.undo()
    assert b in session.workshop.ballots[ballot.id].note_ids
    assert _totals(session, ballot.id).get(b) == 1
    assert session.votes.participant_dots(ballot.id, ANA) == {b: 1}


def test_undoing_a_merge_on_a_room_tally_moves_the_count_back(session: WorkshopSession) -> None:
    session.agenda.go_to(2)
    a, b = session.notes.add("Pair new managers").id, session.notes.add("Peer pairs").id
    ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=3, mode="tally")
    session.votes.tally(ballot.id, a, 4)
    session.votes.tally(ballot.id, b, 5)
    session.notes.merge(a, b)
    assert _totals(session, ballot.id) == {a: 9}
    session.notes.undo()
    assert _totals(session, ballot.id) == {a: 4, b: 5}
