"""The session's rules the room relies on: silent brainstorming, the reveal, anonymous notes from devices, and a
participant voting on their own device or at the keyboard, never both (also after a restart)."""

from __future__ import annotations

import pytest

from facilitation.clock import FakeClock
from workshop.session import Change, SessionError, WorkshopSession
from workshop.store import Store


@pytest.fixture
def on_stage(session: WorkshopSession) -> WorkshopSession:
    session.agenda.go_to(2)
    return session


def test_silent_brainstorming_hides_new_notes_until_the_reveal(on_stage: WorkshopSession) -> None:
    before = on_stage.notes.add("said out loud before")
    stage = on_stage.notes.set_silent(True)
    assert stage.silent
    quiet = [on_stage.notes.add(f"quiet {i}") for i in range(3)]
    assert not before.hidden and all(n.hidden for n in quiet)
    changes: list[Change] = []
    on_stage.subscribe(changes.append)
    revealed = on_stage.notes.reveal()
    assert {n.id for n in revealed} == {n.id for n in quiet}
    assert not any(n.hidden for n in on_stage.workshop.live_notes())
    assert not on_stage.workshop.stages[stage.id].silent
    (change,) = changes
    assert change.kind == "notes.revealed" and len(change.changed) == 4  # three notes and the stage
    assert on_stage.notes.reveal() == []  # nothing left: nothing written


def test_turning_silence_off_reveals_and_it_survives_a_restart(
    on_stage: WorkshopSession, store: Store, clock: FakeClock
) -> None:
    on_stage.notes.set_silent(True)
    note = on_stage.notes.add("kept quiet")
    workshop_id = on_stage.workshop.id
    on_stage.close()
    with WorkshopSession.open(store, workshop_id, clock=clock) as reopened:
        assert reopened.workshop.notes[note.id].hidden and reopened.stage().silent
        reopened.notes.set_silent(False)
        assert not reopened.workshop.notes[note.id].hidden and not reopened.stage().silent


def test_anonymous_setting_is_durable(on_stage: WorkshopSession, store: Store, clock: FakeClock) -> None:
    on_stage.notes.set_anonymous(True)
    workshop_id = on_stage.workshop.id
    on_stage.close()
    with WorkshopSession.open(store, workshop_id, clock=clock) as reopened:
        assert reopened.workshop.anonymous_notes


def test_a_device_and_the_keyboard_never_both_vote_for_one_person(
    on_stage: WorkshopSession, store: Store, clock: FakeClock
) -> None:
    notes = [on_stage.notes.add(f"idea {i}") for i in range(3)]
    ballot = on_stage.votes.open(on_stage.workshop.current_stage_id, budget=3, cap=2)
    ana, ben = 1, 2
    on_stage.votes.claim_device(ana)
    on_stage.votes.cast(ballot.id, ana, notes[0].id, device=True)
    with pytest.raises(SessionError, match="own device"):
        on_stage.votes.cast(ballot.id, ana, notes[1].id)  # the keyboard, for someone on their phone
    with pytest.raises(SessionError, match="own device"):
        on_stage.votes.submit(ballot.id, ana)
    on_stage.votes.cast(ballot.id, ben, notes[1].id)  # Ben votes at the keyboard
    with pytest.raises(SessionError, match="keyboard"):
        on_stage.votes.cast(ballot.id, ben, notes[2].id, device=True)
    on_stage.votes.release_device(ana)  # the room closed: Ana's device dots still count as hers alone
    with pytest.raises(SessionError, match="own device in this vote"):
        on_stage.votes.cast(ballot.id, ana, notes[1].id)
    workshop_id = on_stage.workshop.id
    on_stage.close()
    with WorkshopSession.open(store, workshop_id, clock=clock) as reopened:  # and after a restart
        with pytest.raises(SessionError, match="own device in this vote"):
            reopened.votes.cast(ballot.id, ana, notes[1].id)
        reopened.votes.cast(ballot.id, ana, notes[1].id, device=True)
        assert reopened.votes.participant_dots(ballot.id, ana) == {notes[0].id: 1, notes[1].id: 1}


def test_a_ballot_begun_at_the_keyboard_is_finished_there_after_joining_on_a_phone(
    on_stage: WorkshopSession,
) -> None:
    """Seen with a browser: Ana placed a dot at the keyboard, then joined the room on her phone. Her phone said
    "finish the ballot there" (at the keyboard), and the keyboard said she votes on her own device: release the
    name first. Neither could finish her ballot. The keyboard finishes it now; her phone still cannot add to it."""
    notes = [on_stage.notes.add(f"idea {i}") for i in range(3)]
    ballot = on_stage.votes.open(on_stage.workshop.current_stage_id, budget=2, cap=1)
    ana, ben = 1, 2
    on_stage.votes.cast(ballot.id, ana, notes[0].id)  # at the keyboard
    on_stage.votes.claim_device(ana)  # then she joins on her phone
    on_stage.votes.claim_device(ben)
    assert on_stage.votes.keyboard_voters(ballot.id) == {ana}
    with pytest.raises(SessionError, match="finish the ballot there"):
        on_stage.votes.cast(ballot.id, ana, notes[1].id, device=True)
    on_stage.votes.cast(ballot.id, ana, notes[1].id)  # the keyboard finishes it
    on_stage.votes.submit(ballot.id, ana)
    assert on_stage.votes.participant_dots(ballot.id, ana) == {notes[0].id: 1, notes[1].id: 1}
    assert ana in on_stage.workshop.ballots[ballot.id].submitted
    with pytest.raises(SessionError, match="own device"):
        on_stage.votes.cast(ballot.id, ben, notes[0].id)  # Ben began nothing at the keyboard: his phone votes


def test_the_projector_leaves_out_notes_hidden_from_the_room(on_stage: WorkshopSession) -> None:
    from screens.projector.board import StageNotes

    said = on_stage.notes.add("said out loud")
    on_stage.notes.set_silent(True)
    quiet = on_stage.notes.add("written in silence")
    stage_id = on_stage.workshop.current_stage_id
    assert stage_id is not None
    board = StageNotes(stage_id, on_stage.workshop.stage_notes(stage_id))
    assert [n.id for n in board.notes] == [said.id]
    board.update(on_stage.workshop.notes[quiet.id])  # a change event for the hidden note adds nothing
    assert [n.id for n in board.notes] == [said.id]
    (revealed,) = on_stage.notes.reveal()
    board.update(revealed)
    assert [n.id for n in board.notes] == [said.id, quiet.id]


async def test_the_projector_shows_the_rooms_qr_code_while_it_is_open(
    session: WorkshopSession, store: Store, clock: FakeClock
) -> None:
    from screens.projector import ProjectorApp
    from tests.ui_helpers import screen_text
    from workshop.follow import open_following

    follows = open_following(store, session.workshop.id, clock=clock)
    app = ProjectorApp(follows, watch=False)
    try:
        async with app.run_test(size=(120, 36)) as pilot:

            async def shown() -> str:
                follows.follower.poll()
                await pilot.pause()
                await pilot.pause()
                return screen_text(app)  # type: ignore[arg-type]

            assert "Join code" not in await shown()
            url = "http://127.0.0.1:8765/"
            session.log("room.opened", f"Room opened at {url}", data={"url": url, "code": "K7PQ3X"})
            text = await shown()
            assert "Join code K7P Q3X" in text and url in text and "▀" in text
            session.log("room.locked", "Room locked")
            assert "Join code" not in await shown()
            session.log("room.opened", f"Room open again at {url}", data={"url": url, "code": "K7PQ3X"})
            assert "Join code" in await shown()
            session.log("room.closed", "Room closed")
            assert "Join code" not in await shown()
    finally:
        follows.follower.stop()


async def test_device_requests_in_flight_share_one_fdatasync_and_are_durable_when_answered(
    on_stage: WorkshopSession, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nine notes from three phones at once: every one is checked and held at once, the first asks for its
    fdatasync at once (session.group), the others, made while it runs, share the next one; each request returns
    only when its note is durable, with the notes on disk and published. (The disk is held until all nine are
    made, so the count does not depend on how fast it is.)"""
    import asyncio
    import os
    import threading

    from tests.room_helpers import CODE, make_room

    room, _web, _ = make_room(on_stage)
    devices = [
        room.join(CODE, p.id, f"10.0.0.{p.id}").device for p in on_stage.workshop.active_participants()
    ]
    published: list[str] = []
    on_stage.subscribe(lambda change: published.append(change.kind))
    syncs = on_stage.group.syncs
    gate, real = threading.Event(), os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (gate.wait(), real(fd))[1])
    requests = asyncio.gather(*(room.add_note(d, f"{d.id} idea {i}") for d in devices for i in range(3)))
    await asyncio.sleep(0)  # every request runs up to its wait for the disk
    assert published == [] and len(on_stage.workshop.notes) == 9
    gate.set()
    ids = await requests
    assert on_stage.group.syncs - syncs in (1, 2), "the first round, and one for those made while it ran"
    assert published == ["note.added"] * 9
    with WorkshopSession.open(store, on_stage.workshop.id, mode="read") as reader:
        assert sorted(n.id for n in reader.workshop.notes.values()) == sorted(ids)
    assert all(len(d.note_ids) == 3 for d in devices)
