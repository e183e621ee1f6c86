"""The ledger: an open workshop's state, the file it is durable in, the record ids and the one write path.

Every part of the session (``session.notes``, ``session.votes`` …) validates its input (a ``SessionError`` with a
message for the facilitator when it is bad), builds the new records without touching the in-memory workshop and
hands them to ``Ledger.commit``, which makes them durable in the store with one event-log entry, updates the
in-memory state, and publishes a ``Change`` to the subscribers. A failed write leaves both the file and the
screen as they were.

Group commit (``workshop.session.group``): inside ``Ledger.deferring()`` a commit writes its journal line without
waiting for the disk and updates memory at once (so the next change is checked against it), but its ``Change`` is
held back. ``sync_file`` (from a worker thread: it touches only the store's file) makes every line written so far
durable with one ``fdatasync``; ``publish_durable`` (on the loop) then publishes the held changes in commit order
and tells their waiters. If the ``fdatasync`` fails, ``refuse`` cuts the lines back, undoes the held changes in
memory (newest first), tells their waiters the store's message and publishes one ``follow.reloaded`` change so every
screen redraws from the restored state. A commit outside ``deferring()`` is durable on return, as always, and
publishes every held change before its own.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from facilitation.clock import Clock, SystemClock
from facilitation.models import Ballot, BallotStatus, Event, Note, Participant, Record, Stage, Workshop
from facilitation.timer import StageTimer, TimerError
from workshop import records
from workshop.session.changes import Change, Listener, Publisher
from workshop.session.validation import NotFoundError, SessionError
from workshop.store import Op, StoreError, WorkshopFile

log = logging.getLogger(__name__)

EXTERNAL_RELOAD = "follow.reloaded"
"""The event kind ``apply_external`` publishes for a batch of ops that carries no event-log entry, and ``refuse``
publishes after undoing changes the disk refused (screens redraw everything they show)."""

OPENING_MESSAGE = "Still opening the workshop: nothing was changed. Try again in a moment."
"""What a change made before the whole workshop is read is refused with (see ``Ledger(opening=True)``)."""

Applier = Callable[[Sequence[tuple[Record | None, Record | None]]], None]
"""Told, as a commit's change is shown in memory, each record it wrote or removed as ``(before, after)``
(``None`` where there was none, or is none now): see ``Ledger.on_applied``."""

DurableCallback = Callable[[str | None], None]
"""Told ``None`` once a held change is durable and published, or the store's message when it was refused."""

_ABSENT: Any = object()


@dataclass
class _Held:
    """A change written to the journal but not yet known durable: published once its ``fdatasync`` returns."""

    seq: int
    """Its journal line's seq."""
    token: int
    """The ledger's count of commits when it was made (``Ledger.commits``)."""
    change: Change
    undo: Callable[[], None]
    """Puts memory back as it was before this change (called newest first)."""
    waiters: list[DurableCallback] = field(default_factory=list)


class Ledger:
    """An open workshop's state and its single write path; the parts of the session share one ledger.

    ``file`` is ``None`` for a session built from state read elsewhere (a follower of another process's journal):
    such a ledger is read-only and changes only through ``apply_external``.
    """

    def __init__(
        self,
        file: WorkshopFile | None,
        workshop: Workshop,
        clock: Clock | None = None,
        *,
        read_only_reason: str = "",
        opening: bool = False,
        unread_notes: int = 0,
    ) -> None:
        """``opening``: ``workshop`` is the part of a workshop its first frame needs (``workshop.session.preview``)
        and ``file`` is None: the ledger is not read-only (the screens draw it as the workshop it will be) but
        refuses every change with ``OPENING_MESSAGE`` until the app swaps in the whole workshop. ``unread_notes``
        (opening only): how many live notes of the current stage, older than those ``workshop`` holds, are not
        read yet."""
        self._file = file
        self.opening = opening and file is None
        self.unread_notes = unread_notes if self.opening else 0
        self.ws = workshop
        self.clock: Clock = clock or SystemClock()
        self._read_only_reason = read_only_reason
        self._timers: dict[int, StageTimer] = {}
        self._next_ids = {name: max(getattr(workshop, name), default=0) + 1 for name in records.RECORD_TABLES}
        self._next_ids[records.EVENTS_TABLE] = max((e.id for e in workshop.events), default=0) + 1
        self._publisher = Publisher()
        self._note_ends: dict[int, float] | None = None
        """The largest note position per stage id, built on first use (see ``end_of_stage``)."""
        self._deferring = 0
        self._held: list[_Held] = []
        """Changes in memory whose durability is not known yet, in commit order."""
        self.commits = 0
        """How many commits this ledger made (a held change's ``token``)."""
        self.changes = 0
        """How many times the workshop in memory changed (a commit shown or taken out again, a batch followed
        from another window): what is counted from the workshop is kept while this stays the same."""
        self._refusal_listeners: list[Callable[[str], None]] = []
        self._appliers: list[Applier] = []

    # --- the file --------------------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        if self._file is None:
            return not self.opening
        return self._file.read_only

    @property
    def read_only_reason(self) -> str:
        if self._file is None:
            return self._read_only_reason or "This window follows the workshop and cannot change it."
        return self._file.read_only_reason or ""

    @property
    def path(self) -> Path | None:
        return self._file.path if self._file is not None else None

    def close(self) -> None:
        """Make held changes durable (or refuse them), then close the file."""
        if self._file is not None:
            if self._held:
                try:
                    self._file.sync()
                except StoreError as error:
                    self.refuse(str(error))
                else:
                    self.publish_durable()
            self._file.close()

    @property
    def checkpointing(self) -> bool:
        """True while a checkpoint of the file is being written (in a worker thread, usually)."""
        return self._file is not None and self._file.checkpointing

    def checkpoint(self, *, only_if_due: bool = False) -> bool:
        """Fold the journal into the workshop file (see ``WorkshopSession.checkpoint``); False when there is no
        file, it is read-only or closed, or nothing was due."""
        if self._file is None or self._file.read_only or self._file.closed:
            return False
        try:
            return self._file.checkpoint(only_if_due=only_if_due)
        except StoreError as error:
            raise SessionError(str(error)) from error

    # --- lookups the parts share -----------------------------------------------------------------------

    def stage(self, stage_id: int | None = None) -> Stage:
        """A stage by id, or the current stage; ``NotFoundError`` when there is no such stage."""
        if stage_id is None:
            stage_id = self.ws.current_stage_id
        stage = self.ws.stages.get(stage_id) if stage_id is not None else None
        if stage is None:
            raise NotFoundError("There is no such stage in this workshop.")
        return stage

    def note(self, note_id: int, *, allow_deleted: bool = False) -> Note:
        """A note by id; ``NotFoundError`` when it does not exist or (unless allowed) was deleted."""
        note = self.ws.notes.get(note_id)
        if note is None or (note.deleted and not allow_deleted):
            raise NotFoundError(f"Note #{note_id} does not exist or was deleted.")
        return note

    def participant(self, participant_id: int, *, allow_inactive: bool = False) -> Participant:
        """A participant by id; ``NotFoundError`` when unknown or (unless allowed) removed."""
        p = self.ws.participants.get(participant_id)
        if p is None or (not p.active and not allow_inactive):
            raise NotFoundError(f"Participant {participant_id} is not in this workshop.")
        return p

    def end_of_stage(self, stage_id: int) -> float:
        """The largest position a note on ``stage_id`` has had (``0.0`` for none): a new note goes after it.

        Kept per stage as notes are written, so adding a note does not scan every note of the workshop (it took
        0.38 ms at 300 notes and 1.41 ms at 20,000, issue #14); the first call scans once for every stage. After
        a note leaves a stage the value can stay above every note still there, which still puts the next note
        last.
        """
        if self._note_ends is None:
            ends: dict[int, float] = {}
            for note in self.ws.notes.values():
                if note.position > ends.get(note.stage_id, 0.0):
                    ends[note.stage_id] = note.position
            self._note_ends = ends
        return self._note_ends.get(stage_id, 0.0)

    def warm(self) -> None:
        """Build now what the first change would otherwise build inside its key handler: the per-stage note ends
        of ``end_of_stage`` (one scan of every note: 1 ms at 2,000 notes, 3.5-7 ms at 20,000, measured in the
        first Enter of ``benchmarks/store_bench.py``'s key path). Idempotent."""
        self.end_of_stage(0)

    def _noted(self, record: Record) -> None:
        """Keep ``end_of_stage`` up to date with a note just written."""
        ends = self._note_ends
        if ends is not None and isinstance(record, Note) and record.position > ends.get(record.stage_id, 0.0):
            ends[record.stage_id] = record.position

    def open_ballots(self) -> list[Ballot]:
        return [b for b in self.ws.ballots.values() if b.status == BallotStatus.OPEN]

    def timer(self, stage_id: int | None = None) -> StageTimer:
        """The live timer of a stage (current stage by default), rebuilt from its persisted timestamps."""
        stage = self.stage(stage_id)
        timer = self._timers.get(stage.id)
        if timer is None:
            try:
                timer = StageTimer.restore(stage.timer, stage.minutes * 60, self.clock)
            except TimerError:
                timer = StageTimer(stage.minutes * 60, self.clock)
            self._timers[stage.id] = timer
        return timer

    # --- ids and the one write path --------------------------------------------------------------------

    def new_id(self, table: str) -> int:
        """The next unused id of a table (ids are never reused, even after a failed commit)."""
        value = self._next_ids[table]
        self._next_ids[table] = value + 1
        return value

    def commit(
        self,
        kind: str,
        summary: str,
        changed: Sequence[Record] = (),
        *,
        stage_id: int | None = None,
        data: dict[str, Any] | None = None,
        info: dict[str, Any] | None = None,
        removed: tuple[str, Sequence[int]] | None = None,
        timers: Mapping[int, StageTimer | None] | None = None,
    ) -> Event:
        """Make ``changed`` records, ``info`` fields and the ``removed`` (table, ids) durable with one event of
        ``kind``, then show them in memory, then publish the ``Change``.

        ``timers`` installs live timers (or drops them, with ``None``) for the stages whose timer this change
        sets, before the subscribers hear of it. Raises ``SessionError`` when the workshop is read-only or the
        store cannot write (nothing changes then, on disk or in memory).
        """
        if self.opening:
            raise SessionError(OPENING_MESSAGE)
        if self.read_only:
            raise SessionError(self.read_only_reason or "This workshop is open read-only.")
        assert self._file is not None
        file = self._file
        event = Event(
            id=self._next_ids[records.EVENTS_TABLE],
            at=self.clock.wall(),
            kind=kind,
            summary=summary,
            stage_id=stage_id,
            data=data or {},
        )
        ops: list[Op] = [Op.delete(removed[0], i) for i in removed[1]] if removed else []
        ops += [records.put(r) for r in changed]
        if info:
            ops.append(records.info_op({**self.ws.info(), **info}))
        ops.append(records.put(event))
        try:
            seq = file.write(ops) if self._deferring else file.commit(ops)
        except StoreError as error:
            self._drop_refused(str(error))
            raise SessionError(str(error)) from error
        self._next_ids[records.EVENTS_TABLE] += 1
        undo = self._apply(event, changed, removed, info, timers)
        self.commits += 1
        change = Change(
            event=event,
            changed=tuple(changed),
            removed=tuple((removed[0], i) for i in removed[1]) if removed else (),
            info=tuple(info or ()),
        )
        self._held.append(_Held(seq, self.commits, change, undo))
        if not self._deferring:
            self.publish_durable()
        return event

    def _apply(
        self,
        event: Event,
        changed: Sequence[Record],
        removed: tuple[str, Sequence[int]] | None,
        info: dict[str, Any] | None,
        timers: Mapping[int, StageTimer | None] | None,
    ) -> Callable[[], None]:
        """Show a written change in memory; returns the function that takes it out again."""
        ws = self.ws
        self.changes += 1
        before_info = {name: getattr(ws, name) for name in info or {}}
        before: list[tuple[dict[int, Any], int, Any]] = []
        for name, value in (info or {}).items():
            setattr(ws, name, value)
        if removed:
            table = getattr(ws, removed[0])
            for record_id in removed[1]:
                before.append((table, record_id, table.pop(record_id, _ABSENT)))
        for record in changed:
            table = getattr(ws, records.table_of(record))
            before.append((table, record.id, table.get(record.id, _ABSENT)))
            table[record.id] = record
            self._noted(record)
        ws.events.append(event)
        if self._appliers:
            removed_count = len(removed[1]) if removed else 0
            pairs: list[tuple[Record | None, Record | None]] = [
                (None if old is _ABSENT else old, None) for _t, _i, old in before[:removed_count]
            ]
            pairs += [
                (None if old is _ABSENT else old, record)
                for (_t, _i, old), record in zip(before[removed_count:], changed, strict=True)
            ]
            for applier in self._appliers:
                try:
                    applier(pairs)
                except Exception:  # the change is written and in memory: it must go on to be published
                    log.exception("An on_applied listener failed; what it keeps is found afresh")
        before_timers = {s: self._timers.get(s, _ABSENT) for s in timers or {}}
        for stage_id_, timer in (timers or {}).items():
            if timer is None:
                self._timers.pop(stage_id_, None)
            else:
                self._timers[stage_id_] = timer

        def undo() -> None:
            self.changes += 1
            for stage_id_, old_timer in before_timers.items():
                if old_timer is _ABSENT:
                    self._timers.pop(stage_id_, None)
                else:
                    self._timers[stage_id_] = old_timer
            if ws.events and ws.events[-1] is event:
                ws.events.pop()
            self._next_ids[records.EVENTS_TABLE] = min(self._next_ids[records.EVENTS_TABLE], event.id)
            for table, record_id, old in reversed(before):
                if old is _ABSENT:
                    table.pop(record_id, None)
                else:
                    table[record_id] = old
            for name, value in before_info.items():
                setattr(ws, name, value)

        return undo

    # --- group commit (see the module's docstring and ``workshop.session.group``) ----------------------

    @contextlib.contextmanager
    def deferring(self) -> Iterator[None]:
        """Commits made inside write their journal line without waiting for the disk; their changes are
        published by ``publish_durable`` once a ``sync_file`` covering them returns."""
        self._deferring += 1
        try:
            yield
        finally:
            self._deferring -= 1

    @property
    def unsynced(self) -> bool:
        """True while some change is in memory but not yet published as durable."""
        return bool(self._held)

    def watch(self, token: int, callback: DurableCallback) -> bool:
        """Call ``callback(None)`` once the held change made as commit number ``token`` is durable and published,
        or ``callback(message)`` if the disk refused it; False (nothing registered) if it is not held."""
        for held in self._held:
            if held.token == token:
                held.waiters.append(callback)
                return True
        return False

    def on_applied(self, applier: Applier) -> None:
        """Call ``applier(pairs)`` each time a commit's change is shown in memory (before it is durable or published;
        ``changes`` already counts it): ``pairs`` holds ``(before, after)`` for each record written or removed. For
        what is counted from the workshop and kept up to date change by change (``session.actions.candidates``).
        Nothing else bumps ``changes`` with it (an undo of refused changes, a batch followed from another window):
        whatever is kept must be found afresh when ``changes`` moved on without a call. An ``applier`` that raises is
        logged and the commit goes on (it is already written): keep what it keeps valid only once it has returned."""
        self._appliers.append(applier)

    def on_refused(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Call ``listener(message)`` whenever held changes are refused (``refuse``); returns the unsubscribe."""
        self._refusal_listeners.append(listener)
        return lambda: (
            self._refusal_listeners.remove(listener) if listener in self._refusal_listeners else None
        )

    def sync_file(self) -> bool:
        """Make every journal line written so far durable with one ``fdatasync``; True if some line became durable
        (False: nothing was waiting). Thread-safe: it touches only the store's file, never the workshop in memory
        or the subscribers (``publish_durable`` does that, on the thread that made the changes). Raises
        ``StoreError`` when the disk refuses, ``RuntimeError`` when the file was closed."""
        if self._file is None:
            return False
        before = self._file.durable_seq
        return self._file.sync() != before

    def publish_durable(self) -> None:
        """Publish, in commit order, every held change the store now knows durable, and tell its waiters.

        A listener that raises does not stop the others or the waiters; the first error is raised at the end."""
        if self._file is None:
            return
        durable = self._file.durable_seq
        count = 0
        for held in self._held:
            if held.seq > durable:
                break
            count += 1
        if not count:
            return
        done, self._held = self._held[:count], self._held[count:]
        first_error: BaseException | None = None
        for held in done:
            try:
                self._publisher.publish(held.change)
            except Exception as error:  # the change is durable: carry on telling everyone
                first_error = first_error or error
            for waiter in held.waiters:
                waiter(None)
        if first_error is not None:
            raise first_error

    def refuse(self, message: str) -> None:
        """The disk refused the lines not yet durable: cut them out of the journal, undo their changes in memory
        (newest first), tell their waiters ``message``, then publish one ``follow.reloaded`` change and tell the
        refusal listeners. Changes already durable are published first, as usual."""
        self._drop_refused(message)

    def _drop_refused(self, message: str) -> None:
        """After a store error: publish what is durable, and undo and refuse what the journal no longer holds."""
        if self._file is None:
            return
        if self._file.sync_failed:
            self._file.cut_back()
        written = self._file.written_seq
        with contextlib.suppress(Exception):
            self.publish_durable()
        refused = [held for held in self._held if held.seq > written]
        if not refused:
            return
        self._held = [held for held in self._held if held.seq <= written]
        for held in reversed(refused):
            held.undo()
        for held in refused:
            for waiter in held.waiters:
                waiter(message)
        try:
            self._publisher.publish(
                Change(
                    event=Event(id=0, at=self.clock.wall(), kind=EXTERNAL_RELOAD, summary="Changes not saved")
                )
            )
        finally:
            for listener in list(self._refusal_listeners):
                listener(message)

    # --- subscribers and changes read from elsewhere ---------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(change)`` after every later change is durable and in memory; returns the unsubscribe."""
        return self._publisher.subscribe(listener)

    def apply_external(self, ops: Sequence[Op]) -> Change:
        """Apply one batch of store ops that another process committed (one journal line), then publish it.

        For a read-only session that follows a writer: the ops are applied to the in-memory workshop exactly as
        the writer's ``commit`` applied them (deletes, record puts, the info document, the event-log entry), live
        timers of changed stages are rebuilt from their persisted timestamps, and the resulting ``Change`` is
        published to the subscribers and returned. A batch without an event-log entry (a whole file re-read) is
        published with an event of kind ``"follow.reloaded"`` (never stored). Raises ``SessionError`` on a session that can
        write (its own commits are the only source of its changes) and ``ValueError`` for an op on an unknown
        table.
        """
        if not self.read_only:
            raise SessionError("Only a read-only session follows changes made elsewhere.")
        self.changes += 1
        changed: list[Record] = []
        removed: list[tuple[str, int]] = []
        info: list[str] = []
        events: list[Event] = []
        for op in ops:
            if op.table == records.INFO_TABLE:
                if op.doc is None:
                    continue
                before = self.ws.info()
                after = records.info_from_doc(op.doc, fallback_id=self.ws.id)
                for name in self.ws.INFO_FIELDS:
                    if name in after and after[name] != before[name]:
                        setattr(self.ws, name, after[name])
                        info.append(name)
            elif op.table == records.EVENTS_TABLE:
                if op.doc is not None:
                    events.append(Event.from_dict(op.doc))
            elif op.table in records.RECORD_TABLES:
                table: dict[int, Any] = getattr(self.ws, op.table)
                if op.doc is None:
                    table.pop(op.id, None)
                    removed.append((op.table, op.id))
                else:
                    record = records.RECORD_TABLES[op.table].from_dict(op.doc)
                    table[op.id] = record
                    changed.append(record)
                    self._noted(record)
                if op.table == "stages":
                    self._timers.pop(op.id, None)
            elif not op.table.startswith("_"):
                raise ValueError(f"unknown table {op.table!r} in a journal entry")
        for op in ops:  # the cost of the batch, not of the workshop: a follower applies one per commit
            if op.table in records.RECORD_TABLES and op.doc is not None:
                self._next_ids[op.table] = max(self._next_ids[op.table], op.id + 1)
        events.sort(key=lambda e: e.id)
        log = self.ws.events
        if events and (not log or events[0].id > log[-1].id) and len({e.id for e in events}) == len(events):
            fresh = events  # the usual case: newer than everything shown, in order
        else:
            known = {e.id for e in log}
            fresh = [e for e in events if e.id not in known]
        if fresh:
            log.extend(fresh)
            if len(log) > len(fresh) and log[-len(fresh) - 1].id > fresh[0].id:
                log.sort(key=lambda e: e.id)
            self._next_ids[records.EVENTS_TABLE] = max(self._next_ids[records.EVENTS_TABLE], fresh[-1].id + 1)
        event = (
            fresh[-1]
            if fresh
            else (
                events[-1]
                if events
                else Event(id=0, at=self.clock.wall(), kind=EXTERNAL_RELOAD, summary="Workshop read again")
            )
        )
        change = Change(event=event, changed=tuple(changed), removed=tuple(removed), info=tuple(info))
        self._publisher.publish(change)
        return change
