"""The action plan's candidates, found in one pass (``facilitation.plan.plan_candidates``), are exactly those of
the first version, which sorted every stage's notes: checked on random workshops against that version, kept
here as the reference. And a session's kept count of a ballot (``session.votes.ranking``) gives the same
candidates as counting afresh, through changes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitation import ballots, voting
from facilitation.models import NOTE_MARKS, ActionItem, Ballot, Note, Participant, Stage, Vote, Workshop
from facilitation.plan import TOP_VOTED, Candidate, plan_candidates
from workshop.session import WorkshopSession


def reference_candidates(ws: Workshop) -> list[Candidate]:
    """``plan_candidates`` as it was first written (every stage's notes sorted into board order)."""

    def ranking(ballot: Ballot | None) -> list[voting.RankedItem]:
        if ballot is None:
            return []
        return [
            i
            for i in ballots.ranking(ws, ballot)
            if i.dots > 0 and i.note_id in ws.notes and not ws.notes[i.note_id].deleted
        ]

    stages = ws.agenda()
    all_ballots = list(ws.ballots.values())
    final = ranking(ballots.latest_closed(b for b in all_ballots if b.stage_id is None))
    final_by_note = {item.note_id: item for item in final}
    actions_by_note: dict[int, list[int]] = {}
    for action in ws.ordered_actions():
        if action.source_note_id is not None:
            actions_by_note.setdefault(action.source_note_id, []).append(action.id)
    stage_order = {stage.id: i for i, stage in enumerate(stages)}
    board_order: dict[int, int] = {}
    stage_dots: dict[int, int] = {}
    chosen: set[int] = set(final_by_note)
    for stage in stages:
        notes = ws.stage_notes(stage.id)
        board_order.update({note.id: i for i, note in enumerate(notes)})
        chosen.update(note.id for note in notes if note.mark in NOTE_MARKS)
        ranked = ranking(ballots.latest_closed(b for b in all_ballots if b.stage_id == stage.id))
        stage_dots.update({item.note_id: item.dots for item in ranked})
        chosen.update(item.note_id for item in voting.top(ranked, TOP_VOTED))

    def order(note_id: int) -> tuple[int, ...]:
        final_item = final_by_note.get(note_id)
        if final_item is not None:
            return (0, final.index(final_item))
        note = ws.notes[note_id]
        return (1, stage_order.get(note.stage_id, len(stages)), -stage_dots.get(note_id, 0), board_order[note_id])

    found = []
    for note_id in sorted((i for i in chosen if i in board_order), key=order):
        note = ws.notes[note_id]
        item = final_by_note.get(note_id)
        found.append(
            Candidate(
                note=note,
                stage=ws.stages[note.stage_id],
                dots=stage_dots.get(note_id),
                final_rank=item.rank if item else None,
                final_tied=item.tied if item else False,
                final_dots=item.dots if item else None,
                action_ids=tuple(actions_by_note.get(note_id, [])),
            )
        )
    return found


NOTE = st.tuples(
    st.integers(1, 4),  # stage (4 is not on the agenda: a note left there by a removed stage)
    st.sampled_from([0.0, 1.0, 2.0, 2.5]),  # position: ties fall back to the id
    st.sampled_from([None, *NOTE_MARKS]),
    st.booleans(),  # deleted
)


@st.composite
def workshops(draw: st.DrawFn) -> Workshop:
    ws = Workshop(id="w", title="T")
    ws.participants = {p: Participant(p, f"P{p}") for p in (1, 2, 3)}
    ws.stages = {
        1: Stage(1, "vision", "Vision", 20, position=2),
        2: Stage(2, "strategy", "Strategy", 20, position=1),
        3: Stage(3, "plan", "Action plan", 20, kind="action_plan", position=3),
    }
    for note_id, (stage, position, mark, deleted) in enumerate(draw(st.lists(NOTE, max_size=25)), start=1):
        ws.notes[note_id] = Note(
            note_id, stage, f"note {note_id}", position=position, mark=mark, deleted_at=1.0 if deleted else None
        )
    ids = list(ws.notes)
    vote_id = 0
    for ballot_id, stage in enumerate(draw(st.lists(st.sampled_from([1, 2, None]), max_size=4)), start=1):
        on_ballot = [i for i in ids if stage is None or ws.notes[i].stage_id == stage]
        ws.ballots[ballot_id] = Ballot(
            ballot_id,
            stage,
            "vote",
            on_ballot,
            budget=3,
            cap=3,
            status=draw(st.sampled_from(["open", "closed"])),
            closed_at=float(draw(st.integers(0, 3))),
        )
        for person in ws.participants:
            for note_id in draw(st.lists(st.sampled_from(on_ballot), max_size=3)) if on_ballot else []:
                vote_id += 1
                ws.votes[vote_id] = Vote(vote_id, ballot_id, person, note_id)
    for action_id, source in enumerate(draw(st.lists(st.sampled_from([None, *ids]), max_size=4)), start=1):
        ws.actions[action_id] = ActionItem(action_id, f"action {action_id}", source_note_id=source, position=0.0)
    return ws


@settings(max_examples=300, deadline=None)
@given(workshops())
def test_candidates_are_those_of_the_first_version(ws: Workshop) -> None:
    assert plan_candidates(ws) == reference_candidates(ws)


def test_a_sessions_kept_ranking_gives_the_same_candidates_and_follows_changes(
    session: WorkshopSession,
) -> None:
    stage = session.stage().id
    notes = [session.notes.add(f"idea {i}", stage_id=stage).id for i in range(6)]
    ballot = session.votes.open(stage, note_ids=notes, budget=2, cap=2)
    for person, note in ((1, notes[3]), (1, notes[3]), (2, notes[5])):
        session.votes.cast(ballot.id, person, note)
    revealed = session.votes.close(ballot.id)
    ws = session.workshop
    kept = session.votes.ranking
    assert session.votes.result(ballot.id) is revealed, "the reveal's count is the one the screens read"
    assert plan_candidates(ws, kept) == plan_candidates(ws) == reference_candidates(ws)
    assert [c.note.id for c in plan_candidates(ws, kept)][:2] == [notes[3], notes[5]]
    session.notes.delete(notes[3])  # the top note goes: it leaves the candidates
    kept_result = session.votes.result(ballot.id)
    assert kept_result is revealed, "a revealed vote's result is its record: a change elsewhere keeps it"
    fresh = ballots.outcome(ws, ws.ballots[ballot.id])
    assert (kept_result.ranked, kept_result.voters, kept_result.total_dots) == (
        fresh.ranked,
        fresh.voters,
        fresh.total_dots,
    ), "and it is what counting afresh gives"
    assert [c.note.id for c in plan_candidates(ws, kept)] == [c.note.id for c in reference_candidates(ws)]
    assert notes[3] not in [c.note.id for c in plan_candidates(ws, kept)]
