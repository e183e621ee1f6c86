"""The summary's readiness-check line counts each round apart: the start and end rounds are never added up."""

from __future__ import annotations

from facilitation.catalogue import ATTITUDES, DISCIPLINE_KEYS
from facilitation.stage_kinds import rules_of
from screens.summary import stage_block
from workshop.session import WorkshopSession
from workshop.store import Store


def _heading(session: WorkshopSession) -> str:
    stage = next(s for s in session.workshop.stages.values() if rules_of(s.kind).readiness_check)
    first = stage_block(session, stage, 1)[0]
    return " ".join(str(first.prompt.__rich__()).split())  # type: ignore[union-attr]


def _answer(session: WorkshopSession, person: int, round: str) -> None:
    scores = {key: 3 for key in DISCIPLINE_KEYS}
    session.readiness.record(person, attitude=ATTITUDES[0].key, scores=scores, round=round)


def test_start_answers_alone_are_one_count(store: Store) -> None:
    with WorkshopSession.create(store, "Offsite", participants=["Ana", "Ben", "Cy"]) as session:
        assert "0 readiness answers" in _heading(session)
        for person in session.workshop.participants:
            _answer(session, person, "start")
        assert "3 readiness answers" in _heading(session)
        assert "at the end" not in _heading(session)


def test_the_end_round_is_counted_beside_the_start_not_added_to_it(store: Store) -> None:
    with WorkshopSession.create(store, "Offsite", participants=["Ana", "Ben", "Cy"]) as session:
        people = list(session.workshop.participants)
        for person in people:
            _answer(session, person, "start")
        _answer(session, people[0], "end")
        _answer(session, people[1], "end")
        heading = _heading(session)
        assert "3 readiness answers at the start, 2 at the end" in heading
        assert "5 readiness answers" not in heading
