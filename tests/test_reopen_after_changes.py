"""Re-opening a revealed vote keeps every dot that can still count (docs/VOTING.md: "the same run opens again with
every dot kept"), by the rules an open vote follows: a note merged since the reveal carries its dots onto the note
it was merged into (within the cap, the rest go back), and a note deleted, moved away or hidden since gives its dots
back to their voters. Seen in a run of the demo: after a revealed note with 2 dots was merged into another and the
vote re-opened, the ballot said "its dots went back", but they stayed on the merged note: they counted in nobody's
result and used up the voter's budget ("You have used all 2 of your dots"), so they could not be placed again."""

from __future__ import annotations

import pytest

from facilitation import ballots
from workshop.session import SessionError, WorkshopSession

ANA, BEN, CHLOE = 1, 2, 3


def _totals(session: WorkshopSession, ballot_id: int) -> dict[int, int]:
    outcome = ballots.outcome(session.workshop, session.workshop.ballots[ballot_id])
    return {item.note_id: item.dots for item in outcome.ranked if item.dots}


def _vote(session: WorkshopSession, texts: list[str], casts: list[tuple[int, int]]) -> tuple[int, list[int]]:
    session.agenda.go_to(2)
    ids = [session.notes.add(t).id for t in texts]
    ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=2)
    for participant, index in casts:
        session.votes.cast(ballot.id, participant, ids[index])
    session.votes.close(ballot.id)
    return ballot.id, ids


def test_a_merge_since_the_reveal_carries_the_dots_onto_the_kept_note(session: WorkshopSession) -> None:
    ballot_id, (a, b, c) = _vote(
        session, ["Pair new managers", "Share the deck", "Peer pairs for managers"],
        [(ANA, 0), (ANA, 2), (ANA, 2), (BEN, 1), (CHLOE, 2), (CHLOE, 2)],
    )
    assert _totals(session, ballot_id) == {a: 1, b: 1, c: 4}
    session.notes.merge(a, c)  # after the reveal
    session.votes.reopen(ballot_id)
    # Ana had 1 on a and 2 on c: a takes 1 more (cap 2), 1 goes back; Chloé's 2 move over
    assert session.votes.participant_dots(ballot_id, ANA) == {a: 2}
    assert session.votes.participant_dots(ballot_id, CHLOE) == {a: 2}
    assert _totals(session, ballot_id) == {a: 4, b: 1}
    session.votes.cast(ballot_id, ANA, b)  # the dot given back can be placed again
    session.votes.close(ballot_id)
    assert _totals(session, ballot_id) == {a: 4, b: 2}
    assert sum(i.dots for i in ballots.outcome(session.workshop, session.workshop.ballots[ballot_id]).ranked) == 6


def test_a_merge_into_a_note_not_on_the_ballot_puts_that_note_in_its_place(session: WorkshopSession) -> None:
    ballot_id, (a, b) = _vote(session, ["Pair new managers", "Share the deck"], [(ANA, 0), (BEN, 1), (BEN, 1)])
    later = session.notes.add("Written after the vote")
    session.notes.merge(later.id, b)
    session.votes.reopen(ballot_id)
    assert session.workshop.ballots[ballot_id].note_ids == [a, later.id]
    assert session.votes.participant_dots(ballot_id, BEN) == {later.id: 2}
    assert _totals(session, ballot_id) == {a: 1, later.id: 2}


@pytest.mark.parametrize("change", ["delete", "hide", "move"])
def test_a_note_gone_since_the_reveal_gives_its_dots_back(session: WorkshopSession, change: str) -> None:
    ballot_id, (a, b) = _vote(session, ["Pair new managers", "Share the deck"], [(ANA, 0), (BEN, 1), (BEN, 1)])
    if change == "delete":
        session.notes.delete(b)
    elif change == "hide":
        session.notes.hide(b)
    else:
        session.notes.move(b, 3)
    session.votes.reopen(ballot_id)
    assert session.votes.participant_dots(ballot_id, BEN) == {}
    session.votes.cast(ballot_id, BEN, a)
    session.votes.cast(ballot_id, BEN, a)
    with pytest.raises(SessionError):
        session.votes.cast(ballot_id, BEN, a)  # the cap, not a budget used up by dots nobody sees
    assert _totals(session, ballot_id) == {a: 3}


def test_re_opening_says_which_dots_went_back_and_asks_their_voter_again(session: WorkshopSession) -> None:
    session.agenda.go_to(2)
    a, b = session.notes.add("Pair new managers").id, session.notes.add("Share the deck").id
    ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=2)
    for participant, note in ((ANA, a), (BEN, b), (BEN, b)):
        session.votes.cast(ballot.id, participant, note)
    session.votes.submit(ballot.id, ANA)
    session.votes.submit(ballot.id, BEN)
    session.votes.close(ballot.id)
    session.notes.delete(b)
    seen = []
    session.subscribe(seen.append)
    session.votes.reopen(ballot.id)
    (change,) = seen
    assert change.event.kind == "vote.reopened"
    assert change.event.data["returned"] == [[BEN, 2]]
    assert "2 dots given back" in change.event.summary
    assert session.workshop.ballots[ballot.id].submitted == [ANA]  # Ben has dots to place again


def test_the_ballot_says_a_merged_note_s_dots_moved_not_that_it_was_deleted(session: WorkshopSession) -> None:
    from screens.voting import note_problem

    session.agenda.go_to(2)
    a, b, c = (session.notes.add(t).id for t in ("Pair new managers", "Peer pairs", "Share the deck"))
    ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=2)
    session.notes.merge(a, b)
    session.notes.delete(c)
    ws = session.workshop
    assert note_problem(ws, ws.ballots[ballot.id], b) == (
        f"merged into #{a}: off the ballot, its dots moved there (within the cap)"
    )
    assert note_problem(ws, ws.ballots[ballot.id], c).startswith("deleted after the vote opened")
