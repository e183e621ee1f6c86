"""The room end to end: a real uvicorn on 127.0.0.1 inside the app's ``run_test()``, simulated phones over HTTP.

Devices join, add notes while silent brainstorming is on, the facilitator reveals them from the room screen,
devices vote, the facilitator reveals the result; the store, the facilitator's screens and the phones agree.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.pilot import Pilot

from benchmarks.room_devices import LiveReader, SimDevice
from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from screens.room import OpenRoomScreen, RoomScreen, close_room, open_room, toggle_end_readiness
from screens.stage import StageScreen
from tests.ui_helpers import messages, people, screen_text, session_of
from workshop.session import SessionError, WorkshopLibrary, WorkshopSession
from workshop.store import Store

SIZE = (120, 40)


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def workshop_id(library: WorkshopLibrary) -> str:
    session = library.create("Leadership offsite", participants=["Ana", "Ben", "Chloé"])
    session.agenda.go_to(2)
    workshop_id: str = session.workshop.id
    session.close()
    return workshop_id


@pytest.fixture
def app(library: WorkshopLibrary, workshop_id: str, clock: FakeClock) -> Iterator[WorkshopApp]:
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


async def until(pilot: Pilot[None], condition: object, what: str) -> None:
    """Let the app and the server run until ``condition()`` holds (no fixed sleeps; bounded)."""
    for _ in range(3000):
        if condition():  # type: ignore[operator]
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def test_stage_key_opens_the_room_dialog(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        await pilot.press("j")
        await until(pilot, lambda: isinstance(app.screen, OpenRoomScreen), "the open-room dialog")
        assert "127.0.0.1" in screen_text(app)
        await pilot.press("escape")
        assert app.room is None


async def test_a_room_that_cannot_start_asks_again_with_the_choice_kept(app: WorkshopApp) -> None:
    """Seen with a port in use: the dialog closed on "Port … is already in use on 127.0.0.1. Pick another port
    or leave it empty." — there was nothing left to pick in; j, the address and the port all over again."""
    import socket

    from textual.widgets import Input, Select

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
            await pilot.press("j")
            await until(pilot, lambda: isinstance(app.screen, OpenRoomScreen), "the open-room dialog")
            app.screen.query_one("#address", Select).value = "127.0.0.1"
            app.screen.query_one("#port", Input).value = str(port)
            app.screen.query_one("#port", Input).focus()
            first = app.screen
            await pilot.press("enter")
            await until(
                pilot, lambda: isinstance(app.screen, OpenRoomScreen) and app.screen is not first, "asked again"
            )
            assert app.room is None and any("already in use" in m for m in messages(app))
            assert app.screen.query_one("#address", Select).value == "127.0.0.1"
            assert app.screen.query_one("#port", Input).value == str(port)
            app.screen.query_one("#port", Input).value = ""  # any free port
            app.screen.query_one("#port", Input).focus()
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, RoomScreen), "the room")
            assert app.room is not None
            await close_room(app)


async def test_room_end_to_end_in_the_app(app: WorkshopApp, store: Store, workshop_id: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        session = session_of(app)
        server = await open_room(app, "127.0.0.1", 0)
        assert server is not None and isinstance(app.screen, RoomScreen)
        code = server.room.join_code
        await pilot.pause()  # a pushed screen is laid out at its first update (screens.internals.QuietFirstResume)
        shown = screen_text(app)
        assert server.url in shown and f"{code[:3]} {code[3:]}" in shown and "▀" in shown

        await pilot.press("s")  # silent brainstorming on
        assert session.workshop.current_stage is not None and session.workshop.current_stage.silent
        names = people(app)
        async with SimDevice(server.url) as ana, SimDevice(server.url) as ben, SimDevice(server.url) as chloe:
            phones = {"Ana": ana, "Ben": ben, "Chloé": chloe}
            for name, phone in phones.items():
                assert (await phone.join(code, names[name])).status_code == 303
            await until(pilot, lambda: "3 devices joined" in screen_text(app), "the joins on the room screen")
            ben_live = LiveReader(ben)
            ben_live.start()
            await ben_live.wait_for("Silent brainstorming")
            for name, phone in phones.items():
                for i in range(2):
                    assert (await phone.note(f"{name} idea {i}")).status_code == 303
            await until(pilot, lambda: "6 notes in, hidden" in screen_text(app), "the hidden count")
            assert "Ana idea 0" not in await ben.page()

            await pilot.press("escape")  # the facilitator reads them on the stage screen
            await until(pilot, lambda: "Chloé idea 1" in screen_text(app), "device notes on the stage screen")
            app.push_screen(RoomScreen())
            await pilot.press("v")  # reveal: it cannot be undone, so it asks first
            await pilot.press("y")
            await ben_live.wait_for("Ana idea 0")

            ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=2)
            await ben_live.wait_for("Vote:")
            first, second = ballot.note_ids[:2]
            for phone in phones.values():
                assert (await phone.dot(ballot.id, first)).status_code == 303
                assert (await phone.done(ballot.id)).status_code == 303
            assert "You are done" in await ana.page()
            with pytest.raises(SessionError):  # the keyboard cannot vote for someone voting on their phone
                session.votes.cast(ballot.id, names["Ana"], second)
            assert sorted(session.workshop.ballots[ballot.id].submitted) == sorted(names.values())
            assert "Result" not in await chloe.page()
            session.votes.close(ballot.id)
            page = await ben_live.wait_for("Result:")
            assert "3 dots" in page
            await ben_live.stop()

        notes_on_screen = {n.text for n in session.workshop.live_notes()}
        with WorkshopSession.open(store, workshop_id, mode="read") as reader:  # the store agrees
            assert {n.text for n in reader.workshop.live_notes()} == notes_on_screen
            assert len(reader.workshop.ballot_votes(ballot.id)) == 3
            assert not any(n.hidden for n in reader.workshop.live_notes())
        await pilot.press("c")
        await pilot.press("enter")  # confirm closing
        await until(pilot, lambda: app.room is None, "the room to close")
        await until(pilot, lambda: not isinstance(app.screen, RoomScreen), "the room screen to close")


async def test_facilitator_lets_a_new_name_in_from_the_room_screen(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        server = await open_room(app, "127.0.0.1", 0)
        assert server is not None
        async with SimDevice(server.url) as dev:
            assert (await dev.join(server.room.join_code, new_name="Dev Patel")).status_code == 303
            assert "Waiting for the facilitator" in await dev.page()
            await until(pilot, lambda: "Dev Patel" in screen_text(app), "the request on the room screen")
            await pilot.press("a")  # let in: it asks first
            await pilot.press("y")
            await until(pilot, lambda: "Dev Patel" in people(app), "Dev to become a participant")
            assert "Add a note" in await dev.page()
            with pytest.raises(SessionError, match="own device"):  # Dev now votes on the phone only
                session = session_of(app)
                session.notes.add("an idea")
                ballot = session.votes.open(session.workshop.current_stage_id, budget=1, cap=1)
                session.votes.cast(ballot.id, people(app)["Dev Patel"], ballot.note_ids[0])


async def test_the_room_screen_follows_silent_brainstorming_and_anonymity(app: WorkshopApp) -> None:
    """Changed through the session (the palette, another input), not the room screen's keys: it shows them."""
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        server = await open_room(app, "127.0.0.1", 0)
        assert server is not None
        await until(pilot, lambda: isinstance(app.screen, RoomScreen), "the room screen")
        session = session_of(app)
        assert "silent brainstorming ON" not in screen_text(app)
        session.notes.set_silent(True)
        await until(
            pilot, lambda: "silent brainstorming ON" in screen_text(app), "silent brainstorming shown"
        )
        assert "are credited" in screen_text(app)
        session.notes.set_anonymous(True)
        await until(pilot, lambda: "are anonymous" in screen_text(app), "anonymous notes shown")


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_the_room_screen_shows_who_joined_and_who_waits_at_every_size(
    app: WorkshopApp, size: tuple[int, int]
) -> None:
    """At 80x24 the lists under the QR code were below the screen's edge: the facilitator saw neither who had
    joined nor, often, who was asking to join (``r`` and ``a`` act on them). They sit beside the code now."""
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        server = await open_room(app, "127.0.0.1", 0)
        assert server is not None
        await until(pilot, lambda: isinstance(app.screen, RoomScreen), "the room screen")
        room = server.room
        for participant in session_of(app).workshop.active_participants():
            room.join(room.join_code, participant.id, "127.0.0.1")
        room.request(room.join_code, "Dev Patel", "127.0.0.1")
        await until(pilot, lambda: "3 devices joined" in screen_text(app), "the joins on the room screen")
        shown = screen_text(app)
        for name in ("Ana  (device", "Ben  (device", "Chloé  (device", "Dev Patel  (device", room.join_code[:3]):
            assert name in shown, f"{name!r} is not on the {size} screen:\n{shown}"
        assert "█▀▀▀▀▀█" in shown, "the QR code is still there"


async def test_the_room_screen_says_when_phones_show_the_end_of_workshop_readiness_check(app: WorkshopApp) -> None:
    """Asked for (ctrl+p) on a discipline's stage, the phones show the end-of-workshop check: the room screen said
    "Vision: notes are shown to the room" and counted no answers; it says what phones show and how many answered."""
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        server = await open_room(app, "127.0.0.1", 0)
        assert server is not None
        await until(pilot, lambda: isinstance(app.screen, RoomScreen), "the room screen")
        await pilot.pause()  # a pushed screen is laid out at its first update (screens.internals.QuietFirstResume)
        assert "notes are shown to the room" in screen_text(app)
        toggle_end_readiness(app)
        await until(
            pilot,
            lambda: "phones show the end-of-workshop readiness check · 0 answered" in screen_text(app),
            "the end round on the room screen",
        )
        session = session_of(app)
        ana = session.workshop.active_participants()[0].id
        session.readiness.record(ana, attitude="forging", scores={"vision": 4}, round="end")
        await until(pilot, lambda: "end-of-workshop readiness check · 1 answered" in screen_text(app), "1 answer")
        toggle_end_readiness(app)
        await until(pilot, lambda: "notes are shown to the room" in screen_text(app), "the stage again")


async def test_the_open_room_dialog_reads_whole_at_80x24(app: WorkshopApp) -> None:
    """Its hint was cut at the dialog's edge ("127.0.0.1 is for a rehearsal on thi") and the rehearsal address
    read "(this laptop only (rehearsal))"."""
    from room.addresses import Address

    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        await pilot.press("j")
        await until(pilot, lambda: isinstance(app.screen, OpenRoomScreen), "the open-room dialog")
        shown = screen_text(app)
        assert "this laptop)" in shown and "Open the room" in shown, shown
        await pilot.press("escape")
    for address in (Address("127.0.0.1", "lo"), Address("::1", "lo"), Address("192.0.2.2", "eth0")):
        assert address.label.count("(") == 1 and address.label.endswith(")"), address.label
