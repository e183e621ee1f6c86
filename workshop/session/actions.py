"""Action items and the readiness check."""

from __future__ import annotations

from datetime import date as Date
from typing import Any

from facilitation import catalogue, text
from facilitation.dates import DateError, parse_due
from facilitation.models import (
    ACTION_STATUSES,
    PRIORITIES,
    ActionItem,
    ReadinessResponse,
)
from facilitation.ordering import moved_position
from workshop.session.core import SessionCore
from workshop.session.validation import (
    NotFoundError,
    SessionError,
    check,
    checked_text,
)


class ActionsMixin(SessionCore):
    """Action items and the readiness check."""

    # --- action items ------------------------------------------------------------------------------

    def _action_fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        clean: dict[str, Any] = {}
        if "title" in fields:
            clean["title"] = checked_text(text.single_line, fields["title"], "action", limit=1000)
        if "owner" in fields:
            owner = checked_text(
                text.single_line, fields["owner"] or "", "owner", limit=text.MAX_NAME_CHARS, required=False
            )
            match = next(
                (p for p in self._ws.active_participants() if p.name.casefold() == owner.casefold()), None
            )
            clean["owner"] = match.name if match else owner
            clean["owner_id"] = match.id if match else None
        if "due" in fields:
            due = fields["due"]
            if due in (None, ""):
                clean["due"] = None
            else:
                try:
                    clean["due"] = parse_due(
                        str(due), today=Date.fromtimestamp(self.clock.wall())
                    ).isoformat()
                except DateError as error:
                    raise SessionError(str(error)) from None
        if "measure" in fields:
            clean["measure"] = checked_text(
                text.single_line, fields["measure"] or "", "measure of success", limit=1000, required=False
            )
        if "priority" in fields:
            check(fields["priority"] in PRIORITIES, "Priority is 1 (high), 2 (medium) or 3 (low).")
            clean["priority"] = fields["priority"]
        if "status" in fields:
            check(fields["status"] in ACTION_STATUSES, f"Status is one of: {', '.join(ACTION_STATUSES)}.")
            clean["status"] = fields["status"]
            clean["completed_at"] = self.clock.wall() if fields["status"] == "done" else None
        unknown = set(fields) - {"title", "owner", "due", "measure", "priority", "status"}
        check(not unknown, f"Unknown action fields: {', '.join(sorted(unknown))}.")
        return clean

    def action(self, action_id: int) -> ActionItem:
        found = self._ws.actions.get(action_id)
        if found is None:
            raise NotFoundError(f"There is no action #{action_id}.")
        return found

    def add_action(self, title: str, *, source_note_id: int | None = None, **fields: Any) -> ActionItem:
        source_stage_id = None
        if source_note_id is not None:
            source_stage_id = self.note(source_note_id, allow_deleted=True).stage_id
        clean = self._action_fields({"title": title, **fields})
        last = max((a.position for a in self._ws.actions.values()), default=0.0)
        action = ActionItem(
            id=self._new_id("actions"),
            source_note_id=source_note_id,
            source_stage_id=source_stage_id,
            position=last + 1,
            created_at=self.clock.wall(),
            **clean,
        )
        self._commit(
            "action.added",
            f"Action #{action.id}: {text.preview(action.title)}"
            + (f" (owner {action.owner})" if action.owner else ""),
            [action],
            stage_id=source_stage_id,
            data={"action_id": action.id},
        )
        return action

    def edit_action(self, action_id: int, **fields: Any) -> ActionItem:
        action = self.action(action_id)
        clean = self._action_fields(fields)
        updated = action.replace(**clean)
        if updated == action:
            return action
        self._commit(
            "action.edited",
            f"Action #{action_id} changed ({', '.join(sorted(fields))})",
            [updated],
            stage_id=action.source_stage_id,
            data={"action_id": action_id},
        )
        return updated

    def complete_action(self, action_id: int) -> ActionItem:
        return self.edit_action(action_id, status="done")

    def delete_action(self, action_id: int) -> None:
        action = self.action(action_id)
        self._commit(
            "action.deleted",
            f"Action #{action_id} deleted: {text.preview(action.title)}",
            removed=("actions", [action_id]),
            data={"action_id": action_id, "action": action.to_dict()},
        )

    def move_action(self, action_id: int, offset: int) -> ActionItem:
        action = self.action(action_id)
        ordered = self._ws.ordered_actions()
        index = next(i for i, a in enumerate(ordered) if a.id == action_id)
        move = moved_position([a.position for a in ordered], index, offset)
        if move is None:
            return action
        target, position = move
        moved = action.replace(position=position)
        self._commit(
            "action.reordered",
            f"Action #{action_id} moved to place {target + 1}",
            [moved],
            data={"action_id": action_id},
        )
        return moved

    # --- readiness check ---------------------------------------------------------------------------

    def record_readiness(
        self,
        participant_id: int,
        *,
        attitude: str | None,
        scores: dict[str, int],
        round: str = "start",
        private: bool = True,
    ) -> ReadinessResponse:
        """Record (or replace) one participant's answers for a round of the readiness check.

        ``private``: typed by the participant on their own form (exports then show only the distribution);
        ``False`` when the facilitator entered them in the open for the person (exports may name them).
        """
        person = self.participant(participant_id)
        check(round in ("start", "end"), "The readiness check runs at the start or the end.")
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
            id=existing.id if existing else self._new_id("readiness"),
            participant_id=participant_id,
            round=round,
            attitude=attitude,
            scores=dict(scores),
            recorded_at=self.clock.wall(),
            private=private,
        )
        self._commit(
            "readiness.recorded",
            f"Readiness ({round}): {person.name} answered",
            [response],
            data={"participant_id": participant_id, "round": round},
        )
        return response
