"""``session.agenda``: the workshop's details, its stages, and moving between them."""

from __future__ import annotations

from typing import Any

from facilitation import catalogue, names, text
from facilitation.models import (
    Record,
    Stage,
    Workshop,
)
from workshop.session.part import Part
from workshop.session.validation import (
    MAX_STAGE_MINUTES,
    check,
    checked_text,
    iso_date,
)


class Agenda(Part):
    """The workshop's details and its agenda: stages, their order and times, and which one is current."""

    # --- workshop details and participants ---------------------------------------------------------

    def update_details(
        self,
        *,
        title: str | None = None,
        organisation: str | None = None,
        facilitator: str | None = None,
        date: str | None = None,
    ) -> Workshop:
        """Change the workshop's title, organisation, facilitator or date (``None`` leaves a field as it is).

        Refuses (``SessionError``) an empty or too long title, too long names, a date not in ISO form, and a
        read-only workshop. A new facilitator's name is carried to the actions the facilitator owns (an empty one
        leaves them as they are). No change when nothing differs; otherwise durable on return; publishes
        ``workshop.edited`` (``Change.info`` names the fields; the renamed actions are in ``changed``).
        """
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
        owned: list[Record] = []
        if changes.get("facilitator") and self._ws.facilitator:  # their actions follow them to the new name
            owned = [
                a.replace(owner=changes["facilitator"])
                for a in self._ws.actions.values()
                if a.owner_id is None and a.owner and names.same_name(a.owner, self._ws.facilitator)
            ]
        self._ledger.commit(
            "workshop.edited",
            f"Workshop details changed ({fields})",
            owned,
            info=changes,
            data={"fields": sorted(changes)},
        )
        return self._ws

    def set_muted(self, muted: bool) -> None:
        """Mute or sound the timer bell. Refuses a read-only workshop; durable on return; publishes
        ``workshop.sound`` (``Change.info == ("muted",)``) unless nothing changes."""
        if muted != self._ws.muted:
            self._ledger.commit(
                "workshop.sound",
                "Timer bell muted" if muted else "Timer bell on",
                info={"muted": muted},
            )

    # --- agenda ------------------------------------------------------------------------------------

    def set_minutes(self, stage_id: int, minutes: int) -> Stage:
        """Plan a stage for ``minutes`` (a running timer keeps its elapsed time and takes the new length).

        Refuses an unknown stage (``NotFoundError``), minutes outside 1–``MAX_STAGE_MINUTES`` (``SessionError``)
        and a read-only workshop. Durable on return; publishes ``stage.retimed``.
        """
        stage = self._ledger.stage(stage_id)
        check(
            isinstance(minutes, int) and 1 <= minutes <= MAX_STAGE_MINUTES,
            f"A stage lasts 1 to {MAX_STAGE_MINUTES} minutes.",
        )
        if minutes == stage.minutes:
            return stage
        timer_data = stage.timer
        if stage.timer:
            timer_data = {**self._ledger.timer(stage.id).to_dict(), "planned_seconds": minutes * 60}
        updated = stage.replace(minutes=minutes, timer=timer_data)
        self._ledger.commit(
            "stage.retimed",
            f"{stage.title}: {stage.minutes} → {minutes} min",
            [updated],
            stage_id=stage.id,
            data={"from": stage.minutes, "to": minutes},
            timers={stage.id: None},
        )
        return updated

    def rename(self, stage_id: int, title: str) -> Stage:
        """Rename a stage. Refuses an unknown stage (``NotFoundError``), an empty or too long name
        (``SessionError``) and a read-only workshop. Durable on return; publishes ``stage.renamed``."""
        stage = self._ledger.stage(stage_id)
        title = checked_text(text.single_line, title, "stage name", limit=text.MAX_TITLE_CHARS)
        updated = stage.replace(title=title)
        self._ledger.commit(
            "stage.renamed", f"Stage “{stage.title}” renamed to “{title}”", [updated], stage_id=stage.id
        )
        return updated

    def move(self, stage_id: int, offset: int) -> list[Stage]:
        """Move a stage earlier (negative offset) or later in the agenda; returns the agenda in its new order.

        Refuses an unknown stage (``NotFoundError``) and a read-only workshop; no change at either end. Durable on
        return; publishes ``stage.moved`` (every stage whose position changed is in ``changed``).
        """
        agenda = self._ws.agenda()
        index = next(i for i, s in enumerate(agenda) if s.id == self._ledger.stage(stage_id).id)
        target = max(0, min(len(agenda) - 1, index + offset))
        if target == index:
            return agenda
        stage = agenda.pop(index)
        agenda.insert(target, stage)
        changed = [s.replace(position=i) for i, s in enumerate(agenda, start=1) if s.position != i]
        self._ledger.commit(
            "stage.moved", f"Stage “{stage.title}” moved to place {target + 1}", changed, stage_id=stage_id
        )
        return self._ws.agenda()

    def set_skipped(self, stage_id: int, skipped: bool) -> Stage:
        """Skip a stage (the run passes it by) or put it back; skipping the current stage moves on first.

        Refuses an unknown stage (``NotFoundError``), skipping the last stage that runs (``SessionError``) and a
        read-only workshop. Durable on return; publishes ``stage.skipped`` or ``stage.unskipped`` (and
        ``stage.entered`` when it moved on).
        """
        stage = self._ledger.stage(stage_id)
        if stage.skipped == skipped:
            return stage
        if skipped:
            check(
                len(self._ws.agenda(include_skipped=False)) > 1,
                "The agenda needs at least one stage it runs.",
            )
        updated = stage.replace(skipped=skipped)
        self._ledger.commit(
            "stage.skipped" if skipped else "stage.unskipped",
            f"Stage “{stage.title}” {'skipped' if skipped else 'back on the agenda'}",
            [updated],
            stage_id=stage_id,
        )
        if skipped and self._ws.current_stage_id == stage_id:
            following = self.neighbour(stage_id, +1) or self.neighbour(stage_id, -1)
            if following:
                self.go_to(following.id)
        return updated

    def add(self, title: str, minutes: int, *, after_stage_id: int | None = None) -> Stage:
        """Add a custom stage after the given stage (at the end by default).

        Refuses an empty or too long name, minutes outside 1–``MAX_STAGE_MINUTES`` (``SessionError``), an unknown
        ``after_stage_id`` (``NotFoundError``) and a read-only workshop. Durable on return; publishes
        ``stage.added`` (the new stage and every stage whose position changed are in ``changed``).
        """
        title = checked_text(text.single_line, title, "stage name", limit=text.MAX_TITLE_CHARS)
        check(
            isinstance(minutes, int) and 1 <= minutes <= MAX_STAGE_MINUTES,
            f"A stage lasts 1 to {MAX_STAGE_MINUTES} minutes.",
        )
        agenda = self._ws.agenda()
        index = len(agenda)
        if after_stage_id is not None:
            index = next(i for i, s in enumerate(agenda) if s.id == self._ledger.stage(after_stage_id).id) + 1
        template = catalogue.custom_stage(title, minutes)
        stage = Stage(
            id=self._ledger.new_id("stages"),
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
        self._ledger.commit(
            "stage.added", f"Stage “{title}” added ({minutes} min)", changed, stage_id=stage.id
        )
        return self._ws.stages[stage.id]

    def templates(self) -> list[catalogue.StageTemplate]:
        """The current agenda as templates, to be saved under a name."""
        return [catalogue.StageTemplate.from_stage(s) for s in self._ws.agenda()]

    # --- moving through the stages -----------------------------------------------------------------

    def neighbour(self, stage_id: int, step: int) -> Stage | None:
        """The stage that runs after (``step`` +1) or before (-1) a stage, skipping skipped stages; ``None`` at the
        ends."""
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

    def go_to(self, stage_id: int) -> Stage:
        """Make a stage current. No timer changes: a timer running on the stage left behind keeps running (moving
        around the agenda never changes a timer unless the facilitator asks; the agenda shows it still running).

        Refuses an unknown stage (``NotFoundError``) and a read-only workshop; no change when it is current
        already. Durable on return; publishes ``stage.entered`` (``Change.info == ("current_stage_id",)``).
        """
        target = self._ledger.stage(stage_id)
        current = self._ws.current_stage
        if current is not None and current.id == target.id:
            return target
        self._ledger.commit(
            "stage.entered",
            f"Moved to {target.title}",
            stage_id=target.id,
            info={"current_stage_id": target.id},
            data={"from": current.id if current else None},
        )
        return target

    def next(self) -> Stage:
        """Go to the next stage that runs (``go_to``); refuses (``SessionError``) on the last stage."""
        current = self._ledger.stage()
        following = self.neighbour(current.id, +1)
        check(following is not None, "This is the last stage of the agenda.")
        assert following is not None
        return self.go_to(following.id)

    def previous(self) -> Stage:
        """Go to the previous stage that runs (``go_to``); refuses (``SessionError``) on the first stage."""
        current = self._ledger.stage()
        before = self.neighbour(current.id, -1)
        check(before is not None, "This is the first stage of the agenda.")
        assert before is not None
        return self.go_to(before.id)
