"""Small durable-file primitives: opening without following links, exclusive temporary files, fsync of files and
folders, atomic replace, backup rotation.

The rules every file the store touches follows (see ``docs/ARCHITECTURE.md``, "The data folder"):

* never through a symbolic link: every open carries ``O_NOFOLLOW``, so a link planted where a workshop file,
  journal, backup, lock or owner file should be makes the open fail (``LinkFound``) instead of writing to
  whatever the link points at; renames replace a link rather than follow it;
* new files are created exclusively (``O_EXCL``): temporary files under an unpredictable name
  (``secrets.token_hex``), so nobody can prepare a file or a link under the name we are about to use;
* readable and writable by the user only: files ``0600``, folders ``0700``, whatever the umask.

Everything here raises plain ``OSError`` (``LinkFound`` is one); the callers decide what it means for the user.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Sequence
from pathlib import Path

BACKUPS_KEPT = 5
"""Snapshots kept as ``<id>.json.bak1`` (newest) ... ``.bak5``."""

FILE_MODE = 0o600
"""Workshop files hold people's names and opinions: the user's alone."""
FOLDER_MODE = 0o700

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_LINK_ERRNOS = {errno.ELOOP, errno.EMLINK}  # Linux/macOS say ELOOP; FreeBSD says EMLINK for O_NOFOLLOW
_LINK_ERRNOS.add(getattr(errno, "EFTYPE", errno.ELOOP))  # NetBSD


class LinkFound(OSError):
    """A symbolic link sits where the store expected one of its own files; it was not followed."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(errno.ELOOP, "it is a symbolic link, which the store never follows", str(path))


def open_fd(path: Path | str, flags: int, *, exclusive: bool = False) -> int:
    """``os.open`` that never follows a link in the last component of ``path``.

    ``flags`` are the access flags (``os.O_RDONLY``, ``os.O_RDWR | os.O_APPEND`` ...); ``exclusive=True`` adds
    ``O_CREAT | O_EXCL`` and makes the file ``FILE_MODE`` whatever the umask. Raises ``LinkFound`` for a link,
    ``FileExistsError`` when an exclusive create finds any name already there (a link included), and other
    ``OSError`` as the system reports them.
    """
    flags |= _O_NOFOLLOW | _O_CLOEXEC | _O_BINARY
    if exclusive:
        flags |= os.O_CREAT | os.O_EXCL
    if not _O_NOFOLLOW and os.path.islink(path):  # pragma: no cover - Windows has no O_NOFOLLOW
        raise LinkFound(path)
    try:
        fd = os.open(path, flags, FILE_MODE)
    except OSError as e:
        if e.errno in _LINK_ERRNOS and not exclusive and os.path.islink(path):
            raise LinkFound(path) from None
        raise
    if exclusive and hasattr(os, "fchmod"):
        try:
            os.fchmod(fd, FILE_MODE)  # the umask may only have taken bits away; make it exactly 0600
        except OSError:
            os.close(fd)
            raise
    return fd


def read_bytes(path: Path | str) -> bytes:
    """A whole file's bytes, read without following a link (``LinkFound``; ``FileNotFoundError`` if absent)."""
    fd = open_fd(path, os.O_RDONLY)
    with open(fd, "rb", closefd=True) as handle:
        return handle.read()


def is_regular(path: Path | str) -> bool:
    """True for a regular file (not a link to one, not a folder)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def make_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parents as ``FOLDER_MODE`` folders (whatever the umask); existing
    folders are left as they are. Raises ``OSError`` as ``os.mkdir`` does."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, FOLDER_MODE)
        except FileExistsError:
            continue
        with contextlib.suppress(OSError):
            os.chmod(path, FOLDER_MODE, follow_symlinks=False)


def sync_fd(fd: int) -> None:
    """Push a file's data to the device; ``fdatasync`` suffices for data + size and is cheaper where it exists."""
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:  # pragma: no cover - macOS / Windows
        os.fsync(fd)


def write_all(fd: int, data: bytes | memoryview) -> None:
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


def temp_name(prefix: Path) -> Path:
    """An unpredictable name beside ``prefix``: ``<prefix><16 hex digits>`` (64 random bits)."""
    import secrets  # at the first write, not on the way to the first frame (it loads OpenSSL's hashlib: ~2 ms)

    return prefix.with_name(f"{prefix.name}{secrets.token_hex(8)}")


SYNC_PIECE = 1 << 20
"""A big file is written and synced a mebibyte at a time: a journal append's ``fdatasync`` in another thread then
waits behind at most that much of it on the disk, not behind the whole snapshot."""


def write_temp(prefix: Path, data: bytes | Sequence[bytes], *, sync: bool = True) -> Path:
    """Create a new file named ``temp_name(prefix)`` exclusively, write ``data`` (bytes, or pieces written one
    after another without joining them), fsync it (unless ``sync`` is False, for caches) and return its path. On
    failure nothing is left behind."""
    temp = temp_name(prefix)
    fd = open_fd(temp, os.O_WRONLY, exclusive=True)
    try:
        try:
            unsynced = 0
            for piece in (data,) if isinstance(data, bytes) else data:
                view = memoryview(piece)
                while sync and unsynced + len(view) > SYNC_PIECE:
                    take = SYNC_PIECE - unsynced
                    write_all(fd, view[:take])
                    sync_fd(fd)
                    view, unsynced = view[take:], 0
                write_all(fd, view)
                unsynced += len(view)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return temp


def replace_durably(temp: Path, target: Path) -> None:
    """Atomically put ``temp`` in place of ``target`` (a link at ``target`` is replaced, never followed) and
    make the rename durable. ``temp`` is removed if the rename fails."""
    try:
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_dir(target.parent)


def write_atomically(target: Path, data: bytes, temp_prefix: Path, *, sync: bool = True) -> None:
    """``data`` in place of ``target`` in one rename: an exclusive temp file, then ``replace_durably`` (with
    ``sync=False`` neither the file nor the folder is fsynced: for caches that may be lost, never half-written)."""
    temp = write_temp(temp_prefix, data, sync=sync)
    if sync:
        replace_durably(temp, target)
        return
    try:
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def backup_path(main: Path, n: int) -> Path:
    return main.with_name(f"{main.name}.bak{n}")


def existing_backups(main: Path) -> list[Path]:
    """The backups that exist as regular files (a link is never offered), newest first."""
    return [p for p in (backup_path(main, n) for n in range(1, BACKUPS_KEPT + 1)) if is_regular(p)]


def link_or_copy(src: Path, dst: Path, temp_prefix: Path) -> None:
    """Make ``dst`` a second name for ``src`` (a hard link costs nothing), or a copy where links are refused.

    Neither ``src`` nor ``dst`` is followed if it is a symbolic link (``LinkFound`` for ``src``; a link at ``dst``
    is replaced). The copy goes through an exclusive temporary file so ``dst`` is never half-written.
    """
    if not is_regular(src):
        if os.path.islink(src):
            raise LinkFound(src)
        raise FileNotFoundError(errno.ENOENT, "not a regular file", str(src))
    try:
        os.link(src, dst, follow_symlinks=False)
        return
    except FileExistsError:
        os.unlink(dst)
        os.link(src, dst, follow_symlinks=False)
        return
    except OSError:
        pass  # FAT/exFAT sticks, some network shares: no hard links
    temp = write_temp(temp_prefix, read_bytes(src))
    try:
        os.replace(temp, dst)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def rotate_backups(main: Path, temp_prefix: Path) -> None:
    """Shift ``.bak1..bak4`` to ``.bak2..bak5`` (the oldest falls off) and make ``.bak1`` the current ``main``.

    Only renames and a link: ``main`` itself is never moved, so there is no moment without it. The caller
    replaces ``main`` right after; the folder fsync that follows makes these renames durable too.
    """
    for n in range(BACKUPS_KEPT - 1, 0, -1):
        src = backup_path(main, n)
        if os.path.lexists(src):
            os.replace(src, backup_path(main, n + 1))
    link_or_copy(main, backup_path(main, 1), temp_prefix)
