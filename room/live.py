"""Live pages: each connected device gets only what changed on its page (server-sent events).

A device's live part is a ``LivePage``: a sequence of parts, each an element with a DOM id (a ``Block`` replaced
whole, or an ``Items`` list whose entries are keyed by their own ids). After any change (a workshop ``Change``
event, a device joining), the hub waits ``delay`` seconds so a burst of changes costs one round, then asks for each
connected device's page inputs (``inputs(device)``: its view and the room's shared notes, cheap to build and to
compare) and draws its page only when they differ from what that device was last drawn from. What goes down the
wire is then the difference from the page the device already has, as a ``patch`` event: a JSON list of operations
(a whole page is a ``page`` event holding the part's HTML as one JSON string: one line, however many the HTML has)

- ``["replace", id, html]``: the element with that id is replaced by ``html``;
- ``["remove", id]``: the element goes;
- ``["insert", list_id, after_id, html]``: ``html`` goes into the list after the entry ``after_id`` (``null``: first).

A note added to the room is one ``insert`` of one list entry (about 200 bytes), not the room's whole list; the
entry is drawn once and the operations for the room's shared list are worked out once per round and shared by every
device that had the same list (``diff``'s memo). A whole ``page`` event is sent only where it is needed: on every
new connection (so a phone that slept and reconnects gets the full current state), when the page's frame changes
(another stage, another mode: notes, vote, readiness …), when its parts no longer line up, or when a slow reader
has fallen more than ``MAX_QUEUED`` patches behind. A device therefore learns nothing from the timing of changes it
may not see (a silent brainstorm's notes change no other device's page, so nothing is sent to them). Idle
connections get a comment every ``keepalive`` seconds so phones and proxies keep them open; ``EventSource``
reconnects by itself after a phone sleeps.

A round runs as a task in slices of about ``SLICE_SECONDS`` of work, yielding to the event loop between them, so a
round never holds up the requests, keys and frames that came in meanwhile: with 40 phones a round takes 5-15 ms
of CPU, and a vote opening on 400 notes (a whole page of ~380 KB for each phone) about 230 ms, which as one
callback made every phone's durable answer and the facilitator's keys wait behind it. Changes during a round ask
for one more round after it (``delay`` later): rounds coalesce and none is lost, and a device drawn early in a
round whose workshop changed after it is drawn again in the next. What the devices share is worked out again at a
slice when the workshop changed since the last (``fresh``).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import AsyncIterator, Callable, Hashable
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any

from room.devices import Device

KEEPALIVE_SECONDS = 15.0
"""How often every live connection gets a keep-alive comment (``KEEPALIVE``), all together from one timer of the
hub: an idle room wakes the loop once per ``KEEPALIVE_SECONDS``, whatever the number of phones. (Each stream used
to wait for its own timeout, a task and a timer per connection and per wait.)"""
KEEPALIVE = b": keep-alive\n\n"
RETRY_MS = 2000
MAX_QUEUED = 32
"""Patches a connection may have waiting before they are folded into one whole page (a reader that stalled)."""
SLICE_SECONDS = 0.002
"""The work (wall time, ``time.perf_counter``) a round does before it yields to the event loop: a key, a request
or a frame waits for at most about this much of a round (one device's page is never split: a whole 400-note
ballot page takes about 6 ms)."""


@dataclass(frozen=True, slots=True)
class Block:
    """One element of a live page, replaced whole when its HTML changes. ``html`` is the element itself
    (its outer HTML, carrying ``id``); an empty ``id`` marks fixed markup that never changes within a frame."""

    id: str
    html: str


@dataclass(frozen=True, slots=True)
class Items:
    """A list on a live page whose entries change one by one: ``open`` + the entries' HTML + ``close``.
    ``items`` are ``(entry id, entry html)`` in page order; each entry is an element carrying its id."""

    id: str
    open: str
    close: str
    items: tuple[tuple[str, str], ...] = ()

    @property
    def html(self) -> str:
        return self.open + "".join(html for _, html in self.items) + self.close


Part = Block | Items


@dataclass(frozen=True, slots=True)
class LivePage:
    """A device's live part: ``frame`` names what kind of page it is (a change of frame sends the whole page)."""

    frame: Hashable
    parts: tuple[Part, ...]

    @property
    def html(self) -> str:
        return "".join(part.html for part in self.parts)


def _json(value: str | None) -> str:
    """``value`` as JSON (a string, or ``null``), as ``json.dumps(value, ensure_ascii=False)`` writes it."""
    return "null" if value is None else encode_basestring(value)


def _op(*args: str | None) -> str:
    """One operation (see the module's docstring) as a JSON array of strings, as ``json.dumps(args,
    ensure_ascii=False, separators=(",", ":"))`` writes it, without its encoder's set-up for each call (a
    400-entry ballot's operations are 400 calls)."""
    return "[" + ",".join(map(_json, args)) + "]"


_OP_BYTES = 24
"""About what an operation adds to its element's id and HTML (its name, quotes, commas, the list's id)."""


def _items_ops(old: Items, new: Items) -> list[str]:
    """The operations taking ``old``'s entries to ``new``'s; the list replaced whole when the entries that stay
    changed order (a move), or when the entries' operations would be longer than the whole list (a ballot whose
    dots ran out redraws each of its 400 entries: one ``replace`` of the list, and the entries' operations are
    never written; their size is reckoned from their ids and HTML before any is)."""
    if old.open != new.open or old.close != new.close:
        return [_op("replace", new.id, new.html)]
    before = dict(old.items)
    after = {key for key, _ in new.items}
    removed = [key for key in before if key not in after]
    stayed = [key for key in before if key in after]
    if stayed != [key for key, _ in new.items if key in before]:
        return [_op("replace", new.id, new.html)]
    changes: list[tuple[bool, str | None, str, str]] = []
    """(inserted, the entry it goes after (None: first), its id, its HTML) of each entry inserted or replaced"""
    size = sum(len(key) + _OP_BYTES for key in removed)
    whole = len(new.open) + len(new.close) + len(new.id) + _OP_BYTES
    previous: str | None = None
    for key, html in new.items:
        whole += len(html)
        if key not in before:
            changes.append((True, previous, key, html))
            size += len(new.id) + len(previous or "null") + len(html) + _OP_BYTES
        elif before[key] is not html and before[key] != html:
            changes.append((False, previous, key, html))
            size += len(key) + len(html) + _OP_BYTES
        previous = key
    if size > 256 and size > whole:  # the whole list costs less
        return [_op("replace", new.id, new.html)]
    ops = [_op("remove", key) for key in removed]
    for inserted, behind, key, html in changes:
        ops.append(_op("insert", new.id, behind, html) if inserted else _op("replace", key, html))
    return ops


Memo = dict[tuple[int, int], tuple[Items, Items, list[str]]]
"""Operations of lists already compared this round, by the two lists' identities (the lists are kept with them,
so an identity is never reused while the memo lives)."""


@dataclass(eq=False)
class Round:
    """What one round works out once for every device: the operations of each pair of lists compared
    (``lists``, ``diff``'s memo) and each part's HTML as JSON (``escaped``: by the part's identity, the part kept
    with it; a whole page's JSON is its parts' put together, so a 400-note ballot list that every phone shares at
    a vote's opening is escaped once for the room, not once per phone)."""

    lists: Memo = field(default_factory=dict)
    escaped: dict[int, tuple[Part, bytes]] = field(default_factory=dict)
    escapes: int = 0
    """Parts escaped this round (for the tests)."""

    def page_json(self, page: LivePage) -> bytes:
        """``page``'s HTML as one JSON string in UTF-8, as ``json.dumps(page.html, ensure_ascii=False).encode()``
        writes it (JSON escapes each character on its own, so the parts' escaped HTML put together is the page's;
        each part is escaped and encoded once a round, and a page is its parts' bytes put together)."""
        pieces = []
        for part in page.parts:
            found = self.escaped.get(id(part))
            if found is None or found[0] is not part:
                found = self.escaped[id(part)] = (part, encode_basestring(part.html)[1:-1].encode())
                self.escapes += 1
            pieces.append(found[1])
        return b'"' + b"".join(pieces) + b'"'


def diff(old: LivePage, new: LivePage, memo: Memo | None = None) -> list[str] | None:
    """The operations (each a JSON array, see the module's docstring) taking a device from ``old`` to ``new``;
    ``None`` when only the whole page will do (another frame, parts that do not line up).

    ``memo`` shares the operations of one list between devices: the room's notes are one ``Items`` object for
    every device in a round, so their operations are worked out once."""
    if old.frame != new.frame or len(old.parts) != len(new.parts):
        return None
    ops: list[str] = []
    for before, after in zip(old.parts, new.parts, strict=True):
        if before is after:
            continue
        if type(before) is not type(after) or before.id != after.id:
            return None
        if isinstance(after, Items):
            assert isinstance(before, Items)
            key = (id(before), id(after))
            known = memo.get(key) if memo is not None else None
            if known is None:
                known = (before, after, _items_ops(before, after))
                if memo is not None:
                    memo[key] = known
            ops += known[2]
        elif before.html != after.html:
            if not after.id:
                return None
            ops.append(_op("replace", after.id, after.html))
    return ops


@dataclass(eq=False)
class Connection:
    device: Device
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    queue: list[bytes] = field(default_factory=list)
    """Events ready to send, in order (a ``page`` event clears what was before it)."""
    sent: LivePage | None = None
    """The page the device has once ``queue`` is sent (``None``: nothing sent yet)."""
    drawn_from: object = None
    """The page inputs ``sent`` was drawn from (``None``: nothing drawn yet)."""
    ended: str = ""
    """Why the stream ends (``closed``, ``signed-out``), empty while it runs."""
    ping: bool = False
    """A keep-alive is due (the hub's ``_ping``): sent unless events go down the stream at that wake anyway."""


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def page_digest(html: str) -> str:
    """A short digest of a live part's HTML (the page tells the stream which part it was loaded with)."""
    return hashlib.blake2b(html.encode(), digest_size=16).hexdigest()


def _event(name: str, data: str | bytes) -> bytes:
    """One server-sent event, in UTF-8 as it goes down the stream; ``data`` (text, or UTF-8) split at every line
    break the event-stream format knows (CR, LF, CRLF). JSON (every ``page`` and ``patch``) has none, so it goes
    as one line without a split (splitting 40 whole pages of 380 KB with the expression took ~40 ms of a round).
    Events are bytes from here on: a whole page's JSON is put together from bytes encoded once a round, and
    nothing encodes it again per phone (counting its bytes encoded a 380 KB page per phone, and so did the
    response writing each text chunk)."""
    raw = data if isinstance(data, bytes) else data.encode()
    if b"\n" not in raw and b"\r" not in raw:
        return b"event: " + name.encode() + b"\ndata: " + raw + b"\n\n"
    text = raw.decode()
    return (f"event: {name}\n" + "".join(f"data: {line}\n" for line in _LINE_BREAK.split(text)) + "\n").encode()


class LiveHub:
    """The room's live connections. ``inputs(device)`` gathers what a device's live part is drawn from (compared
    with ``==``), ``render(device, inputs)`` draws it as a ``LivePage``; ``known(device)`` says whether the device
    is still in the room. ``fresh()`` is called before each slice of a round and before a new connection's first
    page: what the devices' inputs share may have changed since the last call (and no longer after it, until the
    slice ends: nothing else runs on the loop meanwhile). ``finish(device, event)`` turns an event (UTF-8) into what
    that device is sent (the room puts the device's own CSRF token in). ``prepare(deadline)`` works out, at the start
    of each slice of a round, what the devices' pages will share, until ``deadline`` (``time.perf_counter``) but
    at least one step of it, and says whether it is all done; until it is, the slice offers no page and the round
    goes on in the next slice (a 400-note ballot's entries, drawn for the first phone's page, held the loop for
    10-13 ms in one piece)."""

    def __init__(
        self,
        render: Callable[[Device, Any], LivePage],
        known: Callable[[Device], bool],
        *,
        inputs: Callable[[Device], Any] = lambda device: None,
        fresh: Callable[[], None] = lambda: None,
        prepare: Callable[[float], bool] = lambda deadline: True,
        delay: float = 0.03,
        keepalive: float = KEEPALIVE_SECONDS,
        slice_seconds: float = SLICE_SECONDS,
        finish: Callable[[Device, bytes], bytes] = lambda device, event: event,
    ) -> None:
        self._render = render
        self._inputs = inputs
        self._fresh = fresh
        self._prepare = prepare
        self._known = known
        self.delay = delay
        self.keepalive = keepalive
        self.slice_seconds = slice_seconds
        self._finish = finish
        self._connections: set[Connection] = set()
        self._scheduled: asyncio.TimerHandle | None = None
        self._pinger: asyncio.TimerHandle | None = None
        """The one timer that asks every connection for a keep-alive (``_ping``); None without connections."""
        self._task: asyncio.Task[None] | None = None
        self._again = False
        self.slices = 0
        """How many slices rounds were cut into (for the tests and the benchmark)."""
        self.longest_slice = 0.0
        """The most CPU seconds one slice took (the longest the loop was held by the live pages; benchmark)."""
        self.rounds = 0
        """How many rounds of offering pages there were (for the benchmark)."""
        self.offering = False
        """True while pages are being offered (a round, or a new connection's first page)."""
        self.drawn = 0
        """How many live pages were drawn (a device whose inputs did not change is not drawn)."""
        self.pages = 0
        """Whole pages queued (first connections, another frame, a reader that fell behind)."""
        self.patches = 0
        """Patches queued (a page's differences only)."""
        self.queued_bytes = 0
        """Bytes of events queued for all devices together (UTF-8), for the benchmark and the tests."""
        self.cpu = 0.0
        """CPU seconds of the loop's thread (``time.thread_time``) spent offering pages: drawing, comparing,
        queueing (benchmark). The process's CPU (``time.process_time``) also counted whatever other threads ran
        meanwhile (the group commit's sync thread) as the pages' own."""

    def __len__(self) -> int:
        return len(self._connections)

    def changed(self) -> None:
        """Something changed: schedule one round of redrawing ``delay`` seconds from now (never draws on the
        caller's stack); during a round, one more round follows it."""
        if not self._connections:
            return
        if self._task is not None:
            self._again = True
        elif self._scheduled is None:
            loop = asyncio.get_running_loop()
            self._scheduled = loop.call_later(self.delay, self._begin)

    def _begin(self) -> None:
        self._scheduled = None
        self._task = asyncio.get_running_loop().create_task(self._rounds())

    async def _rounds(self) -> None:
        """Rounds in slices until no change came during the last one."""
        try:
            while True:
                self._again = False
                await self._sliced_round()
                if not self._again or not self._connections:
                    break
                await asyncio.sleep(self.delay)
        finally:
            self._task = None

    async def _sliced_round(self) -> None:
        self.rounds += 1
        work = Round()
        waiting = list(self._connections)
        while waiting:
            self._slice(waiting, work)
            if waiting:
                await asyncio.sleep(0)  # everything that became ready meanwhile runs before the next slice

    def _slice(self, waiting: list[Connection], work: Round) -> None:
        """Offer pages to ``waiting`` connections (taken from its end) for about ``slice_seconds``."""
        self.slices += 1
        self.offering = True
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            self._fresh()
            if not self._prepare(started + self.slice_seconds):
                return  # what the pages share is not all worked out yet: more of it in the next slice
            while waiting:
                connection = waiting.pop()
                if connection in self._connections:  # not a stream that ended meanwhile
                    self._offer(connection, work)
                if time.perf_counter() - started >= self.slice_seconds:
                    break
        finally:
            self.offering = False
            spent = time.thread_time() - cpu
            self.cpu += spent
            self.longest_slice = max(self.longest_slice, spent)

    @property
    def busy(self) -> bool:
        """True while a round is due or running (for tests: ``await hub.settled()``)."""
        return self._scheduled is not None or self._task is not None

    async def settled(self) -> None:
        """Wait until no round is due or running (every change so far offered to every device)."""
        while self.busy:
            if self._task is not None:
                await asyncio.shield(self._task)
            else:
                await asyncio.sleep(self.delay / 2)

    def _queue(self, connection: Connection, event: bytes, *, whole: bool) -> None:
        event = self._finish(connection.device, event)
        if whole:
            connection.queue.clear()
            self.pages += 1
        else:
            self.patches += 1
        connection.queue.append(event)
        self.queued_bytes += len(event)
        connection.wake.set()

    def _offer(self, connection: Connection, work: Round | None = None, *, have: str = "") -> None:
        work = work or Round()
        if not self._known(connection.device):
            connection.ended = "signed-out"
            connection.wake.set()
            return
        inputs = self._inputs(connection.device)
        if connection.drawn_from is not None and connection.drawn_from == inputs:
            return
        page = self._render(connection.device, inputs)
        self.drawn += 1
        connection.drawn_from = inputs
        if have and page_digest(page.html) == have:  # the page it was loaded with is the page now: nothing to send
            connection.sent = page
            return
        old, connection.sent = connection.sent, page
        ops = diff(old, page, work.lists) if old is not None else None
        if ops is None or len(connection.queue) >= MAX_QUEUED:
            self._queue(connection, _event("page", work.page_json(page)), whole=True)
        elif ops:
            self._queue(connection, _event("patch", "[" + ",".join(ops) + "]"), whole=False)

    def _flush(self) -> None:
        """One whole round now, not sliced (tests and ``room_push_probe`` count what one round costs)."""
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        self.rounds += 1
        waiting = list(self._connections)
        work = Round()
        while waiting:
            self._slice(waiting, work)

    def _keep_pinging(self) -> None:
        """Have ``_ping`` run ``keepalive`` seconds from now, unless it is due already."""
        if self._pinger is None:
            self._pinger = asyncio.get_running_loop().call_later(self.keepalive, self._ping)

    def _ping(self) -> None:
        """Every connection is due a keep-alive (one wake-up of each stream), then the next in ``keepalive``
        seconds while any connection is left."""
        self._pinger = None
        for connection in self._connections:
            connection.ping = True
            connection.wake.set()
        if self._connections:
            self._keep_pinging()

    def close(self) -> None:
        """End every stream (the room closed): each device is told, then its connection ends."""
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        if self._pinger is not None:
            self._pinger.cancel()
            self._pinger = None
        if self._task is not None:
            self._task.cancel()
            self._task = None
        for connection in list(self._connections):
            connection.ended = "closed"
            connection.wake.set()

    async def stream(self, device: Device, *, have: str = "") -> AsyncIterator[bytes]:
        """The event stream of one connection: the whole page now, then each change's patch, with keep-alive
        comments (``KEEPALIVE``, every ``keepalive`` seconds from the hub's one timer). ``have`` is the
        ``page_digest`` of the live part the device already shows (the page it just loaded): when that is still the
        page, the first whole page is not sent again (a phone starting to type right after the page loaded keeps
        its field)."""
        connection = Connection(device)
        self._connections.add(connection)
        self._keep_pinging()
        device.streams += 1
        try:
            yield f"retry: {RETRY_MS}\n\n".encode()
            self.offering = True
            try:
                self._fresh()
                self._offer(connection, have=have)
            finally:
                self.offering = False
            while True:
                await connection.wake.wait()
                connection.wake.clear()
                if connection.ended:
                    yield _event(connection.ended, connection.ended)
                    return
                ping, connection.ping = connection.ping, False
                if connection.queue:
                    events = b"".join(connection.queue)
                    connection.queue.clear()
                    yield events
                elif ping:
                    yield KEEPALIVE
        finally:
            device.streams -= 1
            self._connections.discard(connection)
