"""A device answers only the readiness round the facilitator asks the room for now (``session.readiness``):
the start round while the readiness stage is on, the end round while the facilitator asks for it. A phone that
posts a round early, late, or for someone else gets a clear message and nothing is stored; posting the open round
twice keeps one answer, the latest. The facilitator's own entries on the laptop are not limited so.
"""

from __future__ import annotations

import pytest

from facilitation.models import CheckRound
from room.web import RoomWeb
from tests.room_helpers import Phone, alerts, make_room
from workshop.session import SessionError, WorkshopSession
from workshop.session.readiness import EARLY, NOT_ASKED, OVER

READINESS_STAGE, DISCIPLINE_STAGE = 1, 2
"""The conftest's workshop: the readiness check is the first stage, a discipline stage the second."""


def _room(session: WorkshopSession) -> tuple[RoomWeb, Phone, Phone]:
    _, web, _ = make_room(session)
    ana, ben = Phone(web), Phone(web)
    ana.join(1)
    ben.join(2)
    return web, ana, ben


def _answers(session: WorkshopSession) -> list[tuple[int, str, dict[str, int]]]:
    return sorted((r.participant_id, r.round, dict(r.scores)) for r in session.workshop.readiness.values())


def _set(session: WorkshopSession, web: RoomWeb, stage: int, end_asked: bool) -> None:
    session.agenda.go_to(stage)
    web.readiness_round = "end" if end_asked else None


CASES = [
    # (round posted, the stage on, end round asked, what the device is told or None when saved)
    ("start", READINESS_STAGE, False, None),
    ("start", DISCIPLINE_STAGE, False, NOT_ASKED),  # late: the readiness stage is over
    ("start", READINESS_STAGE, True, OVER),  # late: the end round is asked now
    ("start", DISCIPLINE_STAGE, True, OVER),
    ("end", READINESS_STAGE, False, EARLY),  # early: the start round is on
    ("end", DISCIPLINE_STAGE, False, NOT_ASKED),  # early: nothing asked
    ("end", DISCIPLINE_STAGE, True, None),
    ("end", READINESS_STAGE, True, None),
]


@pytest.mark.parametrize(("round_", "stage", "end_asked", "refusal"), CASES)
def test_a_device_answers_only_the_round_asked_now(
    session: WorkshopSession, round_: str, stage: int, end_asked: bool, refusal: str | None
) -> None:
    web, ana, _ben = _room(session)
    _set(session, web, stage, end_asked)
    answer = ana.post("/readiness", round=round_, attitude="forging", score_vision="4")
    if refusal is None:
        assert answer.status_code == 303
        assert _answers(session) == [(1, round_, {"vision": 4})]
    else:
        assert answer.status_code == 409 and alerts(answer.text) == [refusal]
        assert _answers(session) == []


@pytest.mark.parametrize("round_", ["start", "end"])
def test_a_round_answered_twice_keeps_the_latest_answer_only(session: WorkshopSession, round_: str) -> None:
    web, ana, _ben = _room(session)
    _set(session, web, READINESS_STAGE if round_ == "start" else DISCIPLINE_STAGE, round_ == "end")
    assert ana.post("/readiness", round=round_, score_vision="4").status_code == 303
    assert ana.post("/readiness", round=round_, score_vision="2", score_adapt="5").status_code == 303
    assert _answers(session) == [(1, round_, {"adapt": 5, "vision": 2})]
    assert "Your answers are in" in ana.refresh()


@pytest.mark.parametrize("round_", ["start", "end"])
def test_a_round_answered_once_it_is_over_is_refused_and_the_answer_kept(
    session: WorkshopSession, round_: str
) -> None:
    """Answered while asked, then again once the facilitator moved on: the first answer stays, the device is told."""
    web, ana, _ben = _room(session)
    _set(session, web, READINESS_STAGE if round_ == "start" else DISCIPLINE_STAGE, round_ == "end")
    assert ana.post("/readiness", round=round_, score_vision="4").status_code == 303
    _set(session, web, DISCIPLINE_STAGE, False)  # the start stage left; the end round no longer asked
    late = ana.post("/readiness", round=round_, score_vision="1")
    assert late.status_code == 409 and alerts(late.text) == [NOT_ASKED]
    assert _answers(session) == [(1, round_, {"vision": 4})]


@pytest.mark.parametrize("round_", ["start", "end"])
def test_a_device_cannot_answer_for_another_participant(session: WorkshopSession, round_: str) -> None:
    """The answer is the device's own participant's, whatever the form names: Ben's answer is untouched."""
    web, ana, ben = _room(session)
    _set(session, web, READINESS_STAGE if round_ == "start" else DISCIPLINE_STAGE, round_ == "end")
    assert ben.post("/readiness", round=round_, score_vision="5").status_code == 303
    forged = ana.post("/readiness", round=round_, score_vision="1", participant_id="2", participant="2")
    assert forged.status_code == 303
    assert _answers(session) == [(1, round_, {"vision": 1}), (2, round_, {"vision": 5})]


def test_the_page_shows_the_round_the_session_accepts(session: WorkshopSession) -> None:
    web, ana, _ben = _room(session)
    assert 'name="round" value="start"' in ana.refresh()
    _set(session, web, DISCIPLINE_STAGE, True)
    assert 'name="round" value="end"' in ana.refresh()
    _set(session, web, DISCIPLINE_STAGE, False)
    assert 'name="round"' not in ana.refresh()
    assert session.readiness.asked_round() is None


def test_closing_the_room_stops_asking_for_the_end_round(session: WorkshopSession) -> None:
    room, web, _ = make_room(session)
    web.readiness_round = "end"
    assert session.readiness.asked_round() == CheckRound.END
    room.close()
    assert web.readiness_round is None and session.readiness.asked_round() == CheckRound.START  # the stage's


def test_the_facilitators_entries_are_not_limited_to_the_round_asked(session: WorkshopSession) -> None:
    """On the laptop the facilitator may enter either round for a person at any time (``device=False``)."""
    session.agenda.go_to(DISCIPLINE_STAGE)
    session.readiness.record(1, attitude=None, scores={"vision": 3}, round="end", private=False)
    session.readiness.record(2, attitude=None, scores={"vision": 4}, round="start")
    assert _answers(session) == [(1, "end", {"vision": 3}), (2, "start", {"vision": 4})]
    with pytest.raises(SessionError, match="not open now"):
        session.readiness.record(1, attitude=None, scores={"vision": 3}, round="end", device=True)
