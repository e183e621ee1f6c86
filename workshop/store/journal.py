"""The append-only change journal beside each workshop file.

One line per committed batch: ``{"seq": N, "ops": [...]}`` + ``\\n``, appended with a single write and fsynced
before ``commit`` returns. Appending costs the size of the change, not of the workshop. A line only counts once
its newline is on disk, so a crash mid-append leaves at worst a last line *without its newline*: it was never
acknowledged and is dropped. Every line that ends in a newline was acknowledged, so one that cannot be read,
the last one included, means the file was harmed after the fact: refuse, never guess.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workshop.store.fsutil import FILE_MODE, open_fd, sync_fd, write_all
from workshop.store.ops import Op


class JournalDamage(ValueError):
    """Internal: the journal has a bad line that is not the last one (turned into ``DamagedFileError``)."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 parses as infinity, which the store never writes
        raise ValueError(f"{text} is not a finite number")
    return value


_SNAPSHOT_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_JOURNAL_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)
"""Made once: ``json.loads`` with a hook builds a new decoder on every call (a third of a replay's time)."""


def loads_strict(data: bytes) -> Any:
    """Parse UTF-8 JSON, refusing NaN/Infinity (the store never writes them, so they mean damage)."""
    return _SNAPSHOT_DECODER.decode(data.decode("utf-8"))


@dataclass
class JournalContents:
    """What a journal file holds: the good entries in file order and where the good part ends."""

    entries: list[tuple[int, list[Op]]] = field(default_factory=list)
    valid_length: int = 0
    """Bytes up to and including the last good line's newline; anything after is a torn tail."""


def _entry(value: Any) -> tuple[int, list[Op]]:
    """One parsed journal line as (seq, ops); ``ValueError``/``TypeError`` if it is not one."""
    if type(value) is not dict:
        raise ValueError("not an object")
    seq = value.get("seq")
    ops = value.get("ops")
    if type(seq) is not int or seq < 1:
        raise ValueError(f"bad seq {seq!r}")
    if type(ops) is not list:
        raise ValueError("ops is not a list")
    return seq, [Op.from_parsed(op) for op in ops]


def parse_journal(data: bytes) -> JournalContents:
    """Split and parse journal bytes: a last line without its newline (torn by a crash) is left out of
    ``entries`` (it lies beyond ``valid_length``); a complete line that cannot be read raises ``JournalDamage``
    naming it.

    Replay must be cheap in time and in memory (it is the price of opening after a crash, of a close that left the
    journal, and of every lock-free reader: ``show``, ``export``, the projector): each line is decoded straight
    from the bytes read (a ``memoryview``, no copy of the journal) and parsed by the C parser, so what is held at
    once is the bytes, one line's text and the parsed entries. One whole-journal string would cost four bytes per
    character as soon as one note holds an emoji (52 MB for a 13 MB journal), twice over while it was bracketed.
    """
    contents = JournalContents()
    end = data.rfind(b"\n") + 1  # bytes: U+2028 & co. inside text are not line breaks here
    if not end:
        return contents
    count = data.count(b"\n", 0, end)
    view = memoryview(data)
    decode = _JOURNAL_DECODER.decode
    entries = contents.entries
    start = 0
    for index in range(count):
        stop = data.index(b"\n", start)
        try:
            entries.append(_entry(decode(str(view[start:stop], "utf-8"))))
        except (ValueError, TypeError) as e:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise JournalDamage(f"journal line {index + 1} of {count} cannot be read: {e}") from None
        start = stop + 1
    contents.valid_length = end
    return contents


class JournalWriter:
    """The open journal of a writable workshop: appends, rolls back failed appends, empties after a checkpoint."""

    def __init__(self, path: Path, keep_length: int) -> None:
        """Open (creating) the journal and cut off anything after ``keep_length`` (a torn tail)."""
        self.path = path
        try:  # never through a link (LinkFound); a new journal is created exclusively, 0600
            self._fd = open_fd(path, os.O_RDWR | os.O_APPEND, exclusive=True)
        except FileExistsError:
            self._fd = open_fd(path, os.O_RDWR | os.O_APPEND)
        try:
            if hasattr(os, "fchmod") and stat.S_IMODE(os.fstat(self._fd).st_mode) != FILE_MODE:
                with contextlib.suppress(OSError):  # a journal written before files were made private
                    os.fchmod(self._fd, FILE_MODE)  # only then: a chmod changes the file's identity (ctime)
            if os.fstat(self._fd).st_size > keep_length:
                os.ftruncate(self._fd, keep_length)
                os.fsync(self._fd)
        except BaseException:
            os.close(self._fd)
            raise
        self.broken: str | None = None
        """Set when a failed append could not be rolled back: further appends are refused until reopened."""

    @property
    def size(self) -> int:
        return os.fstat(self._fd).st_size

    def append(self, line: bytes) -> None:
        """Append one line durably. On failure, cut the journal back to where it was and re-raise."""
        start = os.fstat(self._fd).st_size
        try:
            write_all(self._fd, line)
            sync_fd(self._fd)
        except OSError:
            self.cut_back(start)
            raise

    def write_lines(self, data: bytes) -> None:
        """Append lines *without* making them durable (``sync_data`` does). Raises ``OSError``; a partial write
        is the caller's to cut back (``cut_back``). Touches only the file descriptor (safe in a worker thread)."""
        write_all(self._fd, data)

    def sync_data(self) -> None:
        """``fdatasync`` the journal: every line written before the call is durable when it returns. Touches only
        the file descriptor, so it may run in another thread while lines are written. Raises ``OSError``."""
        sync_fd(self._fd)

    def cut_back(self, length: int) -> None:
        """Cut the journal back to ``length`` bytes (lines that failed to become durable) and make the cut
        durable; if that fails too, ``broken`` says why and further writes are refused until reopened."""
        try:
            os.ftruncate(self._fd, length)
            os.fsync(self._fd)
        except OSError as rollback_error:
            self.broken = f"a failed save could not be undone ({rollback_error.strerror or rollback_error})"

    def drop_before(self, offset: int) -> bool:
        """Drop the lines before byte ``offset`` now that a durable snapshot holds them: if that is the whole
        journal, empty it and return True. If lines were committed after them (while the snapshot was being
        written), keep everything and return False: replay skips the lines the snapshot holds, and the next
        checkpoint empties the journal. Rewriting the journal instead would need fsyncs of a new file and of the
        folder while commits wait.

        Not fsynced here (the caller holds the lock every journal write takes, and a commit must not wait for the
        disk on our behalf): the caller calls ``sync`` right after releasing it, and any commit appended meanwhile makes the new
        length durable with its own ``fdatasync`` before it is acknowledged. Until then a crash leaves the old
        lines, which replay skips by seq. (Journaling file systems never show new bytes over a length that was
        cut, because the blocks freed by the cut are not reused before the cut is committed.) Raises ``OSError``
        (the journal stays as it was, which is harmless)."""
        if offset <= 0 or offset < self.size:
            return False
        os.ftruncate(self._fd, 0)
        return True

    def sync(self) -> None:
        """Make the journal's length durable (after ``drop_before``). Raises ``OSError``."""
        os.fsync(self._fd)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)
