"""The facilitator hides a note from the room: the session's rule, and every view of the room that follows it.

A hidden note (``Note.withheld``) stays in the workshop and on the facilitator's own list, marked; the room's
views (devices: tests/test_room_routes.py; the projector; documents) leave it out; it takes no dots; silent
brainstorming's reveal never shows it; showing it again, or ``u``, brings it back.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from exports import export_workshop, interchange
from exports.common import build_report
from facilitation.clock import FakeClock
from screens.projector.board import StageNotes, results_view
from workshop.session import NotFoundError, SessionError, WorkshopSession
from workshop.store import Store

RUDE = "Ana says something rude about Ben"


@pytest.fixture
def on_stage(session: WorkshopSession) -> WorkshopSession:
    session.agenda.go_to(2)
    return session


def test_hiding_is_durable_published_undoable_and_shown_again(
    on_stage: WorkshopSession, store: Store, clock: FakeClock
) -> None:
    note = on_stage.notes.add(RUDE, author_id=1)
    seen: list[str] = []
    on_stage.subscribe(lambda change: seen.append(change.kind))
    hidden = on_stage.notes.hide(note.id)
    assert hidden.withheld and not hidden.deleted and seen == ["note.withheld"]
    assert on_stage.notes.hide(note.id) is not None and seen == ["note.withheld"], (
        "no change: nothing published"
    )
    with WorkshopSession.open(store, on_stage.workshop.id, mode="read") as reader:  # durable on return
        assert reader.workshop.notes[note.id].withheld
    undone = on_stage.notes.undo()
    assert undone.what == "the hiding" and not on_stage.workshop.notes[note.id].withheld
    on_stage.notes.hide(note.id)
    shown = on_stage.notes.hide(note.id, False)
    assert not shown.withheld and seen[-1] == "note.shown"
    with pytest.raises(NotFoundError):
        on_stage.notes.hide(999)
    on_stage.notes.delete(note.id)
    with pytest.raises(NotFoundError):
        on_stage.notes.hide(note.id)


def test_the_reveal_never_shows_a_hidden_note(on_stage: WorkshopSession) -> None:
    on_stage.notes.set_silent(True)
    kept = on_stage.notes.add("Fine idea", author_id=2)
    rude = on_stage.notes.add(RUDE, author_id=1)
    on_stage.notes.hide(rude.id)
    revealed = on_stage.notes.reveal()
    assert [n.id for n in revealed] == [kept.id]
    assert on_stage.workshop.notes[rude.id].withheld and not on_stage.workshop.notes[rude.id].for_the_room
    assert on_stage.workshop.notes[kept.id].for_the_room


def test_a_hidden_note_takes_no_dots_and_gives_its_dots_back(on_stage: WorkshopSession) -> None:
    stage_id = on_stage.workshop.current_stage_id
    assert stage_id is not None
    first = on_stage.notes.add("First", author_id=2).id
    rude = on_stage.notes.add(RUDE, author_id=1).id
    ballot = on_stage.votes.open(stage_id, budget=3, cap=2)
    on_stage.votes.cast(ballot.id, 1, rude)
    on_stage.votes.cast(ballot.id, 2, rude)
    on_stage.votes.cast(ballot.id, 2, first)
    on_stage.notes.hide(rude)
    assert on_stage.votes.participant_dots(ballot.id, 1) == {}
    assert on_stage.votes.participant_dots(ballot.id, 2) == {first: 1}
    event = on_stage.workshop.events[-1]
    assert event.kind == "note.withheld" and event.data["returned"] == [[1, 1], [2, 1]]
    with pytest.raises(SessionError, match="hidden from the room"):
        on_stage.votes.cast(ballot.id, 1, rude)
    on_stage.votes.close(ballot.id)
    result = on_stage.votes.result(ballot.id)
    assert [item.note_id for item in result.ranked] == [first], "the revealed record leaves it out"
    on_stage.votes.reopen(ballot.id)
    on_stage.notes.hide(rude, False)  # shown again: back on the open ballot, with no dots
    on_stage.votes.cast(ballot.id, 1, rude)
    assert on_stage.votes.participant_dots(ballot.id, 1) == {rude: 1}


def test_new_votes_leave_a_hidden_note_off_the_ballot(on_stage: WorkshopSession) -> None:
    stage_id = on_stage.workshop.current_stage_id
    assert stage_id is not None
    first = on_stage.notes.add("First", author_id=2).id
    rude = on_stage.notes.add(RUDE, author_id=1).id
    on_stage.notes.mark(first, "decision")
    on_stage.notes.mark(rude, "decision")
    on_stage.notes.hide(rude)
    with pytest.raises(SessionError, match="hidden from the room"):
        on_stage.votes.open(stage_id, note_ids=[first, rude])
    assert [n.id for n in on_stage.votes.final_priority_notes()] == [first]
    ballot = on_stage.votes.open(stage_id)
    assert ballot.note_ids == [first]


def test_the_projector_leaves_a_hidden_note_out(on_stage: WorkshopSession) -> None:
    stage_id = on_stage.workshop.current_stage_id
    assert stage_id is not None
    first = on_stage.notes.add("First", author_id=2)
    rude = on_stage.notes.add(RUDE, author_id=1)
    board = StageNotes(stage_id, on_stage.workshop.stage_notes(stage_id))
    assert [n.id for n in board.notes] == [first.id, rude.id]
    board.update(on_stage.notes.hide(rude.id))
    assert [n.id for n in board.notes] == [first.id]
    assert [n.id for n in StageNotes(stage_id, on_stage.workshop.stage_notes(stage_id)).notes] == [first.id]
    board.update(on_stage.notes.hide(rude.id, False))
    assert [n.id for n in board.notes] == [first.id, rude.id]

    ballot = on_stage.votes.open(stage_id, budget=2, cap=2)
    on_stage.votes.cast(ballot.id, 1, rude.id)
    on_stage.votes.close(ballot.id)
    on_stage.notes.hide(rude.id)  # hidden after the reveal: the record keeps it, the room's view does not
    ranked = on_stage.votes.result(ballot.id).ranked
    assert rude.id in [item.note_id for item in ranked]
    drawn = results_view(on_stage.workshop.ballots[ballot.id], ranked, on_stage.workshop, 100, 20).plain
    assert "rude" not in drawn and "First" in drawn


def test_documents_leave_a_hidden_note_out_and_the_json_keeps_it_marked(
    on_stage: WorkshopSession, tmp_path: Path
) -> None:
    on_stage.notes.add("Customers answer each other first", author_id=2)
    rude = on_stage.notes.add(RUDE, author_id=1)
    on_stage.notes.hide(rude.id)
    written = export_workshop(on_stage.workshop, ["md", "csv", "docx", "json"], tmp_path)
    for path in written:
        if path.suffix == ".json":
            continue
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as package:
                content = package.read("word/document.xml").decode()
        else:
            content = path.read_text(encoding="utf-8")
        assert "something rude" not in content, path.name
        assert "Customers answer each other first" in content or path.name.endswith("actions.csv"), path.name
    minutes = build_report(on_stage.workshop).minutes
    assert minutes and all("hidden" not in line.summary.lower() for line in minutes)
    document = json.loads(next(p for p in written if p.suffix == ".json").read_text(encoding="utf-8"))
    saved = next(n for n in document["notes"] if n["id"] == rude.id)
    assert saved["withheld"] is True and saved["text"] == RUDE
    assert interchange.from_interchange(document).notes[rude.id].withheld, "an import keeps it hidden"


# --- the facilitator's keys ----------------------------------------------------------------------------------


async def test_z_hides_the_highlighted_note_and_the_list_keeps_it_marked(
    store: Store, clock: FakeClock
) -> None:
    from screens.app import make_app
    from screens.commands import StageCommands
    from screens.stage import StageScreen
    from tests.ui_helpers import messages, screen_text, session_of
    from workshop.session import WorkshopLibrary

    library = WorkshopLibrary(store, clock=clock)
    session = library.create("Offsite", participants=["Ana", "Ben"])
    session.agenda.go_to(2)
    session.notes.add("Fine idea", author_id=2)
    rude = session.notes.add(RUDE, author_id=1).id
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            while not isinstance(app.screen, StageScreen):
                await pilot.pause()
            screen = app.screen
            screen.notes.focus()
            screen.notes.highlighted = screen.notes.get_option_index(f"n{rude}")
            await pilot.press("z")
            await pilot.pause()
            assert session_of(app).workshop.notes[rude].withheld
            shown = screen_text(app)
            assert "HIDDEN by you" in shown and "something rude" in shown, "the facilitator still reads it"
            assert any("hidden from the room" in m for m in messages(app))
            await pilot.press("z")
            await pilot.pause()
            assert not session_of(app).workshop.notes[rude].withheld
            assert "HIDDEN by you" not in screen_text(app)

            provider = StageCommands(screen)
            command = next(c for c in provider.commands() if c.name.startswith("Note: hide"))
            assert command.help == "z"
            command.run()
            await pilot.pause()
            assert session_of(app).workshop.notes[rude].withheld
            await pilot.press("u")  # undo brings it back to the room
            await pilot.pause()
            assert not session_of(app).workshop.notes[rude].withheld
    finally:
        app.close_session()
