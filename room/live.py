"""Live pages: each connected device gets its page's live part again whenever it changes (server-sent events).

After any change (a workshop ``Change`` event, a device joining), the hub waits ``delay`` seconds so a burst of
changes costs one round, then asks for each connected device's page inputs (``inputs(device)``: its view and the
room's shared notes, cheap to build and to compare) and draws its live part only when they differ from what that
device was last drawn from, and sends it only if the drawn part differs from what that device last got: a dot cast
on one phone redraws that phone's page, not forty. A device therefore learns nothing from the timing of changes it may not see (a silent
brainstorm's notes change no other device's page). Idle connections get a comment every ``keepalive`` seconds so
phones and proxies keep them open; ``EventSource`` reconnects by itself after a phone sleeps, and the first
message on every connection is the page as it is now.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from room.devices import Device

KEEPALIVE_SECONDS = 15.0
RETRY_MS = 2000


@dataclass(eq=False)
class Connection:
    device: Device
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    latest: str | None = None
    sent_hash: str = ""
    drawn_from: object = None
    """The page inputs the last drawn part came from (``None``: nothing drawn yet)."""
    ended: str = ""
    """Why the stream ends (``closed``, ``signed-out``), empty while it runs."""


def _event(name: str, data: str) -> str:
    lines = data.split("\n")
    return f"event: {name}\n" + "".join(f"data: {line}\n" for line in lines) + "\n"


class LiveHub:
    """The room's live connections. ``inputs(device)`` gathers what a device's live part is drawn from (compared
    with ``==``), ``render(device, inputs)`` draws it; ``known(device)`` says whether the device is still in the
    room."""

    def __init__(
        self,
        render: Callable[[Device, Any], str],
        known: Callable[[Device], bool],
        *,
        inputs: Callable[[Device], Any] = lambda device: None,
        delay: float = 0.03,
        keepalive: float = KEEPALIVE_SECONDS,
    ) -> None:
        self._render = render
        self._inputs = inputs
        self._known = known
        self.delay = delay
        self.keepalive = keepalive
        self._connections: set[Connection] = set()
        self._scheduled: asyncio.TimerHandle | None = None
        self.rounds = 0
        """How many rounds of offering pages there were (for the benchmark)."""
        self.drawn = 0
        """How many live parts were drawn (a device whose inputs did not change is not drawn)."""

    def __len__(self) -> int:
        return len(self._connections)

    def changed(self) -> None:
        """Something changed: schedule one round of redrawing (never draws on the caller's stack)."""
        if self._scheduled is None and self._connections:
            loop = asyncio.get_running_loop()
            self._scheduled = loop.call_later(self.delay, self._flush)

    def _offer(self, connection: Connection) -> None:
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
        digest = hashlib.blake2b(page.encode(), digest_size=16).hexdigest()
        if digest != connection.sent_hash:
            connection.sent_hash = digest
            connection.latest = page
            connection.wake.set()

    def _flush(self) -> None:
        self._scheduled = None
        self.rounds += 1
        for connection in list(self._connections):
            self._offer(connection)

    def close(self) -> None:
        """End every stream (the room closed): each device is told, then its connection ends."""
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        for connection in list(self._connections):
            connection.ended = "closed"
            connection.wake.set()

    async def stream(self, device: Device) -> AsyncIterator[str]:
        """The event stream of one connection: the page now, then each change, with keep-alive comments."""
        connection = Connection(device)
        self._connections.add(connection)
        device.streams += 1
        try:
            yield f"retry: {RETRY_MS}\n\n"
            self._offer(connection)
            while True:
                try:
                    await asyncio.wait_for(connection.wake.wait(), self.keepalive)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                connection.wake.clear()
                if connection.ended:
                    yield _event(connection.ended, connection.ended)
                    return
                if connection.latest is not None:
                    page, connection.latest = connection.latest, None
                    yield _event("page", page)
        finally:
            device.streams -= 1
            self._connections.discard(connection)
