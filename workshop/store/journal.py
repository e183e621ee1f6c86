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
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workshop.store.fsutil import FILE_MODE, open_fd, sync_fd, write_all
from workshop.store.ops import Op


class JournalDamage(ValueError):
    """Internal: the journal has a bad line that is not the last one (turned into ``DamagedFileError``)."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def loads_strict(data: bytes) -> Any:
    """Parse UTF-8 JSON, refusing NaN/Infinity (the store never writes them, so they mean damage)."""
    return json.loads(data.decode("utf-8"), parse_constant=_reject_constant)


@dataclass
class JournalContents:
    """What a journal file holds: the good entries in file order and where the good part ends."""

    entries: list[tuple[int, list[Op]]] = field(default_factory=list)
    valid_length: int = 0
    """Bytes up to and including the last good line's newline; anything after is a torn tail."""
    total_length: int = 0

    @property
    def torn_tail(self) -> bool:
        return self.total_length > self.valid_length


def _parse_line(line: bytes) -> tuple[int, list[Op]]:
    entry = loads_strict(line)
    if not isinstance(entry, dict):
        raise ValueError("not an object")
    seq = entry.get("seq")
    ops = entry.get("ops")
    if type(seq) is not int or seq < 1:
        raise ValueError(f"bad seq {seq!r}")
    if not isinstance(ops, list):
        raise ValueError("ops is not a list")
    return seq, [Op.from_json(op) for op in ops]


def parse_journal(data: bytes) -> JournalContents:
    """Split and parse journal bytes: a last line without its newline (torn by a crash) is left out of
    ``entries`` (``torn_tail``); a complete line that cannot be read raises ``JournalDamage``."""
    contents = JournalContents(total_length=len(data))
    if not data:
        return contents
    lines = data.split(b"\n")  # bytes.split: U+2028 & co. inside text are not line breaks here
    complete = lines[:-1]  # lines[-1] is b"" or a line torn by a crash: never an entry
    position = 0
    for index, line in enumerate(complete):
        try:
            contents.entries.append(_parse_line(line))
        except (ValueError, TypeError) as e:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise JournalDamage(f"journal line {index + 1} of {len(complete)} cannot be read: {e}") from None
        position += len(line) + 1
    contents.valid_length = position
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
            if hasattr(os, "fchmod"):
                with contextlib.suppress(OSError):  # a journal written before files were made private
                    os.fchmod(self._fd, FILE_MODE)
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
            try:
                os.ftruncate(self._fd, start)
                os.fsync(self._fd)
            except OSError as rollback_error:
                self.broken = (
                    f"a failed save could not be undone ({rollback_error.strerror or rollback_error})"
                )
            raise

    def clear(self) -> None:
        """Empty the journal once a snapshot holds everything in it."""
        os.ftruncate(self._fd, 0)
        os.fsync(self._fd)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)
