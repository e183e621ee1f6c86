"""Pure rules for ballots' results and the action plan's candidates (no store, no app)."""

from __future__ import annotations

from facilitation import ballots
from facilitation.models import ActionItem, Ballot, Note, Participant, Stage, Vote, Workshop
from facilitation.plan import DONE, plan_candidates, plan_status


def _workshop() -> Workshop:
    ws = Workshop(id="w", title="T")
    ws.participants = {1: Participant(1, "Ana"), 2: Participant(2, "Ben")}
    ws.stages = {
        1: Stage(1, "vision", "Vision", 20, position=1),
        2: Stage(2, "strategy", "Strategy", 20, position=2),
        3: Stage(3, "action_plan", "Action plan", 20, kind="action_plan", position=3),
    }
    ws.notes = {
        1: Note(1, 1, "vision a", position=1),
        2: Note(2, 1, "vision b", position=2, mark="decision"),
        3: Note(3, 2, "strategy a", position=1),
        4: Note(4, 2, "strategy b", position=2, mark="candidate"),
        5: Note(5, 2, "deleted", position=3, mark="decision", deleted_at=1.0),
    }
    return ws


def test_totals_voters_and_latest_closed() -> None:
    ws = _workshop()
    first = Ballot(1, 1, "v", [1, 2], budget=2, cap=2, status="closed", closed_at=10.0, submitted=[1, 2])
    rerun = Ballot(2, 1, "v", [1, 2], budget=2, cap=2, status="closed", closed_at=20.0, run=2)
    still_open = Ballot(3, 1, "v", [1, 2], budget=2, cap=2, status="open")
    ws.ballots = {1: first, 2: rerun, 3: still_open}
    ws.votes = {1: Vote(1, 2, 1, 1), 2: Vote(2, 2, 1, 1), 3: Vote(3, 2, 2, 2)}
    assert ballots.latest_closed(ws.ballots.values()) is rerun
    dots = ballots.dots_of(ws, rerun)
    assert ballots.totals(rerun, dots) == {1: 2, 2: 1}
    assert ballots.voters(rerun, dots) == 2
    assert ballots.voters(first, []) == 2  # confirmed ballots count even without dots
    assert [(r.note_id, r.dots, r.rank) for r in ballots.ranking(ws, rerun)] == [(1, 2, 1), (2, 1, 2)]
    tally = Ballot(4, 2, "t", [3, 4], budget=1, cap=1, mode="tally", tally={3: 0, 4: 5})
    assert ballots.totals(tally, [(1, 3)]) == {4: 5} and ballots.voters(tally, [(1, 3)]) == 0


def test_candidates_follow_the_final_vote_then_agenda_order() -> None:
    ws = _workshop()
    ws.ballots = {
        1: Ballot(1, 1, "Vision vote", [1, 2], budget=2, cap=2, status="closed", closed_at=1.0),
        2: Ballot(2, None, "Final", [2, 4], budget=1, cap=1, status="closed", closed_at=2.0),
    }
    ws.votes = {1: Vote(1, 1, 1, 1), 2: Vote(2, 1, 2, 1), 3: Vote(3, 2, 1, 4)}
    candidates = plan_candidates(ws)
    assert [c.note.id for c in candidates] == [
        4,
        1,
        2,
    ]  # final vote first, then Vision by dots; deleted left out
    assert candidates[0].final_rank == 1 and candidates[0].final_dots == 1
    assert candidates[1].dots == 2 and candidates[1].final_rank is None


def test_candidates_without_votes_are_the_marked_notes_in_agenda_order() -> None:
    ws = _workshop()
    ws.actions = {1: ActionItem(1, "Do it", source_note_id=4)}
    candidates = plan_candidates(ws)
    assert [c.note.id for c in candidates] == [2, 4]
    assert candidates[1].action_ids == (1,)


def test_plan_status_names_what_is_missing() -> None:
    ws = _workshop()
    assert plan_status(ws).startswith("No actions yet")
    ws.actions = {
        1: ActionItem(1, "A", owner="Ana", due="2027-01-01", status=DONE, position=1),
        2: ActionItem(2, "B", position=2),
    }
    assert plan_status(ws) == "2 actions · 1 without an owner · 1 without a due date · 1 done"
