"""Group commit: changes made close together become durable with one ``fdatasync``, off the event loop.

The session's mutators are durable on return: each commit writes one journal line and waits for the disk
(``fdatasync``: 0.3 ms on a quiet SSD, up to 46 ms measured on a busy shared disk). On the app's single event
loop, with 40 phones posting at once, every request then waits for every earlier request's ``fdatasync``
(issue #11: request to durable p95 174 ms), and a key handler that commits blocks drawing for one ``fdatasync``
(issue #14: no key handler longer than one frame, 16 ms).

``GroupCommit`` (``session.group``) runs a mutator call with its commits *held*: each writes its journal line
at once and shows in memory at once (so the next call is checked against it: budgets, caps, one device per
voter), but nobody is told it is saved. One flush task on the loop makes all lines written so far durable with a
single ``fdatasync`` in a worker thread (``asyncio.to_thread``: the thread touches only the journal's file
descriptor, never the session), while the loop keeps drawing and taking requests, which join the next group.
When the ``fdatasync`` returns, the held changes are published (``Change``) in commit order, and only then are
the callers told:

* ``await session.group.commit(call)``: for a request handler (the room). Returns ``call()``'s result once its
  changes are durable and published; raises ``SessionError`` with the session's message when ``call`` is refused,
  or when the disk refused the group (then nothing of the group is kept, on disk or in memory).
* ``session.group.soon(call, refused=...)``: for a key handler, which must never wait for the disk. Returns
  ``call()``'s result at once (``SessionError`` for a refused call, as before); the screen shows the change when
  its ``Change`` arrives, after it is durable (usually within one frame). If the disk refuses it later,
  ``refused(message)`` is called and the session's refusal listeners (``session.group.on_refused``) hear it.

If the disk refuses (``fdatasync`` fails), every change not yet durable is refused: the lines are cut out of the
journal, the changes are undone in memory newest first, their callers get the store's message, and one
``follow.reloaded`` change is published so every screen redraws from the restored state. Outside a running event
loop both calls fall back to the plain, durable-on-return commit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from workshop.session.ledger import Ledger
from workshop.session.validation import SessionError
from workshop.store import StoreError

log = logging.getLogger(__name__)

T = TypeVar("T")


class GroupCommit:
    """The group-commit path of one session (``session.group``); use it from the session's event loop only."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._task: asyncio.Task[None] | None = None
        self.syncs = 0
        """``fdatasync`` calls made by the flush task (one per group; for tests and benchmarks)."""

    def _held_call(self, call: Callable[[], T]) -> tuple[T, int | None]:
        """Run ``call`` with its commits held; its result and the token of its last commit (None: no commit)."""
        before = self._ledger.commits
        with self._ledger.deferring():
            result = call()
        after = self._ledger.commits
        return result, (after if after != before else None)

    @staticmethod
    def _loop() -> asyncio.AbstractEventLoop | None:
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            return None

    async def commit(self, call: Callable[[], T]) -> T:
        """Run ``call()`` (a session mutator call, such as ``lambda: session.notes.add(text)``) with its commits
        grouped, and return its result once they are durable and published.

        Raises ``SessionError``: the call's own (nothing was written), or the store's message when the disk
        refused the group (nothing of it was kept). Cancelling the await does not undo the change: it is
        published when durable all the same.
        """
        result, token = self._held_call(call)
        if token is None:
            return result
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()

        def told(message: str | None) -> None:
            if not future.done():
                future.set_result(message)

        if not self._ledger.watch(token, told):
            return result  # already published (a durable-on-return commit inside the call covered it)
        self._start()
        message = await asyncio.shield(future)
        if message is not None:
            raise SessionError(message)
        return result

    def soon(self, call: Callable[[], T], *, refused: Callable[[str], None] | None = None) -> T:
        """Run ``call()`` with its commits grouped and return its result at once; its changes are published once
        durable. ``refused(message)`` is called if the disk refuses them later. Raises the call's own
        ``SessionError`` (nothing was written). Without a running event loop the call is durable on return."""
        if self._loop() is None:
            return call()
        result, token = self._held_call(call)
        if token is None:
            return result
        if refused is not None:
            self._ledger.watch(token, lambda message: refused(message) if message is not None else None)
        self._start()
        return result

    async def flush(self) -> None:
        """Wait until every held change is durable and published (or refused)."""
        while self._ledger.unsynced:
            if self._task is None or self._task.done():
                self._start()
            assert self._task is not None
            await asyncio.shield(self._task)

    def on_refused(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Call ``listener(message)`` whenever the disk refused held changes; returns the unsubscribe function."""
        return self._ledger.on_refused(listener)

    def _start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        """The flush task: one ``fdatasync`` per round for everything written so far, until nothing is held."""
        ledger = self._ledger
        while ledger.unsynced:
            self.syncs += 1
            try:
                await asyncio.to_thread(ledger.sync_file)
            except StoreError as error:
                ledger.refuse(str(error))
                continue
            except RuntimeError as error:  # the file was closed under us: close() settled the held changes
                log.warning("group commit stopped: %s", error)
                return
            try:
                ledger.publish_durable()
            except Exception:  # a subscriber's bug must not stop durability for the others
                log.exception("a change listener failed")
