"""What the first frame of ``workshop open`` needs, and the session that shows it while the rest is read.

The store keeps an opening preview beside each workshop (``workshop.store.preview``), made by
``preview_of_tables`` whenever it checkpoints or closes the workshop: the workshop's own fields, its participants,
its stages, and the newest notes of the stage it is on (``PREVIEW_NOTES``; the list says how many earlier ones
are still being read). ``opening_session`` turns a preview into a ``WorkshopSession``
that the stage screen can draw at once; the app reads the whole workshop after the first frame and swaps it in
(``screens.app``). The opening session refuses every change (``Ledger(opening=True)``): nothing is written before
the whole workshop is in memory, so the journal and the workshop file stay exactly as they are.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Mapping
from numbers import Real
from typing import TYPE_CHECKING, Any

from facilitation.clock import Clock
from facilitation.models import Event, Note, Participant, Stage, Workshop
from workshop import records
from workshop.session.changes import Change
from workshop.session.ledger import EXTERNAL_RELOAD, Ledger
from workshop.session.session import WorkshopSession
from workshop.session.validation import SessionError
from workshop.store import Store

if TYPE_CHECKING:
    from workshop.session.library import WorkshopLibrary

log = logging.getLogger(__name__)

PREVIEW_TABLES = (records.INFO_TABLE, "participants", "stages")
"""Tables a preview holds whole (small whatever the workshop's size); of the notes it holds the current stage's."""

COLUMNS_TABLE = "columns"
"""The preview's table naming the order of a note row's values: ``{"1": {"notes": [field, ...]}}``."""

NOTE_COLUMNS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Note))
"""A note's fields in the order a preview's note row holds their values (the dataclass's own order)."""

_NOTE_FIELDS = frozenset(NOTE_COLUMNS)

PREVIEW_NOTES = 200
"""How many of the current stage's notes a preview holds: the newest, in the stage's display order (position,
then id). The first frame shows the newest notes at the bottom of the list: 200 fill a 200-line terminal with
room to spare, and the list says how many earlier notes are still being read (``EARLIER``). At 20,000 notes
(3,333 on the stage) a preview of all of them cost about 20 ms of CPU before the first frame (decoding, checking
and building 3,333 notes, their 3,333 options, and placing them to reach the newest); the whole stage comes
with the whole workshop, read after the first frame."""

EARLIER = "earlier"
"""The field of the preview's columns document counting the current stage's live notes older than those it holds
(``PREVIEW_NOTES``); missing in a preview that holds them all (written before this field existed)."""


def preview_of_tables(tables: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]] | None:
    """The preview of a workshop from its raw tables (table -> str(doc id) -> document): the tables of
    ``PREVIEW_TABLES`` whole (sharing the documents, no copy) and the newest ``PREVIEW_NOTES`` live notes of the
    current stage, each as a row of its values in ``NOTE_COLUMNS`` order (named by the ``COLUMNS_TABLE``, which
    also counts the stage's live notes left out: ``EARLIER``), or as its document when it does not hold exactly
    those fields; None when the workshop is on no stage (the first frame is then not a stage screen). One pass
    over the notes, and a sort of the stage's when it holds more than ``PREVIEW_NOTES`` (all of them are kept,
    none counted as left out, when a position is not a number: the opening then reads the workshop in full).

    Rows, not documents: at 20,000 notes (3,333 on the stage) the preview's JSON is 0.72 MB instead of 1.21 MB
    and decodes in 3.5 ms of CPU instead of 10.9 (measured on the sandbox, stdlib ``json``), inside the first
    frame of ``workshop open``."""
    info = tables.get(records.INFO_TABLE, {}).get(str(records.INFO_DOC_ID))
    current = info.get("current_stage_id") if isinstance(info, Mapping) else None
    if type(current) is not int or str(current) not in tables.get("stages", {}):
        return None
    preview: dict[str, dict[str, Any]] = {name: dict(tables.get(name, {})) for name in PREVIEW_TABLES}
    live = [
        (key, doc)
        for key, doc in tables.get("notes", {}).items()
        if doc.get("stage_id") == current and doc.get("deleted_at") is None
    ]
    earlier = 0
    if len(live) > PREVIEW_NOTES:
        try:
            live.sort(key=lambda item: (item[1]["position"], int(item[0])))
        except (KeyError, TypeError, ValueError):
            pass  # a position that is not a number: every note, as the opening rejects such a note anyway
        else:
            earlier = len(live) - PREVIEW_NOTES
            live = live[earlier:]
    preview["notes"] = {
        key: [doc[name] for name in NOTE_COLUMNS] if doc.keys() == _NOTE_FIELDS else doc for key, doc in live
    }
    preview[COLUMNS_TABLE] = {"1": {"notes": list(NOTE_COLUMNS), EARLIER: earlier}}
    return preview


_AT = {name: index for index, name in enumerate(NOTE_COLUMNS)}
_STAGE, _DELETED, _TEXT, _AUTHOR = _AT["stage_id"], _AT["deleted_at"], _AT["text"], _AT["author_id"]
_POSITION, _CO_AUTHORS, _MARK = _AT["position"], _AT["co_author_ids"], _AT["mark"]


def _notes(docs: Mapping[int, Any], columns: Any, current: Any) -> dict[int, Note]:
    """The preview's notes by id from their rows (values in ``columns`` order) or documents; ``ValueError`` when a
    row does not fit (the columns are not this version's ``NOTE_COLUMNS``, a row has another length) or is not
    a note of the ``current`` stage that the stage screen can draw as the whole workshop's (``_note_problem``;
    on a row, its checks are made on the values as they are read: one pass over the 3,333 notes of a
    20,000-note workshop's stage instead of building them, then checking them).

    The row checks are ``_note_problem``'s for values decoded from JSON, where a number is an ``int``, a
    ``float`` or a ``bool`` and nothing else: a position is a number and not a ``bool``, an author ``None`` or
    an ``int`` (``bool`` included, as ``isinstance`` has it), co-authors a list of exact ``int``."""
    rows = columns == list(NOTE_COLUMNS)
    notes: dict[int, Note] = {}
    width = len(NOTE_COLUMNS)
    new = Note.__new__
    for note_id, doc in docs.items():
        if isinstance(doc, dict):
            note = notes[note_id] = Note.from_dict(doc)
            if _note_problem(note, current):
                raise ValueError(f"note {note_id!r}")
            continue
        if not (rows and len(doc) == width):
            raise ValueError(f"note {note_id!r}: a row that does not fit the columns {columns!r}")
        author, co_authors = doc[_AUTHOR], doc[_CO_AUTHORS]
        if not (
            doc[_STAGE] == current
            and doc[_DELETED] is None
            and type(doc[_TEXT]) is str
            and (author is None or isinstance(author, int))
            and type(doc[_POSITION]) in (int, float)
            and type(co_authors) is list
            and (not co_authors or all(type(i) is int for i in co_authors))
        ):
            raise ValueError(f"note {note_id!r}")
        # What ``Note.from_dict`` does for a document holding every field, without building the document.
        note = notes[note_id] = new(Note)
        note.__dict__.update(zip(NOTE_COLUMNS, doc, strict=True))
        if doc[_MARK] is not None:
            notes[note_id] = Note.from_dict(note.__dict__)  # turns the stored mark into its enum member
    return notes


def _optional(value: Any, kind: type | tuple[type, ...]) -> bool:
    return value is None or isinstance(value, kind)


def _number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _shown_fields_problem(workshop: Workshop) -> str | None:
    """Why the preview's workshop, participants or stages could not be drawn as the full workshop's would (a
    field of the wrong type in what the stage screen shows), or None; its notes are checked as they are read
    (``_notes``). The whole workshop is checked by being read; a preview is only a cache, so anything odd in it
    sends start-up to the full read."""
    if not isinstance(workshop.title, str) or workshop.current_stage_id not in workshop.stages:
        return "no current stage"
    for p in workshop.participants.values():
        if not (isinstance(p, Participant) and isinstance(p.name, str) and isinstance(p.active, bool)):
            return f"participant {p.id!r}"
    for s in workshop.stages.values():
        if not (
            isinstance(s, Stage)
            and isinstance(s.title, str)
            and type(s.minutes) is int
            and isinstance(s.purpose, str)
            and isinstance(s.output, str)
            and isinstance(s.prompts, list)
            and all(isinstance(q, str) for q in s.prompts)
            and _number(s.position)
            and isinstance(s.skipped, bool)
            and isinstance(s.timer, dict)
        ):
            return f"stage {s.id!r}"
    return None


def _note_problem(n: Any, current: int | None) -> bool:
    """True if ``n`` is not a note of the ``current`` stage that the stage screen can draw."""
    return not (
        isinstance(n, Note)
        and n.stage_id == current
        and n.deleted_at is None
        and isinstance(n.text, str)
        and _optional(n.author_id, int)
        and _number(n.position)
        and isinstance(n.co_author_ids, list)
        and all(type(i) is int for i in n.co_author_ids)
    )


def opening_session(store: Store, workshop_id: str, *, clock: Clock | None = None) -> WorkshopSession | None:
    """A session over the workshop's opening preview, ready for its first frame, or None when there is no
    preview that describes the workshop's files as they are now (missing, stale, damaged, foreign): then open it
    in full. Never raises. The session refuses every change (``SessionError``: still opening) and holds no
    file and no lock; ``workshop_id`` is a full id (``Store.resolve``). It holds the current stage's newest
    notes, and counts the earlier ones it does not hold (``WorkshopSession.unread_notes``)."""
    try:
        tables = store.read_preview(workshop_id)
        if tables is None:
            return None
        if set(tables) - {*PREVIEW_TABLES, "notes", COLUMNS_TABLE}:
            return None
        layout = tables.pop(COLUMNS_TABLE, {}).get(1, {})
        columns, earlier = layout.get("notes"), layout.get(EARLIER, 0)
        if type(earlier) is not int or earlier < 0:
            raise ValueError(f"{EARLIER} {earlier!r}")
        docs = tables.pop("notes", {})
        workshop = records.workshop_from_tables(tables, fallback_id=workshop_id)
        workshop.notes = _notes(docs, columns, workshop.current_stage_id)
        problem = "another workshop's" if workshop.id != workshop_id else _shown_fields_problem(workshop)
    except Exception as error:  # whatever a damaged or hostile cache holds, start-up reads the workshop instead
        log.info("ignoring the opening preview of %s: %s", workshop_id, error)
        return None
    if problem:
        log.info("ignoring the opening preview of %s: %s", workshop_id, problem)
        return None
    return WorkshopSession(Ledger(None, workshop, clock, opening=True, unread_notes=earlier))


def read_in_full(session: WorkshopSession) -> Change:
    """The change that tells every screen drawn from a preview to redraw from ``session``, the whole workshop
    that replaces it: kind ``follow.reloaded`` (``EXTERNAL_RELOAD``, never stored), nothing in ``changed``."""
    return Change(Event(id=0, at=session.clock.wall(), kind=EXTERNAL_RELOAD, summary="Workshop read in full"))


class FullOpen:
    """Reads a whole workshop in a thread (``WorkshopLibrary.open``) while the app shows its preview.

    ``start`` returns at once; when the read is done, ``done`` is called *in the thread* (the app posts itself a
    message from it) and ``take`` on the app's thread returns the open session, or the ``SessionError`` saying
    why it could not be opened. ``abandon`` (the window closes first) closes the session as soon as it exists,
    so its lock is never left held; the thread is not a daemon, so a process that exits meanwhile waits for it
    to finish and close rather than cutting it off half-way.
    """

    def __init__(self, library: WorkshopLibrary, workshop_id: str, done: Callable[[], None]) -> None:
        self.workshop_id = workshop_id
        self._library = library
        self._done = done
        self._lock = threading.Lock()
        self._result: WorkshopSession | SessionError | None = None
        self._abandoned = False
        self._thread = threading.Thread(target=self._run, name=f"open {workshop_id}")

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        result: WorkshopSession | SessionError
        try:
            result = self._library.open(self.workshop_id)
        except SessionError as error:
            result = error
        except Exception as error:  # a bug must not leave the window waiting for ever: say it, log it
            log.exception("could not open %s", self.workshop_id)
            result = SessionError(f"Could not open the workshop {self.workshop_id}: {error}")
        with self._lock:
            wanted = not self._abandoned
            if wanted:
                self._result = result
        if wanted:
            self._done()
        elif isinstance(result, WorkshopSession):
            result.close()

    def take(self) -> WorkshopSession | SessionError | None:
        """The result, once (None before ``done`` was called, after ``abandon``, or on a second call)."""
        with self._lock:
            result, self._result = self._result, None
            return result

    def abandon(self) -> None:
        """The result is no longer wanted: close it now if it is there, or as soon as it is."""
        with self._lock:
            self._abandoned = True
            result, self._result = self._result, None
        if isinstance(result, WorkshopSession):
            result.close()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the read to finish (tests; the process's exit waits anyway)."""
        self._thread.join(timeout)
