"""The projector's one-line rows (a ballot's notes, a revealed result) show the start of every note, cut with an
ellipsis: a note beginning with a word too long for what is left of the row (a link, a long word) showed
nothing but "…", as its first word went to a second line that a one-line row drops."""

from __future__ import annotations

import pytest
from rich.text import Text

from screens.projector.board import ballot_notes_view, results_view
from workshop.session import WorkshopSession

LINK = "https://wiki.example.com/display/OPS/Collaboration+Strategy+2027"
WORD = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"


def _row(drawn: Text, note_id: int | None = None, contains: str = "") -> str:
    rows = drawn.plain.split("\n")
    found = [r for r in rows if contains in r] if contains else rows
    assert found, rows
    return found[0]


@pytest.mark.parametrize("width", [40, 56, 80, 120])
def test_a_long_first_word_is_cut_not_dropped(session: WorkshopSession, width: int) -> None:
    session.agenda.go_to(2)
    link = session.notes.add(f"{LINK} has the draft")
    word = session.notes.add(WORD)
    short = session.notes.add("Short idea")
    ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=3)

    open_view = ballot_notes_view(ballot, session.workshop, width, 20)
    for note, start in ((link, LINK[:12]), (word, WORD[:12])):
        row = _row(open_view, contains=f"#{note.id} ")
        assert start in row, (width, row)
        assert len(row) <= width
    assert "Short idea" in _row(open_view, contains=f"#{short.id} ")

    session.votes.cast(ballot.id, 1, link.id)
    session.votes.cast(ballot.id, 1, word.id)
    session.votes.close(ballot.id)
    ranked = session.votes.result(ballot.id).ranked
    drawn = results_view(session.workshop.ballots[ballot.id], ranked, session.workshop, width, 20)
    rows = drawn.plain.split("\n")[1:]
    assert len(rows) == 3, rows
    for row in rows:
        assert len(row) <= width, (width, row)
        assert not row.rstrip().endswith("dot…") and not row.rstrip().endswith("dots…"), (width, row)
    assert any(LINK[:8] in r for r in rows) and any(WORD[:8] in r for r in rows)
    if width >= 120:  # room for it all: nothing is cut
        assert any(f"{LINK} has the draft" in r for r in rows) and any(WORD in r for r in rows)
