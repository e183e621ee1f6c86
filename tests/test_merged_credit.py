"""A merge keeps both authors credited (README: ``g`` merge two notes), and every place that names a note's author
says so: the stage screen's list, the projector, the phones' pages (the room's notes, a ballot, a result, a note's
own page), ``workshop show`` and the documents' vote rankings. Most of them named only the note's first author."""

from __future__ import annotations

from pathlib import Path

import pytest

from exports import markdown
from exports.common import build_report
from facilitation.models import Note
from room import views
from screens.projector.board import note_line
from screens.widgets.note_list import NoteOptions, note_prompt
from tests.room_helpers import Phone, make_room
from workshop.cli import main
from workshop.session import WorkshopSession


def _merged(session: WorkshopSession) -> Note:
    """Ana's note with Ben's merged into it, on Vision."""
    session.agenda.go_to(2)
    ids = {p.name: p.id for p in session.workshop.active_participants()}
    kept = session.notes.add("Customers answer each other first", author_id=ids["Ana"])
    other = session.notes.add("A forum for field engineers", author_id=ids["Ben"])
    session.notes.add("Chloé's own idea", author_id=ids["Chloé"])
    session.notes.merge(kept.id, other.id)
    note = session.workshop.notes[kept.id]
    assert session.workshop.credit(note) == "Ana and Ben"
    return note


def test_the_stage_list_and_the_projector_credit_both_authors(session: WorkshopSession) -> None:
    note = _merged(session)
    ws = session.workshop
    assert "Ana and Ben" in note_prompt(note, ws).plain
    options = NoteOptions()
    assert "Ana and Ben" in str(options.option(note, ws).prompt)
    assert "Ana and Ben" in str(NoteOptions().options_of(ws.stage_notes(note.stage_id), ws)[0].prompt)
    assert "— Ana and Ben" in note_line(note, ws).plain
    single = next(n for n in ws.live_notes() if n.text == "Chloé's own idea")
    assert note_line(single, ws).plain.endswith("— Chloé") and "Chloé: " in note_prompt(single, ws).plain


def test_the_phones_credit_both_authors_on_every_page(session: WorkshopSession) -> None:
    note = _merged(session)
    _, web, _ = make_room(session)
    ana = Phone(web)
    assert ana.join(session.workshop.active_participants()[0].id).status_code == 303
    assert [v.author for v in views.room_notes(session.workshop) if v.id == note.id] == ["Ana and Ben"]
    assert "Ana and Ben" in ana.http.get(f"/notes/{note.id}").text
    ballot = session.votes.open(session.workshop.current_stage_id, budget=2, cap=1)
    shared = views.Shared(session)
    assert [v.author for v in shared.ballot_notes(ballot) if v.id == note.id] == ["Ana and Ben"]
    session.votes.cast(ballot.id, session.workshop.active_participants()[2].id, note.id)
    session.votes.close(ballot.id)
    result = views.Shared(session).result_notes(session.workshop.ballots[ballot.id])
    assert [v.author for v in result if v.id == note.id] == ["Ana and Ben"]


def test_workshop_show_and_the_minutes_credit_both_authors(
    session: WorkshopSession, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = _merged(session)
    ballot = session.votes.open(session.workshop.current_stage_id, budget=2, cap=1)
    session.votes.cast(ballot.id, session.workshop.active_participants()[2].id, note.id)
    session.votes.close(ballot.id)
    report = build_report(session.workshop)
    ranked = [n for stage in report.stages for n in stage.ranked if n.id == note.id]
    assert ranked and all(n.author == "Ana and Ben" for n in ranked)
    minutes = markdown.render(session.workshop)
    assert "(Ana and Ben)" in minutes and "first *(Ana)*" not in minutes
    workshop_id = session.workshop.id
    session.close()
    capsys.readouterr()
    main(["--data-dir", str(data_dir), "show", workshop_id])
    out = capsys.readouterr().out
    assert "— Ana and Ben" in out
