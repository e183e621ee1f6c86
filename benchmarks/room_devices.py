"""Simulated participants' devices for the room's end-to-end test and benchmark: real HTTP to 127.0.0.1 only.

Each ``SimDevice`` is one phone: its own cookies, the room's Host and Origin headers as a browser sends them, and
the CSRF token read from its pages. ``LiveReader`` follows a device's server-sent events.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx2 as httpx

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _loopback_only(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"simulated devices only talk to this machine's loopback address, not {host}")


class SimDevice:
    """One simulated phone."""

    def __init__(self, url: str) -> None:
        _loopback_only(url)
        self.url = url.rstrip("/")
        self.http = httpx.AsyncClient(
            base_url=self.url, headers={"Origin": self.url}, timeout=30.0, follow_redirects=False
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
