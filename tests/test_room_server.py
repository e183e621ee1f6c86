"""The room's real server: uvicorn on 127.0.0.1 with a random port, live pages by server-sent events."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import textwrap

import pytest

from benchmarks.room_devices import LiveReader, SimDevice
from room.qr import qr_lines
from room.server import RoomServer, RoomStartError, bind
from workshop.session import WorkshopSession


async def test_real_server_joins_live_updates_and_closing_signs_everyone_out(
    session: WorkshopSession, capsys: pytest.CaptureFixture[str]
) -> None:
    session.agenda.go_to(2)
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    server = RoomServer(session, "127.0.0.1", 0)
    assert server.url.startswith("http://127.0.0.1:") and not server.url.endswith(":0/")
    await server.start()
    try:
        assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
        async with SimDevice(server.url) as ana, SimDevice(server.url) as ben:
            assert (await ana.join(server.room.join_code, 1)).status_code == 303
            assert (await ben.join(server.room.join_code, 2)).status_code == 303
            live = LiveReader(ben)
            live.start()
            await live.wait_for("Add a note")  # the first message is the page as it is now
            assert (await ana.note("Shared <idea>")).status_code == 303
            page = await live.wait_for("Shared &lt;idea&gt;")
            assert "<idea>" not in page
            session.agenda.next()  # the facilitator moves on: the device follows without reloading
            await live.wait_for(session.workshop.current_stage.title)  # type: ignore[union-attr]
            await server.stop()
            await live.wait_event("closed")
            await live.stop()
    finally:
        await server.stop()
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""  # uvicorn wrote nothing over the terminal
    assert not logging.getLogger("uvicorn.error").propagate


def test_port_in_use_and_foreign_address_are_clear_errors() -> None:
    taken = bind("127.0.0.1", 0)
    try:
        port = taken.getsockname()[1]
        with pytest.raises(RoomStartError, match="already in use"):
            bind("127.0.0.1", port)
    finally:
        taken.close()
    with pytest.raises(RoomStartError, match="not an address of this machine"):
        bind("192.0.2.1", 0)  # TEST-NET-1: never assigned to a machine; nothing is sent


def test_qr_code_encodes_the_address() -> None:
    lines = qr_lines("http://127.0.0.1:8765/")
    assert len({len(line) for line in lines}) == 1
    assert 20 <= len(lines[0]) <= 45 and len(lines) <= 25
    assert set("".join(lines)) <= set(" ▀▄█")


def test_opening_a_workshop_does_not_import_the_web_stack() -> None:
    """Start-up cost is unchanged: the room's libraries load only when a room opens."""
    code = textwrap.dedent(
        """
        import sys
        import screens.app, screens.stage, screens.commands, workshop.cli
        heavy = [m for m in ("room.server", "room.web", "uvicorn", "starlette", "jinja2", "segno") if m in sys.modules]
        print(heavy)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


async def test_the_open_room_never_wakes_the_app_on_its_own_and_closes_at_once(
    session: WorkshopSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn's own loop looks at its exit flag ten times a second: ten wake-ups a second of the app for as long as
    the room is open, phones or not (issue #11's idle room; each wake-up from idle costs milliseconds of CPU on a
    virtual machine). The room's server schedules no timer of its own once it accepts connections, never calls
    uvicorn's ``on_tick``, and closing the room ends it at once."""
    import asyncio

    from room import server as server_module

    ticks: list[int] = []

    async def counted(self: server_module._QuietServer, counter: int) -> bool:
        ticks.append(counter)
        return False

    monkeypatch.setattr(server_module._QuietServer, "on_tick", counted)
    loop = asyncio.get_running_loop()
    timers: list[object] = []
    call_later, call_at = loop.call_later, loop.call_at

    def recording_later(
        delay: float, callback: object, *args: object, **kwargs: object
    ) -> asyncio.TimerHandle:
        timers.append(callback)
        return call_later(delay, callback, *args, **kwargs)  # type: ignore[arg-type]

    def recording_at(when: float, callback: object, *args: object, **kwargs: object) -> asyncio.TimerHandle:
        timers.append(callback)
        return call_at(when, callback, *args, **kwargs)  # type: ignore[arg-type]

    server = RoomServer(session, "127.0.0.1", 0)
    await server.start()
    try:
        loop.call_later = recording_later  # type: ignore[method-assign]
        loop.call_at = recording_at  # type: ignore[method-assign]
        for _ in range(200):  # every turn the server's task would take to go round its loop
            await asyncio.sleep(0)
        loop.call_later, loop.call_at = call_later, call_at  # type: ignore[method-assign]
        assert timers == [] and ticks == []
        waiting = [h for h in loop._scheduled if h._callback is server_module._wake]  # type: ignore[attr-defined]
        assert waiting == [], "no tick waiting to wake the server"
        assert not server._task.done()  # type: ignore[union-attr]
        # No timer at all: stop returns only because closing the room wakes the server at once.
        await asyncio.wait_for(server.stop(), 60)
        assert server._task is None
    finally:
        loop.call_later, loop.call_at = call_later, call_at  # type: ignore[method-assign]
        await server.stop()


async def test_every_response_carries_the_date_of_its_own_second(
    session: WorkshopSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no tick to refresh it, the ``Date`` header is made as each response starts: the current second's
    (RFC 9110 6.6.1), in HTTP's format, followed by uvicorn's ``server`` header as before."""
    from email.utils import formatdate

    import httpx2 as httpx

    from room import server as server_module

    now = [1_800_000_000.4]
    monkeypatch.setattr(server_module, "_now", lambda: now[0])
    server = RoomServer(session, "127.0.0.1", 0)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            first = await client.get("/")
            now[0] += 0.3  # the same second
            same = await client.get("/")
            now[0] += 3600.0
            later = await client.get("/")
        assert first.headers["date"] == same.headers["date"] == formatdate(1_800_000_000, usegmt=True)
        assert later.headers["date"] == formatdate(1_800_003_600, usegmt=True)
        assert first.headers["date"] == "Fri, 15 Jan 2027 08:00:00 GMT"
        assert later.headers["server"] == "uvicorn" and len(later.headers.get_list("date")) == 1
    finally:
        await server.stop()
