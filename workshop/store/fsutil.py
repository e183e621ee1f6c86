"""Small durable-file primitives: write-all, fsync of files and folders, atomic replace, backup rotation.

Everything here raises plain ``OSError``; the callers decide what it means for the user.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

BACKUPS_KEPT = 5
"""Snapshots kept as ``<id>.json.bak1`` (newest) ... ``.bak5``."""

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)


def sync_fd(fd: int) -> None:
    """Push a file's data to the device; ``fdatasync`` suffices for data + size and is cheaper where it exists."""
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:  # pragma: no cover - macOS / Windows
        os.fsync(fd)


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until everything is written (a regular file may take less than asked)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def fsync_dir(folder: Path) -> None:
    """Make renames and new names in ``folder`` durable; without this a power cut can undo an ``os.replace``."""
    if os.name == "nt":  # pragma: no cover - Windows cannot open folders; NTFS journals renames itself
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_temp(temp: Path, data: bytes) -> None:
    """Write ``data`` to ``temp`` and fsync it; on failure the temp file is removed again."""
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _O_CLOEXEC | _O_BINARY, 0o666)
    try:
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def replace_durably(temp: Path, target: Path) -> None:
    """Atomically put ``temp`` in place of ``target`` and make the rename durable."""
    try:
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_dir(target.parent)


def backup_path(main: Path, n: int) -> Path:
    return main.with_name(f"{main.name}.bak{n}")


def existing_backups(main: Path) -> list[Path]:
    """The backups that exist, newest first."""
    return [p for p in (backup_path(main, n) for n in range(1, BACKUPS_KEPT + 1)) if p.is_file()]


def link_or_copy(src: Path, dst: Path, temp: Path) -> None:
    """Make ``dst`` a second name for ``src`` (a hard link costs nothing), or a copy where links are refused.

    The copy goes through ``temp`` so ``dst`` is never half-written.
    """
    try:
        os.link(src, dst)
        return
    except FileExistsError:
        os.unlink(dst)
        os.link(src, dst)
        return
    except OSError:
        pass  # FAT/exFAT sticks, some network shares: no hard links
    with open(src, "rb") as handle:
        data = handle.read()
    write_temp(temp, data)
    os.replace(temp, dst)


def rotate_backups(main: Path, temp: Path) -> None:
    """Shift ``.bak1..bak4`` to ``.bak2..bak5`` (the oldest falls off) and make ``.bak1`` the current ``main``.

    Only renames and a link: ``main`` itself is never moved, so there is no moment without it. The caller
    replaces ``main`` right after; the folder fsync that follows makes these renames durable too.
    """
    for n in range(BACKUPS_KEPT - 1, 0, -1):
        src = backup_path(main, n)
        if os.path.lexists(src):
            os.replace(src, backup_path(main, n + 1))
    link_or_copy(main, backup_path(main, 1), temp)
