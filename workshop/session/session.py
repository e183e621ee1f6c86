"""``WorkshopSession``: an open workshop, composed of parts over one ledger.

``session.agenda``, ``session.participants``, ``session.timer``, ``session.notes``, ``session.votes``,
``session.actions`` and ``session.readiness`` each hold one concern's mutators; all write through the same
``Ledger`` (``workshop/session/ledger.py``), which owns the ids and the one write path and publishes a ``Change``
for every commit to the listeners registered with ``session.subscribe``.
"""

from __future__ import annotations

import copy
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date as Date
from pathlib import Path
from typing import Any, Self

from facilitation import catalogue, text
from facilitation.clock import Clock, SystemClock
from facilitation.models import Event, Note, Participant, Stage, Workshop
from workshop import records
from workshop.memory import collections_held
from workshop.session.actions import Actions
from workshop.session.agenda import Agenda
from workshop.session.ballots import Votes
from workshop.session.changes import Change, Listener
from workshop.session.group import GroupCommit
from workshop.session.ledger import Ledger
from workshop.session.notes import Notes
from workshop.session.participants import Participants
from workshop.session.readiness import Readiness
from workshop.session.timer import Timer
from workshop.session.validation import (
    MAX_STAGE_MINUTES,
    SessionError,
    check,
    checked_text,
    iso_date,
    participant_names,
)
from workshop.store import Op, Store
from workshop.store.file import Mode

log = logging.getLogger(__name__)


def make_workshop_id(title: str, taken: Iterable[str] = ()) -> str:
    """A readable, file-name-safe id: a slug of the title and four random hex digits (``team-offsite-3fa9``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.clean_line(title).lower()).strip("-")[:32].strip("-") or "workshop"
    taken_set = set(taken)
    while True:
        candidate = f"{slug}-{os.urandom(2).hex()}"
        if candidate not in taken_set:
            return candidate


class WorkshopSession:
    """An open workshop. Every mutator returns only after the change is durable on disk, and publishes it.

    Reads: ``workshop`` (the state; treat as read-only), ``stage``, ``note``, ``participant``. Changes go through
    the parts: ``agenda``, ``participants``, ``timer``, ``notes``, ``votes``, ``actions``, ``readiness``.
    ``group`` runs mutator calls with group commit from the event loop (``await session.group.commit(call)``,
    ``session.group.soon(call)``): one ``fdatasync`` in a worker thread for changes made close together, each
    published (and its caller told) only once durable (see ``workshop.session.group``).
    """

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self.agenda = Agenda(ledger)
        self.participants = Participants(ledger)
        self.timer = Timer(ledger, self.agenda)
        self.notes = Notes(ledger)
        self.votes = Votes(ledger)
        self.actions = Actions(ledger)
        self.readiness = Readiness(ledger)
        self.group = GroupCommit(ledger)

    # --- opening and closing ------------------------------------------------------------------------

    @classmethod
    def open(cls, store: Store, workshop_id: str, *, clock: Clock | None = None, mode: Mode = "auto") -> Self:
        """Open a workshop by id or unique id prefix; read-only when another window holds it.

        Raises the store's errors (``WorkshopNotFoundError``, ``DamagedFileError`` …); ``WorkshopLibrary.open``
        turns them into ``SessionError``s. Reads with the collector held (``workshop.memory.collections_held``).
        """
        resolved = store.resolve(workshop_id)
        with collections_held():  # one hold over the file and the models (workshop.memory)
            file = store.open(resolved, mode=mode)
            try:
                workshop = records.workshop_from_tables(file.tables(), fallback_id=resolved)
            except Exception:
                file.close()
                raise
            return cls(Ledger(file, workshop, clock))

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
        """Create a new workshop file with its agenda (a built-in template's name, or stage templates), and open it.

        Refuses (``SessionError``) a bad title, names or date, an unknown template, an empty agenda and stage
        minutes outside 1–``MAX_STAGE_MINUTES``. Durable on return (one ``workshop.created`` event).
        """
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
        return cls._write_new(store, workshop, clock)

    @classmethod
    def import_workshop(cls, store: Store, workshop: Workshop, *, clock: Clock | None = None) -> Self:
        """Write an already-built workshop (from the JSON interchange) as a new file under a fresh id, and open it.

        Durable on return, written as the file's snapshot (its journal empty): left as one journal entry of the
        whole workshop (11 MB at 20,000 notes), it was folded into a snapshot by the app's first idle moment after
        opening it, a checkpoint of about 130 ms of CPU in a worker thread while the facilitator opened their
        first screens (each then took up to twice as long: ``benchmarks/screens_bench.py``). If that snapshot
        cannot be written, the import stands in the journal (a warning is logged; the app folds it in later).
        Raises the store's errors as ``_write_new`` does."""
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
        session = cls._write_new(store, workshop, clock)
        try:
            session.checkpoint()
        except SessionError as error:
            log.warning("the imported workshop stays in its journal until the next checkpoint: %s", error)
        return session

    @classmethod
    def _write_new(cls, store: Store, workshop: Workshop, clock: Clock) -> Self:
        """Create ``workshop``'s file, make the whole workshop durable in it, and open it; on a failed write the
        half-made file is deleted and the store's error propagates."""
        file = store.create(workshop.id)
        try:
            file.commit(records.workshop_to_ops(workshop))
        except Exception:
            file.close()
            store.delete(workshop.id)
            raise
        return cls(Ledger(file, workshop, clock))

    @classmethod
    def following(cls, workshop: Workshop, *, clock: Clock | None = None, reason: str = "") -> Self:
        """A read-only session over a workshop read elsewhere, changed only by ``apply_external``.

        For a window that follows another process's journal (``workshop present``): it holds no file and no lock,
        and every mutator refuses with ``SessionError(reason)``.
        """
        return cls(Ledger(None, workshop, clock, read_only_reason=reason))

    def close(self) -> None:
        """Release the workshop at once: every change is already durable in its journal, which the next open
        replays; a checkpoint running in a worker is stopped, not waited for."""
        self.group.close()
        self._ledger.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def checkpoint(self, *, only_if_due: bool = False) -> bool:
        """Fold the journal into the workshop file; True if a new snapshot was written. The app calls this from
        a worker thread when idle (``only_if_due=True``: only once the journal has grown enough, see
        ``WorkshopFile.checkpoint_due``); commits made meanwhile are never held up by it. A failed write loses
        nothing (the journal holds every change): ``SessionError`` says why."""
        return self._ledger.checkpoint(only_if_due=only_if_due)

    def warm(self) -> None:
        """Prepare for the first key: build what the first change would otherwise build inside its key handler,
        the per-stage note ends (``Ledger.warm``) and the group commit's sync thread (``GroupCommit.warm``), and
        what the action plan's first open would otherwise count: its candidates, with every stage's latest
        revealed vote ranked and the marked notes found (``session.actions.candidates``; kept from then on while
        no change can alter them: at 20,000 notes with five votes revealed before records were kept, about 12 ms
        of CPU that the plan's first open paid), and the live notes per stage the summary counts
        (``session.notes.live_counts``: one pass over every note, about 3 ms at 20,000), and which dots came
        from phones (``votes.device_voters``: one pass over every event, which the vote set-up's first open
        paid). The app calls it when first idle after the whole workshop is in; cheap when already done;
        nothing for a read-only or still-opening session."""
        if not self.read_only and not self.opening:
            self._ledger.warm()
            self.group.warm()
            self.actions.candidates(self.votes.ranking)
            self.notes.live_counts()
            self.votes.device_voters  # noqa: B018 - builds the state every vote rule reads, kept from then on

    @property
    def checkpointing(self) -> bool:
        """True while a checkpoint is being written (by ``checkpoint``, in any thread)."""
        return self._ledger.checkpointing

    # --- state -------------------------------------------------------------------------------------

    @property
    def workshop(self) -> Workshop:
        """The current state. Treat it as read-only: every change goes through a session part."""
        return self._ledger.ws

    @property
    def clock(self) -> Clock:
        return self._ledger.clock

    @property
    def read_only(self) -> bool:
        return self._ledger.read_only

    @property
    def opening(self) -> bool:
        """True for a session over a workshop's opening preview (``workshop.session.preview``): it holds only what
        the first frame shows (the current stage's notes, the agenda, the participants), is not read-only, and
        refuses every change until the app swaps in the whole workshop."""
        return self._ledger.opening

    def unread_notes(self, stage_id: int | None) -> int:
        """How many live notes of ``stage_id`` this session does not hold yet: for a session still opening from
        a preview (``opening``), the current stage's notes older than the newest ones the preview holds
        (``workshop.session.preview.PREVIEW_NOTES``), which come with the whole workshop; else 0."""
        ledger = self._ledger
        if not ledger.opening or stage_id is None or stage_id != ledger.ws.current_stage_id:
            return 0
        return ledger.unread_notes

    @property
    def read_only_reason(self) -> str:
        return self._ledger.read_only_reason

    @property
    def path(self) -> Path | None:
        """The workshop file (``None`` for a session that follows another process)."""
        return self._ledger.path

    def stage(self, stage_id: int | None = None) -> Stage:
        """A stage by id, or the current stage; ``NotFoundError`` when there is no such stage."""
        return self._ledger.stage(stage_id)

    def note(self, note_id: int, *, allow_deleted: bool = False) -> Note:
        """A note by id; ``NotFoundError`` when it does not exist or (unless allowed) was deleted."""
        return self._ledger.note(note_id, allow_deleted=allow_deleted)

    def participant(self, participant_id: int, *, allow_inactive: bool = False) -> Participant:
        """A participant by id; ``NotFoundError`` when unknown or (unless allowed) removed."""
        return self._ledger.participant(participant_id, allow_inactive=allow_inactive)

    # --- changes -----------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(change)`` once per later change, after it is durable on disk and in memory, on the
        thread that made it; returns a function that unsubscribes (see ``workshop.session.changes``)."""
        return self._ledger.subscribe(listener)

    def apply_external(self, ops: Sequence[Op]) -> Change:
        """Apply one journal entry written by another process and publish it (see ``Ledger.apply_external``).

        Only for a read-only session (``SessionError`` otherwise); returns the published ``Change``.
        """
        return self._ledger.apply_external(ops)

    def log(
        self, kind: str, summary: str, *, stage_id: int | None = None, data: dict[str, Any] | None = None
    ) -> Event:
        """Append a free event to the minutes (an export written, a template saved).

        Refuses a read-only workshop (``SessionError``). Durable on return; publishes an event of ``kind``.
        """
        return self._ledger.commit(kind, summary, stage_id=stage_id, data=data)
