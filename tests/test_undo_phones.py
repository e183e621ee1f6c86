"""The facilitator's undo (``u``) undoes the facilitator's own changes, never a participant's from their phone.

Seen with the room open: a participant withdrew their note on their phone, the facilitator pressed ``u`` to undo
their own last deletion, and the participant's note came back (and ``u`` after a phone's edit put the participant's
old text back). A change made on a phone is the participant's: ``u`` walks past it to the facilitator's last
change, and refuses (saying why) when that change is to a note a phone changed since, since undoing it would
overwrite the participant's text."""

from __future__ import annotations

import pytest

from tests.room_helpers import Phone, ana_on_a_silent_stage
from workshop.session import SessionError, WorkshopSession


def _text(session: WorkshopSession, note_id: int) -> str:
    return session.workshop.notes[note_id].text


@pytest.fixture
def room(session: WorkshopSession) -> tuple[WorkshopSession, Phone]:
    return session, ana_on_a_silent_stage(session)


def _phone_note(session: WorkshopSession, ana: Phone, text: str) -> int:
    assert ana.note(text).status_code == 303
    ana.refresh()
    return max(session.workshop.notes)


def test_undo_walks_past_a_phone_s_edit_to_the_facilitator_s_deletion(room: tuple[WorkshopSession, Phone]) -> None:
    session, ana = room
    typo = session.notes.add("Typed twice by mistake")
    mine = _phone_note(session, ana, "Ana's first try")
    session.notes.delete(typo.id)
    assert ana.post(f"/notes/{mine}/edit", text="Ana's better wording").status_code == 303
    undone = session.notes.undo()
    assert undone.what == "the delete" and undone.note.id == typo.id
    assert not session.workshop.notes[typo.id].deleted
    assert _text(session, mine) == "Ana's better wording"


def test_undo_never_brings_back_a_note_its_author_withdrew(room: tuple[WorkshopSession, Phone]) -> None:
    session, ana = room
    other = session.notes.add("Facilitator's note")
    mine = _phone_note(session, ana, "On second thought, no")
    session.notes.edit(other.id, "Facilitator's note, reworded")
    assert ana.post(f"/notes/{mine}/withdraw").status_code == 303
    undone = session.notes.undo()
    assert undone.what == "the edit" and _text(session, other.id) == "Facilitator's note"
    assert session.workshop.notes[mine].deleted


def test_a_note_added_on_a_phone_does_not_stop_the_facilitator_s_undo(room: tuple[WorkshopSession, Phone]) -> None:
    session, ana = room
    note = session.notes.add("Draft")
    session.notes.edit(note.id, "Draft, edited")
    mine = _phone_note(session, ana, "Added on a phone meanwhile")
    assert session.notes.undo().what == "the edit"
    assert _text(session, note.id) == "Draft" and not session.workshop.notes[mine].deleted
    with pytest.raises(SessionError, match="adding one"):  # the facilitator's own adding still stops undo
        session.notes.undo()


def test_undo_refuses_to_overwrite_what_a_phone_changed_since(room: tuple[WorkshopSession, Phone]) -> None:
    session, ana = room
    mine = _phone_note(session, ana, "Ana's idae")
    session.notes.edit(mine, "Ana's idea")  # the facilitator fixes a typo
    assert ana.post(f"/notes/{mine}/edit", text="Ana's idea, and why").status_code == 303
    with pytest.raises(SessionError, match="phone"):
        session.notes.undo()
    assert _text(session, mine) == "Ana's idea, and why"
