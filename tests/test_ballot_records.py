"""Ballot results as pure rules: the record kept at reveal, one ranking for every caller, re-run notes, merges."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitation import ballots, voting
from facilitation.models import Ballot, Note, Participant, Stage, Vote, Workshop


def workshop_with_vote() -> tuple[Workshop, Ballot]:
    """The issue's example: Vision, 3 dots each, at most 3 on a note; Ana puts 3 on Beta, Ben 2 on Alpha."""
    ws = Workshop(id="w", title="T")
    ws.participants = {1: Participant(1, "Ana"), 2: Participant(2, "Ben")}
    ws.stages = {
        1: Stage(1, "vision", "Vision", 30, position=1),
        2: Stage(2, "strategy", "Strategy", 30, position=2),
    }
    ws.notes = {
        1: Note(1, 1, "Alpha", author_id=2, position=1),
        2: Note(2, 1, "Beta", author_id=1, position=2),
        3: Note(3, 1, "Gamma", position=3),
        4: Note(4, 1, "Delta", position=4),
    }
    ballot = Ballot(1, 1, "Vision vote", [1, 2, 3, 4], budget=3, cap=3, eligible=[1, 2])
    ws.ballots = {1: ballot}
    dots = [(1, 2), (1, 2), (1, 2), (2, 1), (2, 1)]
    ws.votes = {i: Vote(i, 1, p, n) for i, (p, n) in enumerate(dots, start=1)}
    return ws, ballot


def reveal(ws: Workshop, ballot: Ballot) -> Ballot:
    closed = ballot.replace(status="closed", closed_at=1.0, revealed=ballots.record(ws, ballot))
    ws.ballots[closed.id] = closed
    return closed


def test_the_record_keeps_what_was_revealed_after_a_merge() -> None:
    ws, ballot = workshop_with_vote()
    closed = reveal(ws, ballot)
    # Beta merged into Alpha after the reveal (what the session's merge writes)
    ws.notes[1] = ws.notes[1].replace(text="Alpha\nBeta", merged_from=[2])
    ws.notes[2] = ws.notes[2].replace(deleted_at=5.0)
    result = ballots.outcome(ws, closed)
    assert result.recorded
    assert [(i.text, i.dots, i.rank) for i in result.ranked[:2]] == [("Beta", 3, 1), ("Alpha", 2, 2)]
    assert result.voters == 2 and result.total_dots == 5
    assert ballots.ranking(ws, closed) == result.ranked


@pytest.mark.parametrize(
    "change",
    [
        lambda ws: ws.notes.update({2: ws.notes[2].replace(deleted_at=9.0)}),
        lambda ws: ws.notes.update({2: ws.notes[2].replace(stage_id=2)}),
        lambda ws: ws.notes.update({2: ws.notes[2].replace(text="Beta, reworded")}),
        lambda ws: ws.votes.clear(),
        lambda ws: ws.notes.clear(),
    ],
    ids=["delete", "move", "edit", "dots-lost", "notes-lost"],
)
def test_nothing_done_to_the_notes_changes_a_revealed_result(change: object) -> None:
    ws, ballot = workshop_with_vote()
    closed = reveal(ws, ballot)
    before = ballots.outcome(ws, closed)
    change(ws)  # type: ignore[operator]
    assert ballots.outcome(ws, closed) == before


def test_an_open_vote_is_counted_from_the_dots_now() -> None:
    ws, ballot = workshop_with_vote()
    live = ballots.outcome(ws, ballot)
    assert not live.recorded
    assert [(i.note_id, i.dots) for i in live.ranked] == [(2, 3), (1, 2), (3, 0), (4, 0)]


def test_a_ballot_revealed_before_records_is_computed_the_same_way_for_everyone() -> None:
    ws, ballot = workshop_with_vote()
    legacy = ballot.replace(status="closed", closed_at=1.0)
    assert ballots.outcome(ws, legacy).ranked == ballots.outcome(ws, ballot).ranked


def test_ballots_revealed_before_records_read_their_reveal_from_one_pass_over_the_log() -> None:
    """``outcome`` with ``reveals`` (one pass over the log for every such ballot, as the session counts them)
    gives what searching the log gives: the latest reveal of that ballot, events of other ballots and malformed
    ones ignored, and a ballot with no readable reveal counted from its dots."""
    from facilitation.models import Event

    ws, ballot = workshop_with_vote()
    legacy = ballot.replace(status="closed", closed_at=1.0)
    other = ballot.replace(id=2, status="closed", closed_at=1.0)
    ws.ballots = {1: legacy, 2: other}
    ws.events = [
        Event(1, 1.0, "vote.revealed", "", data={"ballot_id": 1, "result": [[1, 9, 1], [2, 1, 2]]}),
        Event(2, 2.0, "vote.revealed", "", data={"ballot_id": 1, "result": [[2, 4, 1], [1, 1, 2]]}),
        Event(3, 3.0, "vote.revealed", "", data={"ballot_id": [1], "result": [[3, 8, 1]]}),
        Event(4, 4.0, "note.added", "", data={"ballot_id": 1}),
    ]
    reveals = ballots.reveal_events(ws)
    assert set(reveals) == {1}
    for kept in (legacy, other):
        assert ballots.outcome(ws, kept, reveals=reveals) == ballots.outcome(ws, kept)
    assert [(i.note_id, i.dots) for i in ballots.outcome(ws, legacy, reveals=reveals).ranked] == [(2, 4), (1, 1)]
    assert not ballots.outcome(ws, other, reveals=reveals).recorded  # nothing logged: counted from the dots


def test_the_record_is_plain_json_and_names_no_voter() -> None:
    import json

    ws, ballot = workshop_with_vote()
    saved = ballots.record(ws, ballot)
    assert json.loads(json.dumps(saved)) == saved
    assert "participant" not in json.dumps(saved)
    assert set(saved["ranked"][0]) == {"note_id", "dots", "rank", "tied", "text", "author_id", "stage_id"}


def test_a_room_tally_record() -> None:
    ws, ballot = workshop_with_vote()
    tally = ballot.replace(mode="tally", tally={3: 7, 4: 7}, eligible=[])
    saved = ballots.record(ws, tally)
    assert [(r["note_id"], r["dots"], r["rank"], r["tied"]) for r in saved["ranked"][:2]] == [
        (3, 7, 1, True),
        (4, 7, 1, True),
    ]
    assert saved["voters"] == 0


# --- re-run --------------------------------------------------------------------------------------------------


def test_a_rerun_uses_the_notes_still_in_the_stage_and_says_which_were_left_out() -> None:
    ws, ballot = workshop_with_vote()
    ws.notes[4] = ws.notes[4].replace(stage_id=2)  # moved to Strategy
    kept, left_out = ballots.rerun_notes(ws, ballot)
    assert kept == [1, 2, 3]
    assert ballots.describe_left_out(left_out) == "#4 (moved to Strategy)"


def test_a_rerun_after_a_merge_and_a_delete() -> None:
    ws, ballot = workshop_with_vote()
    ws.notes[5] = Note(5, 1, "Epsilon", position=5, merged_from=[3])
    ws.notes[3] = ws.notes[3].replace(deleted_at=3.0)
    ws.notes[1] = ws.notes[1].replace(merged_from=[2])
    ws.notes[2] = ws.notes[2].replace(deleted_at=3.0)
    ws.notes[4] = ws.notes[4].replace(deleted_at=4.0)
    kept, left_out = ballots.rerun_notes(ws, ballot)
    assert kept == [1, 5]
    assert [(i.note_id, i.reason) for i in left_out] == [
        (2, "merged into #1"),
        (3, "merged into #5"),
        (4, "deleted"),
    ]


def test_the_final_priorities_rerun_ignores_stages() -> None:
    ws, ballot = workshop_with_vote()
    final = ballot.replace(stage_id=None)
    ws.notes[4] = ws.notes[4].replace(stage_id=2)
    assert ballots.rerun_notes(ws, final) == ([1, 2, 3, 4], [])


# --- merging on an open ballot ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kept", "merged", "cap", "moved", "returned"),
    [(0, 3, 3, 3, 0), (2, 3, 3, 1, 2), (3, 1, 3, 0, 1), (1, 1, 3, 1, 0), (0, 0, 1, 0, 0), (2, 0, 1, 0, 0)],
)
def test_merged_dots_carry_over_within_the_cap(
    kept: int, merged: int, cap: int, moved: int, returned: int
) -> None:
    assert voting.carry_over(kept, merged, cap) == voting.CarryOver(moved, returned)


@given(st.integers(0, 20), st.integers(0, 20), st.integers(1, 20))
def test_carry_over_loses_no_dot_and_never_breaks_the_cap(kept: int, merged: int, cap: int) -> None:
    result = voting.carry_over(kept, merged, cap)
    assert result.moved + result.returned == merged
    assert result.moved >= 0 and result.returned >= 0
    assert kept + result.moved <= max(cap, kept)


def test_carry_over_refuses_nonsense() -> None:
    with pytest.raises(voting.VotingError):
        voting.carry_over(-1, 0, 3)


# --- which notes count --------------------------------------------------------------------------------------


def test_a_note_deleted_or_moved_while_the_vote_is_open_leaves_the_ballot() -> None:
    ws, ballot = workshop_with_vote()
    ws.notes[2] = ws.notes[2].replace(deleted_at=5.0)
    ws.notes[3] = ws.notes[3].replace(stage_id=2)
    assert ballots.counted_notes(ws, ballot) == [1, 4]
    result = ballots.outcome(ws, ballot)
    assert [(i.note_id, i.dots) for i in result.ranked] == [(1, 2), (4, 0)]
    assert result.total_dots == 2


def test_on_the_final_priorities_vote_a_move_does_not_matter() -> None:
    ws, ballot = workshop_with_vote()
    final = ballot.replace(stage_id=None)
    ws.notes[3] = ws.notes[3].replace(stage_id=2)
    assert ballots.counted_notes(ws, final) == [1, 2, 3, 4]


def test_a_ballot_revealed_before_records_keeps_notes_deleted_after_its_reveal() -> None:
    ws, ballot = workshop_with_vote()
    legacy = ballot.replace(status="closed", closed_at=10.0)
    ws.notes[2] = ws.notes[2].replace(deleted_at=20.0)  # after the reveal: still part of what was revealed
    ws.notes[3] = ws.notes[3].replace(deleted_at=5.0)  # before the reveal: it had left the ballot
    assert [i.note_id for i in ballots.outcome(ws, legacy).ranked] == [2, 1, 4]


def test_a_ballot_revealed_before_records_uses_the_ranking_its_reveal_logged() -> None:
    from facilitation.models import Event

    ws, ballot = workshop_with_vote()
    legacy = ballot.replace(status="closed", closed_at=10.0)
    ws.events.append(
        Event(
            1,
            10.0,
            "vote.revealed",
            "revealed",
            1,
            {"ballot_id": 1, "result": [[2, 3, 1], [1, 2, 2], [3, 0, 3]]},
        )
    )
    ws.votes.clear()  # whatever became of the dots since
    result = ballots.outcome(ws, legacy)
    assert result.recorded
    assert [(i.note_id, i.dots, i.rank, i.text) for i in result.ranked] == [
        (2, 3, 1, "Beta"),
        (1, 2, 2, "Alpha"),
        (3, 0, 3, "Gamma"),
    ]
