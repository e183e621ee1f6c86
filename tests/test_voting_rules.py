"""Session-level voting rules: budgets, caps, limits, ties, re-runs, tallies and the cross-stage vote.

Every refusal must leave nothing behind: no vote, no event, the ballot unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from facilitation import voting
from facilitation.models import Stage
from workshop.session import NotFoundError, SessionError, WorkshopSession


def stages(session: WorkshopSession) -> dict[str, Stage]:
    return {s.key: s for s in session.workshop.agenda()}


def people(session: WorkshopSession) -> list[int]:
    return [p.id for p in session.workshop.active_participants()]


def stage_notes(session: WorkshopSession, key: str, count: int) -> list[int]:
    stage = stages(session)[key]
    return [session.notes.add(f"{key} idea {i}", stage_id=stage.id).id for i in range(count)]


def assert_refused(
    session: WorkshopSession, match: str, call: Callable[..., object], *args: object, **kwargs: object
) -> None:
    """The call raises a SessionError with ``match`` and writes nothing."""
    events = len(session.workshop.events)
    votes = dict(session.workshop.votes)
    ballots = {k: v.to_dict() for k, v in session.workshop.ballots.items()}
    with pytest.raises(SessionError, match=match):
        call(*args, **kwargs)
    assert len(session.workshop.events) == events
    assert session.workshop.votes == votes
    assert {k: v.to_dict() for k, v in session.workshop.ballots.items()} == ballots


# --- budgets and caps --------------------------------------------------------------------------------------


def test_default_budget_follows_the_number_of_notes(session: WorkshopSession) -> None:
    notes = stage_notes(session, "vision", 7)
    ballot = session.votes.open(stages(session)["vision"].id)
    assert ballot.budget == voting.default_budget(7) == 3
    assert ballot.cap == ballot.budget, "without a cap, a participant may stack every dot on one note"
    assert ballot.note_ids == notes


def test_budget_is_enforced_per_participant(session: WorkshopSession) -> None:
    notes = stage_notes(session, "vision", 4)
    ballot = session.votes.open(stages(session)["vision"].id, budget=2, cap=1)
    ana, ben, _ = people(session)
    session.votes.cast(ballot.id, ana, notes[0])
    session.votes.cast(ballot.id, ana, notes[1])
    assert_refused(session, "all 2 of your dots", session.votes.cast, ballot.id, ana, notes[2])
    session.votes.cast(ballot.id, ben, notes[2])  # another participant's budget is untouched
    assert session.votes.participant_dots(ballot.id, ana) == {notes[0]: 1, notes[1]: 1}
    assert session.votes.participant_dots(ballot.id, ben) == {notes[2]: 1}


def test_cap_is_enforced_per_note(session: WorkshopSession) -> None:
    notes = stage_notes(session, "vision", 3)
    ballot = session.votes.open(stages(session)["vision"].id, budget=5, cap=2)
    ana = people(session)[0]
    session.votes.cast(ballot.id, ana, notes[0])
    session.votes.cast(ballot.id, ana, notes[0])
    assert_refused(session, "At most 2 dots on one note", session.votes.cast, ballot.id, ana, notes[0])
    session.votes.cast(ballot.id, ana, notes[1])


def test_a_taken_back_dot_can_be_spent_again(session: WorkshopSession) -> None:
    notes = stage_notes(session, "vision", 2)
    ballot = session.votes.open(stages(session)["vision"].id, budget=1, cap=1)
    ana = people(session)[0]
    session.votes.cast(ballot.id, ana, notes[0])
    assert_refused(session, "only dot", session.votes.cast, ballot.id, ana, notes[1])
    session.votes.retract(ballot.id, ana, notes[0])
    session.votes.cast(ballot.id, ana, notes[1])
    assert session.votes.participant_dots(ballot.id, ana) == {notes[1]: 1}
    assert_refused(session, "no dot on that note", session.votes.retract, ballot.id, ana, notes[0])


@pytest.mark.parametrize(
    ("budget", "cap", "message"),
    [(0, 1, "at least 1 dot"), (3, 0, "At least 1 dot must be allowed"), (2, 3, "cannot be more than")],
)
def test_impossible_rules_are_refused_at_opening(
    session: WorkshopSession, budget: int, cap: int, message: str
) -> None:
    stage_notes(session, "vision", 3)
    assert_refused(
        session, message, session.votes.open, stages(session)["vision"].id, budget=budget, cap=cap
    )
    assert session.workshop.ballots == {}


def test_limits_can_rise_but_not_fall_below_what_was_cast(session: WorkshopSession) -> None:
    notes = stage_notes(session, "vision", 4)
    ballot = session.votes.open(stages(session)["vision"].id, budget=4, cap=2)
    ana = people(session)[0]
    for note in (notes[0], notes[0], notes[1]):
        session.votes.cast(ballot.id, ana, note)
    assert_refused(session, "cannot go below 3", session.votes.set_limits, ballot.id, budget=2, cap=2)
    assert_refused(session, "cannot go below 2", session.votes.set_limits, ballot.id, cap=1)
    changed = session.votes.set_limits(ballot.id, budget=3)
    assert (changed.budget, changed.cap) == (3, 2)
    assert_refused(session, "all 3 of your dots", session.votes.cast, ballot.id, ana, notes[2])
    raised = session.votes.set_limits(ballot.id, budget=6, cap=3)
    assert (raised.budget, raised.cap) == (6, 3)
    session.votes.cast(ballot.id, ana, notes[0])
    assert session.workshop.events[-2].kind == "vote.limits"


# --- bad input ------------------------------------------------------------------------------------------


def test_bad_votes_are_refused_and_record_nothing(session: WorkshopSession) -> None:
    notes = stage_notes(session, "vision", 3)
    other = stage_notes(session, "strategy", 1)[0]
    ballot = session.votes.open(stages(session)["vision"].id, budget=3, cap=2)
    ana, ben, chloe = people(session)
    with pytest.raises(NotFoundError):
        session.votes.cast(ballot.id, 999, notes[0])
    assert session.workshop.votes == {}
    assert_refused(session, "not on this ballot", session.votes.cast, ballot.id, ana, other)
    session.notes.delete(notes[2])
    with pytest.raises(NotFoundError, match="deleted"):
        session.votes.cast(ballot.id, ana, notes[2])
    session.notes.move(notes[1], stages(session)["strategy"].id)
    assert_refused(session, "moved to another stage", session.votes.cast, ballot.id, ben, notes[1])
    session.votes.cast(ballot.id, chloe, notes[0])
    session.votes.close(ballot.id)
    assert_refused(session, "closed", session.votes.cast, ballot.id, ana, notes[0])
    assert_refused(session, "closed", session.votes.retract, ballot.id, chloe, notes[0])
    assert_refused(session, "closed", session.votes.submit, ballot.id, ana)
    assert_refused(session, "closed", session.votes.unsubmit, ballot.id, ana)
    assert len(session.workshop.votes) == 1


def test_a_tally_vote_takes_no_ballots_and_a_private_vote_no_tally(session: WorkshopSession) -> None:
    notes = stage_notes(session, "vision", 2)
    tally = session.votes.open(stages(session)["vision"].id, mode="tally")
    ana = people(session)[0]
    assert_refused(session, "room tally", session.votes.cast, tally.id, ana, notes[0])
    assert_refused(session, "whole number", session.votes.tally, tally.id, notes[0], -1)
    session.votes.close(tally.id)
    private = session.votes.rerun(tally.id)
    assert private.mode == "tally", "a re-run keeps the mode"
    session.votes.close(private.id)
    strategy = stage_notes(session, "strategy", 1)
    ballot = session.votes.open(stages(session)["strategy"].id)
    assert_refused(session, "private ballots", session.votes.tally, ballot.id, strategy[0], 3)
    assert_refused(session, "either private", session.votes.open, None, note_ids=notes, mode="x")


def test_one_open_vote_per_stage(session: WorkshopSession) -> None:
    stage_notes(session, "vision", 2)
    vision = stages(session)["vision"].id
    session.votes.open(vision)
    assert_refused(session, "already open", session.votes.open, vision)


# --- ties and ranking --------------------------------------------------------------------------------------


def test_ties_share_a_rank_and_keep_board_order(session: WorkshopSession) -> None:
    notes = stage_notes(session, "vision", 4)
    ballot = session.votes.open(stages(session)["vision"].id, budget=2, cap=1)
    ana, ben, chloe = people(session)
    for person, picks in ((ana, (3, 1)), (ben, (3, 1)), (chloe, (2, 0))):
        for pick in picks:
            session.votes.cast(ballot.id, person, notes[pick])
        session.votes.submit(ballot.id, person)
    result = session.votes.close(ballot.id)
    assert [(r.note_id, r.dots, r.rank, r.tied) for r in result.ranked] == [
        (notes[1], 2, 1, True),
        (notes[3], 2, 1, True),
        (notes[0], 1, 3, True),
        (notes[2], 1, 3, True),
    ]
    assert (result.voters, result.total_dots) == (3, 6)
    assert "board order" in voting.TIE_BREAK
    assert voting.top(result.ranked, 1) == result.ranked[:2], "a cut never splits a tie"


def test_voters_count_those_who_confirmed_or_cast(session: WorkshopSession) -> None:
    notes = stage_notes(session, "vision", 2)
    ballot = session.votes.open(stages(session)["vision"].id)
    ana, ben, _ = people(session)
    session.votes.cast(ballot.id, ana, notes[0])
    session.votes.submit(ballot.id, ben)  # confirmed an empty ballot: voted, with no dots
    assert session.votes.close(ballot.id).voters == 2


# --- reveal, re-open, reset, re-run -------------------------------------------------------------------------


def test_reopen_reset_and_rerun_keep_every_run_in_the_log(session: WorkshopSession) -> None:
    notes = stage_notes(session, "vision", 3)
    ballot = session.votes.open(stages(session)["vision"].id, budget=2, cap=2, anonymous=False)
    ana, ben, _ = people(session)
    session.votes.cast(ballot.id, ana, notes[0])
    session.votes.cast(ballot.id, ben, notes[1])
    first = session.votes.close(ballot.id)
    assert first.ranked[0].note_id == notes[0]

    session.votes.reopen(ballot.id)
    session.votes.cast(ballot.id, ana, notes[1])
    assert session.votes.close(ballot.id).ranked[0].note_id == notes[1]

    session.votes.reopen(ballot.id)
    session.votes.reset(ballot.id)
    assert session.workshop.ballot_votes(ballot.id) == []
    assert session.votes.ballot(ballot.id).submitted == []
    reset = next(e for e in reversed(session.workshop.events) if e.kind == "vote.reset")
    assert sorted(map(tuple, reset.data["cleared"])) == sorted(
        [(ana, notes[0]), (ben, notes[1]), (ana, notes[1])]
    )
    session.votes.cast(ballot.id, ben, notes[2])
    session.votes.close(ballot.id)

    second = session.votes.rerun(ballot.id)
    assert (second.run, second.budget, second.cap, second.anonymous) == (2, 2, 2, False)
    assert second.id != ballot.id and session.votes.ballot(ballot.id).status == "closed"
    assert_refused(session, "Another vote is open here", session.votes.reopen, ballot.id)
    assert_refused(session, "Close this vote", session.votes.rerun, second.id)
    assert session.votes.latest(stages(session)["vision"].id) == second
    revealed = [e for e in session.workshop.events if e.kind == "vote.revealed"]
    assert [e.data["run"] for e in revealed] == [1, 1, 1]
    assert [e.kind for e in session.workshop.events].count("vote.opened") == 2


def test_rerun_drops_notes_deleted_since(session: WorkshopSession) -> None:
    notes = stage_notes(session, "vision", 3)
    ballot = session.votes.open(stages(session)["vision"].id)
    session.votes.close(ballot.id)
    session.notes.delete(notes[1])
    assert session.votes.rerun(ballot.id).note_ids == [notes[0], notes[2]]


def test_named_dots_only_after_the_reveal_and_only_when_named(session: WorkshopSession) -> None:
    notes = stage_notes(session, "vision", 2)
    ana, ben, _ = people(session)
    named = session.votes.open(stages(session)["vision"].id, budget=3, anonymous=False)
    session.votes.cast(named.id, ana, notes[0])
    session.votes.cast(named.id, ana, notes[0])
    session.votes.cast(named.id, ben, notes[0])
    with pytest.raises(SessionError, match="hidden until the reveal"):
        session.votes.named_dots(named.id)
    session.votes.close(named.id)
    assert session.votes.named_dots(named.id) == {notes[0]: {ana: 2, ben: 1}}
    assert session.votes.rerun(named.id).anonymous is False, "a re-run keeps the names"
    strategy = stage_notes(session, "strategy", 1)
    anonymous = session.votes.open(stages(session)["strategy"].id)
    assert anonymous.anonymous, "votes are anonymous unless the facilitator names them"
    session.votes.cast(anonymous.id, ana, strategy[0])
    session.votes.close(anonymous.id)
    with pytest.raises(SessionError, match="anonymous"):
        session.votes.named_dots(anonymous.id)


# --- participants joining and leaving mid-vote --------------------------------------------------------------


def test_participant_joining_mid_vote_may_vote_leaving_keeps_cast_dots(session: WorkshopSession) -> None:
    notes = stage_notes(session, "vision", 2)
    ballot = session.votes.open(stages(session)["vision"].id, budget=2)
    ana, ben, _ = people(session)
    dev = session.participants.add("Dev")
    assert dev.id in session.votes.ballot(ballot.id).eligible
    session.votes.cast(ballot.id, dev.id, notes[1])
    session.votes.cast(ballot.id, ana, notes[0])
    session.participants.remove(ana)
    with pytest.raises(NotFoundError):
        session.votes.cast(ballot.id, ana, notes[0])
    result = session.votes.close(ballot.id)
    assert {r.note_id: r.dots for r in result.ranked} == {notes[0]: 1, notes[1]: 1}
    assert ben in session.votes.ballot(ballot.id).eligible


# --- the cross-stage vote (final priorities) ---------------------------------------------------------------


def test_final_priorities_vote_on_every_stages_decisions(session: WorkshopSession) -> None:
    vision = stage_notes(session, "vision", 3)
    strategy = stage_notes(session, "strategy", 2)
    adapt = stage_notes(session, "adapt", 2)
    session.notes.mark(vision[2], "decision")
    session.notes.mark(vision[0], "decision")
    session.notes.mark(strategy[1], "candidate")
    session.notes.mark(adapt[0], "decision")
    session.notes.mark(adapt[1], "decision")
    session.notes.delete(adapt[1])
    assert [n.id for n in session.votes.final_priority_notes()] == [vision[0], vision[2], adapt[0]]
    with_candidates = [n.id for n in session.votes.final_priority_notes(include_candidates=True)]
    assert with_candidates == [vision[0], vision[2], strategy[1], adapt[0]]

    ids = [n.id for n in session.votes.final_priority_notes()]
    ballot = session.votes.open(None, note_ids=ids, budget=2, cap=1)
    assert (ballot.stage_id, ballot.title) == (None, "Final priorities")
    ana, ben, chloe = people(session)
    session.votes.cast(ballot.id, ana, adapt[0])
    session.votes.cast(ballot.id, ben, adapt[0])
    session.votes.cast(ballot.id, chloe, vision[2])
    # a decision moved to another stage stays on a cross-stage ballot: its stage never mattered
    session.notes.move(vision[2], stages(session)["launch"].id)
    session.votes.cast(ballot.id, ana, vision[2])
    assert_refused(session, "not on this ballot", session.votes.cast, ballot.id, chloe, strategy[1])
    assert_refused(session, "already open", session.votes.open, None, note_ids=ids)
    # a stage vote may run at the same time
    session.votes.open(stages(session)["strategy"].id)
    result = session.votes.close(ballot.id)
    assert [(r.note_id, r.dots) for r in result.ranked] == [(vision[2], 2), (adapt[0], 2), (vision[0], 0)]
    assert session.votes.latest(None) == session.votes.ballot(ballot.id)
    again = session.votes.rerun(ballot.id)
    assert again.stage_id is None and again.run == 2


def test_cross_stage_vote_needs_notes(session: WorkshopSession) -> None:
    assert session.votes.final_priority_notes() == []
    assert_refused(session, "Choose the notes", session.votes.open, None)
    assert_refused(session, "no notes", session.votes.open, None, note_ids=[])


def test_the_voting_docs_name_the_tie_break() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "VOTING.md").read_text(encoding="utf-8")
    assert voting.TIE_BREAK in " ".join(docs.split())
