"""A key or a paste arriving while the app closes, its screens already gone, is dropped quietly: it raised
``ScreenStackError`` from ``App.focused`` (seen in a full run as ``test_ui_stage`` ended under load)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual import events

from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from workshop.session import WorkshopLibrary
from workshop.store import Store


@pytest.fixture
def app(store: Store, clock: FakeClock) -> Iterator[WorkshopApp]:
    library = WorkshopLibrary(store, clock=clock)
    with library.create("Offsite", participants=["Ana"]) as session:
        workshop_id = session.workshop.id
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


@pytest.mark.parametrize(
    "event",
    [
        lambda: events.Key("a", "a"),
        lambda: events.Key("enter", "\r"),
        lambda: events.Paste("pasted"),
    ],
    ids=["letter", "enter", "paste"],
)
async def test_input_after_the_last_screen_went_is_dropped(app: WorkshopApp, event: object) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        stack = list(app._screen_stack)
        app._screen_stack.clear()  # as while the app exits: every screen popped, keys still arriving
        try:
            await app.on_event(event())  # type: ignore[operator]
        finally:
            app._screen_stack.extend(stack)
