"""The summary's counts come from what the session keeps change by change (``session.notes.live_counts``, the
marked notes of ``session.actions.marked_ids``), not from a pass over every note of the workshop at each drawing;
after any sequence of changes they, and the summary drawn from them, are what counting afresh gives."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.content import Content
from textual.widgets.option_list import Option

from facilitation.models import NoteMark
from facilitation.stage_kinds import rules_of
from screens.summary import _line, stage_block, summary_head, summary_lines
from tests.test_ballot_results_kept import LEGACY_KINDS, STEPS, legacy_workshop, step
from workshop.session import WorkshopSession


def fresh_counts(session: WorkshopSession) -> dict[int, int]:
    counts: dict[int, int] = {}
    for note in session.workshop.live_notes():
        counts[note.stage_id] = counts.get(note.stage_id, 0) + 1
    return counts


def texts(rows: list[Option]) -> list[str]:
    return [str(row.prompt.__rich__()) for row in rows]  # type: ignore[union-attr]


def fresh_summary(session: WorkshopSession) -> tuple[str, list[str]]:
    """The summary as counted from every note (the way it was drawn before the session kept the counts)."""
    ws = session.workshop
    live = ws.live_notes()
    decisions = sum(1 for n in live if n.mark == NoteMark.DECISION)
    rows: list[Option] = []
    number = 0
    for stage in ws.agenda():
        counted = not stage.skipped and rules_of(stage.kind).numbered
        number += counted
        if rows:
            rows.append(_line(Content("")))
        rows += stage_block(session, stage, number if counted else None)  # reads the stage's notes itself
    return summary_head(ws, len(live), decisions).plain, texts(rows)


def kept_summary(session: WorkshopSession) -> tuple[str, list[str]]:
    head, rows = summary_lines(session)
    return head.plain, texts(rows)


def assert_counts_fresh(session: WorkshopSession, after: str) -> None:
    kept = {stage: n for stage, n in session.notes.live_counts().items() if n}
    assert kept == fresh_counts(session), after
    assert kept_summary(session) == fresh_summary(session), after


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(LEGACY_KINDS), min_size=0, max_size=2),
    st.lists(
        st.tuples(st.sampled_from([*STEPS, "mark", "mark"]), st.integers(0, 40)), min_size=1, max_size=30
    ),
)
def test_kept_counts_and_summary_are_always_those_counted_afresh(
    kinds: list[str], steps: list[tuple[str, int]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        session = legacy_workshop(Path(folder), kinds)
        try:
            assert_counts_fresh(session, "the import")
            for name, pick in steps:
                step(session, name, pick)
                assert_counts_fresh(session, name)
        finally:
            session.close()


def test_each_change_to_notes_moves_the_counts(session: WorkshopSession) -> None:
    """Added, moved, merged, deleted and undone: each stage's count follows, one change at a time."""
    first, second = (s.id for s in session.workshop.agenda()[1:3])
    a = session.notes.add("Coffee", stage_id=first)
    b = session.notes.add("Tea", stage_id=first)
    c = session.notes.add("Cake", stage_id=first)
    counts = session.notes.live_counts()
    assert (counts.get(first), counts.get(second, 0)) == (3, 0)
    session.notes.move(c.id, second)
    assert (counts.get(first), counts.get(second)) == (2, 1)
    session.notes.merge(a.id, b.id)
    assert session.notes.live_counts()[first] == 1
    session.notes.undo()
    assert session.notes.live_counts()[first] == 2
    session.notes.delete(a.id)
    assert session.notes.live_counts()[first] == 1
    assert_counts_fresh(session, "named changes")


def test_a_change_the_session_was_not_told_of_counts_afresh(session: WorkshopSession) -> None:
    """Memory changed without the parts being told (an undo of refused changes, a batch followed from another
    window bump ``Ledger.changes`` only): the counts are taken again from every note."""
    stage = session.workshop.agenda()[1].id
    note = session.notes.add("Coffee", stage_id=stage)
    assert session.notes.live_counts()[stage] == 1
    session.workshop.notes[note.id] = note.replace(deleted_at=1.0)  # as an undo puts a record back
    session._ledger.changes += 1
    assert session.notes.live_counts().get(stage, 0) == 0


def test_the_summary_counts_what_the_room_sees_after_changes(session: WorkshopSession) -> None:
    """The summary's head and a stage's heading after notes were marked, merged, moved and deleted."""
    stage, other = (s.id for s in session.workshop.agenda()[1:3])
    notes = [session.notes.add(f"Idea {i}", stage_id=stage) for i in range(5)]
    session.notes.mark(notes[0].id, NoteMark.DECISION)
    session.notes.mark(notes[1].id, NoteMark.DECISION)
    session.notes.mark(notes[2].id, NoteMark.CANDIDATE)
    session.notes.merge(notes[0].id, notes[3].id)
    session.notes.move(notes[4].id, other)
    head, rows = kept_summary(session)
    assert "4 notes · 2 decisions" in head
    heading = next(t for t in rows if session.workshop.stages[stage].title in t)
    assert "3 notes · 2 decisions · 1 candidate" in heading
    assert kept_summary(session) == fresh_summary(session)


def test_a_deleted_decision_leaves_the_summary(session: WorkshopSession) -> None:
    stage = session.workshop.agenda()[1].id
    kept = session.notes.add("Publish the roadmap", stage_id=stage)
    gone = session.notes.add("Hire a coach", stage_id=stage)
    for note in (kept, gone):
        session.notes.mark(note.id, NoteMark.DECISION)
    session.notes.delete(gone.id)
    head, rows = kept_summary(session)
    assert "1 note · 1 decision" in head
    assert not any("Hire a coach" in row for row in rows)
    assert (head, rows) == fresh_summary(session)


def test_a_new_workshop_in_the_ledger_is_counted_afresh(session: WorkshopSession) -> None:
    """The ledger's workshop replaced by another object (the whole workshop read after the first frame)."""
    import copy

    stage = session.workshop.agenda()[1].id
    session.notes.add("Coffee", stage_id=stage)
    assert session.notes.live_counts()[stage] == 1
    whole = copy.deepcopy(session.workshop)
    whole.notes.clear()
    session._ledger.ws = whole
    assert session.notes.live_counts().get(stage, 0) == 0
