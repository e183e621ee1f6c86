"""``session.actions``: the action plan's items — add, edit with a typed ``ActionChange``, complete, delete, move."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date as Date
from typing import TYPE_CHECKING, Any, Literal, cast

from facilitation import names, text
from facilitation.dates import DateError, parse_due
from facilitation.models import (
    ACTION_STATUSES,
    NOTE_MARKS,
    PRIORITIES,
    ActionItem,
    ActionStatus,
    Ballot,
    BallotStatus,
    Note,
    Record,
    Stage,
    Vote,
    Workshop,
)
from facilitation.ordering import moved_position
from workshop.session.part import Part
from workshop.session.validation import KEEP, Keep, NotFoundError, SessionError, check, checked_text

if TYPE_CHECKING:
    from facilitation.plan import Candidate, Ranking
    from workshop.session.ledger import Ledger


@dataclass(slots=True)
class _Kept:
    """Something counted from ``workshop`` as it was after ``changes`` changes of the ledger (``Ledger.changes``)."""

    workshop: Workshop
    changes: int
    value: object
    watched: set[int] = field(default_factory=set)
    """For the candidates: the notes besides the marked ones whose change can change them."""


@dataclass(frozen=True, slots=True)
class ActionChange:
    """What to change on an action; every field left at ``KEEP`` stays as it is.

    ``owner`` is a name (a participant's or the facilitator's, matched whatever the case or accents, else kept as
    typed; ``""`` clears it),
    ``due`` a date as the facilitator types it (``2026-12-15``, ``+2w``, ``friday``: ``facilitation.dates``;
    ``None`` or ``""`` clears it), ``priority`` 1 high, 2 medium, 3 low, ``status`` one of ``ACTION_STATUSES``.
    """

    title: str | Literal[Keep.KEEP] = KEEP
    owner: str | Literal[Keep.KEEP] = KEEP
    due: str | Literal[Keep.KEEP] | None = KEEP
    measure: str | Literal[Keep.KEEP] = KEEP
    details: str | Literal[Keep.KEEP] = KEEP
    priority: int | Literal[Keep.KEEP] = KEEP
    status: ActionStatus | str | Literal[Keep.KEEP] = KEEP

    def names(self) -> list[str]:
        """The fields this change sets, in declaration order."""
        return [f.name for f in fields(self) if getattr(self, f.name) is not KEEP]


class Actions(Part):
    """The action plan's items."""

    def __init__(self, ledger: Ledger) -> None:
        super().__init__(ledger)
        self._candidates: _Kept | None = None
        """The last candidates found, kept up to date change by change (``_applied``) while no change can alter them."""
        self._marked: _Kept | None = None
        """The ids of the marked notes (a set), kept up to date change by change."""
        ledger.on_applied(self._applied)

    def _valid(self, kept: _Kept | None) -> bool:
        """Whether ``kept`` still describes the workshop: the same object, and no change since that was not seen."""
        return kept is not None and kept.workshop is self._ws and kept.changes == self._ledger.changes

    def _applied(self, pairs: Sequence[tuple[Record | None, Record | None]]) -> None:
        """A commit's change was just shown in memory (``Ledger.on_applied``; ``changes`` counts it already). What is
        kept and up to date before it stays kept when the change cannot alter it: the marked notes take in the notes
        written; the candidates stay only when the change wrote or removed no stage, action, ballot revealed
        (before or after) or vote of one, and no note that is marked (before or after), a candidate, or dotted in a vote the
        candidates are read from (``facilitation.plan.plan_and_watched``). Participants, timers, readiness and the
        agenda's details never change the candidates."""
        now = self._ledger.changes
        marked = self._marked
        if marked is not None and marked.workshop is self._ws and marked.changes == now - 1:
            ids = cast(set[int], marked.value)
            for before, after in pairs:
                if isinstance(after, Note):
                    if after.mark in NOTE_MARKS:
                        ids.add(after.id)
                    else:
                        ids.discard(after.id)
                elif isinstance(before, Note):
                    ids.discard(before.id)
            marked.changes = now
        kept = self._candidates
        if kept is None or kept.workshop is not self._ws or kept.changes != now - 1:
            return
        if not any(self._alters(kept, before, after) for before, after in pairs):
            kept.changes = now

    def _alters(self, kept: _Kept, before: Record | None, after: Record | None) -> bool:
        """Whether writing ``after`` over ``before`` (``None``: none) can change the candidates ``kept``."""
        record = after if after is not None else before
        if isinstance(record, Note):
            return (
                record.id in kept.watched
                or (before is not None and cast(Note, before).mark in NOTE_MARKS)
                or (after is not None and cast(Note, after).mark in NOTE_MARKS)
            )
        if isinstance(record, Vote):
            ballots = self._ws.ballots
            votes = [v for v in (before, after) if isinstance(v, Vote)]
            return any(v.ballot_id not in ballots or ballots[v.ballot_id].status != BallotStatus.OPEN for v in votes)
        if isinstance(record, Ballot):  # the candidates read revealed votes only
            return any(isinstance(b, Ballot) and b.status != BallotStatus.OPEN for b in (before, after))
        return isinstance(record, (Stage, ActionItem))

    def marked_ids(self) -> set[int]:
        """The ids of the notes marked a decision or a candidate action (``NOTE_MARKS``), deleted ones too: found
        once, then kept up to date change by change. Read it, do not change it."""
        kept = self._marked
        if not self._valid(kept):
            ids = {note.id for note in self._ws.notes.values() if note.mark in NOTE_MARKS}
            kept = self._marked = _Kept(self._ws, self._ledger.changes, ids)
        assert kept is not None
        return cast(set[int], kept.value)

    def candidates(self, ranking: Ranking | None = None) -> list[Candidate]:
        """``facilitation.plan.plan_candidates`` of the workshop (the action plan's left-hand list), found once and
        kept while no change can alter it (``_applied``): at 20,000 notes finding them took about 7 ms, and every
        change made them be found again (the action plan opened after any note was added). ``ranking`` ranks a
        ballot (``session.votes.ranking``, the count the session keeps; ``facilitation.ballots.ranking`` when
        ``None``): both give the same result, so the kept list does not depend on which. The same list is
        returned until it changes: read it, do not change it."""
        from facilitation import ballots  # on first use: opening a workshop skips the vote rules
        from facilitation.plan import plan_and_watched

        kept = self._candidates
        if kept is not None and self._valid(kept):
            return cast("list[Candidate]", kept.value)
        found, watched = plan_and_watched(self._ws, ranking or ballots.ranking, marked=self.marked_ids())
        self._candidates = _Kept(self._ws, self._ledger.changes, found, watched)
        return found

    def _clean(self, change: ActionChange) -> dict[str, Any]:
        """The validated record fields for ``change``; ``SessionError`` names the first bad one."""
        clean: dict[str, Any] = {}
        if change.title is not KEEP:
            clean["title"] = checked_text(text.single_line, change.title, "action", limit=1000)
        if change.owner is not KEEP:
            owner = checked_text(
                text.single_line, change.owner or "", "owner", limit=text.MAX_NAME_CHARS, required=False
            )
            clean["owner"], clean["owner_id"] = self._owner(owner)
        if change.due is not KEEP:
            if change.due in (None, ""):
                clean["due"] = None
            else:
                try:
                    today = Date.fromtimestamp(self._ledger.clock.wall())
                    clean["due"] = parse_due(str(change.due), today=today).isoformat()
                except DateError as error:
                    raise SessionError(str(error)) from None
        if change.measure is not KEEP:
            clean["measure"] = checked_text(
                text.single_line, change.measure or "", "measure of success", limit=1000, required=False
            )
        if change.details is not KEEP:
            details = text.clean(change.details or "").strip("\n")
            check(
                len(details) <= text.MAX_NOTE_CHARS,
                f"The details hold at most {text.MAX_NOTE_CHARS:,} characters, as a note does.",
            )
            clean["details"] = details
        if change.priority is not KEEP:
            check(change.priority in PRIORITIES, "Priority is 1 (high), 2 (medium) or 3 (low).")
            clean["priority"] = change.priority
        if change.status is not KEEP:
            check(change.status in ACTION_STATUSES, f"Status is one of: {', '.join(ACTION_STATUSES)}.")
            status = ActionStatus(change.status)
            clean["status"] = status
            clean["completed_at"] = self._ledger.clock.wall() if status == ActionStatus.DONE else None
        return clean

    def _owner(self, owner: str) -> tuple[str, int | None]:
        """An owner as typed → ``(name as stored, participant id or None)``.

        A participant whose name cannot be told apart from ``owner`` (``facilitation.names.same_name``; present
        people first, then people who left, who are still themselves) → their name and id; the workshop's
        facilitator → their name as in the workshop details, no id; any other name → as typed, no id.
        """
        if not owner:
            return "", None
        people = sorted(self._ws.participants.values(), key=lambda p: (not p.active, p.id))
        match = next((p for p in people if names.same_name(p.name, owner)), None)
        if match is not None:
            return match.name, match.id
        if self._ws.facilitator and names.same_name(self._ws.facilitator, owner):
            return self._ws.facilitator, None
        return owner, None

    def get(self, action_id: int) -> ActionItem:
        """An action by id; ``NotFoundError`` when there is none."""
        found = self._ws.actions.get(action_id)
        if found is None:
            raise NotFoundError(f"There is no action #{action_id}.")
        return found

    def add(
        self,
        title: str,
        *,
        source_note_id: int | None = None,
        owner: str = "",
        due: str | None = None,
        measure: str = "",
        priority: int = 2,
        status: ActionStatus | str = ActionStatus.OPEN,
        details: str | None = None,
    ) -> ActionItem:
        """Add an action at the end of the plan, optionally from a note (its stage is kept as the source).

        Fields as in ``ActionChange``. ``details`` ``None``: for an action made from a note, the note's whole text
        when the title does not already hold all of it (an action keeps what the room wrote, however the title
        was shortened); else empty. Refuses (``SessionError``) an empty title, a due date that cannot be read,
        a priority or status out of range, an unknown source note (``NotFoundError``) and a read-only workshop.
        Durable on return; publishes ``action.added``.
        """
        source_stage_id = None
        whole = ""
        if source_note_id is not None:
            source = self._ledger.note(source_note_id, allow_deleted=True)
            source_stage_id, whole = source.stage_id, source.text
        clean = self._clean(
            ActionChange(title=title, owner=owner, due=due, measure=measure, priority=priority, status=status)
        )
        if details is None:
            details = whole if whole and text.clean_line(whole) != clean["title"] else ""
        clean |= self._clean(ActionChange(details=details))
        last = max((a.position for a in self._ws.actions.values()), default=0.0)
        action = ActionItem(
            id=self._ledger.new_id("actions"),
            source_note_id=source_note_id,
            source_stage_id=source_stage_id,
            position=last + 1,
            created_at=self._ledger.clock.wall(),
            **clean,
        )
        self._ledger.commit(
            "action.added",
            f"Action #{action.id}: {text.preview(action.title)}"
            + (f" (owner {action.owner})" if action.owner else ""),
            [action],
            stage_id=source_stage_id,
            data={"action_id": action.id},
        )
        return action

    def edit(self, action_id: int, change: ActionChange) -> ActionItem:
        """Apply ``change`` to an action (setting ``status`` to ``done`` stamps ``completed_at``).

        Refuses an unknown action (``NotFoundError``), any bad field as ``add`` does, and a read-only workshop.
        Returns the action unchanged (publishing nothing) when nothing differs; otherwise durable on return;
        publishes ``action.edited``.
        """
        action = self.get(action_id)
        updated = action.replace(**self._clean(change))
        if updated == action:
            return action
        self._ledger.commit(
            "action.edited",
            f"Action #{action_id} changed ({', '.join(sorted(change.names()))})",
            [updated],
            stage_id=action.source_stage_id,
            data={"action_id": action_id},
        )
        return updated

    def complete(self, action_id: int) -> ActionItem:
        """Mark an action done: ``edit`` with ``status="done"`` (same refusals; publishes ``action.edited``)."""
        return self.edit(action_id, ActionChange(status=ActionStatus.DONE))

    def delete(self, action_id: int) -> None:
        """Delete an action for good (the event keeps a copy in ``data["action"]`` for the minutes).

        Refuses an unknown action (``NotFoundError``) and a read-only workshop. Durable on return; publishes
        ``action.deleted`` (``removed`` holds ``("actions", id)``).
        """
        action = self.get(action_id)
        self._ledger.commit(
            "action.deleted",
            f"Action #{action_id} deleted: {text.preview(action.title)}",
            removed=("actions", [action_id]),
            data={"action_id": action_id, "action": action.to_dict()},
        )

    def move(self, action_id: int, offset: int) -> ActionItem:
        """Move an action up (negative ``offset``) or down by that many places in the plan.

        Refuses an unknown action (``NotFoundError``) and a read-only workshop; no change at either end. Durable
        on return; publishes ``action.reordered``.
        """
        action = self.get(action_id)
        ordered = self._ws.ordered_actions()
        index = next(i for i, a in enumerate(ordered) if a.id == action_id)
        move = moved_position([a.position for a in ordered], index, offset)
        if move is None:
            return action
        target, position = move
        moved = action.replace(position=position)
        self._ledger.commit(
            "action.reordered",
            f"Action #{action_id} moved to place {target + 1}",
            [moved],
            data={"action_id": action_id},
        )
        return moved
