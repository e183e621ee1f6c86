"""``ctrl+y`` (``session.notes.redo``) makes again the change to the notes that ``u`` last undid.

Before, a stray ``u`` could undo an edit, a merge, a move or a mark, and the only way back was to do it again by
hand from the words left in the event log. Redo walks back through the undos in order, ends once the facilitator
changes the notes otherwise (as in every editor), survives a restart, and never overwrites what a participant
changed on their phone since."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.clock import FakeClock
from tests.room_helpers import Phone, ana_on_a_silent_stage
from workshop.session import SessionError, WorkshopSession
from workshop.store import Store

Change = Callable[[WorkshopSession, int, int], object]


def _strategy(session: WorkshopSession) -> int:
    return next(x for x in session.workshop.agenda() if x.key == "strategy").id


CHANGES: list[tuple[Change, str]] = [
    (lambda s, n, o: s.notes.edit(n, "changed"), "the edit"),
    (lambda s, n, o: s.notes.edit(n, "first", author_id=None), "the edit"),
    (lambda s, n, o: s.notes.delete(n), "the delete"),
    (lambda s, n, o: s.notes.merge(n, o), "the merge"),
    (lambda s, n, o: s.notes.move(n, _strategy(s)), "the move"),
    (lambda s, n, o: s.notes.mark(n, "decision"), "the mark"),
    (lambda s, n, o: s.notes.reorder(n, 1), "the reordering"),
    (lambda s, n, o: s.notes.hide(n), "the hiding"),
]


def notes_now(session: WorkshopSession) -> dict[int, dict[str, Any]]:
    """Every note's record, less the time it was last written."""
    found = {k: v.to_dict() for k, v in session.workshop.notes.items()}
    for record in found.values():
        record.pop("updated_at")
    return found


@pytest.mark.parametrize(("change", "name"), CHANGES)
def test_every_kind_of_change_is_redone_exactly_and_undone_again(
    session: WorkshopSession, change: Change, name: str
) -> None:
    ana = session.workshop.active_participants()[0].id
    n = session.notes.add("first", author_id=ana).id
    o = session.notes.add("second").id
    before = notes_now(session)
    change(session, n, o)
    after = notes_now(session)
    session.notes.undo()
    assert notes_now(session) == before
    redone = session.notes.redo()
    assert redone.what == name and redone.note.id == n
    assert notes_now(session) == after
    assert session.notes.undo().what == name  # the redone change is an ordinary change: u takes it back
    assert notes_now(session) == before
    session.notes.redo()  # and ctrl+y makes it again
    assert notes_now(session) == after


def test_redo_walks_back_through_the_undos_in_order(session: WorkshopSession) -> None:
    n = session.notes.add("one")
    session.notes.edit(n.id, "one, edited")
    session.notes.mark(n.id, "decision")
    session.notes.move(n.id, _strategy(session))
    assert [session.notes.undo().what for _ in range(3)] == ["the move", "the mark", "the edit"]
    assert [session.notes.redo().what for _ in range(3)] == ["the edit", "the mark", "the move"]
    note = session.workshop.notes[n.id]
    assert (note.text, note.mark, note.stage_id) == ("one, edited", "decision", _strategy(session))
    with pytest.raises(SessionError, match="Nothing to redo"):
        session.notes.redo()


def test_a_new_change_to_the_notes_ends_redo(session: WorkshopSession) -> None:
    n = session.notes.add("one")
    session.notes.edit(n.id, "one, edited")
    session.notes.undo()
    session.notes.add("another")
    with pytest.raises(SessionError, match="notes were changed after the last undo"):
        session.notes.redo()
    assert session.workshop.notes[n.id].text == "one"


def test_nothing_undone_nothing_to_redo(session: WorkshopSession) -> None:
    with pytest.raises(SessionError, match="no change to the notes has been undone"):
        session.notes.redo()
    n = session.notes.add("one")
    session.notes.edit(n.id, "one, edited")
    # Nothing was ever undone: it used to say the notes "were changed after the last undo (an edit)".
    with pytest.raises(SessionError, match="no change to the notes has been undone"):
        session.notes.redo()


def test_once_every_undo_is_redone_redo_says_so(session: WorkshopSession) -> None:
    """Seen in the app: d, u, ctrl+y, ctrl+y said "the notes were changed after the last undo (the delete)",
    though nobody changed them: the delete it named was the one just redone."""
    n = session.notes.add("one")
    o = session.notes.add("two")
    session.notes.delete(n.id)
    session.notes.edit(o.id, "two, edited")
    session.notes.undo()
    session.notes.undo()
    session.notes.redo()
    session.notes.redo()
    with pytest.raises(SessionError, match="Nothing to redo: every change undone has been redone"):
        session.notes.redo()
    assert not session.notes.can_redo()
    session.notes.undo()
    assert session.notes.can_redo()
    session.notes.redo()
    with pytest.raises(SessionError, match="every change undone has been redone"):
        session.notes.redo()
    session.notes.mark(o.id, "decision")  # a new change after the redos: that is what ends redo now
    with pytest.raises(SessionError, match=r"changed after the last undo \(the mark\)"):
        session.notes.redo()


def test_redo_after_a_restart(store: Store, clock: FakeClock, session: WorkshopSession) -> None:
    n = session.notes.add("one")
    session.notes.edit(n.id, "one, edited")
    session.notes.undo()
    workshop_id = session.workshop.id
    session.close()
    with WorkshopSession.open(store, workshop_id, clock=clock) as reopened:
        assert reopened.notes.redo().what == "the edit"
        assert reopened.workshop.notes[n.id].text == "one, edited"
    with WorkshopSession.open(store, workshop_id, clock=clock, mode="read") as reader:  # durable on return
        assert reader.workshop.notes[n.id].text == "one, edited"


def test_a_merge_on_an_open_vote_carries_the_dots_again(session: WorkshopSession) -> None:
    ana, ben = (p.id for p in session.workshop.active_participants()[:2])
    a = session.notes.add("A")
    b = session.notes.add("B")
    ballot = session.votes.open(session.stage().id, budget=2, cap=2)
    session.votes.cast(ballot.id, ana, b.id)
    session.votes.cast(ballot.id, ben, b.id)
    session.notes.merge(a.id, b.id)
    assert session.votes.participant_dots(ballot.id, ana) == {a.id: 1}
    session.notes.undo()
    assert session.votes.participant_dots(ballot.id, ana) == {b.id: 1}
    session.notes.redo()
    assert session.votes.participant_dots(ballot.id, ana) == {a.id: 1}
    assert session.votes.participant_dots(ballot.id, ben) == {a.id: 1}
    assert session.workshop.notes[b.id].deleted


@pytest.fixture
def room(session: WorkshopSession) -> tuple[WorkshopSession, Phone]:
    return session, ana_on_a_silent_stage(session)


def test_redo_never_overwrites_what_a_phone_changed_since(room: tuple[WorkshopSession, Phone]) -> None:
    session, ana = room
    assert ana.note("Ana's idae").status_code == 303
    mine = max(session.workshop.notes)
    session.notes.edit(mine, "Ana's idea")  # the facilitator fixes a typo ...
    session.notes.undo()  # ... undoes it by mistake ...
    assert ana.post(f"/notes/{mine}/edit", text="Ana's idea, and why").status_code == 303  # ... Ana rewrites it
    with pytest.raises(SessionError, match="changed that note on their phone since"):
        session.notes.redo()
    assert session.workshop.notes[mine].text == "Ana's idea, and why"


def test_a_phone_s_new_note_does_not_end_redo(room: tuple[WorkshopSession, Phone]) -> None:
    session, ana = room
    typo = session.notes.add("Typo")
    session.notes.edit(typo.id, "Typo fixed")
    session.notes.undo()
    assert ana.note("Ana's own idea").status_code == 303
    assert session.notes.redo().what == "the edit"
    assert session.workshop.notes[typo.id].text == "Typo fixed"


STEPS = st.lists(
    st.tuples(st.sampled_from(range(len(CHANGES))), st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=6
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS, back=st.integers(1, 6))
def test_undoing_k_changes_then_redoing_k_gives_back_the_same_notes(
    store: Store, clock: FakeClock, steps: list[tuple[int, int, int]], back: int
) -> None:
    """Any run of changes, then ``k`` undos, then ``k`` redos: the notes are as they were before the undos, and
    each undo then gives back the state it gave the first time."""
    with WorkshopSession.create(store, "Property", participants=["Ana", "Ben"], clock=clock) as session:
        session.agenda.go_to(1)
        ids = [session.notes.add(text).id for text in ("one", "two", "three")]
        done = 0
        for kind, first, second in steps:
            n, o = ids[first], ids[second]
            if n == o or session.workshop.notes[n].deleted or session.workshop.notes[o].deleted:
                continue
            if session.workshop.notes[n].stage_id != session.workshop.notes[o].stage_id and kind == 3:
                continue  # a merge takes two notes of one stage
            before = notes_now(session)
            CHANGES[kind][0](session, n, o)
            if notes_now(session) != before:
                done += 1
        k = min(back, done)
        states = [notes_now(session)]
        for _ in range(k):
            session.notes.undo()
            states.append(notes_now(session))
        for index in range(k):
            session.notes.redo()
            assert notes_now(session) == states[k - index - 1]
