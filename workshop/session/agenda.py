"""Workshop details, participants, the agenda, moving between stages and the stage timer."""

from __future__ import annotations

import copy
from typing import Any

from facilitation import catalogue, text
from facilitation.models import (
    Participant,
    Record,
    Stage,
    Workshop,
)
from facilitation.timer import StageTimer, TimerError
from workshop.session.core import SessionCore
from workshop.session.validation import (
    MAX_PARTICIPANTS,
    MAX_STAGE_MINUTES,
    SessionError,
    check,
    checked_text,
    iso_date,
)


class AgendaMixin(SessionCore):
    """Workshop details, participants, the agenda, moving between stages and the stage timer."""

    # --- workshop details and participants ---------------------------------------------------------

    def update_details(
        self,
        *,
        title: str | None = None,
        organisation: str | None = None,
        facilitator: str | None = None,
        date: str | None = None,
    ) -> Workshop:
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = checked_text(
                text.single_line, title, "workshop title", limit=text.MAX_TITLE_CHARS
            )
        if organisation is not None:
            changes["organisation"] = checked_text(
                text.single_line, organisation, "organisation", limit=text.MAX_TITLE_CHARS, required=False
            )
        if facilitator is not None:
            changes["facilitator"] = checked_text(
                text.single_line, facilitator, "facilitator's name", limit=text.MAX_NAME_CHARS, required=False
            )
        if date is not None:
            changes["date"] = iso_date(date)
        changes = {k: v for k, v in changes.items() if getattr(self._ws, k) != v}
        if not changes:
            return self._ws
        fields = ", ".join(changes)
        self._commit(
            "workshop.edited",
            f"Workshop details changed ({fields})",
            info=changes,
            data={"fields": sorted(changes)},
        )
        return self._ws

    def set_muted(self, muted: bool) -> None:
        if muted != self._ws.muted:
            self._commit(
                "workshop.sound",
                "Timer bell muted" if muted else "Timer bell on",
                info={"muted": muted},
            )

    def add_participant(self, name: str) -> Participant:
        name = checked_text(text.single_line, name, "participant's name", limit=text.MAX_NAME_CHARS)
        active = self._ws.active_participants()
        check(len(active) < MAX_PARTICIPANTS, f"A workshop holds at most {MAX_PARTICIPANTS} participants.")
        check(all(p.name.casefold() != name.casefold() for p in active), f"{name} is already a participant.")
        participant = Participant(id=self._new_id("participants"), name=name)
        changed: list[Record] = [participant]
        for ballot in self._open_ballots():
            if ballot.mode == "private":
                changed.append(ballot.replace(eligible=[*ballot.eligible, participant.id]))
        self._commit("participant.added", f"{name} joined", changed, data={"participant_id": participant.id})
        return participant

    def rename_participant(self, participant_id: int, name: str) -> Participant:
        current = self.participant(participant_id)
        name = checked_text(text.single_line, name, "participant's name", limit=text.MAX_NAME_CHARS)
        others = [p for p in self._ws.active_participants() if p.id != participant_id]
        check(all(p.name.casefold() != name.casefold() for p in others), f"{name} is already a participant.")
        renamed = current.replace(name=name)
        self._commit(
            "participant.renamed",
            f"{current.name} renamed to {name}",
            [renamed],
            data={"participant_id": participant_id},
        )
        return renamed

    def remove_participant(self, participant_id: int) -> Participant:
        """Remove a participant. Their notes, votes and answers stay and keep their name (see docs/VOTING.md)."""
        current = self.participant(participant_id)
        removed = current.replace(active=False)
        self._commit(
            "participant.removed", f"{current.name} left", [removed], data={"participant_id": participant_id}
        )
        return removed

    # --- agenda ------------------------------------------------------------------------------------

    def set_stage_minutes(self, stage_id: int, minutes: int) -> Stage:
        stage = self.stage(stage_id)
        check(
            isinstance(minutes, int) and 1 <= minutes <= MAX_STAGE_MINUTES,
            f"A stage lasts 1 to {MAX_STAGE_MINUTES} minutes.",
        )
        if minutes == stage.minutes:
            return stage
        timer_data = stage.timer
        if stage.timer:
            timer_data = {**self.timer(stage.id).to_dict(), "planned_seconds": minutes * 60}
        updated = stage.replace(minutes=minutes, timer=timer_data)
        self._commit(
            "stage.retimed",
            f"{stage.title}: {stage.minutes} → {minutes} min",
            [updated],
            stage_id=stage.id,
            data={"from": stage.minutes, "to": minutes},
        )
        self._timers.pop(stage.id, None)
        return updated

    def rename_stage(self, stage_id: int, title: str) -> Stage:
        stage = self.stage(stage_id)
        title = checked_text(text.single_line, title, "stage name", limit=text.MAX_TITLE_CHARS)
        updated = stage.replace(title=title)
        self._commit(
            "stage.renamed", f"Stage “{stage.title}” renamed to “{title}”", [updated], stage_id=stage.id
        )
        return updated

    def move_stage(self, stage_id: int, offset: int) -> list[Stage]:
        """Move a stage earlier (negative offset) or later in the agenda."""
        agenda = self._ws.agenda()
        index = next(i for i, s in enumerate(agenda) if s.id == self.stage(stage_id).id)
        target = max(0, min(len(agenda) - 1, index + offset))
        if target == index:
            return agenda
        stage = agenda.pop(index)
        agenda.insert(target, stage)
        changed = [s.replace(position=i) for i, s in enumerate(agenda, start=1) if s.position != i]
        self._commit(
            "stage.moved", f"Stage “{stage.title}” moved to place {target + 1}", changed, stage_id=stage_id
        )
        return self._ws.agenda()

    def set_stage_skipped(self, stage_id: int, skipped: bool) -> Stage:
        stage = self.stage(stage_id)
        if stage.skipped == skipped:
            return stage
        if skipped:
            check(
                len(self._ws.agenda(include_skipped=False)) > 1,
                "The agenda needs at least one stage it runs.",
            )
        updated = stage.replace(skipped=skipped)
        self._commit(
            "stage.skipped" if skipped else "stage.unskipped",
            f"Stage “{stage.title}” {'skipped' if skipped else 'back on the agenda'}",
            [updated],
            stage_id=stage_id,
        )
        if skipped and self._ws.current_stage_id == stage_id:
            following = self._neighbour(stage_id, +1) or self._neighbour(stage_id, -1)
            if following:
                self.go_to_stage(following.id)
        return updated

    def add_stage(self, title: str, minutes: int, *, after_stage_id: int | None = None) -> Stage:
        """Add a custom stage after the given stage (at the end by default)."""
        title = checked_text(text.single_line, title, "stage name", limit=text.MAX_TITLE_CHARS)
        check(
            isinstance(minutes, int) and 1 <= minutes <= MAX_STAGE_MINUTES,
            f"A stage lasts 1 to {MAX_STAGE_MINUTES} minutes.",
        )
        agenda = self._ws.agenda()
        index = len(agenda)
        if after_stage_id is not None:
            index = next(i for i, s in enumerate(agenda) if s.id == self.stage(after_stage_id).id) + 1
        template = catalogue.custom_stage(title, minutes)
        stage = Stage(
            id=self._new_id("stages"),
            key=template.key,
            title=title,
            minutes=minutes,
            kind=template.kind,
            purpose=template.purpose,
        )
        agenda.insert(index, stage)
        changed = [
            s.replace(position=i) for i, s in enumerate(agenda, start=1) if s.position != i or s is stage
        ]
        self._commit("stage.added", f"Stage “{title}” added ({minutes} min)", changed, stage_id=stage.id)
        return self._ws.stages[stage.id]

    def agenda_templates(self) -> list[catalogue.StageTemplate]:
        """The current agenda as templates, to be saved under a name."""
        return [catalogue.StageTemplate.from_stage(s) for s in self._ws.agenda()]

    # --- moving through the stages -----------------------------------------------------------------

    def _neighbour(self, stage_id: int, step: int) -> Stage | None:
        agenda = self._ws.agenda(include_skipped=False)
        ids = [s.id for s in agenda]
        if stage_id not in ids:
            whole = [s.id for s in self._ws.agenda()]
            position = whole.index(stage_id)
            later = [s for s in self._ws.agenda()[position + 1 :] if not s.skipped]
            earlier = [s for s in self._ws.agenda()[:position] if not s.skipped]
            return (later[0] if later else None) if step > 0 else (earlier[-1] if earlier else None)
        index = ids.index(stage_id) + step
        return agenda[index] if 0 <= index < len(agenda) else None

    def go_to_stage(self, stage_id: int) -> Stage:
        """Make a stage current. A timer still running on the stage left behind is paused, not lost."""
        target = self.stage(stage_id)
        current = self._ws.current_stage
        if current is not None and current.id == target.id:
            return target
        changed: list[Record] = []
        paused_timer: StageTimer | None = None
        if current is not None and self.timer(current.id).status == "running":
            paused_timer = copy.copy(self.timer(current.id))
            paused_timer.pause()
            changed.append(current.replace(timer=paused_timer.to_dict()))
        self._commit(
            "stage.entered",
            f"Moved to {target.title}",
            changed,
            stage_id=target.id,
            info={"current_stage_id": target.id},
            data={"from": current.id if current else None},
        )
        if paused_timer is not None and current is not None:
            self._timers[current.id] = paused_timer
        return target

    def next_stage(self) -> Stage:
        current = self.stage()
        following = self._neighbour(current.id, +1)
        check(following is not None, "This is the last stage of the agenda.")
        assert following is not None
        return self.go_to_stage(following.id)

    def previous_stage(self) -> Stage:
        current = self.stage()
        before = self._neighbour(current.id, -1)
        check(before is not None, "This is the first stage of the agenda.")
        assert before is not None
        return self.go_to_stage(before.id)

    # --- the stage timer ---------------------------------------------------------------------------

    def _timer_change(
        self, action: str, summary: str, stage_id: int | None = None, **data: Any
    ) -> StageTimer:
        stage = self.stage(stage_id)
        timer = copy.copy(self.timer(stage.id))
        try:
            getattr(timer, action)(*data.values())
        except TimerError as error:
            raise SessionError(str(error)) from None
        self._commit(
            f"timer.{action}",
            f"{stage.title}: {summary}",
            [stage.replace(timer=timer.to_dict())],
            stage_id=stage.id,
            data={"remaining": round(timer.remaining, 1), **data},
        )
        self._timers[stage.id] = timer
        return timer

    def start_timer(self, stage_id: int | None = None) -> StageTimer:
        return self._timer_change("start", "timer started", stage_id)

    def pause_timer(self, stage_id: int | None = None) -> StageTimer:
        return self._timer_change("pause", "timer paused", stage_id)

    def resume_timer(self, stage_id: int | None = None) -> StageTimer:
        return self._timer_change("resume", "timer resumed", stage_id)

    def toggle_timer(self, stage_id: int | None = None) -> StageTimer:
        """What the space bar does: start, pause or resume."""
        status = self.timer(stage_id).status
        if status == "idle":
            return self.start_timer(stage_id)
        if status == "running":
            return self.pause_timer(stage_id)
        if status == "paused":
            return self.resume_timer(stage_id)
        raise SessionError("This stage is finished; restart its timer to run it again.")

    def extend_timer(self, minutes: float, stage_id: int | None = None) -> StageTimer:
        return self._timer_change("extend", f"{minutes:g} min added", stage_id, minutes=minutes)

    def reset_timer(self, stage_id: int | None = None) -> StageTimer:
        return self._timer_change("reset", "timer restarted from the full time", stage_id)

    def finish_stage(self, *, advance: bool = True) -> Stage:
        """Finish the current stage's timer and, unless it is the last stage, go to the next one."""
        stage = self.stage()
        if self.timer(stage.id).status != "finished":
            self._timer_change("finish", "stage finished", stage.id)
        following = self._neighbour(stage.id, +1)
        if advance and following is not None:
            return self.go_to_stage(following.id)
        return self.stage()
