"""The live pages' rounds: a change redraws only the devices whose page it changes (the room's CPU under load)."""

from __future__ import annotations

import asyncio

from room.live import LiveHub
from tests.room_helpers import Phone, make_room
from workshop.session import WorkshopSession


async def _next_page(stream: object) -> str:
    while True:
        chunk = await asyncio.wait_for(stream.__anext__(), 5)  # type: ignore[attr-defined]
        if chunk.startswith("event: page"):
            return str(chunk)


async def test_a_dot_redraws_the_voters_page_only(session: WorkshopSession) -> None:
    session.agenda.go_to(2)
    room, web, _ = make_room(session)
    ana, ben = Phone(web), Phone(web)
    ana.join(1)
    ben.join(2)
    notes = [session.notes.add(f"Idea {i}").id for i in range(5)]
    ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=2)
    ana_device, ben_device = room.devices.joined()
    streams = [web.hub.stream(device) for device in (ana_device, ben_device)]
    try:
        for stream in streams:
            await _next_page(stream)  # the page as it is now
        drawn = web.hub.drawn
        await room.cast(ana_device, ballot.id, notes[0])
        web.hub._flush()
        assert web.hub.drawn == drawn + 1, "only Ana's page is drawn again"
        assert "Your dots: <strong>1</strong>" in await _next_page(streams[0])
        await room.done(ben_device, ballot.id, True)  # Ben is done: his page changes, Ana's does not
        web.hub._flush()
        assert web.hub.drawn == drawn + 2
        session.notes.add("A note the facilitator typed")  # not on the ballot: no page changes
        web.hub._flush()
        assert web.hub.drawn == drawn + 2
        session.votes.close(ballot.id)  # the reveal: everyone's page
        web.hub._flush()
        assert web.hub.drawn == drawn + 4
        assert "Result:" in await _next_page(streams[1])
    finally:
        for stream in streams:
            await stream.aclose()  # type: ignore[attr-defined]


async def test_a_hub_draws_a_device_again_only_when_its_inputs_change() -> None:
    inputs = {1: "a", 2: "b"}
    drawn: list[int] = []

    class Dev:
        def __init__(self, id_: int) -> None:
            self.id = id_
            self.streams = 0

    def render(device: Dev, given: str) -> str:
        drawn.append(device.id)
        return f"page {given}"

    hub = LiveHub(
        render,  # type: ignore[arg-type]
        lambda device: True,
        inputs=lambda device: inputs[device.id],
    )
    devices = [Dev(1), Dev(2)]
    streams = [hub.stream(d) for d in devices]  # type: ignore[arg-type]
    for stream in streams:
        await _next_page(stream)
    assert drawn == [1, 2]
    hub._flush()
    assert drawn == [1, 2]
    inputs[2] = "c"
    hub._flush()
    assert drawn == [1, 2, 2]
    assert "page c" in await _next_page(streams[1])
    for stream in streams:
        await stream.aclose()  # type: ignore[attr-defined]
