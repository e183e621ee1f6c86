"""``session.timer``: the stage timer — start, pause, resume, toggle, extend, reset, finish."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from facilitation.models import Stage
from facilitation.timer import StageTimer, TimerError
from workshop.session.part import Part
from workshop.session.validation import SessionError

if TYPE_CHECKING:
    from workshop.session.agenda import Agenda
    from workshop.session.ledger import Ledger


class Timer(Part):
    """The timers of the stages. Each change persists the timer's wall-clock timestamps on its stage record.

    Every mutator takes the stage (``stage_id``, the current stage by default), refuses an unknown stage
    (``NotFoundError``), a change the timer's state does not allow (``SessionError`` with the timer's message, e.g.
    pausing an idle timer) and a read-only workshop, is durable on return and publishes ``timer.<action>`` (the
    stage, with its new ``timer`` field, in ``changed``; ``data["remaining"]`` in seconds).
    """

    def __init__(self, ledger: Ledger, agenda: Agenda) -> None:
        super().__init__(ledger)
        self._agenda = agenda

    def of(self, stage_id: int | None = None) -> StageTimer:
        """The live timer of a stage (current stage by default), rebuilt from its persisted timestamps."""
        return self._ledger.timer(stage_id)

    def _change(self, action: str, summary: str, stage_id: int | None = None, **data: Any) -> StageTimer:
        stage = self._ledger.stage(stage_id)
        timer = copy.copy(self._ledger.timer(stage.id))
        try:
            getattr(timer, action)(*data.values())
        except TimerError as error:
            raise SessionError(str(error)) from None
        self._ledger.commit(
            f"timer.{action}",
            f"{stage.title}: {summary}",
            [stage.replace(timer=timer.to_dict())],
            stage_id=stage.id,
            data={"remaining": round(timer.remaining, 1), **data},
            timers={stage.id: timer},
        )
        return timer

    def start(self, stage_id: int | None = None) -> StageTimer:
        """Start an idle timer (publishes ``timer.start``)."""
        return self._change("start", "timer started", stage_id)

    def pause(self, stage_id: int | None = None) -> StageTimer:
        """Pause a running timer (publishes ``timer.pause``)."""
        return self._change("pause", "timer paused", stage_id)

    def resume(self, stage_id: int | None = None) -> StageTimer:
        """Resume a paused timer (publishes ``timer.resume``)."""
        return self._change("resume", "timer resumed", stage_id)

    def toggle(self, stage_id: int | None = None) -> StageTimer:
        """What the space bar does: start, pause or resume (publishing that event).

        Refuses (``SessionError``) a finished timer: restart it with ``reset``.
        """
        status = self._ledger.timer(stage_id).status
        if status == "idle":
            return self.start(stage_id)
        if status == "running":
            return self.pause(stage_id)
        if status == "paused":
            return self.resume(stage_id)
        raise SessionError("This stage is finished; restart its timer to run it again.")

    def extend(self, minutes: float, stage_id: int | None = None) -> StageTimer:
        """Add ``minutes`` (negative takes time off, within the timer's limits); publishes ``timer.extend``."""
        return self._change("extend", f"{minutes:g} min added", stage_id, minutes=minutes)

    def shorten(self, minutes: float, stage_id: int | None = None) -> StageTimer:
        """Take ``minutes`` off (the ``-`` key), at most the time still left (``StageTimer.shorten``); refuses a
        finished timer or one with no time left (``SessionError``). Publishes ``timer.shorten``."""
        return self._change("shorten", f"{minutes:g} min taken off", stage_id, minutes=minutes)

    def reset(self, stage_id: int | None = None) -> StageTimer:
        """Put the timer back to the stage's full time, idle (publishes ``timer.reset``)."""
        return self._change("reset", "timer restarted from the full time", stage_id)

    def finish(self, *, advance: bool = True) -> Stage:
        """Finish the current stage's timer and, unless it is the last stage, go to the next one.

        Publishes ``timer.finish`` (unless already finished) and then, when it moves on, ``stage.entered``. Each
        is durable on return. Returns the stage that is current afterwards.
        """
        stage = self._ledger.stage()
        if self._ledger.timer(stage.id).status != "finished":
            self._change("finish", "stage finished", stage.id)
        following = self._agenda.neighbour(stage.id, +1)
        if advance and following is not None:
            return self._agenda.go_to(following.id)
        return self._ledger.stage()
