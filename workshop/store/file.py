"""``WorkshopFile``: one workshop on disk, held in memory while it is open.

Files in the data folder for workshop ``<id>``::

    <id>.json              TinyDB snapshot; ``_meta`` doc 1 = {"schema_version", "journal_seq"}
    <id>.journal           changes since the snapshot, one fsynced JSON line per commit
    <id>.json.bak1..bak5   the previous snapshots, newest first
    .<id>.lock             single-writer lock (``workshop.store.lock``)
    .<id>.owner            pid/host of the writer, for the "open in another window" message
    .<id>.json.tmp-<rand>  a snapshot (or owner file, backup copy) being written, under an unpredictable name;
                           left over only by a crash and removed by the next writer
    <id>.json.damaged-<t>  a damaged file set aside by ``restore_backup`` (and ``<id>.journal.damaged-<t>``)

The durable state is always "snapshot + journal lines with seq > snapshot's journal_seq". ``commit`` appends a
line and fsyncs it before returning (the acknowledgement), and never does more: it costs the size of the change.
``checkpoint`` (the app runs it in a worker when idle, never in a key handler) copies the tables' dicts under the
mutex, then *without holding it* encodes them, writes a new snapshot beside the old one, fsyncs, renames it over
and fsyncs the folder, while commits keep appending to the journal; only then, holding the journal's write lock
(not the mutex: a commit's ``write`` never waits for the file system), it empties the journal if the snapshot holds
all of it (if commits landed meanwhile, the journal is kept whole: replay skips
the lines the snapshot holds, and the next checkpoint empties it). A crash at any point leaves a state that opens, and it contains every acknowledged commit. Neither
opening nor closing checkpoints: a journal left behind is replayed on the next open, which is cheap.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Literal

from workshop.memory import collections_held
from workshop.store import schema
from workshop.store.errors import (
    DamagedFileError,
    DataDirError,
    LinkRefusedError,
    NewerSchemaError,
    ReadOnlyError,
    StoreError,
    StoreWriteError,
    WorkshopExistsError,
    WorkshopNotFoundError,
)
from workshop.store.fsutil import (
    LinkFound,
    existing_backups,
    fsync_dir,
    link_or_copy,
    read_bytes,
    rotate_backups,
    write_atomically,
    write_temp,
)
from workshop.store.index import Entry, LibraryIndex, Summariser, identity
from workshop.store.journal import JournalContents, JournalDamage, JournalWriter, loads_strict, parse_journal
from workshop.store.lock import LockHeld, WriterLock
from workshop.store.ops import (
    META_TABLE,
    PUT,
    Op,
    Stopped,
    encode,
    encode_entry,
    encode_table_parts,
    encode_tables,
)
from workshop.store.preview import Previewer, is_fresh, write_preview

log = logging.getLogger(__name__)

Mode = Literal["auto", "write", "read"]
RawTables = dict[str, dict[str, Any]]
"""TinyDB's layout: table -> str(doc id) -> doc."""
Tables = dict[str, dict[int, dict[str, Any]]]
"""The read view: table -> int doc id -> doc."""

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
"""Workshop ids name files: letters, digits, ``-`` and ``_`` only, so no id can reach outside the folder or
collide with another workshop's journal, backup or temp names."""


def check_workshop_id(workshop_id: str) -> str:
    if not isinstance(workshop_id, str) or not ID_PATTERN.fullmatch(workshop_id):
        raise ValueError(
            f"invalid workshop id {workshop_id!r}: use 1-100 letters, digits, '-' or '_', starting with a "
            "letter or digit"
        )
    return workshop_id


def workshop_id_of(path: Path) -> str:
    if path.suffix != ".json":
        raise ValueError(f"a workshop file name ends in .json: {path}")
    return check_workshop_id(path.name[: -len(".json")])


def journal_path(path: Path) -> Path:
    return path.with_name(f"{workshop_id_of(path)}.journal")


def lock_path(path: Path) -> Path:
    return path.with_name(f".{workshop_id_of(path)}.lock")


def owner_path(path: Path) -> Path:
    return path.with_name(f".{workshop_id_of(path)}.owner")


def temp_prefix(path: Path) -> str:
    """Every temporary file of this workshop starts with this (so one scan cleans them all)."""
    return f".{path.name}.tmp-"


def _temp_prefix(path: Path, kind: str = "") -> Path:
    """Where this workshop's temporary files go; ``fsutil.write_temp`` adds an unpredictable ending."""
    return path.with_name(f"{temp_prefix(path)}{kind}")


def _reason(e: OSError) -> str:
    return e.strerror or str(e)


def _write_error(path: Path, e: OSError) -> StoreError:
    if isinstance(e, LinkFound):
        return LinkRefusedError(e.filename)
    return StoreWriteError(f"Could not save to {path}: {_reason(e)}. Nothing was changed.")


# --- reading ---------------------------------------------------------------------------------------------


def _is_int_key(key: str) -> bool:
    body = key[1:] if key[:1] == "-" else key
    return body.isascii() and body.isdigit() and str(int(key)) == key


def _shape_problem(raw: Any) -> str | None:
    """Why ``raw`` is not a workshop snapshot, or None. Cheap next to parsing the JSON."""
    if not isinstance(raw, dict):
        return "it does not hold a set of tables"
    for name, table in raw.items():
        if not isinstance(table, dict):
            return f"table {name!r} is not a set of records"
        for key, doc in table.items():
            if not _is_int_key(key):
                return f"table {name!r} has a record id {key!r} that is not a whole number"
            if not isinstance(doc, dict):
                return f"record {name} #{key} is not an object"
    meta = raw.get(META_TABLE)
    if not isinstance(meta, dict) or not isinstance(meta.get("1"), dict):
        return "it has no _meta record, so it is not a Six Disciplines workshop file"
    version = meta["1"].get("schema_version")
    seq = meta["1"].get("journal_seq")
    if type(version) is not int or version < 1 or type(seq) is not int or seq < 0:
        return "its _meta record is invalid"
    return None


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None if it does not exist; a link is refused (``LinkRefusedError``), other read
    errors become a ``StoreError``."""
    try:
        return read_bytes(path)
    except FileNotFoundError:
        return None
    except LinkFound:
        raise LinkRefusedError(path) from None
    except OSError as e:
        raise StoreError(f"Could not read {path}: {_reason(e)}.") from e


def _parse_snapshot(path: Path, data: bytes, damaged_path: Path | None = None) -> RawTables:
    """Parse and check a snapshot's bytes; damage is reported against ``damaged_path`` (default: ``path``)."""
    where = damaged_path or path
    try:
        raw = loads_strict(data)
    except ValueError as e:
        raise DamagedFileError(where, existing_backups(path), f"not valid JSON: {e}") from None
    problem = _shape_problem(raw)
    if problem:
        raise DamagedFileError(where, existing_backups(path), problem)
    version = raw[META_TABLE]["1"]["schema_version"]
    if version > schema.SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{where} was written by a newer version of Six Disciplines Workshop (schema {version}); "
            f"this version reads up to schema {schema.SCHEMA_VERSION}."
        )
    return raw


def apply_raw(data: RawTables, ops: Sequence[Op]) -> None:
    """Apply ops to raw tables (used by replay; ``commit`` also keeps the int-keyed view)."""
    for op in ops:
        table = data.setdefault(op.table, {})
        if op.kind == PUT:
            table[str(op.id)] = op.doc
        else:
            table.pop(str(op.id), None)


def build_view(data: RawTables) -> Tables:
    """The int-keyed read view over raw tables; it shares the document objects, so it costs only the dicts."""
    return {
        name: {int(k): doc for k, doc in table.items()} for name, table in data.items() if name != META_TABLE
    }


@dataclass(slots=True)
class _Unsynced:
    """A journal line queued by ``write`` and not yet known durable: its seq, its bytes, its ops, and where it
    ends in the journal once ``sync`` has written it (-1 before)."""

    seq: int
    line: bytes
    ops: list[Op]
    end: int = -1


@dataclass
class _Loaded:
    """A workshop file as read from disk: its tables, how far the journal was folded in, and the journal."""

    data: RawTables
    seq: int
    """The last journal seq contained in ``data``."""
    journal: JournalContents
    migrated_from: int | None


def load_state(path: Path) -> _Loaded:
    """Snapshot + journal replay (+ migration), in memory only: never writes, never locks.

    The journal is read *before* the snapshot: if a writer checkpoints in between, the newer snapshot already
    contains those lines (their seq is skipped), so a lock-free reader never misses a change. Runs with the
    collector held (``workshop.memory.collections_held``): every object it makes is kept.
    """
    with collections_held():
        return _load_state(path)


def _load_state(path: Path) -> _Loaded:
    journal_bytes = _read_bytes(journal_path(path)) or b""
    main = _read_bytes(path)
    if main is None:
        raise WorkshopNotFoundError(f"No workshop file {path}.")
    data = _parse_snapshot(path, main)
    try:
        journal = parse_journal(journal_bytes)
    except JournalDamage as e:
        raise DamagedFileError(
            path, existing_backups(path), f"its journal {journal_path(path).name}: {e}"
        ) from None
    meta = data[META_TABLE]["1"]
    version: int = meta["schema_version"]
    base: int = meta["journal_seq"]
    seq = base
    for entry_seq, ops in journal.entries:
        if entry_seq > base:
            apply_raw(data, ops)
            seq = max(seq, entry_seq)
    migrated_from = None
    if version < schema.SCHEMA_VERSION:
        tables = schema.migrate({k: v for k, v in data.items() if k != META_TABLE}, version)
        problem = _shape_problem({**tables, META_TABLE: {"1": meta}})
        if problem:
            raise ValueError(f"migration from schema {version} produced bad data: {problem}")
        data = {**tables, META_TABLE: {"1": {**meta, "schema_version": schema.SCHEMA_VERSION}}}
        migrated_from = version
    return _Loaded(data, seq, journal, migrated_from)


def read_tables(path: Path) -> Tables:
    """A workshop's current tables without locking or writing (listing, ``show`` of a file another window holds)."""
    return build_view(load_state(Path(path)).data)


# --- locking ---------------------------------------------------------------------------------------------


def _owner_info(path: Path) -> Any:
    """The owner file's contents (read without following a link); ``OSError``/``ValueError`` if unreadable."""
    return json.loads(read_bytes(owner_path(path)).decode("utf-8"))


def _owner_text(path: Path) -> str:
    """Who holds the lock, for messages: "(pid 1234)", from the owner file the writer left."""
    try:
        info = _owner_info(path)
        pid = int(info["pid"])
        host = str(info.get("host", ""))
    except (OSError, ValueError, KeyError, TypeError):
        return "(pid unknown)"
    if host and host != socket.gethostname():
        return f"(pid {pid} on {host})"
    return f"(pid {pid})"


def owner_text(path: Path) -> str:
    """Who holds the workshop's lock, for messages: ``(pid 1234)``, ``(pid 1234 on laptop-2)`` for another
    machine's window on a shared folder, or ``(pid unknown)``; read from the owner file the writer leaves beside
    the lock (the lock itself cannot say), without taking the lock."""
    return _owner_text(path)


def _held_by_us(path: Path) -> bool:
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        info = _owner_info(path)
        return int(info["pid"]) == os.getpid() and info.get("host") == socket.gethostname()
    return False


def _write_owner(path: Path) -> None:
    """Leave our pid beside the lock: the lock itself cannot say who holds it."""
    info = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
    with contextlib.suppress(
        OSError
    ):  # a rename: a link at the owner file's name is replaced, never followed
        write_atomically(
            owner_path(path), json.dumps(info).encode(), _temp_prefix(path, "owner-"), sync=False
        )


def _remove_owner(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(owner_path(path))


def _busy_message(path: Path, consequence: str) -> str:
    if _held_by_us(path):
        return f"{path} is already open in this window; {consequence}."
    return f"{path} is open in another Six Disciplines window {_owner_text(path)}; {consequence}."


def acquire_lock(path: Path) -> WriterLock:
    """Take the workshop's writer lock without waiting. Raises ``LockHeld`` if held, ``OSError`` if the
    lock file cannot be created."""
    return WriterLock.acquire(lock_path(path))


def _release(lock: WriterLock | None) -> None:
    if lock is not None:
        with contextlib.suppress(OSError):
            lock.release()


def _unique(path: Path) -> Path:
    candidate, n = path, 1
    while os.path.lexists(candidate):
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


# --- the open workshop -----------------------------------------------------------------------------------


class WorkshopFile:
    """An open workshop: its tables in memory, its journal open for appends, its lock held (unless read-only).

    Use ``WorkshopFile.open(...)`` (or ``Store``), then ``commit`` batches of ``Op`` (or ``write`` them and
    ``sync``: the group commit); read with ``tables()`` / ``table(name)``. The snapshot it writes is a plain TinyDB
    database (``TinyDB(path, access_mode="r")`` opens and queries it), but no TinyDB code runs here: TinyDB would
    re-read and rewrite the whole file per operation. Threads: commits are serialised by the internal mutex, reads
    are plain dict reads on the committing thread, and ``checkpoint`` may run in another thread at the same time
    (it holds the mutex only to copy the tables' dicts and to shorten the journal).
    """

    CHECKPOINT_ENTRIES: ClassVar[int] = 2000
    """A checkpoint is due (``checkpoint_due``) after this many commits..."""
    CHECKPOINT_BYTES: ClassVar[int] = 4 * 1024 * 1024
    """...or once the journal is this big, whichever comes first. Both bound what the next open replays."""
    ENCODE_CHUNK: ClassVar[int] = 100
    """Documents encoded per ``json.dumps`` call while writing a snapshot: the C encoder holds the GIL for a
    whole call, so small calls let the app's thread run in between (a key handler never waits a whole snapshot)."""
    CHUNK_PAUSE: ClassVar[float] = 0.0002
    """Seconds a checkpoint running in a worker thread sleeps between two chunks, with the GIL released. Without
    it the worker holds the GIL almost all the time it encodes, and a key handler that needs it waits for
    Python's switch interval (5 ms) each time, or far longer when the system pauses the worker while it holds
    the GIL on a busy machine (measured: key handlers of 0.5 ms CPU waiting 20-45 ms, and up to 205 ms)."""

    def __init__(self, path: Path, lock: WriterLock | None, read_only_reason: str | None) -> None:
        """Internal: use ``WorkshopFile.open``."""
        self.path = path
        self.index: LibraryIndex | None = None
        """Where to keep this workshop's summary (``Store`` sets it with ``summarise``); None: nowhere."""
        self.summarise: Summariser | None = None
        self.preview: Previewer | None = None
        """Picks what the first frame of ``workshop open`` needs (``workshop.store.preview``); ``Store`` sets it
        with ``summarise``. None: no preview is kept, start-up reads the whole workshop."""
        self.workshop_id = workshop_id_of(path)
        self.read_only = lock is None
        self.read_only_reason = read_only_reason
        self._lock = lock
        self._journal: JournalWriter | None = None
        self._mutex = threading.RLock()
        """Held by ``commit`` and anything that changes the journal or the in-memory tables."""
        self._snapshotting = threading.Lock()
        """Held while a snapshot is written (one at a time). Always taken before ``_mutex``, never inside it."""
        self._closing = False
        self._closed = False
        self._broken: str | None = None
        self._data: RawTables = {}
        self._view: Tables = {}
        self._seq = 0
        """The last journal seq that is durable and applied to the in-memory tables."""
        self._entries = 0
        """Durable journal lines (commits) not yet known to be in the snapshot."""
        self._journal_bytes = 0
        self._written_seq = 0
        """The last journal seq written (``write``), durable or not; equals ``_seq`` when nothing waits."""
        self._unsynced: list[_Unsynced] = []
        """Lines written but not yet known durable, in journal order (see ``write`` and ``sync``)."""
        self._durable_end = 0
        """The journal's length up to the last durable line."""
        self._written_end = 0
        """The journal's length up to the last line written (durable or not)."""
        self._writing = threading.Lock()
        """Held by ``sync`` while it writes queued lines, and by ``cut_back``; always taken before ``_mutex``."""
        self._generation = 0
        """Counts cut-backs: a ``sync`` that started before one confirms nothing."""
        self._sync_failed: str | None = None
        """Set when an ``fdatasync`` failed and the lines waiting on it are not cut back yet (``cut_back``)."""

    # ---- opening ----

    @classmethod
    def open(cls, path: Path | str, *, mode: Mode = "auto", create: bool = False) -> WorkshopFile:
        """Open (or with ``create=True`` make) a workshop file.

        ``mode="auto"``: writable if no other window holds it, else read-only with ``read_only_reason``.
        ``mode="write"``: writable or ``ReadOnlyError``/``DataDirError``. ``mode="read"``: read-only, no lock.
        """
        path = Path(path)
        workshop_id_of(path)
        if mode not in ("auto", "write", "read"):
            raise ValueError(f"mode must be 'auto', 'write' or 'read', not {mode!r}")
        if create and mode == "read":
            raise ValueError("cannot create a workshop read-only")
        folder = path.parent
        if not folder.is_dir():
            raise DataDirError(f"The data folder {folder} does not exist.")
        strict = mode == "write" or create
        lock: WriterLock | None = None
        reason: str | None = f"{path} was opened read-only."
        if mode != "read":
            try:
                lock = acquire_lock(path)
                reason = None
            except LockHeld:
                if strict:
                    raise ReadOnlyError(_busy_message(path, "close it there first")) from None
                reason = _busy_message(path, "showing it read-only")
            except LinkFound as e:
                raise LinkRefusedError(e.filename) from None
            except OSError as e:
                if strict:
                    raise DataDirError(f"Cannot write in the data folder {folder}: {_reason(e)}.") from e
                reason = f"{path} cannot be changed: cannot write in {folder} ({_reason(e)}); showing it read-only."
        if lock is not None:
            _write_owner(path)  # at once, so a second window can name us even while we are still loading
        try:
            if create:
                cls._create(path)
            wf = cls(path, lock, reason)
            loaded = wf._load()
            if lock is not None:
                wf._start_writing(loaded, strict)
        except BaseException:
            if lock is not None:
                _remove_owner(path)
                _release(lock)
            raise
        return wf

    @staticmethod
    def _create(path: Path) -> None:
        """Write a new empty workshop file (lock held). Refuses an existing one; sets an orphan journal aside."""
        if os.path.lexists(path):
            raise WorkshopExistsError(
                f"A workshop with id '{workshop_id_of(path)}' already exists in {path.parent}."
            )
        meta = {"schema_version": schema.SCHEMA_VERSION, "journal_seq": 0}
        payload = encode({META_TABLE: {"1": meta}}, str(path))
        try:
            orphan = journal_path(path)
            if os.path.lexists(orphan):  # left by a deleted workshop: never replay it, never delete it
                os.replace(
                    orphan,
                    _unique(orphan.with_name(f"{orphan.name}.orphan-{time.strftime('%Y%m%d-%H%M%S')}")),
                )
            temp = write_temp(_temp_prefix(path), payload)
            os.replace(temp, path)
            fsync_dir(path.parent)
        except OSError as e:
            raise StoreWriteError(f"Could not create {path}: {_reason(e)}.") from e

    def _load(self) -> _Loaded:
        loaded = load_state(self.path)
        self._data = loaded.data
        self._view = build_view(loaded.data)
        self._seq = self._written_seq = loaded.seq
        self._unsynced = []
        self._entries = len(loaded.journal.entries)
        self._journal_bytes = self._durable_end = self._written_end = loaded.journal.valid_length
        return loaded

    def _start_writing(self, loaded: _Loaded, strict: bool) -> None:
        """With the lock held: tidy up after crashes and open the journal (cutting off a torn last line). The
        journal is not folded in here (the app does that when idle); only a schema upgrade is saved at once."""
        self._clean_temp_files()
        journal = journal_path(self.path)
        new_journal = not os.path.lexists(journal)
        try:
            self._journal = JournalWriter(journal, loaded.journal.valid_length)  # cuts off a torn tail
            if new_journal:
                fsync_dir(self.path.parent)
        except LinkFound as e:
            raise LinkRefusedError(e.filename) from None
        except OSError as e:
            if self._journal is not None:
                self._journal.close()
                self._journal = None
            if strict:
                raise DataDirError(
                    f"Cannot write in the data folder {self.path.parent}: {_reason(e)}."
                ) from e
            self._degrade(f"cannot write in {self.path.parent} ({_reason(e)})")
            return
        if loaded.migrated_from is not None:
            # Must succeed: journaling new-schema ops over an old-schema snapshot would mix formats.
            try:
                with self._snapshotting:  # nobody else has the file yet: no commit, sync or checkpoint
                    self._save_snapshot(self._data, self._seq, self._durable_end, self._entries)
            except StoreError as e:
                self._journal.close()
                self._journal = None
                if strict:
                    raise
                self._degrade(f"the upgraded file could not be saved ({e})")
                return
            log.info(
                "upgraded %s from schema %s to %s", self.path, loaded.migrated_from, schema.SCHEMA_VERSION
            )

    def _degrade(self, why: str) -> None:
        """Give up the lock and stay open read-only (``mode="auto"``): showing the workshop beats refusing it."""
        _remove_owner(self.path)
        _release(self._lock)
        self._lock = None
        self.read_only = True
        self.read_only_reason = f"{self.path} cannot be changed: {why}; showing it read-only."

    def _clean_temp_files(self) -> None:
        """Remove temp files of crashed writers. Only ever called with the lock held: a live writer's temp
        file must not vanish under it."""
        prefix = temp_prefix(self.path)
        with contextlib.suppress(OSError), os.scandir(self.path.parent) as entries:
            for entry in entries:
                if entry.name.startswith(prefix):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    # ---- reading ----

    def tables(self) -> Tables:
        """All data tables (``_meta`` excluded): name -> {int id: doc}.

        A live view, kept up to date by ``commit`` at O(1) per op; callers must not mutate the dicts or the
        documents (copy first), or memory and disk disagree. ``reload()`` replaces it with a new dict: call
        ``tables()`` again after it rather than keeping the old one.
        """
        return self._view

    def table(self, name: str) -> dict[int, dict[str, Any]]:
        """One table's live view (empty dict if the table does not exist yet); do not mutate."""
        return self._view.get(name, {})

    def backups(self) -> list[Path]:
        """Existing snapshot backups, newest first."""
        return existing_backups(self.path)

    @property
    def dirty(self) -> bool:
        """True if the journal holds changes not yet folded into the snapshot."""
        return self._entries > 0

    def reload(self) -> None:
        """Re-read the file from disk: lets a read-only window catch up with the writer."""
        with self._mutex:
            self._load()

    # ---- writing ----

    def _require_writable(self) -> None:
        if self._closed:
            raise RuntimeError(f"{self.path} is closed")
        if self.read_only:
            raise ReadOnlyError(f"Cannot save: {self.read_only_reason}")
        if self._broken:
            raise StoreWriteError(f"Could not save to {self.path}: {self._broken}. Reopen the workshop.")
        assert self._journal is not None
        if self._journal.broken:
            raise StoreWriteError(
                f"Could not save to {self.path}: {self._journal.broken}. Reopen the workshop."
            )
        if self._sync_failed:
            raise StoreWriteError(self._sync_failed)

    def commit(self, ops: Sequence[Op]) -> int:
        """Make a batch of ops durable (one journal line, then ``fdatasync``), then apply it in memory. Returns
        the line's seq. Lines written before it by ``write`` become durable (and applied) with it.

        All or nothing: on ``StoreWriteError`` the journal is cut back and memory is unchanged (after a failed
        ``fdatasync`` that includes every line ``write`` left waiting: ``written_seq`` falls back to
        ``durable_seq``); on ``InvalidTextError`` nothing was written.
        """
        seq = self.write(ops)
        try:
            while self._seq < seq and self._written_seq >= seq:
                self.sync()  # another thread's sync may have written the line; this one makes it durable
        except StoreError:
            self.cut_back()
            raise
        if self._seq < seq:
            raise StoreWriteError(
                f"Could not save to {self.path}: the change was refused. Nothing was changed."
            )
        return seq

    def write(self, ops: Sequence[Op]) -> int:
        """Queue a batch of ops as one journal line *without touching the disk*, and return its seq.

        The line is neither in the journal nor durable yet, and memory is not changed: ``sync`` (from any
        thread) writes every queued line in one ``write`` and makes them durable with one ``fdatasync``, and
        only then applies them in memory, in order. This is the group commit: changes made while one
        ``fdatasync`` runs share the next one, and the caller (a key handler) makes no system call at all.
        Raises ``StoreWriteError`` when an earlier ``sync`` failed and ``cut_back`` has not been called yet;
        ``InvalidTextError`` (nothing queued) for text that cannot be encoded. An empty batch queues nothing and
        returns ``written_seq``.
        """
        with self._mutex:
            self._require_writable()
            ops = list(ops)
            if not ops:
                return self._written_seq
            for op in ops:
                if not isinstance(op, Op):
                    raise TypeError(f"commit takes Op objects, not {type(op).__name__}")
            seq = self._written_seq + 1
            line = encode_entry(seq, ops)
            self._written_seq = seq
            self._unsynced.append(_Unsynced(seq, line, ops))
            return seq

    @property
    def durable_seq(self) -> int:
        """The last journal seq known durable (and applied in memory)."""
        return self._seq

    @property
    def sync_failed(self) -> bool:
        """True after a ``sync`` failed until ``cut_back`` removes the lines it could not make durable."""
        return self._sync_failed is not None

    @property
    def written_seq(self) -> int:
        """The last journal seq queued by ``write``; above ``durable_seq`` while lines wait for ``sync``."""
        return self._written_seq

    def sync(self) -> int:
        """Write every queued line to the journal (one ``write``) and make them durable with one ``fdatasync``,
        then apply them in memory in order; returns ``durable_seq``.

        Safe to call from a worker thread while ``write`` goes on in another: only the journal's file
        descriptor is used outside the mutex, and lines queued meanwhile wait for the next call. When the write
        or the ``fdatasync`` fails, ``StoreWriteError`` is raised and nothing is applied; the lines are refused:
        every ``write`` is refused until ``cut_back`` removes them (the caller does that where it can also
        forget what it showed of them; ``commit`` does it at once).
        """
        with self._writing:  # one writer of the journal at a time, so lines reach it in seq order
            with self._mutex:
                if self._closed or not self._unsynced:
                    return self._seq
                self._require_writable()
                queued = [u for u in self._unsynced if u.end < 0]
                target, generation = self._unsynced[-1].seq, self._generation
                assert self._journal is not None
                journal, end = self._journal, self._written_end
            payload = b"".join(u.line for u in queued)
            try:
                if payload:
                    journal.write_lines(payload)
            except OSError as e:
                return self._sync_refused(e, generation)
            with self._mutex:
                if generation != self._generation:
                    return self._seq
                for entry in queued:
                    end += len(entry.line)
                    entry.end = end
                self._written_end = end
        try:
            journal.sync_data()
        except OSError as e:
            return self._sync_refused(e, generation)
        with self._mutex:
            if generation != self._generation:
                return self._seq  # the lines it covered were cut back meanwhile
            done = 0
            for entry in self._unsynced:
                if entry.seq > target or entry.end < 0:
                    break
                self._apply(entry.ops)
                self._seq = entry.seq
                self._durable_end = entry.end
                self._entries += 1
                done += 1
            if done:
                del self._unsynced[:done]
                self._journal_bytes = self._durable_end
            return self._seq

    def _sync_refused(self, e: OSError, generation: int) -> int:
        error = _write_error(self.path, e)
        with self._mutex:
            if generation == self._generation and self._unsynced:
                self._sync_failed = str(error)
        raise error from e

    def cut_back(self) -> list[int]:
        """Remove every line not known durable from the journal (after a failed ``sync``, or to refuse them) and
        let writes go on; returns the seqs removed. Memory never held them, so it matches the disk again."""
        with self._writing, self._mutex:
            removed = [u.seq for u in self._unsynced]
            failed, self._sync_failed = self._sync_failed, None
            if (failed or self._written_end != self._durable_end) and self._journal is not None:
                self._journal.cut_back(self._durable_end)
            self._written_end = self._durable_end
            self._unsynced = []
            self._written_seq = self._seq
            self._generation += 1
            return removed

    def _apply(self, ops: Sequence[Op]) -> None:
        data, view = self._data, self._view
        for op in ops:
            raw = data.get(op.table)
            if raw is None:
                raw = data[op.table] = {}
                view[op.table] = {}
            table = view[op.table]
            if op.kind == PUT:
                raw[str(op.id)] = op.doc
                table[op.id] = op.doc  # type: ignore[assignment]
            else:
                raw.pop(str(op.id), None)
                table.pop(op.id, None)

    @property
    def checkpointing(self) -> bool:
        """True while a checkpoint is being written (in any thread)."""
        return self._snapshotting.locked()

    @property
    def checkpoint_due(self) -> bool:
        """True once the journal holds ``CHECKPOINT_ENTRIES`` commits or ``CHECKPOINT_BYTES`` bytes not yet in
        the snapshot: time for ``checkpoint`` (the app asks when idle)."""
        return self._entries >= self.CHECKPOINT_ENTRIES or self._journal_bytes >= self.CHECKPOINT_BYTES

    def checkpoint(self, *, only_if_due: bool = False) -> bool:
        """Fold the journal into a new snapshot (backing up the old one). Returns True if a snapshot was written:
        False if nothing changed since the last one, if ``only_if_due`` and ``checkpoint_due`` is False, or if
        the file is closed or closing.

        Safe to call from a worker thread while another thread commits: the commits never wait for the snapshot
        to be encoded or written, only for two short steps (copying the tables' dicts, shortening the journal).
        Raises ``StoreWriteError`` if the snapshot cannot be written (the journal still holds every change, so
        nothing is lost; try again later), ``ReadOnlyError`` on a read-only file.

        Runs with the collector held (``workshop.memory.collections_held``), in every thread: the copies of the
        tables are young dicts holding every record (22,000 references each at 20,000 notes), and each young or
        middle collection that ran meanwhile walked them, 2.4-4.5 ms inside whichever key handler it fell in,
        against 0.5 ms or less outside checkpoints (measured on the sandbox with ``benchmarks/store_bench.py``'s
        key path; ``tests/test_checkpoint_collections.py``). What the checkpoint makes is freed by reference
        counting as it returns; cycles made by others meanwhile wait for the next collection.
        """
        with collections_held():
            return self._checkpoint(only_if_due)

    def _checkpoint(self, only_if_due: bool) -> bool:
        with self._snapshotting:
            with self._mutex:
                if self._closing or self._closed:
                    return False  # a worker that started just before close: nothing to do
                self._require_writable()
                if not self._entries or (only_if_due and not self.checkpoint_due):
                    return False
                assert self._journal is not None
                # Shallow copies: commits replace documents, never change one in place, so the copy stays as it
                # is now while commits go on (about 1 ms per 40,000 records).
                data = {name: dict(table) for name, table in self._data.items()}
                seq, journal_mark, entries_mark = self._seq, self._durable_end, self._entries
            try:
                self._save_snapshot(data, seq, journal_mark, entries_mark)
            except Stopped:
                return False
            return True

    def _save_snapshot(self, data: RawTables, seq: int, journal_mark: int, entries_mark: int) -> None:
        """Write ``data`` (the tables as of journal ``seq``, whose lines end at byte ``journal_mark`` and number
        ``entries_mark``) as the new snapshot, atomically, then empty the journal if it holds nothing more.

        Called with ``_snapshotting`` held and neither ``_writing`` nor ``_mutex`` (it takes them, in that order, to
        empty the journal). Raises ``StoreWriteError``/``LinkRefusedError``, or ``Stopped`` if the file
        started closing while the snapshot was encoded.
        """
        meta = {
            **data.get(META_TABLE, {}).get("1", {}),
            "schema_version": schema.SCHEMA_VERSION,
            "journal_seq": seq,
        }
        snapshot = {**data, META_TABLE: {"1": meta}}
        payload = encode_table_parts(
            snapshot, f"workshop '{self.workshop_id}'", chunk=self.ENCODE_CHUNK, stop=self._between_chunks
        )
        try:
            temp = write_temp(_temp_prefix(self.path), payload)
        except OSError as e:
            raise _write_error(self.path, e) from e
        try:
            rotate_backups(self.path, _temp_prefix(self.path, "bak-"))
        except OSError as e:  # a missing backup must not stop the save itself
            log.warning("could not keep a backup of %s: %s", self.path, e)
        try:
            os.replace(temp, self.path)
        except OSError as e:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise _write_error(self.path, e) from e
        try:
            fsync_dir(self.path.parent)
        except OSError as e:
            # The new snapshot is in place but maybe not durable: keep the journal, it still covers it.
            raise StoreWriteError(
                f"Saved {self.path}, but the system could not confirm it is on disk: {_reason(e)}."
            ) from e
        journal = self._journal
        assert journal is not None
        # The journal is emptied holding ``_writing`` (no line reaches the file meanwhile: ``sync`` takes it
        # first) but not the commit mutex: ``ftruncate`` can wait for the file system's own journal, and a key
        # handler's ``write`` (which needs the mutex, never the file) must not wait with it.
        with self._writing:
            with self._mutex:
                data[META_TABLE] = self._data[META_TABLE] = {"1": meta}
                # Only if the journal holds exactly what the snapshot holds: every line written to it is durable
                # (none waits for an ``fdatasync``, whose end offsets count from the journal's end) and none
                # came after the mark. Lines only queued by ``write`` reach the emptied journal afterwards.
                whole = self._written_end == self._durable_end == journal_mark
            emptied = False
            if whole:
                try:
                    emptied = journal.drop_before(journal_mark)
                except OSError as e:  # harmless: replay skips lines the snapshot already holds
                    log.warning("could not empty the journal of %s: %s", self.path, e)
            files = self._identities() if emptied else None  # the files exactly as the snapshot left them
            with self._mutex:
                self._entries = max(0, self._entries - entries_mark)
                if emptied:
                    self._durable_end = self._written_end = 0
                self._journal_bytes = self._durable_end
        if emptied:  # outside both locks: no commit or sync waits for this fsync (JournalWriter.drop_before)
            try:
                journal.sync()
            except OSError as e:
                log.warning("could not confirm the emptied journal of %s on disk: %s", self.path, e)
        if files is not None:
            self._keep_summary(data, seq, files)

    def _identities(self) -> list[list[int] | None]:
        return [identity(self.path), identity(journal_path(self.path))]

    def _keep_summary(
        self, data: RawTables, seq: int, files: list[list[int] | None], *, if_stale: bool = False
    ) -> None:
        """Write the library index's summary of ``data`` (the workshop as of journal ``seq``, whose files had the
        identities ``files``), and its opening preview. Best effort: both are caches (see ``workshop.store.index``
        and ``workshop.store.preview``); with ``if_stale``, each is written only if the one on disk does not
        describe these files already."""
        self._keep_preview(data, seq, files, if_stale=if_stale)
        if self.index is None or self.summarise is None:
            return
        if if_stale:
            known = self.index.entries().get(self.workshop_id)
            if known is not None and self.index.fresh(known, files):
                return
        try:
            summary = self.summarise(data)
        except Exception as e:  # a summariser bug must never cost a save or a close
            log.warning("could not summarise %s for the library index: %s", self.path, e)
            return
        self.index.put([Entry(self.workshop_id, seq, files, summary)])

    def _keep_preview(
        self, data: RawTables, seq: int, files: list[list[int] | None], *, if_stale: bool = False
    ) -> None:
        """Write the opening preview of ``data`` (see ``_keep_summary``); a previewer bug never costs a save or
        a close."""
        if self.preview is None or files[0] is None:
            return
        folder = self.path.parent
        if if_stale and is_fresh(folder, self.workshop_id, files):
            return
        try:
            tables = self.preview(data)
            if tables is None:
                return
            # In small chunks, as the snapshot: a checkpoint's worker pauses between them (the app's thread gets
            # the GIL) and stops if the file starts closing, which then writes the preview itself.
            stop = self._pause_between_chunks if self._closing else self._between_chunks
            body = encode_tables(tables, f"the preview of '{self.workshop_id}'", chunk=self.ENCODE_CHUNK, stop=stop)
        except Stopped:
            return
        except Exception as e:
            log.warning("could not make the opening preview of %s: %s", self.path, e)
            return
        write_preview(folder, self.workshop_id, seq, files, body)

    def _pause_between_chunks(self) -> bool:
        """``_between_chunks`` that never stops (the preview a closing file writes of itself)."""
        if self.CHUNK_PAUSE and threading.current_thread() is not threading.main_thread():
            time.sleep(self.CHUNK_PAUSE)
        return False

    def _between_chunks(self) -> bool:
        """Asked between two chunks of a snapshot's encoding: True to stop (the file is closing). In a worker
        thread it first sleeps ``CHUNK_PAUSE``, releasing the GIL so the app's thread gets it at once."""
        if self.CHUNK_PAUSE and threading.current_thread() is not threading.main_thread():
            time.sleep(self.CHUNK_PAUSE)
        return self._stop_requested()

    def _stop_requested(self) -> bool:
        return self._closing

    # ---- closing ----

    def close(self) -> None:
        """Release the lock and the journal at once; idempotent. Never checkpoints: every change is already
        durable in the journal, and the next open replays it (cheaply). A checkpoint running in another thread
        is asked to stop; close waits only for what it cannot abandon half-way (writing and renaming the
        snapshot it already encoded). Leaves the workshop's summary in the library index if it changed."""
        self._closing = True
        with self._snapshotting, self._mutex:
            if self._closed:
                return
            self._closed = True
            if self._journal is not None:
                self._journal.close()
            try:
                if self._lock is not None and not self._broken:
                    # Still ours: the summary (of what is in memory, which is what is on disk) and the files'
                    # identities cannot change under us before the lock is released.
                    self._keep_summary(self._data, self._seq, self._identities(), if_stale=True)
            finally:
                if self._lock is not None:
                    _remove_owner(self.path)
                    _release(self._lock)

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> WorkshopFile:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "read-only" if self.read_only else "writable"
        return f"<WorkshopFile {self.path} {state} seq={self._seq}>"


# --- repair ----------------------------------------------------------------------------------------------


def restore_backup(path: Path, backup_path: Path) -> list[Path]:
    """Put a backup in place of a (damaged) workshop file. Returns the files set aside.

    The backup is checked first (it must parse as a workshop this version can read). Then, holding the lock:
    the journal is moved aside as ``<id>.journal.damaged-<time>`` (its lines build on the current snapshot,
    not on the backup, so replaying them onto the backup would be wrong), the current file is kept as
    ``<id>.json.damaged-<time>`` (a hard link, so the workshop file never disappears), and a copy of the backup
    atomically replaces it. What is lost from the workshop: every change made after that backup was taken.
    Nothing is deleted: those changes stay in the ``.damaged-`` files for a manual rescue.
    """
    path, backup_path = Path(path), Path(backup_path)
    payload = _read_bytes(backup_path)
    if payload is None:
        raise WorkshopNotFoundError(f"No backup file {backup_path}.")
    _parse_snapshot(path, payload, damaged_path=backup_path)
    try:
        lock = acquire_lock(path)
    except LockHeld:
        raise ReadOnlyError(_busy_message(path, "close it there before restoring a backup")) from None
    except LinkFound as e:
        raise LinkRefusedError(e.filename) from None
    except OSError as e:
        raise DataDirError(f"Cannot write in the data folder {path.parent}: {_reason(e)}.") from e
    set_aside: list[Path] = []
    stamp = time.strftime("%Y%m%d-%H%M%S")
    try:
        journal = journal_path(path)
        if os.path.lexists(journal):
            target = _unique(journal.with_name(f"{journal.name}.damaged-{stamp}"))
            os.replace(journal, target)
            set_aside.append(target)
        if os.path.lexists(path):
            target = _unique(path.with_name(f"{path.name}.damaged-{stamp}"))
            if os.path.islink(path):  # set the link itself aside: never read or copy through it
                os.replace(path, target)
            else:
                link_or_copy(path, target, _temp_prefix(path, "damaged-"))
            set_aside.append(target)
        temp = write_temp(_temp_prefix(path), payload)
        os.replace(temp, path)
        fsync_dir(path.parent)
    except OSError as e:
        raise StoreWriteError(f"Could not restore {backup_path} to {path}: {_reason(e)}.") from e
    finally:
        _release(lock)
    return set_aside
