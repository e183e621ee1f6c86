"""The workshop session: the one API that screens and the CLI call for every change.

Each call validates its input (a ``SessionError`` with a message for the facilitator when it is bad), builds the new
records without touching the in-memory workshop, commits them with an event-log entry to the store (durable on disk
when ``commit`` returns), and only then updates the in-memory state it hands back. A failed write leaves both the
file and the screen as they were.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterable, Sequence
from datetime import date as Date
from typing import Any, Self

from facilitation import catalogue, text
from facilitation.clock import Clock, SystemClock
from facilitation.models import (
    Ballot,
    Event,
    Note,
    Participant,
    Record,
    Stage,
    Workshop,
)
from facilitation.timer import StageTimer, TimerError
from workshop import records
from workshop.session.validation import (
    MAX_STAGE_MINUTES,
    NotFoundError,
    SessionError,
    check,
    checked_text,
    iso_date,
    participant_names,
)
from workshop.store import Op, Store, StoreError, WorkshopFile


def make_workshop_id(title: str, taken: Iterable[str] = ()) -> str:
    """A readable, file-name-safe id: a slug of the title and four random hex digits (``team-offsite-3fa9``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.clean_line(title).lower()).strip("-")[:32].strip("-") or "workshop"
    taken_set = set(taken)
    while True:
        candidate = f"{slug}-{os.urandom(2).hex()}"
        if candidate not in taken_set:
            return candidate


class SessionCore:
    """An open workshop: its in-memory state, the store file it is durable in, and the one write path."""

    def __init__(self, file: WorkshopFile, workshop: Workshop, clock: Clock | None = None) -> None:
        self._file = file
        self._ws = workshop
        self.clock: Clock = clock or SystemClock()
        self._timers: dict[int, StageTimer] = {}
        self._next_ids = {name: max(getattr(workshop, name), default=0) + 1 for name in records.RECORD_TABLES}
        self._next_ids["events"] = max((e.id for e in workshop.events), default=0) + 1

    # --- opening and closing ------------------------------------------------------------------------

    @classmethod
    def open(cls, store: Store, workshop_id: str, *, clock: Clock | None = None, mode: str = "auto") -> Self:
        """Open a workshop by id or unique id prefix; read-only when another window holds it."""
        resolved = store.resolve(workshop_id)
        file = store.open(resolved, mode=mode)
        try:
            workshop = records.workshop_from_tables(file.tables(), fallback_id=resolved)
        except Exception:
            file.close()
            raise
        return cls(file, workshop, clock)

    @classmethod
    def create(
        cls,
        store: Store,
        title: str,
        *,
        organisation: str = "",
        facilitator: str = "",
        participants: Sequence[str] = (),
        template: str | Sequence[catalogue.StageTemplate] = catalogue.DEFAULT_TEMPLATE,
        date: str | None = None,
        clock: Clock | None = None,
    ) -> Self:
        """Create a new workshop file with its agenda, and open it."""
        clock = clock or SystemClock()
        title = checked_text(text.single_line, title, "workshop title", limit=text.MAX_TITLE_CHARS)
        organisation = checked_text(
            text.single_line, organisation, "organisation", limit=text.MAX_TITLE_CHARS, required=False
        )
        facilitator = checked_text(
            text.single_line, facilitator, "facilitator's name", limit=text.MAX_NAME_CHARS, required=False
        )
        names = participant_names(participants)
        if isinstance(template, str):
            found = catalogue.BUILTIN_TEMPLATES.get(template)
            if found is None:
                known = ", ".join(catalogue.BUILTIN_TEMPLATES)
                raise SessionError(
                    f"There is no agenda template called {template!r}. Known templates: {known}."
                )
            template_name, stage_templates = found.name, list(found.stages)
        else:
            template_name, stage_templates = "custom", list(template)
        check(bool(stage_templates), "An agenda needs at least one stage.")
        day = iso_date(date) if date else Date.fromtimestamp(clock.wall()).isoformat()

        now = clock.wall()
        workshop = Workshop(
            id=make_workshop_id(title, store.ids()),
            title=title,
            organisation=organisation,
            facilitator=facilitator,
            date=day,
            created_at=now,
            template=template_name,
        )
        for i, name in enumerate(names, start=1):
            workshop.participants[i] = Participant(id=i, name=name)
        for i, st in enumerate(stage_templates, start=1):
            check(
                1 <= st.minutes <= MAX_STAGE_MINUTES,
                f"Stage {st.title!r}: minutes must be 1–{MAX_STAGE_MINUTES}.",
            )
            workshop.stages[i] = Stage(
                id=i,
                key=st.key,
                title=st.title,
                minutes=st.minutes,
                kind=st.kind,
                purpose=st.purpose,
                prompts=list(st.prompts),
                output=st.output,
                position=i,
                skipped=st.skipped,
            )
        first = workshop.agenda(include_skipped=False)
        workshop.current_stage_id = first[0].id if first else None
        workshop.events.append(
            Event(id=1, at=now, kind="workshop.created", summary=f"Workshop “{title}” created")
        )
        file = store.create(workshop.id)
        try:
            file.commit(records.workshop_to_ops(workshop))
        except Exception:
            file.close()
            store.delete(workshop.id)
            raise
        return cls(file, workshop, clock)

    @classmethod
    def import_workshop(cls, store: Store, workshop: Workshop, *, clock: Clock | None = None) -> Self:
        """Write an already-built workshop (from the JSON interchange) as a new file under a fresh id."""
        clock = clock or SystemClock()
        workshop = copy.deepcopy(workshop)
        workshop.id = make_workshop_id(workshop.title, store.ids())
        next_event = max((e.id for e in workshop.events), default=0) + 1
        workshop.events.append(
            Event(
                id=next_event,
                at=clock.wall(),
                kind="workshop.imported",
                summary="Workshop imported from a file",
            )
        )
        file = store.create(workshop.id)
        try:
            file.commit(records.workshop_to_ops(workshop))
        except Exception:
            file.close()
            store.delete(workshop.id)
            raise
        return cls(file, workshop, clock)

    def close(self) -> None:
        """Compact the journal into the workshop file and release the lock."""
        self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def checkpoint(self) -> None:
        """Compact the journal now (the app calls this when idle, so it never costs a key press)."""
        if not self._file.read_only:
            self._file.checkpoint()

    # --- state -------------------------------------------------------------------------------------

    @property
    def workshop(self) -> Workshop:
        """The current state. Treat it as read-only: every change goes through a session method."""
        return self._ws

    @property
    def read_only(self) -> bool:
        return self._file.read_only

    @property
    def read_only_reason(self) -> str:
        return self._file.read_only_reason or ""

    @property
    def path(self) -> Any:
        return self._file.path

    def stage(self, stage_id: int | None = None) -> Stage:
        """A stage by id, or the current stage."""
        if stage_id is None:
            stage_id = self._ws.current_stage_id
        stage = self._ws.stages.get(stage_id) if stage_id is not None else None
        if stage is None:
            raise NotFoundError("There is no such stage in this workshop.")
        return stage

    def note(self, note_id: int, *, allow_deleted: bool = False) -> Note:
        note = self._ws.notes.get(note_id)
        if note is None or (note.deleted and not allow_deleted):
            raise NotFoundError(f"Note #{note_id} does not exist or was deleted.")
        return note

    def participant(self, participant_id: int, *, allow_inactive: bool = False) -> Participant:
        p = self._ws.participants.get(participant_id)
        if p is None or (not p.active and not allow_inactive):
            raise NotFoundError(f"Participant {participant_id} is not in this workshop.")
        return p

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

    # --- the one write path --------------------------------------------------------------------------

    def _new_id(self, table: str) -> int:
        value = self._next_ids[table]
        self._next_ids[table] = value + 1
        return value

    def _commit(
        self,
        kind: str,
        summary: str,
        changed: Sequence[Record] = (),
        *,
        stage_id: int | None = None,
        data: dict[str, Any] | None = None,
        info: dict[str, Any] | None = None,
        removed: tuple[str, Sequence[int]] | None = None,
    ) -> Event:
        """Make ``changed`` records, ``info`` fields and the ``removed`` (table, ids) durable with one event, then
        show them. The one write path: memory changes only after the store has the change on disk."""
        if self._file.read_only:
            raise SessionError(self.read_only_reason or "This workshop is open read-only.")
        event = Event(
            id=self._next_ids["events"],
            at=self.clock.wall(),
            kind=kind,
            summary=summary,
            stage_id=stage_id,
            data=data or {},
        )
        ops: list[Op] = [Op.delete(removed[0], i) for i in removed[1]] if removed else []
        ops += [records.put(r) for r in changed]
        if info:
            ops.append(records.info_op({**self._ws.info(), **info}))
        ops.append(records.put(event))
        try:
            self._file.commit(ops)
        except StoreError as error:
            raise SessionError(str(error)) from error
        self._next_ids["events"] += 1
        for name, value in (info or {}).items():
            setattr(self._ws, name, value)
        if removed:
            table = getattr(self._ws, removed[0])
            for record_id in removed[1]:
                table.pop(record_id, None)
        for record in changed:
            getattr(self._ws, records.table_of(record))[record.id] = record  # type: ignore[attr-defined]
        self._ws.events.append(event)
        return event

    def _open_ballots(self) -> list[Ballot]:
        return [b for b in self._ws.ballots.values() if b.status == "open"]

    # --- log ---------------------------------------------------------------------------------------

    def log(
        self, kind: str, summary: str, *, stage_id: int | None = None, data: dict[str, Any] | None = None
    ) -> Event:
        """Append a free event to the minutes (an export written, a template saved)."""
        return self._commit(kind, summary, stage_id=stage_id, data=data)
