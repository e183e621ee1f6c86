"""The room's secrets never leave the laptop in an export: the join code the facilitator's window logs for the
projector (``room.opened``) is in no file any export format writes, and no room event carries a token or a
device's address.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import room.room
from exports import export_workshop, interchange
from facilitation.clock import FakeClock
from facilitation.export_formats import FORMAT_KEYS
from screens.app import WorkshopApp, make_app
from screens.room import close_room, open_room, toggle_lock
from screens.stage import StageScreen
from tests.test_room_app import until
from tests.ui_helpers import session_of
from workshop.session import WorkshopLibrary
from workshop.store import Store

CODE = "QJ9XW4"
"""The room's join code in these tests: six characters no export would write by chance."""


@pytest.fixture
def app(store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[WorkshopApp]:
    monkeypatch.setattr(room.room, "new_join_code", lambda: CODE)
    library = WorkshopLibrary(store, clock=clock)
    session = library.create("Leadership offsite", participants=["Ana", "Ben"])
    session.agenda.go_to(2)
    session.notes.add("Customers answer each other first", author_id=1)
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def _texts(paths: list[Path]) -> Iterator[tuple[str, str]]:
    """(file name, text) of every file written, with each part of a Word file (a zip) read on its own."""
    for path in paths:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as package:
                for name in package.namelist():
                    yield f"{path.name}:{name}", package.read(name).decode("utf-8", "replace")
        else:
            yield path.name, path.read_text(encoding="utf-8", errors="replace")


async def test_no_export_carries_the_join_code(app: WorkshopApp, tmp_path: Path) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        server = await open_room(app, "127.0.0.1", 0)
        assert server is not None and server.room.join_code == CODE
        toggle_lock(app)  # room.locked
        toggle_lock(app)  # room.opened again, with the code for the projector
        session = session_of(app)
        opened = [e for e in session.workshop.events if e.kind == "room.opened"]
        assert len(opened) == 2 and all(e.data.get("code") == CODE for e in opened)  # the projector reads it

        formats = [f for f in FORMAT_KEYS if f != "pdf" or shutil.which("soffice")]
        (tmp_path / "open").mkdir()
        (tmp_path / "closed").mkdir()
        written = export_workshop(session.workshop, formats, tmp_path / "open")
        await close_room(app)
        written += export_workshop(session.workshop, formats, tmp_path / "closed")

    assert {p.suffix for p in written} >= {".docx", ".md", ".csv", ".json"}
    for name, content in _texts(written):
        assert CODE not in content, f"{name} carries the join code"
        assert CODE.lower() not in content.lower(), f"{name} carries the join code"
    document = interchange.to_interchange(session.workshop)
    room_events = [e for e in document["events"] if e["kind"].startswith("room.")]
    assert [e["kind"] for e in room_events] == ["room.opened", "room.locked", "room.opened", "room.closed"]
    assert all(e["data"] == ({"url": server.url} if e["kind"] == "room.opened" else {}) for e in room_events)


async def test_room_events_carry_no_token_or_device_address(app: WorkshopApp) -> None:
    """Whatever a room event logs is one of the keys the format documents (docs/FORMAT.md): the room's own
    address and, for the projector, the join code; never a device's token, hash, CSRF token or address."""
    from benchmarks.room_devices import SimDevice

    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        server = await open_room(app, "127.0.0.1", 0)
        assert server is not None
        async with SimDevice(server.url) as phone:
            assert (await phone.join(CODE, 1)).status_code == 303
            assert (await phone.note("From the phone")).status_code == 303
            device = server.room.devices.joined()[0]
            secrets = [device.token_hash, device.csrf, *phone.http.cookies.values()]
        toggle_lock(app)
        await close_room(app)
        events = session_of(app).workshop.events
    logged = repr([(e.summary, e.data) for e in events])
    for secret in secrets:
        assert secret not in logged
    for event in events:
        if event.kind.startswith("room."):
            assert set(event.data) <= {"url", "code"}, event
