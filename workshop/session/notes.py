"""``session.notes``: add, edit, delete with undo, move, reorder, merge and mark as decisions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from facilitation import text
from facilitation.models import (
    NOTE_MARKS,
    Ballot,
    Event,
    Note,
    NoteMark,
    Record,
    Stage,
    Vote,
    Workshop,
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

if TYPE_CHECKING:
    from workshop.session.ledger import Ledger

UNDOABLE = {
    "note.edited": "the edit",
    "note.deleted": "the delete",
    "note.merged": "the merge",
    "note.moved": "the move",
    "note.reordered": "the reordering",
    "note.marked": "the mark",
    "note.withheld": "the hiding",
    "note.shown": "the showing",
}
"""The note changes ``undo`` undoes, and how its notice names each."""


@dataclass(frozen=True)
class Undone:
    """What ``undo`` undid: its name for the notice ("the merge"), the note as it is now, the event kind undone,
    and the dots that had gone back to their voters and stay with them."""

    what: str
    note: Note
    kind: str
    dots_not_restored: int = 0


@dataclass(frozen=True)
class Redone:
    """What ``redo`` did again: its name for the notice ("the merge"), the note as it is now, the event kind."""

    what: str
    note: Note
    kind: str


class Notes(Part):
    """The notes of every stage: add, edit, delete with undo, move, reorder, merge and mark as decisions.

    What a change to a note does to the dots on it (docs/VOTING.md, "Notes that change during a vote"): on an
    open vote, a deleted note, or one moved out of the stage voted on, leaves the ballot and its dots go back to
    their voters; a merged note's dots move onto the note it is merged into, within the cap, and the rest go back.
    A revealed vote is a record: nothing done to its notes changes it.
    """

    def __init__(self, ledger: Ledger) -> None:
        super().__init__(ledger)
        self._counts: tuple[Workshop, int, dict[int, int]] | None = None
        """The live notes per stage (``live_counts``), with the workshop and ``Ledger.changes`` they are up to date
        with."""
        self._redoing: int | None = None
        """While ``redo`` replays a change: the id of the ``note.undone`` event it redoes (``data["redoes"]``)."""
        ledger.on_applied(self._applied)

    def _applied(self, pairs: Sequence[tuple[Record | None, Record | None]]) -> None:
        """A commit's change was just shown in memory (``Ledger.on_applied``; ``changes`` counts it already): the
        live counts, if up to date before it, take in each note written or removed. Changes the ledger makes
        without this call (an undo of refused changes, a batch followed from another window) leave them stale:
        counted afresh when next asked."""
        kept = self._counts
        now = self._ledger.changes
        if kept is None or kept[0] is not self._ws or kept[1] != now - 1:
            return
        counts = kept[2]
        for before, after in pairs:
            if isinstance(before, Note) and before.deleted_at is None:
                counts[before.stage_id] = counts.get(before.stage_id, 0) - 1
            if isinstance(after, Note) and after.deleted_at is None:
                counts[after.stage_id] = counts.get(after.stage_id, 0) + 1
        self._counts = (kept[0], now, counts)

    def live_counts(self) -> Mapping[int, int]:
        """How many notes each stage holds, deleted ones not counted: stage id -> count (a stage with none may be
        missing or 0). Counted once (one pass over every note: about 3 ms at 20,000 notes), then kept up to date
        change by change, so the summary does not count every note of the workshop each time it is drawn. Read it,
        do not change it."""
        kept = self._counts
        if kept is None or kept[0] is not self._ws or kept[1] != self._ledger.changes:
            counts: dict[int, int] = {}
            for note in self._ws.notes.values():
                if note.deleted_at is None:
                    counts[note.stage_id] = counts.get(note.stage_id, 0) + 1
            kept = self._counts = (self._ws, self._ledger.changes, counts)
        return kept[2]

    def _leaving_ballots(
        self, note: Note, *, to_stage: int | None = None
    ) -> tuple[list[Vote], list[tuple[int, int]]]:
        """The dots on ``note`` in open votes it leaves (deleted, or moved to ``to_stage`` out of a stage's vote):
        the votes to remove and (participant id, dots) given back."""
        gone: list[Vote] = []
        for ballot in self._ledger.open_ballots():
            if note.id not in ballot.note_ids:
                continue
            if to_stage is not None and (ballot.stage_id is None or ballot.stage_id == to_stage):
                continue
            gone += [v for v in self._ws.ballot_votes(ballot.id) if v.note_id == note.id]
        return gone, _per_participant(gone)

    def _asked_again(self, returned: list[Vote], changed: Sequence[Record] = ()) -> list[Record]:
        """``changed`` with the ballots whose voters got dots back (``returned``) no longer counting those voters as
        confirmed: they have dots to place again (their phone shows the ballot, the board "not yet")."""
        people: dict[int, set[int]] = {}
        for vote in returned:
            people.setdefault(vote.ballot_id, set()).add(vote.participant_id)
        out = list(changed)
        for ballot_id, voters in people.items():
            at = next((i for i, r in enumerate(out) if isinstance(r, Ballot) and r.id == ballot_id), None)
            ballot = out[at] if at is not None else self._ws.ballots.get(ballot_id)
            if not isinstance(ballot, Ballot) or not voters & set(ballot.submitted):
                continue
            updated = ballot.replace(submitted=[p for p in ballot.submitted if p not in voters])
            if at is not None:
                out[at] = updated
            else:
                out.append(updated)
        return out

    def _carry_dots(self, keep: Note, other: Note) -> tuple[list[Record], list[Vote], list[tuple[int, int]]]:
        """Open votes with ``other`` on them when it is merged into ``keep``: the ballots and votes that change, the
        votes given back (over the cap), and (participant id, dots) given back."""
        from facilitation import voting

        changed: list[Record] = []
        returned: list[Vote] = []
        for ballot in self._ledger.open_ballots():
            if other.id not in ballot.note_ids:
                continue
            if ballot.stage_id is not None and keep.stage_id != ballot.stage_id:
                returned += [v for v in self._ws.ballot_votes(ballot.id) if v.note_id == other.id]
                continue
            updated: Ballot = ballot
            if keep.id not in ballot.note_ids:
                updated = updated.replace(note_ids=[keep.id if i == other.id else i for i in ballot.note_ids])
            if ballot.mode == "tally" and other.id in ballot.tally:
                tally = dict(ballot.tally)
                tally[keep.id] = tally.get(keep.id, 0) + tally.pop(other.id)
                updated = updated.replace(tally=tally)
            if updated is not ballot:
                changed.append(updated)
            votes = sorted(self._ws.ballot_votes(ballot.id), key=lambda v: v.id)
            for participant in dict.fromkeys(v.participant_id for v in votes if v.note_id == other.id):
                mine = [v for v in votes if v.participant_id == participant]
                on_other = [v for v in mine if v.note_id == other.id]
                carry = voting.carry_over(sum(v.note_id == keep.id for v in mine), len(on_other), ballot.cap)
                changed += [v.replace(note_id=keep.id) for v in on_other[: carry.moved]]
                returned += on_other[carry.moved :]
        return changed, returned, _per_participant(returned)

    def _author(self, author_id: int | None) -> int | None:
        if author_id is None:
            return None
        return self._ledger.participant(author_id).id

    def add(
        self,
        note_text: str,
        *,
        stage_id: int | None = None,
        author_id: int | None = None,
        device: bool = False,
    ) -> Note:
        """Add a note at the end of a stage (the current stage by default), by a participant or anonymous.

        ``device``: typed on a participant's own device (the room), not at the facilitator's keyboard
        (``data["device"]``; ``undo`` never undoes such a change). Refuses (``SessionError``) an empty or too long text (``facilitation.text.note_text``), an unknown stage or
        author (``NotFoundError``) and a read-only workshop. Durable on return; publishes ``note.added``.
        """
        stage = self._ledger.stage(stage_id)
        body = checked_text(text.note_text, note_text)
        author = self._author(author_id)
        now = self._ledger.clock.wall()
        last = self._ledger.end_of_stage(stage.id)
        note = Note(
            id=self._ledger.new_id("notes"),
            stage_id=stage.id,
            text=body,
            author_id=author,
            created_at=now,
            updated_at=now,
            position=last + 1,
            hidden=stage.silent,
        )
        who = self._ws.participant_name(author) or "anonymous"
        self._ledger.commit(
            "note.added",
            f"{stage.title}: note #{note.id} by {who}: {text.preview(body)}",
            [note],
            stage_id=stage.id,
            data={"note_id": note.id, **_from_device(device)},
        )
        return note

    def edit(
        self,
        note_id: int,
        note_text: str,
        *,
        author_id: int | Literal[Keep.KEEP] | None = KEEP,
        device: bool = False,
    ) -> Note:
        """Replace a note's text and, when ``author_id`` is given (``None`` for anonymous), its author.
        ``device``: as for ``add`` (a participant changing their own note on their phone).

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
            data={"note_id": note_id, "before": note.text, **self._undo_data([note]), **_from_device(device)},
        )
        return updated

    def delete(self, note_id: int, *, device: bool = False) -> Note:
        """Delete a note softly (``deleted_at`` set; ``undo_delete`` brings it back, even after a restart).
        ``device``: as for ``add`` (a participant withdrawing their own note on their phone).

        Refuses an unknown or already deleted note (``NotFoundError``) and a read-only workshop. Durable on
        return; publishes ``note.deleted``.
        """
        note = self._ledger.note(note_id)
        deleted = note.replace(deleted_at=self._ledger.clock.wall())
        gone, given_back = self._leaving_ballots(note)
        self._ledger.commit(
            "note.deleted",
            f"Note #{note_id} deleted: {text.preview(note.text)}" + _given_back_words(given_back),
            self._asked_again(gone, [deleted]),
            stage_id=note.stage_id,
            data={
                "note_id": note_id,
                **self._undo_data([note]),
                **_returned_data(given_back),
                **_from_device(device),
            },
            removed=("votes", [v.id for v in gone]) if gone else None,
        )
        return deleted

    def undo_delete(self) -> Note:
        """``undo`` (kept for callers of the earlier name): undoes the last change to the notes, whatever it was."""
        return self.undo().note

    def undo(self) -> Undone:
        """Undo the last change to the notes that is not undone yet, whatever it was: an edit, delete, merge, move,
        reorder or mark. Pressing it again walks further back; it never skips to an older, unrelated change, and it
        stops at a note's adding (refused with a message naming the note: ``d`` deletes it), so a stray ``u`` never
        makes a note vanish.

        A change made on a participant's own device (``data["device"]``: a note added, edited or withdrawn on a
        phone) is theirs, not the facilitator's: undo walks past it, and refuses (naming the note) to undo a change
        to a note a device changed since, which would overwrite what the participant wrote.

        The notes are put back as they were before that change (a merge brings the merged note back and the kept
        note's text, authors and mark). Dots that went back to their voters when a note
        left an open vote are not cast again. Refuses (``SessionError``) when nothing is left to undo or the change
        was made by a version that kept no undo record, and a read-only workshop. Durable on return; publishes
        ``note.undone`` (``data["undoes"]``: the event id undone).
        """
        undone = {e.data.get("undoes") for e in self._ws.events if e.kind == "note.undone"}
        for _at, event, by_devices in self._facilitators_events_back():
            if event.kind == "note.added":
                # Adding is where undo stops: a stray u must never make a note vanish (d deletes it, with undo).
                added = self._ws.notes.get(event.data.get("note_id", -1))
                shown = f" (#{added.id}, “{text.preview(added.text, 40)}”)" if added is not None else ""
                raise SessionError(
                    f"Nothing to undo: the last change to the notes was adding one{shown}. Press d to delete it."
                )
            if event.kind not in UNDOABLE or event.id in undone:
                continue
            before = event.data.get("undo")
            note_id = event.data.get("note_id")
            if not isinstance(before, list):
                if event.kind == "note.deleted" and isinstance(note_id, int) and note_id in self._ws.notes:
                    before = [self._ws.notes[note_id].replace(deleted_at=None).to_dict()]  # older files
                else:
                    raise SessionError(
                        "The last change to the notes was made before undo was recorded: it cannot be undone."
                    )
            overwritten = sorted(by_devices & {d.get("id") for d in before if isinstance(d, dict)})
            if overwritten:
                raise SessionError(
                    f"Nothing undone: {UNDOABLE[event.kind]} of note #{overwritten[0]} cannot be undone, as its "
                    "author changed that note on their phone since."
                )
            now = self._ledger.clock.wall()
            restored = [Note.from_dict(d).replace(updated_at=now) for d in before]
            what = UNDOABLE[event.kind]
            main = next((n for n in restored if n.id == note_id), restored[0] if restored else None)
            if main is None:
                raise SessionError("There is nothing to undo.")
            self._ledger.commit(
                "note.undone",
                f"Undone: {what} of note #{main.id} ({text.preview(main.text)})",
                [*restored, *(self._carry_back(event) if event.kind == "note.merged" else [])],
                stage_id=main.stage_id,
                data={
                    "undoes": event.id,
                    "kind": event.kind,
                    "note_id": main.id,
                    "redo": [self._ws.notes[n.id].to_dict() for n in restored if n.id in self._ws.notes],
                },
            )
            returned = event.data.get("returned") or []
            return Undone(what, self._ws.notes[main.id], event.kind, sum(n for _, n in returned))
        raise SessionError("Nothing to undo in the notes.")

    def _undo_data(self, before: list[Note]) -> dict[str, Any]:
        """What ``undo`` needs to put the notes back as they were: their records before the change; and, for a
        change ``redo`` makes again, the undo it redoes."""
        data: dict[str, Any] = {"undo": [n.to_dict() for n in before]}
        if self._redoing is not None:
            data["redoes"] = self._redoing
        return data

    def redo(self) -> Redone:
        """Make again the change the last ``undo`` took back (``ctrl+y``); again: the one undone before it.

        Redo is there only while the undos are the last changes to the notes: any other change the facilitator
        makes to the notes after an undo (adding, editing, deleting, …) ends it, as in every editor. Changes made
        on participants' devices do not end it, but a change to a note whose author changed it on their phone
        since the undo is refused (naming the note) rather than overwrite what they wrote.

        The change is made again through the same operation (``edit``, ``delete``, ``merge``, ``move``, ``mark``,
        ``hide``; a reordering puts the note back in the place it had), so every rule applies as the first time
        (a merge on an open vote carries the dots again within the cap). The new event is an ordinary change of its
        kind (``data["redoes"]``: the ``note.undone`` event's id), so ``u`` undoes it again. Refuses
        (``SessionError``) when there is nothing to redo, when the undo was recorded by a version that kept no redo
        record, and a read-only workshop; the operation's own refusals pass through. Durable on return.
        """
        undo, by_devices = self._redo_target()
        return self._redo(undo, by_devices)

    def _facilitators_events_back(self) -> Iterator[tuple[int, Event, set[int]]]:
        """The workshop's events from the newest back, leaving out the changes made on participants' devices (a
        note added, edited or withdrawn on a phone: ``undo`` and ``redo`` walk past them), each with its index and
        the notes devices changed after it (which ``undo`` and ``redo`` refuse to overwrite)."""
        by_devices: set[int] = set()
        events = self._ws.events
        for at in range(len(events) - 1, -1, -1):
            event = events[at]
            if event.data.get("device") and event.kind in ("note.added", *UNDOABLE):
                if isinstance(event.data.get("note_id"), int):
                    by_devices.add(event.data["note_id"])
                continue
            yield at, event, by_devices

    def can_redo(self) -> bool:
        """Whether ``redo`` has an undo to make again now (it may still refuse it: a note changed on a phone)."""
        try:
            self._redo_target()
        except SessionError:
            return False
        return True

    def _redo_target(self) -> tuple[Event, set[int]]:
        """The ``note.undone`` event ``redo`` makes again and the notes changed on devices since; ``SessionError``
        saying why when there is none."""
        redone = {e.data.get("redoes") for e in self._ws.events if "redoes" in e.data}
        walked_past_redos = False
        events = self._ws.events
        for at, event, by_devices in self._facilitators_events_back():
            if event.kind == "note.undone":
                if event.id in redone:
                    walked_past_redos = True
                    continue
                return event, by_devices
            if event.kind in UNDOABLE and "redoes" in event.data:
                walked_past_redos = True
                continue  # a redo already made: look for the undo before it
            if event.kind == "note.added" or event.kind in UNDOABLE:
                if walked_past_redos:
                    raise SessionError("Nothing to redo: every change undone has been redone.")
                if any(events[i].kind == "note.undone" for i in range(at)):
                    raise SessionError(
                        "Nothing to redo: the notes were changed after the last undo "
                        f"({UNDOABLE.get(event.kind, 'a note added')})."
                    )
                break
        raise SessionError("Nothing to redo: no change to the notes has been undone.")

    def _redo(self, undo: Event, by_devices: set[int]) -> Redone:
        """Make again the change ``undo`` (a ``note.undone`` event) took back; see ``redo``."""
        kind = undo.data.get("kind")
        after = undo.data.get("redo")
        note_id = undo.data.get("note_id")
        original = next((e for e in self._ws.events if e.id == undo.data.get("undoes")), None)
        if kind not in UNDOABLE or not isinstance(after, list) or not isinstance(note_id, int) or original is None:
            raise SessionError("That undo was recorded by an earlier version: it cannot be redone.")
        touched = sorted(by_devices & {d.get("id") for d in after if isinstance(d, dict)})
        if touched:
            raise SessionError(
                f"Nothing redone: {UNDOABLE[kind]} of note #{touched[0]} cannot be redone, as its author changed "
                "that note on their phone since."
            )
        snapshot = next((Note.from_dict(d) for d in after if isinstance(d, dict) and d.get("id") == note_id), None)
        if snapshot is None:
            raise SessionError("That undo was recorded by an earlier version: it cannot be redone.")
        self._redoing = undo.id
        try:
            if kind == "note.edited":
                note = self.edit(note_id, snapshot.text, author_id=snapshot.author_id)
            elif kind == "note.deleted":
                note = self.delete(note_id)
            elif kind == "note.merged":
                note = self.merge(note_id, int(original.data["merged"]))
            elif kind == "note.moved":
                note = self.move(note_id, snapshot.stage_id, position=snapshot.position)
            elif kind == "note.reordered":
                note = self._place(note_id, snapshot.position)
            elif kind == "note.marked":
                note = self.mark(note_id, snapshot.mark)
            else:  # note.withheld, note.shown
                note = self.hide(note_id, kind == "note.withheld")
        finally:
            self._redoing = None
        return Redone(UNDOABLE[kind], note, kind)

    def _place(self, note_id: int, position: float) -> Note:
        """Put a note at ``position`` within its stage (``redo`` of a reordering); publishes ``note.reordered``."""
        note = self._ledger.note(note_id)
        if note.position == position:
            return note
        self._ledger.commit(
            "note.reordered",
            f"Note #{note_id} moved back to where it was",
            [note.replace(position=position)],
            stage_id=note.stage_id,
            data={"note_id": note_id, **self._undo_data([note])},
        )
        return self._ws.notes[note_id]

    def move(self, note_id: int, stage_id: int, *, position: float | None = None) -> Note:
        """Move a note to the end of another stage (no change when it is already there); ``position``: to that
        place in the stage's order instead (``Note.position``; ``redo`` puts a note back where a move had put it).

        Refuses an unknown note or stage (``NotFoundError``) and a read-only workshop. Durable on return;
        publishes ``note.moved`` (``data["from"]``, ``data["to"]``: stage ids).
        """
        note = self._ledger.note(note_id)
        target = self._ledger.stage(stage_id)
        if target.id == note.stage_id:
            return note
        at = self._ledger.end_of_stage(target.id) + 1 if position is None else position
        moved = note.replace(stage_id=target.id, position=at, updated_at=self._ledger.clock.wall())
        source = self._ledger.stage(note.stage_id)
        gone, given_back = self._leaving_ballots(note, to_stage=target.id)
        self._ledger.commit(
            "note.moved",
            f"Note #{note_id} moved from {source.title} to {target.title}" + _given_back_words(given_back),
            self._asked_again(gone, [moved]),
            stage_id=target.id,
            data={
                "note_id": note_id,
                "from": source.id,
                "to": target.id,
                **self._undo_data([note]),
                **_returned_data(given_back),
            },
            removed=("votes", [v.id for v in gone]) if gone else None,
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
            data={"note_id": note_id, **self._undo_data([note])},
        )
        return moved

    def merge(self, keep_id: int, other_id: int) -> Note:
        """Fold a note that says the same thing into another: texts joined, the other note deleted.

        Both authors stay credited (``Note.co_author_ids``). On an open vote the merged note's dots move onto the
        kept note within the cap; dots over the cap go back to their voters (``data["returned"]``: participant id,
        dots). Refuses (``SessionError``) the same note twice, a merged text over the note limit, unknown notes
        (``NotFoundError``) and a read-only workshop. Durable on return; publishes ``note.merged`` (both notes in
        ``changed``: the kept one updated, the other deleted, and any ballots and votes the dots moved on).
        """
        check(keep_id != other_id, "Pick two different notes to merge.")
        keep, other = self._ledger.note(keep_id), self._ledger.note(other_id)
        merged_text = keep.text if other.text.strip() == keep.text.strip() else f"{keep.text}\n{other.text}"
        check(len(merged_text) <= text.MAX_NOTE_CHARS, "The merged note would be too long.")
        now = self._ledger.clock.wall()
        merged = keep.replace(
            text=merged_text,
            updated_at=now,
            merged_from=[*keep.merged_from, other.id, *other.merged_from],
            mark=keep.mark or other.mark,
            co_author_ids=[
                i for i in dict.fromkeys([*keep.author_ids, *other.author_ids]) if i != keep.author_id
            ],
        )
        gone = other.replace(deleted_at=now)
        carried, returned, given_back = self._carry_dots(keep, other)
        carried_data = self._carried_data(keep, other, carried)
        self._ledger.commit(
            "note.merged",
            f"Note #{other.id} merged into #{keep.id}: {text.preview(merged_text)}"
            + _given_back_words(given_back),
            self._asked_again(returned, [merged, gone, *carried]),
            stage_id=keep.stage_id,
            data={
                "note_id": keep.id,
                "merged": other.id,
                **self._undo_data([keep, other]),
                **_returned_data(given_back),
                **carried_data,
            },
            removed=("votes", [v.id for v in returned]) if returned else None,
        )
        return merged

    def _carried_data(self, keep: Note, other: Note, carried: list[Record]) -> dict[str, Any]:
        """What a merge carried on open votes, for ``undo`` to carry back (``data["carried"]``): the votes moved
        onto ``keep``, the ballots where ``keep`` took ``other``'s place, and tally counts added to ``keep``."""
        votes = [r.id for r in carried if isinstance(r, Vote)]
        placed: list[int] = []
        tally: list[list[int]] = []
        for record in carried:
            if not isinstance(record, Ballot):
                continue
            before = self._ws.ballots[record.id]
            if keep.id not in before.note_ids:
                placed.append(record.id)
            if before.tally.get(other.id):
                tally.append([record.id, before.tally[other.id]])
        found = {"votes": votes, "placed": placed, "tally": tally}
        return {"carried": found} if votes or placed or tally else {}

    def _carry_back(self, event: Event) -> list[Record]:
        """Undoing a merge on votes still open: the votes it moved go back onto the merged note (those still on the
        kept note), the merged note is back on a ballot where the kept note took its place, and a tally's count
        moves back (``_carried_data``)."""
        carried = event.data.get("carried")
        keep_id, other_id = event.data.get("note_id"), event.data.get("merged")
        if not isinstance(carried, dict) or not isinstance(keep_id, int) or not isinstance(other_id, int):
            return []
        changed: list[Record] = []
        ballots: dict[int, Ballot] = {}

        def open_ballot(ballot_id: int) -> Ballot | None:
            ballot = ballots.get(ballot_id) or self._ws.ballots.get(ballot_id)
            return ballot if ballot is not None and ballot.status == "open" else None

        for vote_id in carried.get("votes", []):
            vote = self._ws.votes.get(vote_id)
            if vote is not None and vote.note_id == keep_id and open_ballot(vote.ballot_id) is not None:
                changed.append(vote.replace(note_id=other_id))
        for ballot_id in carried.get("placed", []):
            ballot = open_ballot(ballot_id)
            if ballot is not None and other_id not in ballot.note_ids:
                ids = list(ballot.note_ids)
                at = ids.index(keep_id) + 1 if keep_id in ids else len(ids)
                ballots[ballot_id] = ballot.replace(note_ids=[*ids[:at], other_id, *ids[at:]])
        for ballot_id, count in carried.get("tally", []):
            ballot = open_ballot(ballot_id)
            if ballot is not None:
                back = min(count, ballot.tally.get(keep_id, 0))
                if back:
                    tally = dict(ballot.tally)
                    tally[keep_id] -= back
                    tally[other_id] = tally.get(other_id, 0) + back
                    ballots[ballot_id] = ballot.replace(tally=tally)
        return [*changed, *ballots.values()]

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
            data={"note_id": note_id, "mark": mark, **self._undo_data([note])},
        )
        return marked

    def hide(self, note_id: int, hidden: bool = True) -> Note:
        """Hide a note from the room (``hidden`` True) or show it again; the facilitator's own list keeps it, marked.

        A hidden note (``Note.withheld``) leaves every device, its author's too, and the projector; it cannot take
        dots, and on an open vote its dots go back to their voters (``data["returned"]``), as when it is deleted;
        shown again, it is back on that ballot with none. A vote revealed before keeps its record. Documents (the
        minutes, the Word plan, the CSV) leave it out; the JSON keeps it, marked. Silent brainstorming's reveal
        never shows it. Refuses an unknown or deleted note (``NotFoundError``) and a read-only workshop; no change
        when it is already so. Durable on return; publishes ``note.withheld`` or ``note.shown`` (undone by ``u``).
        """
        note = self._ledger.note(note_id)
        if note.withheld == hidden:
            return note
        updated = note.replace(withheld=hidden, updated_at=self._ledger.clock.wall())
        gone, given_back = self._leaving_ballots(note) if hidden else ([], [])
        self._ledger.commit(
            "note.withheld" if hidden else "note.shown",
            (f"Note #{note_id} hidden from the room" if hidden else f"Note #{note_id} shown to the room again")
            + _given_back_words(given_back),
            self._asked_again(gone, [updated]),
            stage_id=note.stage_id,
            data={"note_id": note_id, **self._undo_data([note]), **_returned_data(given_back)},
            removed=("votes", [v.id for v in gone]) if gone else None,
        )
        return updated

    # --- silent brainstorming ----------------------------------------------------------------------------

    def set_silent(self, silent: bool, *, stage_id: int | None = None) -> Stage:
        """Turn a stage's silent brainstorming on or off (the current stage by default).

        While it is on, notes added to the stage are ``hidden``: the room (participants' devices, the projector)
        does not see them, the facilitator's screen does. Turning it off reveals them (``reveal``). Durable on
        return; publishes ``stage.silent`` (and ``notes.revealed``).
        """
        stage = self._ledger.stage(stage_id)
        if not silent:
            self.reveal(stage.id)
            return self._ledger.stage(stage.id)
        if stage.silent:
            return stage
        updated = stage.replace(silent=True)
        self._ledger.commit(
            "stage.silent",
            f"{stage.title}: silent brainstorming on",
            [updated],
            stage_id=stage.id,
            data={"silent": True},
        )
        return updated

    def reveal(self, stage_id: int | None = None) -> list[Note]:
        """Show the room every hidden note of a stage at once, and end its silent brainstorming. A note the
        facilitator hid (``hide``) stays hidden, and unrevealed: shown again later, the next reveal shows it.

        Returns the notes revealed (none: nothing is written). Durable on return; publishes ``notes.revealed``.
        """
        stage = self._ledger.stage(stage_id)
        revealed = [n.replace(hidden=False) for n in self._ws.stage_notes(stage.id) if n.hidden and not n.withheld]
        changed: list[Record] = list(revealed)
        if stage.silent:
            changed.append(stage.replace(silent=False))
        if not changed:
            return []
        self._ledger.commit(
            "notes.revealed",
            f"{stage.title}: {text.plural(len(revealed), 'note')} revealed to the room",
            changed,
            stage_id=stage.id,
            data={"note_ids": [n.id for n in revealed]},
        )
        return revealed

    def set_anonymous(self, anonymous: bool) -> None:
        """Whether notes typed on participants' own devices store their author (credited) or none (anonymous).

        A workshop setting; notes already written keep what they stored. Publishes ``workshop.anonymous_notes``.
        """
        if self._ws.anonymous_notes != anonymous:
            self._ledger.commit(
                "workshop.anonymous_notes",
                "Notes from devices are anonymous" if anonymous else "Notes from devices carry their author",
                info={"anonymous_notes": anonymous},
            )


def _per_participant(votes: list[Vote]) -> list[tuple[int, int]]:
    counts: dict[int, int] = {}
    for vote in votes:
        counts[vote.participant_id] = counts.get(vote.participant_id, 0) + 1
    return sorted(counts.items())


def _from_device(device: bool) -> dict[str, Any]:
    """The mark of a change made on a participant's own device (``undo`` leaves such changes alone)."""
    return {"device": True} if device else {}


def _returned_data(given_back: list[tuple[int, int]]) -> dict[str, Any]:
    return {"returned": [list(pair) for pair in given_back]} if given_back else {}


def _given_back_words(given_back: list[tuple[int, int]]) -> str:
    dots = sum(n for _, n in given_back)
    return f" ({text.plural(dots, 'dot')} given back to the voters)" if dots else ""
