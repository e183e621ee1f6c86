"""The session API against real workshop files: every change validated, logged and durable before it returns."""

from __future__ import annotations

import errno

import pytest

from facilitation.clock import FakeClock
from workshop.session import NotFoundError, SessionError, WorkshopSession, list_workshops, load_workshop
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
    session.next_stage()
    note = session.add_note("Customers help each other 🤝", author_id=ana)
    anon = session.add_note("نريد أن يشعر كل موظف بأن صوته مسموع")
    session.mark_note(note.id, "decision")
    session.add_action("Launch the pilot community", owner="Ben", due="2026-12-15", measure="50 members")
    session.record_readiness(ben, attitude="fearful", scores={"vision": 2, "adapt": 4})
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
        session.add_note("   ")
    with pytest.raises(NotFoundError):
        session.add_note("x", author_id=99)
    note = session.add_note("  A note\r\nwith two lines\x07  ")
    assert note.text == "A note\nwith two lines"
    assert session.workshop.events[-1].kind == "note.added"
    assert session.workshop.events[-1].data == {"note_id": note.id}


def test_hundred_kilobyte_note_and_scripts_round_trip(
    store: Store, session: WorkshopSession, clock: FakeClock
) -> None:
    big = ("Ünïcödé ✓ עברית عربى 👩🏽‍💻 " * 4000)[:100_000].strip()
    note = session.add_note(big)
    reopened = reopen(store, session, clock)
    assert reopened.workshop.notes[note.id].text == big
    reopened.close()


def test_delete_and_undo_survive_restart(store: Store, session: WorkshopSession, clock: FakeClock) -> None:
    first = session.add_note("first")
    second = session.add_note("second")
    session.delete_note(first.id)
    session.delete_note(second.id)
    assert session.workshop.stage_notes(session.stage().id) == []
    reopened = reopen(store, session, clock)
    restored = reopened.undo_delete()
    assert restored.id == second.id
    assert reopened.undo_delete().id == first.id
    with pytest.raises(SessionError, match="no deleted note"):
        reopened.undo_delete()
    assert [n.text for n in reopened.workshop.stage_notes(reopened.stage().id)] == ["first", "second"]
    reopened.close()


def test_move_reorder_and_merge(session: WorkshopSession) -> None:
    vision = session.workshop.agenda()[1]
    a = session.add_note("Share fixes")
    b = session.add_note("share fixes")
    c = session.add_note("Open community")
    session.reorder_note(c.id, -2)
    assert [n.id for n in session.workshop.stage_notes(session.stage().id)] == [c.id, a.id, b.id]
    merged = session.merge_notes(a.id, b.id)
    assert merged.text == "Share fixes\nshare fixes"
    assert merged.merged_from == [b.id]
    assert session.workshop.notes[b.id].deleted
    moved = session.move_note(c.id, vision.id)
    assert moved.stage_id == vision.id
    with pytest.raises(SessionError, match="two different notes"):
        session.merge_notes(a.id, a.id)


def test_stage_navigation_pauses_the_timer_left_behind(session: WorkshopSession, clock: FakeClock) -> None:
    session.start_timer()
    clock.advance(30)
    first = session.stage().id
    session.next_stage()
    assert session.timer(first).status == "paused"
    assert session.timer(first).elapsed == pytest.approx(30)
    with pytest.raises(SessionError, match="first stage"):
        session.previous_stage()
        session.previous_stage()


def test_timer_survives_restart_in_wall_clock_time(
    store: Store, session: WorkshopSession, clock: FakeClock
) -> None:
    session.next_stage()
    session.start_timer()
    clock.advance(120)
    session.extend_timer(5)
    workshop_id = session.workshop.id
    session.close()
    clock.advance(60)
    clock.restart(monotonic=5.0)
    reopened = WorkshopSession.open(store, workshop_id, clock=clock)
    timer = reopened.timer()
    assert timer.status == "running"
    assert timer.elapsed == pytest.approx(180)
    assert timer.duration == pytest.approx(25 * 60)
    reopened.pause_timer()
    clock.advance(600)
    assert reopened.timer().elapsed == pytest.approx(180)
    reopened.close()


def test_finish_stage_goes_to_next_and_records_times(session: WorkshopSession, clock: FakeClock) -> None:
    session.start_timer()
    clock.advance(65)
    readiness = session.stage()
    session.finish_stage()
    assert session.stage().title == "Vision"
    assert session.timer(readiness.id).status == "finished"
    assert session.timer(readiness.id).finished_at == pytest.approx(clock.wall())


def test_skipped_stages_are_passed_over(session: WorkshopSession) -> None:
    vision = session.workshop.agenda()[1]
    session.set_stage_skipped(vision.id, True)
    assert session.next_stage().title == "Strategy"


def test_agenda_editing(session: WorkshopSession) -> None:
    strategy = session.workshop.agenda()[2]
    session.set_stage_minutes(strategy.id, 25)
    session.move_stage(strategy.id, -1)
    added = session.add_stage("Coffee break", 10, after_stage_id=strategy.id)
    titles = [s.title for s in session.workshop.agenda()]
    assert titles[:4] == ["Readiness check", "Strategy", "Coffee break", "Vision"]
    assert added.kind == "custom"
    with pytest.raises(SessionError, match="1 to 600 minutes"):
        session.set_stage_minutes(strategy.id, 0)


def _ballot_with_notes(session: WorkshopSession, count: int = 4) -> tuple[int, list[int], list[int]]:
    session.next_stage()
    notes = [session.add_note(f"idea {i}").id for i in range(count)]
    ballot = session.open_ballot(session.stage().id, budget=3, cap=2)
    people = [p.id for p in session.workshop.active_participants()]
    return ballot.id, notes, people


def test_votes_respect_budget_cap_and_state(session: WorkshopSession) -> None:
    ballot, notes, (ana, ben, _) = _ballot_with_notes(session)
    session.cast_vote(ballot, ana, notes[0])
    session.cast_vote(ballot, ana, notes[0])
    with pytest.raises(SessionError, match="At most 2"):
        session.cast_vote(ballot, ana, notes[0])
    session.cast_vote(ballot, ana, notes[1])
    with pytest.raises(SessionError, match="all 3"):
        session.cast_vote(ballot, ana, notes[2])
    with pytest.raises(NotFoundError):
        session.cast_vote(ballot, 99, notes[2])
    session.delete_note(notes[3])
    with pytest.raises(NotFoundError, match="deleted"):
        session.cast_vote(ballot, ben, notes[3])
    session.retract_vote(ballot, ana, notes[0])
    assert session.participant_dots(ballot, ana) == {notes[0]: 1, notes[1]: 1}
    result = session.close_ballot(ballot)
    assert [(r.note_id, r.dots) for r in result.ranked[:2]] == [(notes[0], 1), (notes[1], 1)]
    assert result.ranked[0].tied and result.ranked[0].rank == result.ranked[1].rank == 1
    with pytest.raises(SessionError, match="closed"):
        session.cast_vote(ballot, ben, notes[1])


def test_vote_on_note_moved_after_opening_is_refused(session: WorkshopSession) -> None:
    ballot, notes, (ana, *_) = _ballot_with_notes(session)
    session.move_note(notes[0], session.workshop.agenda()[0].id)
    with pytest.raises(SessionError, match="moved to another stage"):
        session.cast_vote(ballot, ana, notes[0])


def test_lowering_limits_below_cast_refused(session: WorkshopSession) -> None:
    ballot, notes, (ana, *_) = _ballot_with_notes(session)
    session.cast_vote(ballot, ana, notes[0])
    session.cast_vote(ballot, ana, notes[0])
    with pytest.raises(SessionError):
        session.update_ballot_limits(ballot, cap=1)
    assert session.ballot(ballot).cap == 2


def test_room_tally_rerun_and_log(session: WorkshopSession) -> None:
    session.next_stage()
    notes = [session.add_note(f"idea {i}").id for i in range(3)]
    ballot = session.open_ballot(session.stage().id, mode="tally")
    session.set_tally(ballot.id, notes[2], 7)
    session.set_tally(ballot.id, notes[0], 3)
    with pytest.raises(SessionError, match="room tally"):
        session.cast_vote(ballot.id, 1, notes[0])
    result = session.close_ballot(ballot.id)
    assert [(r.note_id, r.dots) for r in result.ranked] == [(notes[2], 7), (notes[0], 3), (notes[1], 0)]
    second = session.rerun_ballot(ballot.id)
    assert second.run == 2 and second.tally == {}
    kinds = [e.kind for e in session.workshop.events]
    assert kinds.count("vote.opened") == 2 and "vote.revealed" in kinds


def test_participant_added_mid_vote_can_vote_removed_cannot(session: WorkshopSession) -> None:
    ballot, notes, (ana, *_) = _ballot_with_notes(session)
    dev = session.add_participant("Dev")
    session.cast_vote(ballot, dev.id, notes[0])
    session.cast_vote(ballot, ana, notes[1])
    session.remove_participant(ana)
    with pytest.raises(NotFoundError):
        session.cast_vote(ballot, ana, notes[1])
    result = session.close_ballot(ballot)
    assert result.total_dots == 2


def test_readiness_validation_and_replace(session: WorkshopSession) -> None:
    ana = session.workshop.active_participants()[0].id
    with pytest.raises(SessionError, match="six attitudes"):
        session.record_readiness(ana, attitude="bold", scores={})
    with pytest.raises(SessionError, match="1 to 5"):
        session.record_readiness(ana, attitude=None, scores={"vision": 6})
    first = session.record_readiness(ana, attitude="folly", scores={"vision": 1})
    again = session.record_readiness(ana, attitude="fusing", scores={"vision": 5})
    assert first.id == again.id and len(session.workshop.readiness) == 1
    end = session.record_readiness(ana, attitude="forging", scores={}, round="end")
    assert end.id != first.id


def test_actions_validate_dates_owners_and_status(session: WorkshopSession, clock: FakeClock) -> None:
    with pytest.raises(SessionError, match="Could not read"):
        session.add_action("Do it", due="someday")
    action = session.add_action("Do it", owner="chloé", due="+1w", priority=1)
    assert action.owner == "Chloé" and action.owner_id is not None
    assert action.due is not None
    outsider = session.edit_action(action.id, owner="Dana from HR")
    assert outsider.owner_id is None and outsider.owner == "Dana from HR"
    done = session.complete_action(action.id)
    assert done.status == "done" and done.completed_at == clock.wall()
    with pytest.raises(SessionError, match="Priority"):
        session.edit_action(action.id, priority=7)


def test_a_failed_write_changes_nothing(session: WorkshopSession, monkeypatch: pytest.MonkeyPatch) -> None:
    note = session.add_note("kept")
    events_before = len(session.workshop.events)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("os.write", full_disk)
    with pytest.raises(SessionError, match="No space left"):
        session.add_note("lost")
    with pytest.raises(SessionError):
        session.delete_note(note.id)
    monkeypatch.undo()
    assert [n.text for n in session.workshop.live_notes()] == ["kept"]
    assert len(session.workshop.events) == events_before
    session.add_note("after the disk was freed")
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
            session2.add_note("refused")
        session2.close()
    finally:
        holder.kill()
        holder.wait()


def test_unknown_workshop_id(store: Store) -> None:
    with pytest.raises(Exception, match="No workshop"):
        WorkshopSession.open(store, "does-not-exist")


def test_list_and_load(store: Store, session: WorkshopSession, clock: FakeClock) -> None:
    session.add_note("one")
    clock.advance(10)
    other = WorkshopSession.create(store, "Second", clock=clock)
    other.close()
    summaries = list_workshops(store)
    assert [s.title for s in summaries] == ["Second", "Leadership offsite"]
    assert summaries[1].notes == 1
    assert load_workshop(store, session.workshop.id).notes.keys() == session.workshop.notes.keys()
