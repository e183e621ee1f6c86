"""A voter who confirmed their ballot and then got dots back (the note they were on was deleted, hidden, moved away
or merged over the cap) is asked again: they are no longer counted as done. Seen in the room: after the facilitator
hid a note holding a participant's two dots, their phone said both "2 dots left of 2" and "You are done" (its dot
buttons disabled), the board counted them as voted, and a reveal then would have left those two dots out."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.room_helpers import Phone, make_room
from workshop.session import WorkshopSession

ANA, BEN = 1, 2

CHANGES: dict[str, Callable[[WorkshopSession, int, int], object]] = {
    "delete": lambda s, keep, gone: s.notes.delete(gone),
    "hide": lambda s, keep, gone: s.notes.hide(gone),
    "move": lambda s, keep, gone: s.notes.move(gone, 3),
    "merge over the cap": lambda s, keep, gone: s.notes.merge(keep, gone),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_confirmed_voter_who_gets_dots_back_is_asked_again(session: WorkshopSession, change: str) -> None:
    session.agenda.go_to(2)
    keep, gone = session.notes.add("Pair new managers").id, session.notes.add("Share the deck").id
    ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=2)
    for note in (keep, keep, gone):
        session.votes.cast(ballot.id, ANA, note)
    session.votes.cast(ballot.id, BEN, keep)
    session.votes.submit(ballot.id, ANA)
    session.votes.submit(ballot.id, BEN)
    CHANGES[change](session, keep, gone)
    assert session.workshop.ballots[ballot.id].submitted == [BEN]  # Ana has a dot to place again; Ben has not


def test_the_phone_shows_the_ballot_again_not_you_are_done(session: WorkshopSession) -> None:
    session.agenda.go_to(2)
    _room, web, _ = make_room(session)
    ana = Phone(web)
    ana.join(ANA)
    a, b = session.notes.add("A").id, session.notes.add("B").id
    ballot = session.votes.open(session.workshop.current_stage_id, budget=2, cap=2)
    ana.refresh()
    assert ana.post(f"/ballots/{ballot.id}/notes/{b}/add").status_code == 303
    assert ana.post(f"/ballots/{ballot.id}/notes/{b}/add").status_code == 303
    assert ana.post(f"/ballots/{ballot.id}/done", done="1").status_code == 303
    session.notes.hide(b)
    page = ana.refresh()
    assert "2 dots left of 2" in page and "You are done" not in page
    assert "I&#39;m done" in page or "I'm done" in page
    assert ana.post(f"/ballots/{ballot.id}/notes/{a}/add").status_code == 303
