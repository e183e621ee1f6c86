"""``session.readiness``: the readiness check's answers, one per participant and round."""

from __future__ import annotations

from facilitation import catalogue
from facilitation.models import CheckRound, ReadinessResponse
from workshop.session.ledger import Ledger
from workshop.session.part import Part
from workshop.session.validation import check

NOT_ASKED = "Not saved: the readiness check is not open now. Your facilitator opens it for everyone."
EARLY = "Not saved: the end-of-workshop readiness check has not been asked for yet."
OVER = "Not saved: the start-of-workshop readiness check is over; the end-of-workshop one is open now."


class Readiness(Part):
    """The readiness check (attitude and discipline scores at the start and the end of the workshop)."""

    def __init__(self, ledger: Ledger) -> None:
        super().__init__(ledger)
        self._end_asked = False

    @property
    def end_asked(self) -> bool:
        """Whether the facilitator asks the room's devices for the end-of-workshop round now (``ask_end``)."""
        return self._end_asked

    def ask_end(self, asked: bool) -> None:
        """Ask the room's devices for the end-of-workshop round (on any stage), or stop asking (``False``).

        Held by this session only, as the room itself is: nothing is written, and a reopened workshop asks for
        nothing until the facilitator asks again."""
        self._end_asked = asked

    def asked_round(self) -> CheckRound | None:
        """The round a participant's device may answer now: ``END`` while the facilitator asks for it
        (``ask_end``), else ``START`` while the current stage is a readiness check, else None. Devices show this
        round's form (``room.views.device_view``) and ``record(..., device=True)`` accepts only it."""
        if self._end_asked:
            return CheckRound.END
        stage = self._ws.current_stage
        if stage is not None and stage.kind == "readiness":
            return CheckRound.START
        return None

    def record(
        self,
        participant_id: int,
        *,
        attitude: str | None,
        scores: dict[str, int],
        round: CheckRound | str = CheckRound.START,
        private: bool = True,
        device: bool = False,
    ) -> ReadinessResponse:
        """Record (or replace) one participant's answers for a round (``"start"`` or ``"end"``).

        ``attitude`` is a key of ``catalogue.ATTITUDE_BY_KEY`` or ``None``; ``scores`` maps discipline keys to
        whole numbers 1–5. ``private``: typed by the participant on their own form (exports then show only the
        distribution); ``False`` when the facilitator entered them in the open for the person (exports may name
        them). ``device``: sent from the participant's own device in the room, which may answer only the round
        asked for now (``asked_round``): a round asked early (the end one before the facilitator asks for it) or
        late (the start one once the readiness stage is over, the end one once the facilitator stopped asking) is
        refused with a message for the device (``NOT_ASKED``, ``EARLY``, ``OVER``); the facilitator's own entries
        are not limited so. Refuses (``SessionError``) another round, attitude or discipline, a score out of range,
        an empty answer, an unknown or removed participant (``NotFoundError``) and a read-only workshop. Durable on
        return; publishes ``readiness.recorded``.
        """
        person = self._ledger.participant(participant_id)
        check(round in tuple(CheckRound), "The readiness check runs at the start or the end.")
        round = CheckRound(round)
        if device:
            asked = self.asked_round()
            check(asked is not None, NOT_ASKED)
            check(round == asked, EARLY if round == CheckRound.END else OVER)
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
