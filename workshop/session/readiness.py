"""``session.readiness``: the readiness check's answers, one per participant and round."""

from __future__ import annotations

from facilitation import catalogue
from facilitation.models import CheckRound, ReadinessResponse
from workshop.session.part import Part
from workshop.session.validation import check


class Readiness(Part):
    """The readiness check (attitude and discipline scores at the start and the end of the workshop)."""

    def record(
        self,
        participant_id: int,
        *,
        attitude: str | None,
        scores: dict[str, int],
        round: CheckRound | str = CheckRound.START,
        private: bool = True,
    ) -> ReadinessResponse:
        """Record (or replace) one participant's answers for a round (``"start"`` or ``"end"``).

        ``attitude`` is a key of ``catalogue.ATTITUDE_BY_KEY`` or ``None``; ``scores`` maps discipline keys to
        whole numbers 1–5. ``private``: typed by the participant on their own form (exports then show only the
        distribution); ``False`` when the facilitator entered them in the open for the person (exports may name
        them). Refuses (``SessionError``) another round, attitude or discipline, a score out of range,
        an empty answer, an unknown or removed participant (``NotFoundError``) and a read-only workshop. Durable on
        return; publishes ``readiness.recorded``.
        """
        person = self._ledger.participant(participant_id)
        check(round in tuple(CheckRound), "The readiness check runs at the start or the end.")
        round = CheckRound(round)
        check(
            attitude is None or attitude in catalogue.ATTITUDE_BY_KEY,
            "Pick one of the six attitudes: " + ", ".join(a.name for a in catalogue.ATTITUDES) + ".",
        )
        for key, score in scores.items():
            check(key in catalogue.DISCIPLINE_KEYS, f"{key!r} is not one of the six disciplines.")
            check(
                isinstance(score, int) and not isinstance(score, bool) and 1 <= score <= 5,
                f"Scores are whole numbers from 1 to 5 ({key}: {score!r}).",
            )
        check(attitude is not None or bool(scores), "Give an attitude or at least one score.")
        existing = next(
            (
                r
                for r in self._ws.readiness.values()
                if r.participant_id == participant_id and r.round == round
            ),
            None,
        )
        response = ReadinessResponse(
            id=existing.id if existing else self._ledger.new_id("readiness"),
            participant_id=participant_id,
            round=round,
            attitude=attitude,
            scores=dict(scores),
            recorded_at=self._ledger.clock.wall(),
            private=private,
        )
        self._ledger.commit(
            "readiness.recorded",
            f"Readiness ({round}): {person.name} answered",
            [response],
            data={"participant_id": participant_id, "round": round},
        )
        return response
