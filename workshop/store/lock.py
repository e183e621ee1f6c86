"""The single-writer lock of a workshop file: exclusive, never waits, released by the OS if the process dies.

On POSIX this is ``fcntl.flock`` on the ``.<id>.lock`` file — what ``filelock`` does there too, without its
import cost on every start of the app. Elsewhere (Windows) it defers to ``filelock``. A lock belongs to one open
file description, so a second open of the same workshop in the same process is refused like another process's.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from workshop.store.fsutil import open_fd

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class LockHeld(Exception):
    """Another window (or this one) already holds the workshop's writer lock."""


class WriterLock:
    """A held lock; ``release`` is idempotent and may be called from any thread."""

    def __init__(self, fd: int | None, fallback: Any = None) -> None:
        self._fd = fd
        self._fallback = fallback

    @classmethod
    def acquire(cls, path: Path) -> WriterLock:
        """Take the lock at ``path`` without waiting: ``LockHeld`` if taken, ``LinkFound`` if ``path`` is a
        symbolic link, another ``OSError`` if it cannot be made (a read-only folder)."""
        if fcntl is None:  # pragma: no cover - Windows
            import filelock

            lock = filelock.FileLock(path, timeout=0, thread_local=False)
            try:
                lock.acquire()
            except filelock.Timeout:
                raise LockHeld(str(path)) from None
            return cls(None, lock)
        try:  # made exclusively the first time; afterwards opened as it is, never through a link (LinkFound)
            fd = open_fd(path, os.O_RDWR, exclusive=True)
        except FileExistsError:
            fd = open_fd(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockHeld(str(path)) from None
        except BaseException:
            os.close(fd)
            raise
        return cls(fd)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            with contextlib.suppress(OSError):
                os.close(fd)
        fallback, self._fallback = self._fallback, None
        if fallback is not None:  # pragma: no cover - Windows
            with contextlib.suppress(OSError):
                fallback.release()
