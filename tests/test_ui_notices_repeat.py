"""A notice raised again while the same one is still on screen replaces it instead of stacking below it.

Pressing ``-`` with no time left to take off, again and again, drew a column of identical "There is no time left
to take off." notices over the right half of the stage screen (found by newcomer4 at 80x24). The same held for any
notice a repeated key raises; different notices still stack, and a repeated one shows again once it has gone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from screens.stage import StageScreen
from tests.ui_helpers import messages, screen_text, session_of, until
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZE = (80, 24)
NO_TIME = "There is no time left to take off."


@pytest.fixture
def app(store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[WorkshopApp]:
    library = WorkshopLibrary(store, clock=clock)
    with library.create("Offsite", participants=["Ana", "Ben"]) as session:
        workshop_id = session.workshop.id
    app = make_app(library, workshop_id, clock=clock)
    notify = app.notify

    def lasting(message: str, **kwargs: Any) -> None:
        """Every notice stays for ten minutes: a slow machine never lets one go before the test looks."""
        notify(message, **{**kwargs, "timeout": 600})

    monkeypatch.setattr(app, "notify", lasting)
    yield app
    app.close_session()


async def drawn(app: WorkshopApp, pilot: object, text: str) -> int:
    """How many times ``text`` is on the screen as drawn, once the notices have been laid out."""
    for _ in range(3):
        await pilot.pause()  # type: ignore[attr-defined]
    return screen_text(app).count(text)


async def test_a_notice_raised_again_shows_once(app: WorkshopApp, clock: FakeClock) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        session = session_of(app)
        session.timer.start(session.workshop.current_stage_id)
        await pilot.pause()
        for _ in range(200):  # take off every minute there is: the rest of the presses have nothing to take
            await pilot.press("minus")
            if NO_TIME in messages(app):
                break
        for _ in range(5):
            await pilot.press("minus")
        await pilot.pause()
        assert messages(app).count(NO_TIME) == 1
        assert await drawn(app, pilot, NO_TIME) == 1
        app.notify("Something else.")  # a different notice still stacks
        assert await drawn(app, pilot, "Something else.") == 1 and await drawn(app, pilot, NO_TIME) == 1
        app.clear_notifications()
        assert await drawn(app, pilot, NO_TIME) == 0
        await pilot.press("minus")  # gone, then raised again: shown again
        assert await drawn(app, pilot, NO_TIME) == 1


async def test_the_same_words_with_another_severity_or_title_stack(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.notify("Saved.", title="Export")
        app.notify("Saved.", title="Template")
        app.notify("Saved.", title="Export", severity="warning")
        app.notify("Saved.", title="Export")
        await pilot.pause()
        assert messages(app) == ["Saved.", "Saved.", "Saved."]
