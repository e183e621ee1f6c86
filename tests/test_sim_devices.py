"""The simulated phones (``benchmarks.room_devices``) send a form as a phone's browser does: its headers and its
small body in one write, so the room's clock, which starts when the headers have come, never counts a wait of the
benchmark's own busy client process between the two (up to 80 ms for a dot while 40 phones read their ballot
pages; the body came 14 ms after its headers at the median, 48 ms at p95). Counted as the writes to the socket
(anyio's ``SocketStream.send``), against a small HTTP server on 127.0.0.1 that answers every request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from anyio._backends import _asyncio as anyio_asyncio

from benchmarks.room_devices import MERGED_BODY_BYTES, SimDevice


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[bytes]]]:
    """An HTTP/1.1 server that reads each request whole (headers, then ``Content-Length`` bytes of body) and
    answers 303; yields its URL and every request it read."""
    requests: list[bytes] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                requests.append(head + await reader.readexactly(length))
                writer.write(b"HTTP/1.1 303 See Other\r\nLocation: /\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    listening = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", requests
    finally:
        listening.close()
        await listening.wait_closed()


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every write the simulated phones make to a socket, in order."""
    sent: list[bytes] = []
    send = anyio_asyncio.SocketStream.send

    async def recorded(self: Any, item: bytes) -> None:
        sent.append(bytes(item))
        await send(self, item)

    monkeypatch.setattr(anyio_asyncio.SocketStream, "send", recorded)
    return sent


async def test_a_phones_form_goes_in_one_write_with_its_headers(
    server: tuple[str, list[bytes]], writes: list[bytes]
) -> None:
    url, requests = server
    async with SimDevice(url) as phone:
        phone.csrf = "token"
        for _ in range(3):
            answer = await phone.note("Customers answer each other first")
            assert answer.status_code == 303
        answer = await phone.dot(1, 2)
        assert answer.status_code == 303
    posts = [w for w in writes if w.startswith(b"POST ")]
    assert len(posts) == 4
    assert len(writes) == 4, f"{len(writes)} writes for 4 forms: headers and body went apart"
    assert posts == requests, "each write was one whole request"
    assert posts[0].endswith(b"\r\n\r\ncsrf=token&text=Customers+answer+each+other+first")


async def test_a_large_body_and_a_request_without_one_go_as_they_come(
    server: tuple[str, list[bytes]], writes: list[bytes]
) -> None:
    url, requests = server
    async with SimDevice(url) as phone:
        phone.csrf = "token"
        long = "x" * (MERGED_BODY_BYTES + 1)
        assert (await phone.note(long)).status_code == 303
        assert (await phone.http.get("/")).status_code == 303
    assert len(requests) == 2 and requests[0].endswith(long.encode())
    assert len(writes) == 3, "the large form's headers, its body, the GET's headers"
    assert writes[0].endswith(b"\r\n\r\n") and writes[2].startswith(b"GET / ")
