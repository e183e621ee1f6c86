"""A revealed result is a record, and notes changed during a vote move their dots by the rules in docs/VOTING.md.

The issue's examples first, then the table of what a merge, delete, move and edit do on an open and on a closed
ballot.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exports import export_workshop
from exports.common import build_report
from workshop.session import SessionError, WorkshopSession


def people(session: WorkshopSession) -> dict[str, int]:
    return {p.name: p.id for p in session.workshop.active_participants()}


def vision_vote(session: WorkshopSession) -> tuple[int, dict[str, int]]:
    """Vision vote, 3 dots each, at most 3 on a note: Ana puts 3 on Beta, Ben 2 on Alpha."""
    vision = next(s for s in session.workshop.agenda() if s.key == "vision")
    notes = {t: session.notes.add(t, stage_id=vision.id).id for t in ("Alpha", "Beta", "Gamma", "Delta")}
    ballot = session.votes.open(vision.id, budget=3, cap=3)
    who = people(session)
    for _ in range(3):
        session.votes.cast(ballot.id, who["Ana"], notes["Beta"])
    for _ in range(2):
        session.votes.cast(ballot.id, who["Ben"], notes["Alpha"])
    return ballot.id, notes


def test_a_merge_after_the_reveal_changes_neither_the_result_screen_nor_the_exports(
    session: WorkshopSession, tmp_path: Path
) -> None:
    ballot_id, notes = vision_vote(session)
    session.votes.close(ballot_id)
    session.notes.merge(notes["Alpha"], notes["Beta"])

    result = session.votes.result(ballot_id)
    assert [(i.text, i.dots) for i in result.ranked[:2]] == [("Beta", 3), ("Alpha", 2)]
    assert result.voters == 2 and result.total_dots == 5

    report = build_report(session.workshop)
    vision = next(s for s in report.stages if s.key == "vision")
    assert [(n.text, n.dots) for n in vision.ranked[:2]] == [("Beta", 3), ("Alpha", 2)]
    assert vision.voters == 2 and vision.total_dots == 5

    md = export_workshop(session.workshop, ["md"], tmp_path)[0].read_text()
    assert "2 dots from 2 voters" not in md
    assert md.index("Beta") < md.index("Alpha")


def test_a_rerun_after_a_move_uses_the_notes_still_in_the_stage_and_says_which_were_left_out(
    session: WorkshopSession,
) -> None:
    ballot_id, notes = vision_vote(session)
    session.votes.close(ballot_id)
    strategy = next(s for s in session.workshop.agenda() if s.key == "strategy")
    session.notes.move(notes["Delta"], strategy.id)
    kept, left_out = session.votes.rerun_notes(ballot_id)
    assert [i.reason for i in left_out] == ["moved to Strategy"]
    again = session.votes.rerun(ballot_id)
    assert again.note_ids == [notes["Alpha"], notes["Beta"], notes["Gamma"]] == kept
    assert session.workshop.events[-1].data["left_out"] == [[notes["Delta"], "moved to Strategy"]]


def test_a_rerun_with_no_note_left_is_refused_with_the_reasons(session: WorkshopSession) -> None:
    vision = next(s for s in session.workshop.agenda() if s.key == "vision")
    note = session.notes.add("Only one", stage_id=vision.id)
    ballot = session.votes.open(vision.id)
    session.votes.close(ballot.id)
    session.notes.delete(note.id)
    with pytest.raises(SessionError, match=r"#\d+ \(deleted\)"):
        session.votes.rerun(ballot.id)


# --- an open ballot ------------------------------------------------------------------------------------------


def test_a_merge_on_an_open_ballot_carries_the_dots_over_within_the_cap(session: WorkshopSession) -> None:
    ballot_id, notes = vision_vote(session)
    who = people(session)
    session.votes.cast(ballot_id, who["Ben"], notes["Beta"])  # Ben: 2 on Alpha, 1 on Beta
    session.notes.merge(notes["Alpha"], notes["Beta"])
    assert session.votes.participant_dots(ballot_id, who["Ana"]) == {notes["Alpha"]: 3}
    assert session.votes.participant_dots(ballot_id, who["Ben"]) == {notes["Alpha"]: 3}
    session.votes.close(ballot_id)
    assert [(i.note_id, i.dots) for i in session.votes.result(ballot_id).ranked[:1]] == [(notes["Alpha"], 6)]


def test_dots_over_the_cap_go_back_to_their_voter(session: WorkshopSession) -> None:
    vision = next(s for s in session.workshop.agenda() if s.key == "vision")
    a = session.notes.add("A", stage_id=vision.id).id
    b = session.notes.add("B", stage_id=vision.id).id
    ballot = session.votes.open(vision.id, budget=4, cap=2)
    ana = people(session)["Ana"]
    for note in (a, a, b, b):
        session.votes.cast(ballot.id, ana, note)
    session.notes.merge(a, b)
    assert session.votes.participant_dots(ballot.id, ana) == {a: 2}
    assert session.workshop.events[-1].data["returned"] == [[ana, 2]]
    assert "2 dots given back" in session.workshop.events[-1].summary


def test_a_merge_into_a_note_not_on_the_ballot_puts_it_in_the_merged_notes_place(
    session: WorkshopSession,
) -> None:
    vision = next(s for s in session.workshop.agenda() if s.key == "vision")
    a = session.notes.add("A", stage_id=vision.id).id
    b = session.notes.add("B", stage_id=vision.id).id
    later = session.notes.add("Later", stage_id=vision.id).id
    ballot = session.votes.open(vision.id, note_ids=[a, b])
    ana = people(session)["Ana"]
    session.votes.cast(ballot.id, ana, b)
    session.notes.merge(later, b)
    assert session.votes.ballot(ballot.id).note_ids == [a, later]
    assert session.votes.participant_dots(ballot.id, ana) == {later: 1}


def test_a_room_tally_adds_the_counts_on_a_merge(session: WorkshopSession) -> None:
    vision = next(s for s in session.workshop.agenda() if s.key == "vision")
    a = session.notes.add("A", stage_id=vision.id).id
    b = session.notes.add("B", stage_id=vision.id).id
    ballot = session.votes.open(vision.id, mode="tally")
    session.votes.tally(ballot.id, a, 4)
    session.votes.tally(ballot.id, b, 3)
    session.notes.merge(a, b)
    assert session.votes.ballot(ballot.id).tally == {a: 7}


@pytest.mark.parametrize("change", ["delete", "move"])
def test_a_note_deleted_or_moved_during_a_vote_gives_its_dots_back(
    session: WorkshopSession, change: str
) -> None:
    ballot_id, notes = vision_vote(session)
    ana = people(session)["Ana"]
    if change == "delete":
        session.notes.delete(notes["Beta"])
    else:
        strategy = next(s for s in session.workshop.agenda() if s.key == "strategy")
        session.notes.move(notes["Beta"], strategy.id)
    assert session.votes.participant_dots(ballot_id, ana) == {}
    assert session.workshop.events[-1].data["returned"] == [[ana, 3]]
    session.votes.cast(ballot_id, ana, notes["Gamma"])  # the dots can be placed again
    session.votes.close(ballot_id)
    assert notes["Beta"] not in {i.note_id for i in session.votes.result(ballot_id).ranked}


def test_an_edit_during_a_vote_keeps_the_dots_and_the_reveal_keeps_the_text_it_showed(
    session: WorkshopSession,
) -> None:
    ballot_id, notes = vision_vote(session)
    session.notes.edit(notes["Beta"], "Beta, sharper")
    session.votes.close(ballot_id)
    session.notes.edit(notes["Beta"], "Beta, rewritten after the reveal")
    top = session.votes.result(ballot_id).ranked[0]
    assert (top.text, top.dots) == ("Beta, sharper", 3)


@pytest.mark.parametrize("change", ["merge", "delete", "move", "edit"])
def test_nothing_done_to_a_revealed_votes_notes_changes_its_result(
    session: WorkshopSession, change: str
) -> None:
    ballot_id, notes = vision_vote(session)
    session.votes.close(ballot_id)
    before = session.votes.result(ballot_id).ranked
    strategy = next(s for s in session.workshop.agenda() if s.key == "strategy")
    {
        "merge": lambda: session.notes.merge(notes["Gamma"], notes["Beta"]),
        "delete": lambda: session.notes.delete(notes["Beta"]),
        "move": lambda: session.notes.move(notes["Beta"], strategy.id),
        "edit": lambda: session.notes.edit(notes["Beta"], "Something else"),
    }[change]()
    assert session.votes.result(ballot_id).ranked == before
    assert len(session.workshop.ballot_votes(ballot_id)) == 5  # a closed vote's dots are never moved


def test_reopening_drops_the_record_and_the_next_reveal_writes_a_new_one(session: WorkshopSession) -> None:
    ballot_id, notes = vision_vote(session)
    session.votes.close(ballot_id)
    session.votes.reopen(ballot_id)
    assert session.votes.ballot(ballot_id).revealed is None
    session.votes.cast(ballot_id, people(session)["Chloé"], notes["Gamma"])
    session.votes.close(ballot_id)
    assert session.votes.result(ballot_id).total_dots == 6


def test_the_record_survives_a_restart(session: WorkshopSession, store, clock) -> None:  # type: ignore[no-untyped-def]
    ballot_id, notes = vision_vote(session)
    session.votes.close(ballot_id)
    session.notes.merge(notes["Alpha"], notes["Beta"])
    workshop_id = session.workshop.id
    session.close()
    with WorkshopSession.open(store, workshop_id, clock=clock) as again:
        assert [(i.text, i.dots) for i in again.votes.result(ballot_id).ranked[:2]] == [
            ("Beta", 3),
            ("Alpha", 2),
        ]
