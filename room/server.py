"""The room's web server inside the app's own event loop: uvicorn serving the Starlette app on a bound socket.

uvicorn normally installs SIGINT/SIGTERM handlers on the main thread (where Textual runs) and configures logging
that writes over the terminal; here signal capture does nothing, ``log_config=None`` leaves logging alone and
uvicorn's loggers get a null handler (nothing reaches the terminal). The socket is bound before the server starts,
so the port, and so the QR code, are known at once; port 0 asks the system for a free one.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import socket
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate

import uvicorn
from uvicorn.server import ServerState

from room.room import Room
from room.security import RoomLimits
from room.web import RoomWeb
from workshop.session import Change, WorkshopSession

for _name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
    _logger = logging.getLogger(_name)
    _logger.addHandler(logging.NullHandler())
    _logger.propagate = False


class RoomStartError(Exception):
    """The room could not start (address not on this machine, port taken); the message says what to do."""


_now = time.time
"""The wall clock the ``Date`` header reads (seconds since the epoch; a test sets its own)."""


class _DatedState(ServerState):
    """uvicorn's state shared by every connection, with the ``Date`` header made as a response asks for it.

    uvicorn refreshes ``default_headers`` (``Date`` plus the configured headers) in its server's ``on_tick``, which
    its main loop calls ten times a second, for as long as the server runs. Here nothing ticks: each response reads
    ``default_headers`` (``h11_impl`` and ``httptools_impl`` read it as a request starts), which gives ``Date`` for
    the current second (RFC 9110 section 6.6.1: one-second resolution), rebuilt at most once a second.
    """

    def __init__(self, config: uvicorn.Config) -> None:
        self._config = config
        self._second = -1
        self._headers: list[tuple[bytes, bytes]] = []
        super().__init__()

    @property
    def default_headers(self) -> list[tuple[bytes, bytes]]:
        """``Date`` for the current second (when the config asks for it), then the config's own headers."""
        second = int(_now())
        if second != self._second:
            date = [(b"date", formatdate(second, usegmt=True).encode())] if self._config.date_header else []
            self._headers = date + self._config.encoded_headers
            self._second = second
        return self._headers

    @default_headers.setter
    def default_headers(self, _value: list[tuple[bytes, bytes]]) -> None:
        """uvicorn's ``ServerState.__init__`` and ``on_tick`` set it; it is made on reading instead."""


class _QuietServer(uvicorn.Server):
    """uvicorn's server, quiet in the app: it leaves the signals alone and never wakes the app's loop on its own.

    uvicorn's own ``main_loop`` sleeps 0.1 s between two looks at ``should_exit`` (its ``on_tick``, which also sets
    the ``Date`` header once a second): ten wake-ups a second of the app's loop for as long as the room is open,
    with or without phones, and on this kind of machine each wake-up from idle costs milliseconds of CPU. Here the
    main loop waits for ``should_exit`` alone (setting it, ``RoomServer.stop``, wakes it at once) and the ``Date``
    header is made as each response asks for it (``_DatedState``). ``limit_max_requests`` and
    ``callback_notify``, which ``on_tick`` also served, are not used by the room."""

    def __init__(self, config: uvicorn.Config) -> None:
        self._exit_now: asyncio.Future[None] | None = None
        self._should_exit = False
        super().__init__(config)
        self.server_state = _DatedState(config)

    @property
    def should_exit(self) -> bool:
        return self._should_exit

    @should_exit.setter
    def should_exit(self, value: bool) -> None:
        self._should_exit = value
        if value and self._exit_now is not None:
            _wake(self._exit_now)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Leave the app's signal handlers alone: Textual owns SIGINT/SIGTERM."""
        yield

    async def main_loop(self) -> None:
        """Wait, without any timer, until ``should_exit`` is set."""
        if self._should_exit:
            return
        self._exit_now = asyncio.get_running_loop().create_future()
        try:
            await self._exit_now
        finally:
            self._exit_now = None


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def bind(address: str, port: int) -> socket.socket:
    """A listening TCP socket on ``address:port`` (0: any free port); ``RoomStartError`` when it cannot be had."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise RoomStartError(
                f"Port {port} is already in use on {address}. Pick another port or leave it empty."
            ) from None
        if error.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
            raise RoomStartError(
                f"{address} is not an address of this machine. Pick one from the list."
            ) from None
        if error.errno == errno.EACCES:
            raise RoomStartError(f"Port {port} needs administrator rights. Use a port above 1024.") from None
        raise RoomStartError(f"Could not listen on {address}:{port}: {error.strerror or error}.") from None
    return sock


class RoomServer:
    """One open room: ``await start()`` in the app's loop, ``await stop()`` to close it (every device signed out).

    ``readiness_round`` may be set while it runs to ask devices for the end-of-workshop readiness check.
    """

    def __init__(
        self, session: WorkshopSession, address: str, port: int = 0, *, limits: RoomLimits | None = None
    ) -> None:
        self._sock = bind(address, port)
        self.room = Room(session, address, self._sock.getsockname()[1], limits=limits)
        self.web = RoomWeb(self.room)
        config = uvicorn.Config(
            self.web.app,
            log_config=None,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
            timeout_keep_alive=30,
            limit_concurrency=400,
            h11_max_incomplete_event_size=64 * 1024,
        )
        self._server = _QuietServer(config)
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def url(self) -> str:
        return self.room.url

    async def start(self) -> None:
        """Serve in the running loop; returns once the server accepts connections. From then on every change
        the session publishes redraws the devices' live pages."""
        self._unsubscribe = self.room.session.subscribe(self._published)
        self._task = asyncio.get_running_loop().create_task(self._server.serve(sockets=[self._sock]))
        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise RoomStartError("The room's server stopped as it started.")
            await asyncio.sleep(0.01)

    def _published(self, _change: Change) -> None:
        self.changed()

    def changed(self) -> None:
        """The workshop changed: redraw the devices' live pages (called from the session's change events)."""
        self.web.hub.changed()

    def stop_soon(self) -> None:
        """Close the room now and let the server finish in the loop (for a synchronous caller, such as closing
        the workshop): devices are signed out at once; the socket closes as the server's task ends."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.room.close()
        self.web.hub.close()
        self._server.should_exit = True

    async def stop(self) -> None:
        """Close the room: devices are signed out, live pages told, the server and its socket closed."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.room.close()
        self.web.hub.close()
        self._server.should_exit = True
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._sock.close()
