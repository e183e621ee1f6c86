"""The session API against real workshop files: every change validated, logged and durable before it returns."""

from __future__ import annotations

import errno

import pytest

from facilitation.clock import FakeClock
from workshop.session import (
    ActionChange,
    NotFoundError,
    SessionError,
    WorkshopSession,
    list_workshops,
    load_workshop,
)
from workshop.store import Store


def reopen(store: Store, session: WorkshopSession, clock: FakeClock) -> WorkshopSession:
    """Close and reopen, as a restart would: everything must come back from disk."""
    workshop_id = session.workshop.id
    session.close()
    return WorkshopSession.open(store, workshop_id, clock=clock)


def test_create_builds_default_agenda_and_participants(session: WorkshopSession) -> None:
    ws = session.workshop
    assert [s.title for s in ws.agenda()] == [
        "Readiness check",
        "Vision",
        "Strategy",
        "Purpose",
        "Launch",
        "Guide",
        "Adapt",
        "Action plan",
    ]
    assert sum(s.minutes for s in ws.agenda()) == 140
    assert [p.name for p in ws.active_participants()] == ["Ana", "Ben", "Chloé"]
    assert session.stage().title == "Readiness check"
    assert ws.events[0].kind == "workshop.created"


@pytest.mark.parametrize("title", ["", "   ", "\n\t"])
def test_empty_title_refused(store: Store, title: str) -> None:
    with pytest.raises(SessionError, match="title cannot be empty"):
        WorkshopSession.create(store, title)
    assert store.ids() == []


def test_unknown_template_and_duplicate_participants_refused(store: Store) -> None:
    with pytest.raises(SessionError, match="no agenda template called 'nope'"):
        WorkshopSession.create(store, "T", template="nope")
    with pytest.raises(SessionError, match="listed twice"):
        WorkshopSession.create(store, "T", participants=["Ana", "ana"])


def test_everything_survives_a_reopen(store: Store, session: WorkshopSession, clock: FakeClock) -> None:
    ana, ben = (p.id for p in session.workshop.active_participants()[:2])
    session.agenda.next()
    note = session.notes.add("Customers help each other 🤝", author_id=ana)
    anon = session.notes.add("نريد أن يشعر كل موظف بأن صوته مسموع")
    session.notes.mark(note.id, "decision")
    session.actions.add("Launch the pilot community", owner="Ben", due="2026-12-15", measure="50 members")
    session.readiness.record(ben, attitude="fearful", scores={"vision": 2, "adapt": 4})
    before = session.workshop
    reopened = reopen(store, session, clock)
    after = reopened.workshop
    assert after.notes == before.notes
    assert after.actions == before.actions
    assert after.readiness == before.readiness
    assert after.current_stage_id == before.current_stage_id
    assert [e.kind for e in after.events] == [e.kind for e in before.events]
    assert after.notes[anon.id].author_id is None
    assert after.actions[1].owner_id == ben
    reopened.close()


def test_notes_validate_and_log(session: WorkshopSession) -> None:
    with pytest.raises(SessionError, match="cannot be empty"):
        session.notes.add("   ")
    with pytest.raises(NotFoundError):
        session.notes.add("x", author_id=99)
    note = session.notes.add("  A note\r\nwith two lines\x07  ")
    assert note.text == "A note\nwith two lines"
    assert session.workshop.events[-1].kind == "note.added"
    assert session.workshop.events[-1].data == {"note_id": note.id}


def test_hundred_kilobyte_note_and_scripts_round_trip(
    store: Store, session: WorkshopSession, clock: FakeClock
) -> None:
    big = ("Ünïcödé ✓ עברית عربى 👩🏽‍💻 " * 4000)[:100_000].strip()
    note = session.notes.add(big)
    reopened = reopen(store, session, clock)
    assert reopened.workshop.notes[note.id].text == big
    reopened.close()


def test_delete_and_undo_survive_restart(store: Store, session: WorkshopSession, clock: FakeClock) -> None:
    first = session.notes.add("first")
    second = session.notes.add("second")
    session.notes.delete(first.id)
    session.notes.delete(second.id)
    assert session.workshop.stage_notes(session.stage().id) == []
    reopened = reopen(store, session, clock)
    restored = reopened.notes.undo_delete()
    assert restored.id == second.id
    assert reopened.notes.undo_delete().id == first.id
    assert [n.text for n in reopened.workshop.stage_notes(reopened.stage().id)] == ["first", "second"]
    with pytest.raises(SessionError, match="the last change to the notes was adding one"):
        reopened.notes.undo()  # undo stops at an adding: a note never vanishes by u
    reopened.close()


def test_move_reorder_and_merge(session: WorkshopSession) -> None:
    vision = session.workshop.agenda()[1]
    a = session.notes.add("Share fixes")
    b = session.notes.add("share fixes")
    c = session.notes.add("Open community")
    session.notes.reorder(c.id, -2)
    assert [n.id for n in session.workshop.stage_notes(session.stage().id)] == [c.id, a.id, b.id]
    merged = session.notes.merge(a.id, b.id)
    assert merged.text == "Share fixes\nshare fixes"
    assert merged.merged_from == [b.id]
    assert session.workshop.notes[b.id].deleted
    moved = session.notes.move(c.id, vision.id)
    assert moved.stage_id == vision.id
    with pytest.raises(SessionError, match="two different notes"):
        session.notes.merge(a.id, a.id)


def test_stage_navigation_never_changes_a_timer(session: WorkshopSession, clock: FakeClock) -> None:
    session.timer.start()
    clock.advance(30)
    first = session.stage().id
    session.agenda.next()
    clock.advance(30)
    assert session.timer.of(first).status == "running"
    assert session.timer.of(first).elapsed == pytest.approx(60)
    session.agenda.previous()
    assert session.timer.of(first).status == "running"
    with pytest.raises(SessionError, match="first stage"):
        session.agenda.previous()
        session.agenda.previous()


def test_timer_survives_restart_in_wall_clock_time(
    store: Store, session: WorkshopSession, clock: FakeClock
) -> None:
    session.agenda.next()
    session.timer.start()
    clock.advance(120)
    session.timer.extend(5)
    workshop_id = session.workshop.id
    session.close()
    clock.advance(60)
    clock.restart(monotonic=5.0)
    reopened = WorkshopSession.open(store, workshop_id, clock=clock)
    timer = reopened.timer.of()
    assert timer.status == "running"
    assert timer.elapsed == pytest.approx(180)
    assert timer.duration == pytest.approx(25 * 60)
    reopened.timer.pause()
    clock.advance(600)
    assert reopened.timer.of().elapsed == pytest.approx(180)
    reopened.close()


def test_finish_stage_goes_to_next_and_records_times(session: WorkshopSession, clock: FakeClock) -> None:
    session.timer.start()
    clock.advance(65)
    readiness = session.stage()
    session.timer.finish()
    assert session.stage().title == "Vision"
    assert session.timer.of(readiness.id).status == "finished"
    assert session.timer.of(readiness.id).finished_at == pytest.approx(clock.wall())


def test_skipped_stages_are_passed_over(session: WorkshopSession) -> None:
    vision = session.workshop.agenda()[1]
    session.agenda.set_skipped(vision.id, True)
    assert session.agenda.next().title == "Strategy"


def test_agenda_editing(session: WorkshopSession) -> None:
    strategy = session.workshop.agenda()[2]
    session.agenda.set_minutes(strategy.id, 25)
    session.agenda.move(strategy.id, -1)
    added = session.agenda.add("Coffee break", 10, after_stage_id=strategy.id)
    titles = [s.title for s in session.workshop.agenda()]
    assert titles[:4] == ["Readiness check", "Strategy", "Coffee break", "Vision"]
    assert added.kind == "custom"
    with pytest.raises(SessionError, match="1 to 600 minutes"):
        session.agenda.set_minutes(strategy.id, 0)


def _ballot_with_notes(session: WorkshopSession, count: int = 4) -> tuple[int, list[int], list[int]]:
    session.agenda.next()
    notes = [session.notes.add(f"idea {i}").id for i in range(count)]
    ballot = session.votes.open(session.stage().id, budget=3, cap=2)
    people = [p.id for p in session.workshop.active_participants()]
    return ballot.id, notes, people


def test_votes_respect_budget_cap_and_state(session: WorkshopSession) -> None:
    ballot, notes, (ana, ben, _) = _ballot_with_notes(session)
    session.votes.cast(ballot, ana, notes[0])
    session.votes.cast(ballot, ana, notes[0])
    with pytest.raises(SessionError, match="At most 2"):
        session.votes.cast(ballot, ana, notes[0])
    session.votes.cast(ballot, ana, notes[1])
    with pytest.raises(SessionError, match="all 3"):
        session.votes.cast(ballot, ana, notes[2])
    with pytest.raises(NotFoundError):
        session.votes.cast(ballot, 99, notes[2])
    session.notes.delete(notes[3])
    with pytest.raises(NotFoundError, match="deleted"):
        session.votes.cast(ballot, ben, notes[3])
    session.votes.retract(ballot, ana, notes[0])
    assert session.votes.participant_dots(ballot, ana) == {notes[0]: 1, notes[1]: 1}
    result = session.votes.close(ballot)
    assert [(r.note_id, r.dots) for r in result.ranked[:2]] == [(notes[0], 1), (notes[1], 1)]
    assert result.ranked[0].tied and result.ranked[0].rank == result.ranked[1].rank == 1
    with pytest.raises(SessionError, match="closed"):
        session.votes.cast(ballot, ben, notes[1])


def test_vote_on_note_moved_after_opening_is_refused(session: WorkshopSession) -> None:
    ballot, notes, (ana, *_) = _ballot_with_notes(session)
    session.notes.move(notes[0], session.workshop.agenda()[0].id)
    with pytest.raises(SessionError, match="moved to another stage"):
        session.votes.cast(ballot, ana, notes[0])


def test_lowering_limits_below_cast_refused(session: WorkshopSession) -> None:
    ballot, notes, (ana, *_) = _ballot_with_notes(session)
    session.votes.cast(ballot, ana, notes[0])
    session.votes.cast(ballot, ana, notes[0])
    with pytest.raises(SessionError):
        session.votes.set_limits(ballot, cap=1)
    assert session.votes.ballot(ballot).cap == 2


def test_room_tally_rerun_and_log(session: WorkshopSession) -> None:
    session.agenda.next()
    notes = [session.notes.add(f"idea {i}").id for i in range(3)]
    ballot = session.votes.open(session.stage().id, mode="tally")
    session.votes.tally(ballot.id, notes[2], 7)
    session.votes.tally(ballot.id, notes[0], 3)
    with pytest.raises(SessionError, match="room tally"):
        session.votes.cast(ballot.id, 1, notes[0])
    result = session.votes.close(ballot.id)
    assert [(r.note_id, r.dots) for r in result.ranked] == [(notes[2], 7), (notes[0], 3), (notes[1], 0)]
    second = session.votes.rerun(ballot.id)
    assert second.run == 2 and second.tally == {}
    kinds = [e.kind for e in session.workshop.events]
    assert kinds.count("vote.opened") == 2 and "vote.revealed" in kinds


def test_participant_added_mid_vote_can_vote_removed_cannot(session: WorkshopSession) -> None:
    ballot, notes, (ana, *_) = _ballot_with_notes(session)
    dev = session.participants.add("Dev")
    session.votes.cast(ballot, dev.id, notes[0])
    session.votes.cast(ballot, ana, notes[1])
    session.participants.remove(ana)
    with pytest.raises(NotFoundError):
        session.votes.cast(ballot, ana, notes[1])
    result = session.votes.close(ballot)
    assert result.total_dots == 2


def test_readiness_validation_and_replace(session: WorkshopSession) -> None:
    ana = session.workshop.active_participants()[0].id
    with pytest.raises(SessionError, match="six attitudes"):
        session.readiness.record(ana, attitude="bold", scores={})
    with pytest.raises(SessionError, match="1 to 5"):
        session.readiness.record(ana, attitude=None, scores={"vision": 6})
    first = session.readiness.record(ana, attitude="folly", scores={"vision": 1})
    again = session.readiness.record(ana, attitude="fusing", scores={"vision": 5})
    assert first.id == again.id and len(session.workshop.readiness) == 1
    end = session.readiness.record(ana, attitude="forging", scores={}, round="end")
    assert end.id != first.id


def test_actions_validate_dates_owners_and_status(session: WorkshopSession, clock: FakeClock) -> None:
    with pytest.raises(SessionError, match="Could not read"):
        session.actions.add("Do it", due="someday")
    action = session.actions.add("Do it", owner="chloé", due="+1w", priority=1)
    assert action.owner == "Chloé" and action.owner_id is not None
    assert action.due is not None
    outsider = session.actions.edit(action.id, ActionChange(owner="Dana from HR"))
    assert outsider.owner_id is None and outsider.owner == "Dana from HR"
    done = session.actions.complete(action.id)
    assert done.status == "done" and done.completed_at == clock.wall()
    with pytest.raises(SessionError, match="Priority"):
        session.actions.edit(action.id, ActionChange(priority=7))


def test_a_failed_write_changes_nothing(session: WorkshopSession, monkeypatch: pytest.MonkeyPatch) -> None:
    note = session.notes.add("kept")
    events_before = len(session.workshop.events)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("os.write", full_disk)
    with pytest.raises(SessionError, match="No space left"):
        session.notes.add("lost")
    with pytest.raises(SessionError):
        session.notes.delete(note.id)
    monkeypatch.undo()
    assert [n.text for n in session.workshop.live_notes()] == ["kept"]
    assert len(session.workshop.events) == events_before
    session.notes.add("after the disk was freed")
    assert len(session.workshop.live_notes()) == 2


def test_second_session_is_read_only(store: Store, session: WorkshopSession, tmp_path: object) -> None:
    import subprocess
    import sys
    import textwrap

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from workshop.store import Store
            f = Store(__import__('pathlib').Path({str(store.data_dir)!r})).open({session.workshop.id!r})
            print('locked', flush=True)
            time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    workshop_id = session.workshop.id
    session.close()
    try:
        session2 = None
        # wait for the other process to take the lock
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        session2 = WorkshopSession.open(store, workshop_id)
        assert session2.read_only
        assert "another" in session2.read_only_reason
        with pytest.raises(SessionError):
            session2.notes.add("refused")
        session2.close()
    finally:
        holder.kill()
        holder.wait()


def test_unknown_workshop_id(store: Store) -> None:
    with pytest.raises(Exception, match="No workshop"):
        WorkshopSession.open(store, "does-not-exist")


def test_list_and_load(store: Store, session: WorkshopSession, clock: FakeClock) -> None:
    session.notes.add("one")
    clock.advance(10)
    other = WorkshopSession.create(store, "Second", clock=clock)
    other.close()
    summaries = list_workshops(store)
    assert [s.title for s in summaries] == ["Second", "Leadership offsite"]
    assert summaries[1].notes == 1
    assert load_workshop(store, session.workshop.id).notes.keys() == session.workshop.notes.keys()
