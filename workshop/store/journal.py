"""The append-only change journal beside each workshop file.

One line per committed batch: ``{"seq": N, "ops": [...]}`` + ``\\n``, appended with a single write and fsynced
before ``commit`` returns. Appending costs the size of the change, not of the workshop. A line only counts once
its newline is on disk, so a crash mid-append leaves at worst a torn *last* line, which was never acknowledged
and is dropped. Damage anywhere else means the file was harmed after the fact: refuse, never guess.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workshop.store.fsutil import sync_fd, write_all
from workshop.store.ops import Op

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)


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
    """Split and parse journal bytes; drop a torn last line, raise ``JournalDamage`` for damage before it."""
    contents = JournalContents(total_length=len(data))
    if not data:
        return contents
    lines = data.split(b"\n")  # bytes.split: U+2028 & co. inside text are not line breaks here
    complete, tail = lines[:-1], lines[-1]
    position = 0
    for index, line in enumerate(complete):
        try:
            contents.entries.append(_parse_line(line))
        except (ValueError, TypeError) as e:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            if index == len(complete) - 1 and not tail:
                break  # the last line, torn by a crash before its append was acknowledged
            raise JournalDamage(f"journal line {index + 1} of {len(complete)} cannot be read: {e}") from None
        position += len(line) + 1
    contents.valid_length = position
    return contents


def read_journal(path: Path) -> JournalContents:
    """Read and parse a journal file; a missing journal is an empty one."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return JournalContents()
    return parse_journal(data)


class JournalWriter:
    """The open journal of a writable workshop: appends, rolls back failed appends, empties after a checkpoint."""

    def __init__(self, path: Path, keep_length: int) -> None:
        """Open (creating) the journal and cut off anything after ``keep_length`` (a torn tail)."""
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | _O_CLOEXEC | _O_BINARY, 0o666)
        try:
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
