"""``session.notes``: add, edit, delete with undo, move, reorder, merge and mark as decisions."""

from __future__ import annotations

from typing import Any, Literal

from facilitation import text
from facilitation.models import (
    NOTE_MARKS,
    Note,
    NoteMark,
)
from facilitation.ordering import moved_position
from workshop.session.part import Part
from workshop.session.validation import (
    KEEP,
    Keep,
    SessionError,
    check,
    checked_text,
)


class Notes(Part):
    """The notes of every stage: add, edit, delete with undo, move, reorder, merge and mark as decisions."""


    def _author(self, author_id: int | None) -> int | None:
        if author_id is None:
            return None
        return self._ledger.participant(author_id).id

    def add(self, note_text: str, *, stage_id: int | None = None, author_id: int | None = None) -> Note:
        """Add a note at the end of a stage (the current stage by default), by a participant or anonymous.

        Refuses (``SessionError``) an empty or too long text (``facilitation.text.note_text``), an unknown stage or
        author (``NotFoundError``) and a read-only workshop. Durable on return; publishes ``note.added``.
        """
        stage = self._ledger.stage(stage_id)
        body = checked_text(text.note_text, note_text)
        author = self._author(author_id)
        now = self._ledger.clock.wall()
        last = max((n.position for n in self._ws.stage_notes(stage.id, include_deleted=True)), default=0.0)
        note = Note(
            id=self._ledger.new_id("notes"),
            stage_id=stage.id,
            text=body,
            author_id=author,
            created_at=now,
            updated_at=now,
            position=last + 1,
        )
        who = self._ws.participant_name(author) or "anonymous"
        self._ledger.commit(
            "note.added",
            f"{stage.title}: note #{note.id} by {who}: {text.preview(body)}",
            [note],
            stage_id=stage.id,
            data={"note_id": note.id},
        )
        return note

    def edit(
        self, note_id: int, note_text: str, *, author_id: int | Literal[Keep.KEEP] | None = KEEP
    ) -> Note:
        """Replace a note's text and, when ``author_id`` is given (``None`` for anonymous), its author.

        Refuses a deleted or unknown note or author (``NotFoundError``), bad text (``SessionError``) and a
        read-only workshop. Returns the note unchanged (and publishes nothing) when nothing differs; otherwise
        durable on return; publishes ``note.edited`` (``data["before"]`` holds the old text).
        """
        note = self._ledger.note(note_id)
        body = checked_text(text.note_text, note_text)
        changes: dict[str, Any] = {"text": body, "updated_at": self._ledger.clock.wall()}
        if author_id is not KEEP:
            changes["author_id"] = self._author(author_id)
        if body == note.text and changes.get("author_id", note.author_id) == note.author_id:
            return note
        updated = note.replace(**changes)
        self._ledger.commit(
            "note.edited",
            f"Note #{note_id} edited: {text.preview(body)}",
            [updated],
            stage_id=note.stage_id,
            data={"note_id": note_id, "before": note.text},
        )
        return updated

    def delete(self, note_id: int) -> Note:
        """Delete a note softly (``deleted_at`` set; ``undo_delete`` brings it back, even after a restart).

        Refuses an unknown or already deleted note (``NotFoundError``) and a read-only workshop. Durable on
        return; publishes ``note.deleted``.
        """
        note = self._ledger.note(note_id)
        deleted = note.replace(deleted_at=self._ledger.clock.wall())
        self._ledger.commit(
            "note.deleted",
            f"Note #{note_id} deleted: {text.preview(note.text)}",
            [deleted],
            stage_id=note.stage_id,
            data={"note_id": note_id},
        )
        return deleted

    def undo_delete(self) -> Note:
        """Bring back the most recently deleted note (works after a restart: deletes are soft).

        Refuses (``SessionError``) when no deleted note is left to bring back, and a read-only workshop. Durable on
        return; publishes ``note.restored``.
        """
        for event in reversed(self._ws.events):
            if event.kind == "note.deleted":
                note = self._ws.notes.get(event.data.get("note_id", -1))
                if note is not None and note.deleted:
                    restored = note.replace(deleted_at=None)
                    self._ledger.commit(
                        "note.restored",
                        f"Note #{note.id} restored: {text.preview(note.text)}",
                        [restored],
                        stage_id=note.stage_id,
                        data={"note_id": note.id},
                    )
                    return restored
        raise SessionError("There is no deleted note to bring back.")

    def move(self, note_id: int, stage_id: int) -> Note:
        """Move a note to the end of another stage (no change when it is already there).

        Refuses an unknown note or stage (``NotFoundError``) and a read-only workshop. Durable on return;
        publishes ``note.moved`` (``data["from"]``, ``data["to"]``: stage ids).
        """
        note = self._ledger.note(note_id)
        target = self._ledger.stage(stage_id)
        if target.id == note.stage_id:
            return note
        last = max((n.position for n in self._ws.stage_notes(target.id, include_deleted=True)), default=0.0)
        moved = note.replace(stage_id=target.id, position=last + 1, updated_at=self._ledger.clock.wall())
        source = self._ledger.stage(note.stage_id)
        self._ledger.commit(
            "note.moved",
            f"Note #{note_id} moved from {source.title} to {target.title}",
            [moved],
            stage_id=target.id,
            data={"note_id": note_id, "from": source.id, "to": target.id},
        )
        return moved

    def reorder(self, note_id: int, offset: int) -> Note:
        """Move a note up (negative ``offset``) or down by that many places within its stage.

        Refuses an unknown or deleted note (``NotFoundError``) and a read-only workshop; no change at either end.
        Durable on return; publishes ``note.reordered``.
        """
        note = self._ledger.note(note_id)
        notes = self._ws.stage_notes(note.stage_id)
        index = next(i for i, n in enumerate(notes) if n.id == note_id)
        move = moved_position([n.position for n in notes], index, offset)
        if move is None:
            return note
        target, position = move
        moved = note.replace(position=position)
        self._ledger.commit(
            "note.reordered",
            f"Note #{note_id} moved to place {target + 1}",
            [moved],
            stage_id=note.stage_id,
            data={"note_id": note_id},
        )
        return moved

    def merge(self, keep_id: int, other_id: int) -> Note:
        """Fold a note that says the same thing into another: texts joined, the other note deleted.

        Refuses (``SessionError``) the same note twice, a note on an open ballot, a merged text over the note limit,
        unknown notes (``NotFoundError``) and a read-only workshop. Durable on return; publishes ``note.merged``
        (both notes in ``changed``: the kept one updated, the other deleted).
        """
        check(keep_id != other_id, "Pick two different notes to merge.")
        keep, other = self._ledger.note(keep_id), self._ledger.note(other_id)
        for ballot in self._ledger.open_ballots():
            check(
                other.id not in ballot.note_ids and keep.id not in ballot.note_ids,
                "A note on an open ballot cannot be merged; close the vote first.",
            )
        merged_text = keep.text if other.text.strip() == keep.text.strip() else f"{keep.text}\n{other.text}"
        check(len(merged_text) <= text.MAX_NOTE_CHARS, "The merged note would be too long.")
        now = self._ledger.clock.wall()
        merged = keep.replace(
            text=merged_text,
            updated_at=now,
            merged_from=[*keep.merged_from, other.id, *other.merged_from],
            mark=keep.mark or other.mark,
        )
        gone = other.replace(deleted_at=now)
        self._ledger.commit(
            "note.merged",
            f"Note #{other.id} merged into #{keep.id}: {text.preview(merged_text)}",
            [merged, gone],
            stage_id=keep.stage_id,
            data={"note_id": keep.id, "merged": other.id},
        )
        return merged

    def mark(self, note_id: int, mark: NoteMark | str | None) -> Note:
        """Mark a note as a ``decision`` or a ``candidate`` action (``None`` clears the mark).

        Refuses another mark (``SessionError``), an unknown note (``NotFoundError``) and a read-only workshop.
        No change when the mark is already so; otherwise durable on return; publishes ``note.marked``.
        """
        """Mark a note as a decision or a candidate action (``None`` clears it)."""
        note = self._ledger.note(note_id)
        check(mark is None or mark in NOTE_MARKS, f"A note can be marked as: {', '.join(NOTE_MARKS)}.")
        mark = NoteMark(mark) if mark is not None else None
        if note.mark == mark:
            return note
        marked = note.replace(mark=mark)
        what = f"marked as {mark}" if mark else "unmarked"
        self._ledger.commit(
            "note.marked",
            f"Note #{note_id} {what}: {text.preview(note.text)}",
            [marked],
            stage_id=note.stage_id,
            data={"note_id": note_id, "mark": mark},
        )
        return marked
