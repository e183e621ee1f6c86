"""A new note goes last on its stage without scanning every note of the workshop (issue #14)."""

from __future__ import annotations

import pytest

from facilitation.models import Workshop
from workshop.session import WorkshopSession
from workshop.store import Store


def order(session: WorkshopSession, stage_id: int) -> list[str]:
    return [n.text for n in session.workshop.stage_notes(stage_id)]


def test_notes_added_moved_and_reordered_keep_a_new_note_last(session: WorkshopSession) -> None:
    vision = session.agenda.next().id
    strategy = session.stage(vision + 1).id
    for text in ("one", "two", "three"):
        session.notes.add(text)
    three = session.workshop.stage_notes(vision)[-1]
    session.notes.move(three.id, strategy)  # the last note leaves: the next one still goes last
    session.notes.add("four")
    assert order(session, vision) == ["one", "two", "four"]
    first = session.workshop.stage_notes(vision)[0]
    session.notes.reorder(first.id, 5)  # to the bottom
    session.notes.add("five")
    assert order(session, vision) == ["two", "four", "one", "five"]
    session.notes.add("six", stage_id=strategy)
    assert order(session, strategy) == ["three", "six"]
    deleted = session.workshop.stage_notes(vision)[-1]
    session.notes.delete(deleted.id)
    session.notes.add("seven")
    assert order(session, vision) == ["two", "four", "one", "seven"]


def test_adding_a_note_reads_no_other_note(session: WorkshopSession, monkeypatch: pytest.MonkeyPatch) -> None:
    session.notes.add("first")  # builds the per-stage index once

    def scanned(*_args: object, **_kwargs: object) -> list[object]:
        raise AssertionError("adding a note scanned the stage's notes")

    monkeypatch.setattr(Workshop, "stage_notes", scanned)
    monkeypatch.setattr(Workshop, "live_notes", scanned)
    note = session.notes.add("second")
    assert note.position > session.workshop.notes[1].position


def test_reopened_workshop_puts_the_next_note_last(session: WorkshopSession, store: Store) -> None:
    stage = session.stage().id
    for text in ("a", "b"):
        session.notes.add(text)
    session.notes.reorder(session.workshop.stage_notes(stage)[-1].id, -1)
    workshop_id = session.workshop.id
    session.close()
    again = WorkshopSession.open(store, workshop_id)
    try:
        again.notes.add("c")
        assert order(again, stage) == ["b", "a", "c"]
    finally:
        again.close()
