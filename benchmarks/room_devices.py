"""Simulated participants' devices for the room's end-to-end test and benchmark: real HTTP to 127.0.0.1 only.

Each ``SimDevice`` is one phone: its own cookies, the room's Host and Origin headers as a browser sends them, and
the CSRF token read from its pages, and a form's request sent as a phone's browser sends it (``OneWrite``).
``LiveReader`` follows a device's server-sent events.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpcore2 as httpcore
import httpx2 as httpx

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _loopback_only(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"simulated devices only talk to this machine's loopback address, not {host}")


MERGED_BODY_BYTES = 1400
"""The largest request body a browser sends in the same write as the request's headers (Chromium's
``HttpStreamParser``: ``kMaxMergedHeaderAndBodySize``); a phone's note or dot form is far smaller."""


class OneWrite(httpcore.AsyncNetworkStream):
    """A connection that sends a request's headers and a small body in one write, as a phone's browser does.

    httpcore writes the headers, yields to the event loop, then writes the body: in the benchmark's one process
    for 40 phones, busy reading 40 live pages, the body of a dot went out up to 80 ms after its headers (measured
    at the server: 107 of 640 form posts came as headers alone, the body 14 ms later at the median, 48 ms at p95),
    and the server's clock, which starts at the headers, counted that wait as the server's. A real phone does
    not do that, and has a CPU of its own. Headers announcing a body of at most ``MERGED_BODY_BYTES`` are held
    until the body's first write and sent with it; everything else goes as it comes."""

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        self._held = b""

    @staticmethod
    def _small_body(head: bytes) -> bool:
        """Whether ``head`` is a request's complete headers announcing a body of 1 to ``MERGED_BODY_BYTES``."""
        if not head.endswith(b"\r\n\r\n"):
            return False
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                return value.strip().isdigit() and 0 < int(value) <= MERGED_BODY_BYTES
        return False

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if not self._held and self._small_body(buffer):
            self._held = buffer
            return
        buffer, self._held = self._held + buffer, b""
        await self._stream.write(buffer, timeout)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._held:  # (never: a body always follows its headers) nothing is left unsent while waiting
            held, self._held = self._held, b""
            await self._stream.write(held, timeout)
        return await self._stream.read(max_bytes, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class OneWriteBackend(httpcore.AsyncNetworkBackend):
    """httpcore's own network backend, its connections wrapped in ``OneWrite``."""

    def __init__(self) -> None:
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return OneWrite(stream)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def _transport() -> httpx.AsyncHTTPTransport:
    """httpx's transport with ``OneWriteBackend`` for its connections (httpx takes no backend of its own)."""
    transport = httpx.AsyncHTTPTransport()
    transport._pool = httpcore.AsyncConnectionPool(  # httpx's own limits (httpx.Limits())
        max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0, network_backend=OneWriteBackend()
    )
    return transport


class SimDevice:
    """One simulated phone."""

    def __init__(self, url: str) -> None:
        _loopback_only(url)
        self.url = url.rstrip("/")
        self.http = httpx.AsyncClient(
            base_url=self.url,
            headers={"Origin": self.url},
            timeout=30.0,
            follow_redirects=False,
            transport=_transport(),
        )
        self.csrf = ""

    async def __aenter__(self) -> SimDevice:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def page(self) -> str:
        answer = await self.http.get("/")
        found = CSRF.search(answer.text)
        if found:
            self.csrf = found.group(1)
        return answer.text

    async def join(self, code: str, participant_id: int | None = None, new_name: str = "") -> httpx.Response:
        await self.page()
        answer = await self.http.post(
            "/join",
            data={
                "csrf": self.csrf,
                "code": code,
                "participant": str(participant_id) if participant_id is not None else "new",
                "new_name": new_name,
            },
        )
        if answer.status_code == 303:
            await self.page()
        return answer

    async def post(self, path: str, **data: str) -> httpx.Response:
        return await self.http.post(path, data={"csrf": self.csrf, **data})

    async def note(self, text: str) -> httpx.Response:
        return await self.post("/notes", text=text)

    async def dot(self, ballot_id: int, note_id: int, how: str = "add") -> httpx.Response:
        return await self.post(f"/ballots/{ballot_id}/notes/{note_id}/{how}")

    async def done(self, ballot_id: int) -> httpx.Response:
        return await self.post(f"/ballots/{ballot_id}/done", done="1")


class LiveReader:
    """Reads one device's live stream in the background: ``pages`` holds every page part received (a whole page,
    or the HTML a patch brings), ``patches`` every patch's operations as sent."""

    def __init__(self, device: SimDevice) -> None:
        self.device = device
        self.pages: list[str] = []
        self.patches: list[list[list[Any]]] = []
        self.events: list[str] = []
        self.changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    async def _run(self) -> None:
        async with self.device.http.stream("GET", "/events", timeout=None) as stream:
            self.connected.set()
            name, data = "", []
            async for line in _lines(stream):
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data.append(line[6:])
                elif line == "" and name:
                    self.events.append(name)
                    if name == "page":  # the live part's HTML as one JSON string (room.live)
                        self.pages.append(json.loads("\n".join(data)))
                    elif name == "patch":  # the HTML each operation brings (room.live), as one page part
                        self.patches.append(json.loads("\n".join(data)))
                        self.pages.append("".join(op[-1] or "" for op in self.patches[-1] if len(op) > 2))
                    self.changed.set()
                    name, data = "", []
                    if self.events[-1] in ("closed", "signed-out"):
                        return

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def wait_for(self, needle: str, timeout: float = 30.0) -> str:
        """The first page part received (so far or later) that contains ``needle``."""
        async with asyncio.timeout(timeout):
            while True:
                for page in self.pages:
                    if needle in page:
                        return page
                self.changed.clear()
                await self.changed.wait()

    async def wait_event(self, name: str, timeout: float = 30.0) -> None:
        async with asyncio.timeout(timeout):
            while name not in self.events:
                self.changed.clear()
                await self.changed.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


async def _lines(stream: Any) -> AsyncIterator[str]:
    async for line in stream.aiter_lines():
        yield line.rstrip("\r")
