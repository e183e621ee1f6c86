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


async def test_the_open_room_wakes_the_app_once_a_second_and_closes_without_waiting_for_it(
    session: WorkshopSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn's own loop looks at its exit flag ten times a second: ten wake-ups a second of the app for as long as
    the room is open, phones or not (issue #11's idle room). The room's server ticks once a second (uvicorn's
    ``Date`` header keeps its one-second step: each tick is a whole second to ``on_tick``), and closing the room
    ends it at once, not at the next tick."""
    import asyncio

    from room import server as server_module

    ticks: list[int] = []
    on_tick = server_module._QuietServer.on_tick

    async def counted(self: server_module._QuietServer, counter: int) -> bool:
        ticks.append(counter)
        return await on_tick(self, counter)

    monkeypatch.setattr(server_module._QuietServer, "on_tick", counted)
    monkeypatch.setattr(server_module._QuietServer, "TICK_SECONDS", 3600.0)  # no tick of its own in this test
    loop = asyncio.get_running_loop()
    delays: list[float] = []
    call_later = loop.call_later

    def recording(delay: float, *args: object, **kwargs: object) -> asyncio.TimerHandle:
        delays.append(delay)
        return call_later(delay, *args, **kwargs)  # type: ignore[arg-type]

    server = RoomServer(session, "127.0.0.1", 0)
    await server.start()
    try:
        loop.call_later = recording  # type: ignore[assignment,method-assign]
        server._server._exit_now and server_module._wake(server._server._exit_now)  # the next tick, now
        for _ in range(100):
            await asyncio.sleep(0)
            if len(ticks) >= 2:
                break
        loop.call_later = call_later  # type: ignore[method-assign]
        assert ticks[:2] == [0, 10]  # uvicorn refreshes its Date header when the count is a multiple of 10
        assert 3600.0 in delays and not [d for d in delays if 0 < d < 1.0], "no tick shorter than a second"
        assert not server._task.done()  # type: ignore[union-attr]
        # An hour to the next tick: stop returns only because closing the room wakes the server at once.
        await asyncio.wait_for(server.stop(), 60)
    finally:
        loop.call_later = call_later  # type: ignore[method-assign]
        await server.stop()
