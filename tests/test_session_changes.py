"""The session publishes every committed change: what a ``Change`` holds, when listeners run, and a follower."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from facilitation.clock import FakeClock
from facilitation.models import ActionItem, Ballot, Note, Stage, Vote
from workshop.session import Change, SessionError, WorkshopSession, load_workshop
from workshop.store import Store
from workshop.store.file import journal_path
from workshop.store.journal import parse_journal


def record(session: WorkshopSession) -> list[Change]:
    seen: list[Change] = []
    session.subscribe(seen.append)
    return seen


def test_each_commit_publishes_one_change_after_it_is_durable(session: WorkshopSession, store: Store) -> None:
    on_disk: list[list[str]] = []

    def listener(change: Change) -> None:
        in_memory = session.workshop.notes[change.event.data["note_id"]]
        assert in_memory.text == "Shared dashboard"
        on_disk.append([n.text for n in load_workshop(store, session.workshop.id).notes.values()])

    session.subscribe(listener)
    note = session.notes.add("Shared dashboard")
    assert on_disk == [["Shared dashboard"]]
    assert session.workshop.notes[note.id].text == "Shared dashboard"


def test_a_change_names_its_event_records_removals_and_info(session: WorkshopSession) -> None:
    seen = record(session)
    note = session.notes.add("Weekly demo")
    (added,) = seen
    assert added.kind == "note.added" and added.event is session.workshop.events[-1]
    assert added.changed == (note,) and added.removed == () and added.info == ()
    assert added.records_of(Note) == [note]

    vision = session.stage().id
    ballot = session.votes.open(vision)
    ana = session.workshop.active_participants()[0].id
    vote = session.votes.cast(ballot.id, ana, note.id)
    session.votes.retract(ballot.id, ana, note.id)
    assert [c.kind for c in seen[1:]] == ["vote.opened", "vote.cast", "vote.retracted"]
    assert seen[1].records_of(Ballot)[0].status == "open"
    assert seen[2].records_of(Vote) == [vote]
    assert seen[3].removed == (("votes", vote.id),) and seen[3].removed_ids("votes") == [vote.id]

    following = session.agenda.next()
    entered = seen[-1]
    assert entered.kind == "stage.entered" and entered.info == ("current_stage_id",)
    assert entered.event.stage_id == following.id

    action = session.actions.add("Publish the dashboard", owner="Ana")
    session.actions.delete(action.id)
    assert seen[-2].records_of(ActionItem) == [action]
    assert seen[-1].kind == "action.deleted" and seen[-1].removed == (("actions", action.id),)


def test_leaving_a_stage_with_a_running_timer_changes_no_timer(session: WorkshopSession) -> None:
    seen = record(session)
    first = session.stage()
    session.timer.start()
    session.agenda.next()
    start, entered = seen
    assert start.kind == "timer.start" and start.records_of(Stage)[0].timer["status"] == "running"
    assert entered.kind == "stage.entered" and entered.records_of(Stage) == []
    assert session.timer.of(first.id).status == "running"


def test_a_refused_or_failed_change_publishes_nothing(
    session: WorkshopSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = record(session)
    with pytest.raises(SessionError):
        session.notes.add("   ")

    def full_disk(*_args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("os.write", full_disk)
    with pytest.raises(SessionError):
        session.notes.add("never saved")
    assert seen == []


def test_unsubscribe_stops_the_calls(session: WorkshopSession) -> None:
    seen: list[Change] = []
    unsubscribe = session.subscribe(seen.append)
    session.notes.add("one")
    unsubscribe()
    unsubscribe()  # harmless twice
    session.notes.add("two")
    assert [c.kind for c in seen] == ["note.added"]


def test_a_change_made_by_a_listener_reaches_everyone_after_the_first(session: WorkshopSession) -> None:
    order: list[tuple[str, str]] = []

    def echo(change: Change) -> None:
        order.append(("echo", change.kind))
        if change.kind == "note.added":
            session.notes.mark(change.event.data["note_id"], "decision")

    session.subscribe(echo)
    session.subscribe(lambda change: order.append(("second", change.kind)))
    session.notes.add("Decide this")
    assert order == [
        ("echo", "note.added"),
        ("second", "note.added"),
        ("echo", "note.marked"),
        ("second", "note.marked"),
    ]


def test_a_failing_listener_does_not_stop_the_others_and_the_change_stays(
    session: WorkshopSession, store: Store
) -> None:
    seen = []

    def broken(change: Change) -> None:
        raise RuntimeError("listener bug")

    session.subscribe(broken)
    session.subscribe(seen.append)
    with pytest.raises(RuntimeError, match="listener bug"):
        session.notes.add("kept anyway")
    assert len(seen) == 1
    assert [n.text for n in load_workshop(store, session.workshop.id).notes.values()] == ["kept anyway"]


def _journal_entries(path: Path | None, after: int) -> list[tuple[int, list]]:
    assert path is not None
    data = journal_path(path).read_bytes() if journal_path(path).exists() else b""
    return [(seq, ops) for seq, ops in parse_journal(data).entries if seq > after]


def test_a_follower_applies_the_writers_journal_and_publishes_the_same_changes(
    session: WorkshopSession, store: Store, clock: FakeClock
) -> None:
    follower = WorkshopSession.following(load_workshop(store, session.workshop.id), clock=clock)
    assert follower.read_only
    writer_changes = record(session)
    follower_changes = record(follower)
    start = max((seq for seq, _ in _journal_entries(session.path, 0)), default=0)

    note = session.notes.add("Seen on the projector")
    session.timer.start()
    ballot = session.votes.open(session.stage().id, mode="tally")
    session.votes.tally(ballot.id, note.id, 4)
    session.votes.close(ballot.id)
    session.agenda.update_details(title="Leadership offsite 2026")
    session.agenda.next()
    action = session.actions.add("Ship it")
    session.actions.delete(action.id)

    for _seq, ops in _journal_entries(session.path, start):
        follower.apply_external(ops)

    assert [c.kind for c in follower_changes] == [c.kind for c in writer_changes]
    for mine, theirs in zip(follower_changes, writer_changes, strict=True):
        assert mine.event == theirs.event
        assert mine.changed == theirs.changed
        assert mine.removed == theirs.removed
        assert set(mine.info) == set(theirs.info)
    assert follower.workshop.title == "Leadership offsite 2026"
    assert follower.workshop.current_stage_id == session.workshop.current_stage_id
    assert follower.workshop.notes == session.workshop.notes
    assert follower.workshop.actions == {}
    assert follower.workshop.events == session.workshop.events
    assert follower.timer.of(note.stage_id).status == session.timer.of(note.stage_id).status == "running"


def test_a_follower_never_writes_and_a_writer_takes_no_external_changes(
    session: WorkshopSession, store: Store
) -> None:
    follower = WorkshopSession.following(load_workshop(store, session.workshop.id), reason="Projector view")
    with pytest.raises(SessionError, match="Projector view"):
        follower.notes.add("refused")
    with pytest.raises(SessionError, match="read-only"):
        session.apply_external([])
    reloaded = follower.apply_external([])
    assert reloaded.kind == "follow.reloaded" and reloaded.changed == ()
