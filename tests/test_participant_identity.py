"""A participant is one person (issue #12): leaving and coming back under the same name (any case or accents)
gives back the same identity, with their notes, dots, readiness answers and actions; a rename carries everything
to the new name, exports included; the facilitator can own actions. Real workshop files, reopened from disk."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports.common import build_report
from exports.markdown import render_report
from facilitation.clock import FakeClock
from facilitation.names import name_key, same_name
from workshop.session import ActionChange, SessionError, WorkshopSession
from workshop.store import Store


def ids(session: WorkshopSession) -> dict[str, int]:
    return {p.name: p.id for p in session.workshop.active_participants()}


def reopened(session: WorkshopSession, store: Store, clock: FakeClock) -> WorkshopSession:
    workshop_id = session.workshop.id
    session.close()
    return WorkshopSession.open(store, workshop_id, clock=clock)


@pytest.mark.parametrize("typed", ["Chloé", "chloe", "CHLOE", " Chloé ", "Chloe\u0301"])
def test_a_participant_who_leaves_and_comes_back_is_the_same_person(
    session: WorkshopSession, store: Store, clock: FakeClock, typed: str
) -> None:
    chloe = ids(session)["Chloé"]
    stage = session.workshop.current_stage_id
    note = session.notes.add("her idea", author_id=chloe)
    other = session.notes.add("another idea")
    closed = session.votes.open(stage, budget=3, cap=3)
    session.votes.cast(closed.id, chloe, note.id)
    session.votes.close(closed.id)
    session.readiness.record(chloe, attitude=None, scores={"vision": 4})
    action = session.actions.add("Write the charter", owner="Chloé")
    assert action.owner_id == chloe
    session.participants.remove(chloe)
    back = session.participants.add(typed)
    assert back.id == chloe and back.name == "Chloé" and back.active
    assert [p.name for p in session.workshop.active_participants()].count("Chloé") == 1
    session = reopened(session, store, clock)
    with session:
        ws = session.workshop
        assert ws.credit(ws.notes[note.id]) == "Chloé" and ws.notes[other.id].author_id is None
        assert [v.participant_id for v in ws.ballot_votes(closed.id)] == [chloe]
        assert [r.participant_id for r in ws.readiness.values()] == [chloe]
        assert ws.actions[action.id].owner_id == chloe and ws.actions[action.id].owner == "Chloé"
        assert ws.events[-1].kind == "participant.added" and ws.events[-1].data.get("returned") is True
        assert ws.events[-1].summary == "Chloé came back"


def test_a_leavers_dots_on_an_open_ballot_are_theirs_again_when_they_come_back(
    session: WorkshopSession, store: Store, clock: FakeClock
) -> None:
    people = ids(session)
    ben = people["Ben"]
    stage = session.workshop.current_stage_id
    notes = [session.notes.add(f"idea {i}") for i in range(3)]
    ballot = session.votes.open(stage, budget=3, cap=2)
    session.votes.cast(ballot.id, ben, notes[0].id)
    session.votes.cast(ballot.id, ben, notes[0].id)
    session.participants.remove(ben)
    with pytest.raises(SessionError):
        session.votes.cast(ballot.id, ben, notes[1].id)  # gone: no more dots, but the two cast stay
    assert session.votes.participant_dots(ballot.id, ben) == {notes[0].id: 2}
    session.participants.add("ben")
    session = reopened(session, store, clock)
    with session:
        ballot = session.workshop.ballots[ballot.id]
        assert ballot.eligible.count(ben) == 1
        session.votes.cast(ballot.id, ben, notes[1].id)  # back: the third dot, on the same ballot
        assert session.votes.participant_dots(ballot.id, ben) == {notes[0].id: 2, notes[1].id: 1}
        with pytest.raises(SessionError):
            session.votes.cast(ballot.id, ben, notes[2].id)  # the budget is the whole ballot's, not a new one


def test_someone_who_comes_back_after_a_vote_opened_may_vote_in_it(session: WorkshopSession) -> None:
    ana = ids(session)["Ana"]
    note = session.notes.add("idea")
    session.participants.remove(ana)
    ballot = session.votes.open(session.workshop.current_stage_id, budget=2, cap=2)
    assert ana not in ballot.eligible
    session.participants.add("ANA")
    assert session.workshop.ballots[ballot.id].eligible.count(ana) == 1
    session.votes.cast(ballot.id, ana, note.id)


def test_a_new_name_is_a_new_person_and_a_present_namesake_is_refused(session: WorkshopSession) -> None:
    ana = ids(session)["Ana"]
    session.participants.remove(ana)
    assert session.participants.add("Anna").id != ana  # another spelling is another person
    with pytest.raises(SessionError, match="cannot be told apart from Anna"):
        session.participants.add("anna")


def test_a_rename_carries_everything_to_the_new_name_exports_included(
    session: WorkshopSession, store: Store, clock: FakeClock
) -> None:
    ben = ids(session)["Ben"]
    note = session.notes.add("Ben's idea", author_id=ben)
    action = session.actions.add("Book the venue", owner="ben")
    ballot = session.votes.open(session.workshop.current_stage_id, budget=1, cap=1, anonymous=False)
    session.votes.cast(ballot.id, ben, note.id)
    session.votes.close(ballot.id)
    session.participants.rename(ben, "Benedikt")
    assert session.workshop.actions[action.id].owner == "Benedikt"
    session = reopened(session, store, clock)
    with session:
        ws = session.workshop
        assert ws.credit(ws.notes[note.id]) == "Benedikt"
        assert ws.actions[action.id].owner == "Benedikt" and ws.actions[action.id].owner_id == ben
        report = build_report(ws)
        assert [a.owner for a in report.actions] == ["Benedikt"]
        text = render_report(report)
        assert "Benedikt" in text
        assert "| Ben |" not in text and "Ben's idea (Ben)" not in text


def test_an_owner_typed_before_the_person_was_added_becomes_them(session: WorkshopSession) -> None:
    action = session.actions.add("Call the printer", owner="Dana")
    assert action.owner_id is None
    dana = session.participants.add("dana")
    assert session.workshop.actions[action.id].owner_id == dana.id
    assert session.workshop.actions[action.id].owner == "dana"


def test_renaming_into_the_name_of_someone_who_left_is_refused(session: WorkshopSession) -> None:
    people = ids(session)
    session.participants.remove(people["Ana"])
    with pytest.raises(SessionError, match="left and would come back"):
        session.participants.rename(people["Ben"], "ana")


# --- the facilitator as an action owner ------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Maya", "maya", "MAYA "])
def test_the_facilitator_can_own_an_action(session: WorkshopSession, typed: str) -> None:
    action = session.actions.add("Send the minutes", owner=typed)
    assert (action.owner, action.owner_id) == ("Maya", None)
    assert [a.owner for a in build_report(session.workshop).actions] == ["Maya"]


def test_the_facilitators_actions_follow_a_change_of_their_name(
    session: WorkshopSession, store: Store, clock: FakeClock
) -> None:
    mine = session.actions.add("Send the minutes", owner="maya")
    other = session.actions.add("Book a room", owner="Maya Lin from HR")
    session.agenda.update_details(facilitator="Maya Rossi")
    session = reopened(session, store, clock)
    with session:
        ws = session.workshop
        assert ws.actions[mine.id].owner == "Maya Rossi"
        assert ws.actions[other.id].owner == "Maya Lin from HR"
        session.agenda.update_details(facilitator="")  # no facilitator named: the owner stays as it was
        assert session.workshop.actions[mine.id].owner == "Maya Rossi"
        session.actions.edit(mine.id, ActionChange(owner="ana"))
        assert session.workshop.actions[mine.id].owner == "Ana"


# --- the room uses the same session API -------------------------------------------------------------------


def test_a_phone_asking_for_a_present_name_in_another_spelling_is_refused(session: WorkshopSession) -> None:
    from tests.room_helpers import Phone, alerts, make_room

    _room, web, _ = make_room(session)
    answer = Phone(web).join("new", new_name="CHLOE")
    assert answer.status_code == 409 and alerts(answer.text)[0].startswith("Chloé is already on the list")


def test_a_participant_who_left_and_rejoins_from_a_phone_is_themselves_again(
    session: WorkshopSession,
) -> None:
    from tests.room_helpers import Phone, make_room

    chloe = ids(session)["Chloé"]
    note = session.notes.add("her idea", author_id=chloe)
    session.participants.remove(chloe)
    room, web, _ = make_room(session)
    phone = Phone(web)
    assert phone.join("new", new_name="chloe").status_code == 303
    asking_again = Phone(web).join("new", new_name="Chloé")  # a second phone, the same name in other letters
    assert asking_again.status_code == 409
    (device,) = room.devices.pending()
    assert room.approve(device.id) == "Chloé"
    assert device.participant_id == chloe
    assert session.workshop.credit(session.workshop.notes[note.id]) == "Chloé"
    assert phone.note("back again").status_code in (200, 303)
    mine = [n for n in session.workshop.live_notes() if n.text == "back again"]
    assert [n.author_id for n in mine] == [chloe]


@pytest.mark.parametrize(
    ("typed", "message"),
    [(["Björn", "Bjorn"], "Bjorn cannot be told apart from Björn"), (["Ana", "ana"], "ana is listed twice"),
     (["Anne-Marie", "anne marie"], "cannot be told apart from Anne-Marie")],
)  # fmt: skip
def test_a_new_workshop_refuses_names_nobody_could_tell_apart(
    store: Store, clock: FakeClock, typed: list[str], message: str
) -> None:
    with pytest.raises(SessionError, match=message):
        WorkshopSession.create(store, "Offsite", participants=typed, clock=clock)


def test_a_phone_signed_in_as_someone_who_left_works_again_when_they_come_back(
    session: WorkshopSession,
) -> None:
    from tests.room_helpers import Phone, make_room

    chloe = ids(session)["Chloé"]
    _room, web, _ = make_room(session)
    phone = Phone(web)
    assert phone.join(chloe).status_code == 303
    assert phone.note("before leaving").status_code in (200, 303)
    session.participants.remove(chloe)
    assert phone.note("while away").status_code == 403
    session.participants.add("CHLOE")
    phone.refresh()
    assert phone.note("back again").status_code in (200, 303)
    texts = {n.text: n.author_id for n in session.workshop.live_notes()}
    assert texts == {"before leaving": chloe, "back again": chloe}


# --- any sequence of joining, leaving, coming back and renaming -------------------------------------------

_STEP = st.tuples(
    st.sampled_from(["add", "remove", "rename"]),
    st.sampled_from(["Ana", "ana", "Ána", "Ben", "BEN", "Björn", "Bjorn", "Chloé", "chloe", "Dev", "Anna"]),
    st.integers(0, 5),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(_STEP, max_size=12))
def test_any_sequence_keeps_one_identity_per_name(
    tmp_path_factory: pytest.TempPathFactory, clock: FakeClock, steps: list[tuple[str, str, int]]
) -> None:
    """Whatever is done in whatever order: present people can always be told apart, and a name added again
    after its owner left brings that very person back (the same id), never a second one."""
    store = Store(tmp_path_factory.mktemp("people"))
    with WorkshopSession.create(store, "T", participants=["Ana", "Ben"], clock=clock) as session:
        for action, name, pick in steps:
            present = session.workshop.active_participants()
            try:
                if action == "add":
                    gone = [
                        p
                        for p in session.workshop.participants.values()
                        if not p.active and same_name(p.name, name)
                    ]
                    added = session.participants.add(name)
                    if gone:
                        assert added.id == max(p.id for p in gone)
                elif action == "remove" and present:
                    session.participants.remove(present[pick % len(present)].id)
                elif action == "rename" and present:
                    session.participants.rename(present[pick % len(present)].id, name)
            except SessionError:
                pass
            keys = [name_key(p.name) for p in session.workshop.active_participants()]
            assert len(keys) == len(set(keys))
            every = [name_key(p.name) for p in session.workshop.participants.values()]
            assert len(every) == len(set(every)), (
                "nobody who left shares a name with anyone: they can come back"
            )
