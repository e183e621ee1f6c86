"""A lock wrapper for tests that prove the key path (the main thread) never waits for another thread's long work.

Used by ``test_group_commit`` (the sync thread's phases) and ``test_ui_checkpoint`` (the checkpoint's phases):
each holds a thread inside one phase and swaps the store's locks for ``WatchedLock``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class WatchedLock:
    """A lock that fails the test at once when the main thread would wait for it while a watched thread holds it
    during a held-up phase (instead of waiting: the test never hangs).

    ``lock`` is the real lock (``threading.Lock`` or ``RLock``); ``name`` names it in the failure; ``phase`` is set
    while the watched thread is held up; ``waits`` collects the names of locks the main thread would have waited
    for; ``watched(thread)`` is True for a holder the main thread must never wait for, and ``holder`` describes it
    in the failure ("the sync thread"). Other threads, and the main thread when the lock is free or held by an
    unwatched thread, take it as usual. It also serves as the lock of a ``threading.Condition`` (``_is_owned``).

    Raises AssertionError from ``acquire`` when the main thread would wait for a watched holder in the phase.
    """

    def __init__(
        self,
        lock: Any,
        name: str,
        phase: threading.Event,
        waits: list[str],
        watched: Callable[[threading.Thread], bool],
        holder: str,
    ) -> None:
        self._lock, self._name, self._phase, self._waits = lock, name, phase, waits
        self._watched, self._holder = watched, holder
        self._holders: list[threading.Thread] = []

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        me = threading.current_thread()
        if me is threading.main_thread() and self._phase.is_set():
            if self._lock.acquire(False):
                self._holders.append(me)
                return True
            if any(self._watched(thread) for thread in self._holders):
                self._waits.append(self._name)
                raise AssertionError(f"the key path waited for {self._name}, held by {self._holder}")
        got = bool(self._lock.acquire(blocking, timeout))
        if got:
            self._holders.append(me)
        return got

    def release(self) -> None:
        self._holders.remove(threading.current_thread())
        self._lock.release()

    def _is_owned(self) -> bool:  # for threading.Condition over this lock
        return threading.current_thread() in self._holders

    def locked(self) -> bool:
        """True while any thread holds it."""
        return bool(self._holders)

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
