"""Group commit: changes made close together become durable with one ``fdatasync``, off the event loop.

The session's mutators are durable on return: each commit writes one journal line and waits for the disk
(``fdatasync``: 0.3 ms on a quiet SSD, up to 46 ms measured on a busy shared disk). On the app's single event
loop, with 40 phones posting at once, every request then waits for every earlier request's ``fdatasync``
(issue #11: request to durable p95 174 ms), and a key handler that commits blocks drawing for one ``fdatasync``
(issue #14: no key handler longer than one frame, 16 ms).

``GroupCommit`` (``session.group``) runs a mutator call with its commits *held*: each writes its journal line
at once and shows in memory at once (so the next call is checked against it: budgets, caps, one device per
voter), but nobody is told it is saved. The group's sync thread (``SyncThread``: one per session, already
waiting, so a round starts without the executor's hand-over) makes all lines written so far durable with a single
``fdatasync``; it touches only the journal's file descriptor, never the session. The loop keeps drawing and
taking requests meanwhile, which join the next round. Once the ``fdatasync`` has returned, the held changes are
published (``Change``) on the loop, in commit order, and only then are the callers told:

* ``await session.group.commit(call)``: for a request handler (the room). Returns ``call()``'s result once its
  changes are durable and published; raises ``SessionError`` with the session's message when ``call`` is refused,
  or when the disk refused the group (then nothing of the group is kept, on disk or in memory). The first held
  change asks for a round at once; those made while it is asked or running share the next. A round's end is one
  callback on the loop, run before the callbacks already waiting there (``_call_first``), that publishes its
  changes, which tells their callers; a caller run by ``direct.drive`` (the room's form posts) resumes right
  there and writes its answer, a caller in a plain task on the loop's next turn (issue #11: request to durable
  p95 183 ms, then 47.7 ms, in a busy room, most of it waiting for a busy loop after the ``fdatasync``).
* ``session.group.soon(call, refused=...)``: for a key handler, which never waits for the disk nor for the sync
  thread. Returns ``call()``'s result (``SessionError`` for a refused call, as before) with its change in memory
  and its line queued, asks the sync thread for a round and returns; the change is published (and the screen
  shows it) when that round ends, from the loop (``_call_first``), never before it is durable. If the disk
  refuses it, ``refused(message)`` is called and the session's refusal listeners (``session.group.on_refused``)
  hear it. Until 30 November the handler waited for its round up to 4 ms (``INLINE_WAIT``), so that on a quiet
  disk the list showed the note in the handler's own frame; on this kind of machine a thread that sleeps pays its
  wake-up on the run queue when the CPUs are busy, and that bounded wait made the longest key handler 31.5-51 ms
  (store_bench's key path at 20,000 notes: the handler's own CPU 0.3-1.4 ms, 9-39 ms of it on the run queue
  after the wait, per ``/proc/<pid>/task/<tid>/schedstat``). Without it, in the same conditions back to back,
  the longest was 5.6-9.9 ms, all of it preemption by other processes, and Enter to durable + list in the app
  (ui_bench) was no slower.

If the disk refuses (``fdatasync`` fails), every change not yet durable is refused: the lines are cut out of the
journal, the changes are undone in memory newest first, their callers get the store's message, and one
``follow.reloaded`` change is published so every screen redraws from the restored state. Outside a running event
loop both calls fall back to the plain, durable-on-return commit.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from workshop.session.direct import Prompt
from workshop.session.ledger import Ledger
from workshop.session.validation import SessionError
from workshop.store import StoreError

log = logging.getLogger(__name__)

T = TypeVar("T")

_Waiter = tuple[int, asyncio.AbstractEventLoop, Callable[[BaseException | None], None]]
_Due = tuple[Callable[[BaseException | None], None], BaseException | None]


class SyncThread:
    """One thread that runs ``sync()`` (the ledger's one ``fdatasync`` for every line written so far) in rounds.

    ``ask_then(ended)`` asks for a round and has the loop run ``ended(exception or None)`` once it has ended; asks
    made while a round runs share the next one, and a round starts after the ask, so it covers every line written
    before it. Nobody waits for a round by blocking a thread: ``ask_future()`` asks for a round and returns a
    future for the loop, resolved there with the round's exception or ``None``. The
    thread starts at ``start()`` (the session's ``warm``, before the first key) or else at the first ask, and ends
    at ``stop()`` (or after ``IDLE_EXIT`` seconds without a round, when set); it never touches the session.
    """

    SWITCH_INTERVAL = 0.0005
    """The interpreter's thread switch interval (``sys.setswitchinterval``, seconds) once a sync thread runs, if it
    was longer (Python's default is 5 ms). The thread gives up the GIL in every ``write`` and ``fdatasync`` and must
    get it back to carry on; while the loop's thread runs Python (drawing, requests, live pages) it gets it only
    when the loop's thread is asked to drop it, after this interval: at 5 ms, a round's write, ``fdatasync`` and
    wake-up of the loop waited up to 5 ms each (room_bench's ``fdatasync`` p95 11.3 ms in the 06:30 run, where
    the disk alone takes 0.4 ms median). Measured on this sandbox, a line's ``write`` + ``fdatasync`` while another
    thread runs Python: median 6.4 ms, p95 17-22 ms at 5 ms; median 0.8-1.2 ms, p95 6-8 ms at 0.5 ms. The interval
    only matters while a thread waits for the GIL, and then gives the loop's thread its turn back as quickly."""

    IDLE_EXIT: float | None = None
    """Seconds without a round after which the thread ends (the next ask starts another); None: it waits until
    ``stop()``. Starting a thread waits for the system to schedule it, and the ask that started one was a key
    handler's: after a facilitator's pause the next Enter paid it (the 30 s this was before)."""

    def __init__(self, sync: Callable[[], bool]) -> None:
        """``sync()`` makes every written line durable; True if it ran an ``fdatasync`` (False: nothing to do)."""
        self._sync = sync
        self._cond = threading.Condition()
        self._asked = 0
        self._running = 0
        """The round the thread is running now (or ran last)."""
        self._ended = 0
        self._waiters: list[_Waiter] = []
        self._due: dict[asyncio.AbstractEventLoop, collections.deque[_Due]] = {}
        """Rounds' ends handed to each loop and not yet run there, oldest first (``_hand_over``)."""
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.syncs = 0
        """Rounds that ran an ``fdatasync`` (for tests and benchmarks)."""
        self.longest = 0.0
        """The longest round so far, in seconds (``time.perf_counter``; for benchmarks: the disk's share)."""

    def start(self) -> None:
        """Start the thread now unless it runs already, so that no key handler's ask has to (``warm``)."""
        with self._cond:
            self._stopping = False
            self._start_thread()

    @property
    def running(self) -> bool:
        """True while the thread is there to take a round (for tests)."""
        return self._thread is not None

    def _start_thread(self) -> None:
        if self._thread is None:
            if sys.getswitchinterval() > self.SWITCH_INTERVAL:
                sys.setswitchinterval(self.SWITCH_INTERVAL)
            self._thread = threading.Thread(target=self._main, name="group-commit-sync", daemon=True)
            self._thread.start()

    def _ask(self) -> int:
        self._stopping = False
        self._asked += 1
        self._start_thread()
        self._cond.notify_all()
        return self._asked

    def ask_future(self) -> asyncio.Future[BaseException | None]:
        """Ask for a round (as ``ask_then``) and return a future of the running loop, resolved there with the round's
        exception (None: it succeeded) once it has ended."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[BaseException | None] = loop.create_future()
        self.ask_then(lambda error: _settle(future, error))
        return future

    def ask_then(self, ended: Callable[[BaseException | None], None]) -> None:
        """Ask for a round that starts after this call; ``ended(exception or None)`` is called in the running loop, as one
        callback of its own run before those already waiting there (``_call_first``), once the round has ended
        (a future would take one more turn of the loop to wake whoever waits on it). When ``ended`` already waits for a round that has not started yet, that round
        covers this ask too and nothing more is asked: asks made while a round runs share the next one, which
        the thread starts as soon as the running one ends, without waiting for the loop to ask again."""
        loop = asyncio.get_running_loop()
        with self._cond:
            started = max(self._ended, self._running)
            if any(r > started and w_loop is loop and w == ended for r, w_loop, w in self._waiters):
                return
            self._waiters.append((self._ask(), loop, ended))

    def stop(self) -> None:
        """Let the thread end once no round is asked (it does not wait for a round running now)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()

    def _main(self) -> None:
        cond = self._cond
        while True:
            with cond:
                while self._ended >= self._asked:
                    if (self._stopping or not cond.wait(self.IDLE_EXIT)) and self._ended >= self._asked:
                        self._thread = None  # stopped, or idle: the next ask starts another thread
                        return
                target = self._running = self._asked
            error: BaseException | None = None
            began = time.perf_counter()
            try:
                synced = self._sync()
            except BaseException as caught:  # handed to the loop that waits for the round
                error, synced = caught, False
            self.longest = max(self.longest, time.perf_counter() - began)
            with cond:
                if synced:
                    self.syncs += 1
                self._ended = target
                done = [w for w in self._waiters if w[0] <= target]
                self._waiters = [w for w in self._waiters if w[0] > target]
                cond.notify_all()
            for _round, loop, ended in done:
                self._hand_over(loop, ended, error)

    def _hand_over(
        self,
        loop: asyncio.AbstractEventLoop,
        ended: Callable[[BaseException | None], None],
        error: BaseException | None,
    ) -> None:
        """From the thread: have ``loop`` run ``ended(error)`` before the callbacks waiting there (``_call_first``),
        and after the rounds' ends handed over before it: each hand-over queues one ``_next_due`` at the front,
        which runs the oldest end not yet run (so ends run in the order the rounds ended, however many are queued
        at the front together)."""
        with self._cond:
            self._due.setdefault(loop, collections.deque()).append((ended, error))
        try:
            _call_first(loop, self._next_due, loop)
        except RuntimeError:  # that loop has closed: nobody waits any more
            with self._cond:
                self._due.pop(loop, None)

    def _next_due(self, loop: asyncio.AbstractEventLoop) -> None:
        """On ``loop``: run the oldest round's end handed over to it."""
        with self._cond:
            due = self._due.get(loop)
            if not due:
                return
            ended, error = due.popleft()
            if not due:
                del self._due[loop]
        ended(error)


def _call_first(loop: asyncio.AbstractEventLoop, callback: Callable[[T], None], arg: T) -> None:
    """From another thread: run ``callback(arg)`` on ``loop`` before every callback already waiting there, as
    soon as the one running now returns (``call_soon_threadsafe`` puts it behind them all). Two such calls before
    the loop gets to them run newest first: ``SyncThread._hand_over`` keeps rounds' ends in order.

    A round's end answers every phone of the round and publishes the keyboard's change; behind it wait whatever
    the loop queued while the ``fdatasync`` ran: frames of the facilitator's screen, the screens' change
    messages, slices of live pages (measured in room_bench: 27.5 ms p95 from a round's end to the 2xx, the loop's
    lag 10.9 ms p95). Rounds end at most a few hundred times a second, so nothing queued waits long for them.
    Uses the asyncio loop's ready queue (``BaseEventLoop._ready``, a deque: ``appendleft`` is atomic) and its
    self-pipe (``_write_to_self``, as ``call_soon_threadsafe`` does); on a loop without them (another event loop
    implementation), ``call_soon_threadsafe``. Raises ``RuntimeError`` when the loop is closed."""
    ready = getattr(loop, "_ready", None)
    wake = getattr(loop, "_write_to_self", None)
    if not isinstance(ready, collections.deque) or wake is None or loop.get_debug():
        loop.call_soon_threadsafe(callback, arg)
        return
    if loop.is_closed():
        raise RuntimeError("Event loop is closed")
    ready.appendleft(asyncio.Handle(callback, (arg,), loop))
    wake()


def _settle(future: asyncio.Future[BaseException | None], error: BaseException | None) -> None:
    if not future.done():
        future.set_result(error)


class GroupCommit:
    """The group-commit path of one session (``session.group``); use it from the session's event loop only."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._stopped = False
        self._flushing: list[asyncio.Future[BaseException | None]] = []
        self.sync_thread = SyncThread(ledger.sync_file)
        """The thread that runs the rounds (its ``syncs`` and ``longest`` are read by tests and benchmarks)."""

    @property
    def syncs(self) -> int:
        """``fdatasync`` calls made by group commit (one per round with lines to sync; for tests and benchmarks)."""
        return self.sync_thread.syncs

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

        The wait is a ``Prompt``: a caller run by ``direct.drive`` (the room's form posts) resumes inside the
        callback that publishes the round, so its answer is written there, with no turn of a busy loop between
        the change being durable and the 2xx; a caller in a plain task resumes on the loop's next turn.
        """
        result, token = self._held_call(call)
        if token is None:
            return result
        future: Prompt[str | None] = Prompt(loop=asyncio.get_running_loop())

        def told(message: str | None) -> None:
            if not future.done():
                future.set_result(message)

        if not self._ledger.watch(token, told):
            return result  # already published (a durable-on-return commit inside the call covered it)
        self._start()
        message = await future
        if message is not None:
            raise SessionError(message)
        return result

    def soon(self, call: Callable[[], T], *, refused: Callable[[str], None] | None = None) -> T:
        """Run ``call()`` with its commits grouped and return its result at once: its changes are in memory (the
        next call is checked against them) and their journal lines queued, and they are published from the loop
        once the sync thread's round has made them durable. ``refused(message)`` is called if the disk refuses
        them. Raises the call's own ``SessionError`` (nothing was written). Never waits for the disk, the sync
        thread or a lock either holds while it writes or syncs (issue #14: a key handler stays under one frame;
        see the module's docstring). Without a running event loop the call is durable on return."""
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
        """Wait until every held change is durable and published (or refused). Raises what the sync thread
        raised, other than the store's refusal (which refuses the changes instead)."""
        while self._ledger.unsynced and not self._stopped:
            self._start()
            future: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()
            self._flushing.append(future)
            error = await future
            if error is not None:
                raise error

    def on_refused(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Call ``listener(message)`` whenever the disk refused held changes; returns the unsubscribe function."""
        return self._ledger.on_refused(listener)

    def warm(self) -> None:
        """Start the sync thread before the first key needs it (``WorkshopSession.warm``)."""
        self.sync_thread.start()

    def close(self) -> None:
        """Let the sync thread end (the ledger's ``close`` makes held changes durable itself)."""
        self.sync_thread.stop()

    def _start(self) -> None:
        """Ask for a round that covers every line written so far (one already asked and not yet started does;
        ``SyncThread.ask_then``). Asked at once, not from a task on the next turn of the loop: a change waits
        for no turn of a loop that may be busy before its ``fdatasync`` starts, and one made while a round
        runs gets the round right after it."""
        self._stopped = False
        self.sync_thread.ask_then(self._ended)

    def _publish(self) -> None:
        try:
            self._ledger.publish_durable()
        except Exception:  # a subscriber's bug must not stop durability for the others
            log.exception("a change listener failed")

    def _ended(self, error: BaseException | None) -> None:
        """A round has ended (called in the loop, as its own callback): publish its changes (or refuse them)
        there and then, which tells their waiters, so a request handler resumes on the next turn of the loop;
        then ask for the next round if anything is still held and no round is asked for it. One round at a time
        (the sync thread's), until nothing is held."""
        ledger = self._ledger
        if isinstance(error, StoreError):
            ledger.refuse(str(error))
            error = None
        elif isinstance(error, RuntimeError):  # the file was closed under us; close() settled the held changes
            log.warning("group commit stopped: %s", error)
            self._stopped = True
            error = None
        elif error is not None:
            log.error("group commit: the sync thread failed", exc_info=error)
        else:
            self._publish()
        if ledger.unsynced and not self._stopped and error is None:
            self._start()
        flushing, self._flushing = self._flushing, []
        for future in flushing:
            _settle(future, error)
