"""`u` undoes the last change to the notes, whatever it was, names it, walks further back, and never brings back an
older, unrelated deletion."""

from __future__ import annotations

import pytest

from workshop.session import SessionError, WorkshopSession


def texts(session: WorkshopSession) -> list[str]:
    return [n.text for n in session.workshop.stage_notes(session.stage().id)]


def test_undo_undoes_the_last_change_not_an_older_deletion(session: WorkshopSession) -> None:
    """The issue's example: an older deletion must not come back when the last change was something else."""
    old = session.notes.add("old idea")
    a = session.notes.add("Alpha")
    b = session.notes.add("Beta")
    session.notes.delete(old.id)
    session.notes.merge(a.id, b.id)
    undone = session.notes.undo()
    assert undone.what == "the merge"
    assert texts(session) == ["Alpha", "Beta"]  # the merge undone; "old idea" stays deleted
    assert session.notes.undo().what == "the delete"
    assert texts(session) == ["old idea", "Alpha", "Beta"]


@pytest.mark.parametrize(
    ("change", "name"),
    [
        (lambda s, n, o: s.notes.edit(n, "changed"), "the edit"),
        (lambda s, n, o: s.notes.delete(n), "the delete"),
        (lambda s, n, o: s.notes.merge(n, o), "the merge"),
        (
            lambda s, n, o: s.notes.move(n, next(x for x in s.workshop.agenda() if x.key == "strategy").id),
            "the move",
        ),
        (lambda s, n, o: s.notes.mark(n, "decision"), "the mark"),
        (lambda s, n, o: s.notes.reorder(n, 1), "the reordering"),
    ],
)
def test_every_kind_of_change_is_undone_exactly(session: WorkshopSession, change: object, name: str) -> None:
    ana = session.workshop.active_participants()[0].id
    n = session.notes.add("first", author_id=ana).id
    o = session.notes.add("second").id
    before = {k: v.to_dict() for k, v in session.workshop.notes.items()}
    change(session, n, o)  # type: ignore[operator]
    undone = session.notes.undo()
    assert undone.what == name
    after = {k: v.to_dict() for k, v in session.workshop.notes.items()}
    for record in (*before.values(), *after.values()):
        record.pop("updated_at")
    assert after == before


def test_undo_walks_back_through_every_change_and_stops_at_the_adding(session: WorkshopSession) -> None:
    n = session.notes.add("one")
    session.notes.edit(n.id, "one, edited")
    session.notes.mark(n.id, "decision")
    assert [session.notes.undo().what for _ in range(2)] == ["the mark", "the edit"]
    assert texts(session) == ["one"]
    with pytest.raises(SessionError, match=r"adding one \(#\d+, “one”\)\. Press d to delete it"):
        session.notes.undo()
    assert texts(session) == ["one"]


def test_a_merge_keeps_both_authors_and_undo_takes_it_back(session: WorkshopSession) -> None:
    ana, ben = (p.id for p in session.workshop.active_participants()[:2])
    a = session.notes.add("A", author_id=ana)
    b = session.notes.add("B", author_id=ben)
    merged = session.notes.merge(a.id, b.id)
    assert merged.author_ids == [ana, ben]
    assert session.workshop.credit(merged) == "Ana and Ben"
    session.notes.undo()
    assert session.workshop.notes[a.id].author_ids == [ana]


def test_an_authors_note_can_be_changed_afterwards(session: WorkshopSession) -> None:
    ana, ben = (p.id for p in session.workshop.active_participants()[:2])
    note = session.notes.add("by the wrong person", author_id=ana)
    session.notes.edit(note.id, note.text, author_id=ben)
    assert session.workshop.notes[note.id].author_id == ben
    assert session.notes.undo().what == "the edit"
    assert session.workshop.notes[note.id].author_id == ana
