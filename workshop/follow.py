"""Follow a workshop that another window is writing: read-only, lock-free, from its journal.

A second process (the projector's ``workshop present``, the read-only second window of ``workshop open``) opens
the workshop without taking its lock and never writes a byte. It reads the snapshot (``<id>.json``) and then
every line the writer appends to the journal (``<id>.journal``, one fsynced ``{"seq": N, "ops": [...]}`` line per
commit; see ``workshop.store.journal``), and applies each line to its own read-only session, which publishes the
same ``Change`` objects the writer's session published. Widgets therefore update by one path, whichever process
made the change.

How the files are read safely while the writer works (the store's crash-safety argument, ``workshop.store.file``):

- A journal line counts once its newline is on disk. Bytes after the last newline are a line still being written:
  they are left where they are and read again next time, never shown half.
- A checkpoint writes a new snapshot, renames it over ``<id>.json`` and only then empties the journal. The
  follower notes the snapshot's identity (inode, size, modification time) before it reads and checks it again after
  reading the journal: a different snapshot means the journal it read may belong to another generation, so the
  whole file is read again ("reloaded") and only the difference from what is shown is applied.
- Journal lines carry consecutive sequence numbers. A gap, a repeated number (a failed append the writer cut back
  and wrote again) or a journal shorter than what was read also means: read the whole file again.

Whether a writer is present is the state of its lock, read without taking it (on Linux from ``/proc/locks``;
elsewhere from the owner file the writer leaves beside the lock, checking its process is alive). If the writer
quits or crashes the follower keeps the last good picture and says so; when a writer opens the workshop again,
it follows again.

Changes are noticed with ``watchdog`` (inotify, FSEvents, ReadDirectoryChangesW) on the data folder: the follower's
threads sleep until the system says one of the three files changed or the writer's process ended (a pidfd of the
process the owner file names, on Linux), so following costs nothing while nothing changes: the lock is looked at
every 30 s as a safety net, and once a second only where the writer's process cannot be watched (another machine's
window on a shared folder, another system). That look (``/proc/locks`` read and parsed, three ``stat`` calls) was the
projector's only work besides its countdown while nothing changed. (``watchfiles``, used before, polls its
queue of notices every few milliseconds in its own loop: about 0.6 % of a CPU at a 20 ms step, doing nothing.)
Where no file watching is available (a network share, the inotify limit reached) it polls the three files every
250 ms.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import socket
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from facilitation.clock import Clock
from workshop import records
from workshop.memory import collections_held
from workshop.session import WorkshopSession
from workshop.store import Store
from workshop.store.errors import DamagedFileError, StoreError, WorkshopNotFoundError
from workshop.store.file import (
    RawTables,
    apply_raw,
    build_view,
    journal_path,
    load_state,
    lock_path,
    owner_path,
    owner_text,
)
from workshop.store.fsutil import existing_backups
from workshop.store.journal import JournalDamage, parse_journal
from workshop.store.ops import DELETE, META_TABLE, PUT, Op

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
"""How often the files are looked at where the system cannot watch them (the issue's 250 ms)."""
WRITER_CHECK_SECONDS = 1.0
"""How often the writer's lock is looked at while nothing changes (a crash leaves no trace in the files), where the
writer's process cannot be watched (``writer_process``): another machine's window, a system without pidfds."""
WATCHED_WRITER_CHECK_SECONDS = 30.0
"""How often the lock is looked at anyway while the writer's process is watched (its end wakes the follower at
once): a safety net for an owner file that names another process than the lock's holder."""
_RELOAD_ATTEMPTS = 20
"""A snapshot replaced while it was being read is read again; more attempts than this means something is wrong."""


# --- the files ------------------------------------------------------------------------------------------


FileIdentity = tuple[int, int, int, int]
"""``(st_dev, st_ino, st_size, st_mtime_ns)``: a snapshot replaced by a checkpoint has another identity."""


def _identity(path: Path) -> FileIdentity | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass
class Entries:
    """Journal lines read since the last read, each ``(seq, ops)``, in commit order."""

    lines: list[tuple[int, list[Op]]] = field(default_factory=list)


@dataclass
class Reload:
    """The snapshot was replaced (or the journal cut back): the whole workshop as it is now, and the ops that turn
    what was shown before into it (empty when a checkpoint only folded in lines already shown)."""

    tables: RawTables
    ops: list[Op]


@dataclass
class Gone:
    """The workshop file is no longer there (deleted, or being deleted)."""


Update = Entries | Reload | Gone


def table_diff(before: RawTables, after: RawTables) -> list[Op]:
    """The ops that turn ``before`` into ``after`` (``_meta`` ignored): puts for new or changed documents, then
    deletes for documents that went away. O(documents); compares the parsed documents, not their bytes."""
    ops: list[Op] = []
    for name, table in after.items():
        if name == META_TABLE:
            continue
        old = before.get(name, {})
        for key, doc in table.items():
            if old.get(key) != doc:
                ops.append(Op(PUT, name, int(key), doc))
    for name, table in before.items():
        if name == META_TABLE:
            continue
        new = after.get(name, {})
        ops.extend(Op(DELETE, name, int(key)) for key in table if key not in new)
    return ops


class JournalTail:
    """What a lock-free reader has seen of one workshop's snapshot and journal, and what is new since.

    ``load`` reads the whole workshop; ``read`` returns what changed since (``Entries``, a ``Reload`` or ``Gone``).
    Not thread-safe: one thread reads. Raises the store's errors for a file that cannot be read
    (``WorkshopNotFoundError``, ``DamagedFileError``, ``NewerSchemaError``, ``StoreError`` for an I/O error).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.journal = journal_path(self.path)
        self.seq = 0
        """The last journal seq applied to ``tables``."""
        self.offset = 0
        """Bytes of the journal read so far (always just after a newline)."""
        self.tables: RawTables = {}
        """The workshop as last read: table -> str(doc id) -> doc, ``_meta`` included."""
        self._snapshot: FileIdentity | None = None

    def load(self) -> RawTables:
        """Read the whole workshop (snapshot + journal), retrying while a checkpoint replaces the snapshot."""
        for _ in range(_RELOAD_ATTEMPTS):
            before = _identity(self.path)
            if before is None:
                raise WorkshopNotFoundError(f"No workshop file {self.path}.")
            loaded = load_state(self.path)
            if _identity(self.path) == before:
                self._snapshot = before
                self.seq = loaded.seq
                self.offset = loaded.journal.valid_length
                self.tables = loaded.data
                return loaded.data
        raise StoreError(f"{self.path} kept changing while it was read; try again.")

    def read(self) -> Update | None:
        """What changed since the last ``load``/``read``: ``None`` if nothing did.

        ``DamagedFileError`` if a journal line before the last one cannot be read (never applied half).
        """
        snapshot = _identity(self.path)
        if snapshot is None:
            return Gone()
        if snapshot != self._snapshot:
            return self._reload()
        try:
            with open(self.journal, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < self.offset:
                    return self._reload()
                if size == self.offset:
                    return None
                start = max(self.offset - 1, 0)  # the newline before: proof the journal was not rewritten
                handle.seek(start)
                data = handle.read(size - start)
        except FileNotFoundError:
            return self._reload() if self.offset else None
        except OSError as e:
            raise StoreError(f"Could not read {self.journal}: {e.strerror or e}.") from e
        if self.offset:
            if data[:1] != b"\n":
                return self._reload()  # cut back and written again: our place is now inside another line
            data = data[1:]
        complete = data[: data.rfind(b"\n") + 1]  # a line still being written stays for the next read
        if not complete:
            return None
        try:
            contents = parse_journal(complete)
        except JournalDamage as e:
            raise DamagedFileError(
                self.path, existing_backups(self.path), f"its journal {self.journal.name}: {e}"
            ) from None
        if _identity(self.path) != self._snapshot:
            return self._reload()  # a checkpoint ran while we read: those bytes may be another generation's
        expected = self.seq + 1
        for seq, _ops in contents.entries:
            if seq != expected:
                return self._reload()
            expected += 1
        if not contents.entries:
            return None
        for seq, ops in contents.entries:
            apply_raw(self.tables, ops)
            self.seq = seq
        self.offset += contents.valid_length
        return Entries(contents.entries)

    def unchanged(self) -> bool:
        """True if the files still look as the last ``load``/``read`` left them: the same snapshot (identity) and
        a journal of the size read. Two ``stat`` calls, no open and no read; a line still being written (bytes
        after the last newline) counts as a change, so ``read`` is asked again."""
        if _identity(self.path) != self._snapshot:
            return False
        try:
            return os.stat(self.journal).st_size == self.offset
        except FileNotFoundError:
            return self.offset == 0
        except OSError:
            return False

    def _reload(self) -> Reload:
        before = self.tables
        after = self.load()
        return Reload(after, table_diff(before, after))


# --- the writer -----------------------------------------------------------------------------------------


def _proc_locks() -> str | None:
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return False
    return True


def writer_process(path: Path) -> int | None:
    """The process id the owner file names when it is a process of this machine (``.<id>.owner``); None when
    there is no owner file, it cannot be read, or it names another machine's process."""
    try:
        info = json.loads(owner_path(path).read_text(encoding="utf-8"))
        pid = int(info["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if info.get("host") not in (None, socket.gethostname()):
        return None
    return pid


def open_process_handle(pid: int) -> int | None:
    """A file descriptor that becomes readable when process ``pid`` ends (Linux's ``pidfd_open``), or None where
    there is none (another system, an old kernel, the process already gone). The caller closes it."""
    opener = getattr(os, "pidfd_open", None)
    if opener is None:  # pragma: no cover - not Linux
        return None
    try:
        return int(opener(pid))
    except OSError:
        return None


def writer_present(path: Path) -> bool:
    """True if a window holds the workshop's writer lock, found out without taking the lock.

    Taking it even for a moment could make a facilitator's window that opens at that instant read-only, so: on
    Linux, ``/proc/locks`` lists every ``flock`` with its inode; elsewhere the owner file the writer leaves beside
    the lock names its process (``.<id>.owner``), which must still be alive on this host.
    """
    lock = lock_path(path)
    try:
        inode = os.stat(lock).st_ino
    except OSError:
        return False
    table = _proc_locks()
    if table is not None:
        for line in table.splitlines():
            parts = line.split()
            if "FLOCK" in parts and "->" not in parts and len(parts) >= 6:
                place = parts[5].rsplit(":", 1)
                if len(place) == 2 and place[1] == str(inode):
                    return True
        return False
    try:  # pragma: no cover - not Linux
        info = json.loads(owner_path(path).read_text(encoding="utf-8"))
        pid = int(info["pid"])
    except (OSError, ValueError, KeyError, TypeError):  # pragma: no cover
        return False
    if info.get("host") not in (None, socket.gethostname()):  # pragma: no cover
        return True  # another machine's writer on a shared folder: assume it is alive
    return _pid_alive(pid)  # pragma: no cover


# --- following ------------------------------------------------------------------------------------------


class FollowState(StrEnum):
    """Where the follower stands; the projector says it in words (``FollowStatus.message``)."""

    FOLLOWING = "following"
    """A writer holds the workshop and every change it makes is shown."""
    STOPPED = "stopped"
    """No window holds the workshop: the last picture stays until a writer opens it again."""
    GONE = "gone"
    """The workshop file was deleted: the last picture stays."""
    UNREADABLE = "unreadable"
    """The file cannot be read now (damaged, or an I/O error): the last good picture stays."""


@dataclass(frozen=True)
class FollowStatus:
    state: FollowState
    message: str = ""
    """One line for the audience's screen; empty while following."""
    writer: str = ""
    """While following: which window writes, as the store names it (``(pid 1234)``); a different writer (the
    workshop closed and opened again elsewhere) is a different status. Empty otherwise."""

    @property
    def window_message(self) -> str:
        """One line for a facilitator's read-only window (``workshop open`` of a workshop another window has
        open): who writes while following, that the writer stopped (and how to change the workshop), or why the
        file cannot be followed."""
        if self.state is FollowState.FOLLOWING:
            return (
                f"The workshop is open in another Six Disciplines window {self.writer}: "
                "this window follows it and shows each change."
            )
        if self.state is FollowState.STOPPED:
            return (
                "The other window closed the workshop: this window shows its last saved state. "
                "Open the workshop again here to change it."
            )
        return self.message


def _status(state: FollowState, detail: str = "", writer: str = "") -> FollowStatus:
    if state is FollowState.FOLLOWING:
        return FollowStatus(state, writer=writer)
    if state is FollowState.STOPPED:
        return FollowStatus(state, "The facilitator's window is closed: this is the last saved picture.")
    if state is FollowState.GONE:
        return FollowStatus(state, "This workshop was deleted: showing the last picture.")
    return FollowStatus(
        state, f"The workshop file cannot be read now ({detail}): showing the last good picture."
    )


Applier = Callable[[Sequence[Op]], object]
"""Applies one batch of ops to the follower's session (``session.apply_external``) and publishes it."""


class Follower:
    """Reads a workshop's files and hands what changed to ``apply`` (one call per journal line, or one for a
    reload); reports the writer's state to ``on_status``.

    Use ``poll`` from one thread (tests, the benchmark), or ``run`` in a background thread with a ``deliver``
    function that hands work to the UI's thread (Textual's ``App.call_from_thread``): reading and parsing happen
    in the background, applying (and so every ``Change`` listener) on the UI's thread.
    """

    def __init__(
        self,
        path: Path,
        apply: Applier,
        *,
        tail: JournalTail | None = None,
        on_status: Callable[[FollowStatus], object] | None = None,
    ) -> None:
        """``tail``: one already ``load``-ed (the follower's session was built from its tables)."""
        self.path = Path(path)
        self.tail = tail or JournalTail(self.path)
        if tail is None:
            self.tail.load()
        self._apply = apply
        self.on_status = on_status
        """Called (on the thread that delivers) when the status changes."""
        self._owner: tuple[FileIdentity | None, str] | None = None
        """The owner file's identity when last read, and the writer it named."""
        present = writer_present(self.path)
        self.status = _status(
            FollowState.FOLLOWING if present else FollowState.STOPPED, writer=self._writer() if present else ""
        )
        self._checked_writer = time.monotonic()
        self._stop = threading.Event()
        self.polling = False
        """True once file watching proved unavailable and the follower polls instead."""
        self._wake_fd: int | None = None
        """The write end of the watching thread's wake-up pipe while it watches (``_watch``; ``stop`` writes to it)."""
        self._writer_watched = False
        """True while the writer's process is watched (its end wakes the follower: no look at the lock a second)."""
        self._writer_ended = False
        """Set when the watched writer's process ended: the next wake-up looks at the lock at once."""
        self.wakeups = 0
        """How many times the watching thread woke (a notice, the writer's end, or a look due): for tests and the
        benchmark (a follower of a writer that changes nothing wakes once per ``WATCHED_WRITER_CHECK_SECONDS``)."""
        self.reads = 0
        """How many times the files were read for changes (``read``): a watching follower reads only when the system
        says a file changed, or when a look (``look``) finds them changed."""

    # --- one step -------------------------------------------------------------------------------------

    def read(self) -> tuple[list[list[Op]], FollowStatus]:
        """Read what is new (any thread): the batches of ops to apply, in order, and the status now."""
        batches: list[list[Op]] = []
        state, detail = FollowState.FOLLOWING, ""
        self.reads += 1
        try:
            update = self.tail.read()
        except StoreError as error:
            update, state, detail = None, FollowState.UNREADABLE, getattr(error, "detail", "") or str(error)
        if isinstance(update, Gone):
            state = FollowState.GONE
        elif isinstance(update, Entries):
            batches = [ops for _seq, ops in update.lines]
        elif isinstance(update, Reload) and update.ops:
            batches = [update.ops]
        if state is FollowState.FOLLOWING and not isinstance(update, Entries):
            # New lines prove a writer; otherwise ask the lock (reading /proc/locks can wait ~10 ms on a busy
            # machine, so it is not done on the way to showing a change).
            self._checked_writer = time.monotonic()
            if not writer_present(self.path):
                state = FollowState.STOPPED
        writer = self._writer() if state is FollowState.FOLLOWING else ""
        return batches, _status(state, detail, writer)

    def look(self) -> tuple[list[list[Op]], FollowStatus]:
        """``read`` for a wake-up that no notice of a change caused (the writer's lock is due a look once per
        ``WRITER_CHECK_SECONDS``): the lock is looked at, and the files are read only if they no longer look as
        last read (``JournalTail.unchanged``: a notice the system lost, or a line still being written). A follower
        that nothing follows therefore makes two ``stat`` calls and reads ``/proc/locks`` at each look (every
        ``WATCHED_WRITER_CHECK_SECONDS`` while the writer's process is watched, else every ``WRITER_CHECK_SECONDS``)."""
        if not self.tail.unchanged() or self.status.state in (FollowState.GONE, FollowState.UNREADABLE):
            return self.read()
        self._checked_writer = time.monotonic()
        if not writer_present(self.path):
            return [], _status(FollowState.STOPPED)
        return [], _status(FollowState.FOLLOWING, writer=self._writer())

    def _writer(self) -> str:
        """Who writes, from the owner file: read again only when that file changed (a stat a second)."""
        identity = _identity(owner_path(self.path))
        if self._owner is None or self._owner[0] != identity:
            self._owner = (identity, owner_text(self.path))
        return self._owner[1]

    def deliver(self, batches: list[list[Op]], status: FollowStatus) -> bool:
        """Apply what ``read`` found (on the UI's thread); True if anything changed."""
        for index, ops in enumerate(batches):
            try:
                self._apply(ops)
            except (
                TypeError,
                ValueError,
                KeyError,
                AttributeError,
            ) as error:  # a record this version cannot read
                log.warning("cannot apply a change to %s: %r", self.path, error)
                status = _status(FollowState.UNREADABLE, f"a change cannot be read: {error}")
                batches = batches[:index]
                break
        if status != self.status:
            self.status = status
            if self.on_status is not None:
                self.on_status(status)
            return True
        return bool(batches)

    def poll(self) -> bool:
        """``read`` and ``deliver`` on this thread; True if anything changed."""
        return self.deliver(*self.read())

    # --- in the background ----------------------------------------------------------------------------

    def stop(self) -> None:
        """Make ``run`` return (from any thread) within a few milliseconds."""
        self._stop.set()
        self._wake()

    def _wake(self) -> None:
        """Wake the watching thread (from the file watcher's thread, or ``stop``)."""
        fd = self._wake_fd
        if fd is not None:
            with contextlib.suppress(OSError):  # full (it will wake anyway) or closed (it has stopped)
                os.write(fd, b"!")

    def run(self, deliver: Callable[[Callable[[], object]], object]) -> None:
        """Follow until ``stop``: read in this thread, and on a change call ``deliver(fn)``, which must run
        ``fn`` on the thread that owns the session (for Textual: ``app.call_from_thread``)."""
        with contextlib.closing(self._wakeups()) as wakeups:  # closing stops the file watcher's thread
            for changed in wakeups:
                if self._stop.is_set():
                    return
                interval = WATCHED_WRITER_CHECK_SECONDS if self._writer_watched else WRITER_CHECK_SECONDS
                due = self._writer_ended or time.monotonic() - self._checked_writer >= interval
                self._writer_ended = False
                if not changed and not due:
                    continue
                batches, status = self.read() if changed else self.look()
                if batches or status != self.status:
                    with contextlib.suppress(RuntimeError):  # the app is closing
                        deliver(lambda b=batches, s=status: self.deliver(b, s))  # type: ignore[misc]

    def _wakeups(self) -> Generator[bool, None, None]:
        """True when our files may have changed, False now and then when nothing did (to look at the lock)."""
        try:
            yield from self._watch()
        except (OSError, RuntimeError, ImportError) as error:  # no inotify, limit reached, a folder we may not
            # watch, or watchdog itself missing (an install without it): following must not stop
            if self._stop.is_set():
                return
            log.info(
                "file watching unavailable for %s (%s): polling every %s s", self.path, error, POLL_SECONDS
            )
            self.polling = True
            yield from self._poll()

    def _names(self) -> set[str]:
        return {self.path.name, self.tail.journal.name, owner_path(self.path).name}

    def _watch(self) -> Iterator[bool]:
        """Wake on the system's notice that one of our files changed (``watchdog``: inotify, FSEvents,
        ReadDirectoryChangesW), on the end of the writer's process (``open_process_handle``), and every
        ``WATCHED_WRITER_CHECK_SECONDS`` otherwise (``WRITER_CHECK_SECONDS`` where the writer's process cannot be
        watched). Between two of these this thread sleeps in ``select`` and the observer's thread in its read of
        the notices: nothing runs while nothing changes. ``OSError`` when the folder cannot be watched (no inotify,
        its limit reached)."""
        from watchdog import events
        from watchdog.observers import Observer

        names = self._names()
        wake = self._wake
        # Writes, renames, creations and deletions only: the system also reports every open and read, and the
        # follower's own reads would wake it again at once.
        kinds: list[type[events.FileSystemEvent]] = [
            events.FileCreatedEvent,
            events.FileModifiedEvent,
            events.FileDeletedEvent,
            events.FileMovedEvent,
            events.FileClosedEvent,
        ]

        class Ours(events.FileSystemEventHandler):
            def on_any_event(self, event: events.FileSystemEvent) -> None:
                if type(event) not in kinds:
                    return
                for path in (event.src_path, event.dest_path):
                    if path and os.path.basename(os.fsdecode(path)) in names:
                        wake()

        woken_fd, self._wake_fd = os.pipe()
        os.set_blocking(self._wake_fd, False)
        watched = _ProcessWatch(self.path)
        observer = Observer()
        try:
            observer.schedule(Ours(), os.fspath(self.path.parent), recursive=False, event_filter=kinds)
            observer.start()  # before the first read: a change made meanwhile wakes us again
            if self._stop.is_set():
                return
            yield True
            while not self._stop.is_set():
                handle = watched.handle()
                self._writer_watched = handle is not None
                timeout = WATCHED_WRITER_CHECK_SECONDS if handle is not None else WRITER_CHECK_SECONDS
                ready, _, _ = select.select([woken_fd] + ([handle] if handle is not None else []), [], [], timeout)
                self.wakeups += 1
                changed = woken_fd in ready
                if changed:
                    with contextlib.suppress(BlockingIOError):
                        os.read(woken_fd, 4096)  # before reading the files: what changes after this wakes us again
                if handle is not None and handle in ready:
                    self._writer_ended = True
                    watched.ended()
                yield changed
        finally:
            wake_fd, self._wake_fd = self._wake_fd, None
            watched.close()
            observer.stop()
            observer.join(WRITER_CHECK_SECONDS)
            for fd in (woken_fd, wake_fd):
                with contextlib.suppress(OSError):
                    os.close(fd)

    def _poll(self) -> Iterator[bool]:
        files = [self.path, self.tail.journal, owner_path(self.path)]
        seen: list[FileIdentity | None] = []
        while not self._stop.is_set():
            now = [_identity(p) for p in files]
            yield now != seen
            seen = now
            self._stop.wait(POLL_SECONDS)


class _ProcessWatch:
    """A handle on the writer's process named by the owner file (``writer_process``), kept while the owner file
    stays as it was (one ``stat`` per wake-up), opened again when another writer leaves its own."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._owner: FileIdentity | None = None
        self._fd: int | None = None
        self._looked = False

    def handle(self) -> int | None:
        """The handle of the current writer's process, or None (none named, another machine, no pidfds, or its
        process has ended)."""
        owner = _identity(owner_path(self.path))
        if self._looked and owner == self._owner:
            return self._fd
        self.close()
        self._owner, self._looked = owner, True
        pid = writer_process(self.path) if owner is not None else None
        self._fd = open_process_handle(pid) if pid is not None else None
        return self._fd

    def ended(self) -> None:
        """The process has ended: forget its handle until another writer's owner file appears."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def close(self) -> None:
        self.ended()
        self._looked = False


# --- a followed session ---------------------------------------------------------------------------------

FOLLOWING_REASON = (
    "This window only follows the workshop and cannot change it: open it again here once no other window has it."
)
"""Why a following session refuses changes; true whether the writer is still there or has stopped (who writes
is said by ``FollowStatus.window_message``, which changes as they come and go)."""


@dataclass
class Following:
    """A read-only session of a workshop another window writes, and the follower that keeps it current."""

    session: WorkshopSession
    follower: Follower


def open_following(
    store: Store, workshop_id: str, *, clock: Clock | None = None, reason: str = FOLLOWING_REASON
) -> Following:
    """Open ``workshop_id`` (an id or a unique start of one) to follow it: no lock taken, nothing written.

    ``reason`` is the session's ``read_only_reason``. Raises ``WorkshopNotFoundError`` (no such workshop, or it is
    being deleted), ``DamagedFileError`` (a file, a journal line or a record that cannot be read),
    ``NewerSchemaError``, or ``StoreError`` for an I/O error: each with a message for the user.
    """
    resolved = store.resolve(workshop_id)
    path = store.path_for(resolved)
    tail = JournalTail(path)
    with collections_held():  # one hold over the file and the models (workshop.memory)
        data = tail.load()
        try:
            workshop = records.workshop_from_tables(build_view(data), fallback_id=resolved)
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise DamagedFileError(path, existing_backups(path), f"a record cannot be read: {error}") from None
    session = WorkshopSession.following(workshop, clock=clock, reason=reason)
    return Following(session, Follower(path, session.apply_external, tail=tail))
