"""The projector's invitation to the room fits the window: at 80x24 the lower part of the screen has a few lines,
fewer than the QR code's 15, and a code cut off at the bottom cannot be scanned while it hid the address and the
join code under it. Where the code does not fit, the address and the join code are shown alone; where it fits,
all of it."""

from __future__ import annotations

import pytest

from facilitation.clock import FakeClock
from room.qr import qr_lines
from tests.ui_helpers import screen_text
from workshop.session import WorkshopSession
from workshop.store import Store

URL = "http://127.0.0.1:18765/"


@pytest.mark.parametrize(("size", "whole_code"), [((80, 24), False), ((120, 36), True), ((200, 60), True)])
async def test_the_join_code_and_address_are_always_shown_and_the_qr_code_whole_or_not_at_all(
    session: WorkshopSession, store: Store, clock: FakeClock, size: tuple[int, int], whole_code: bool
) -> None:
    from screens.projector import ProjectorApp
    from workshop.follow import open_following

    session.agenda.next()
    for number in range(6):
        session.notes.add(f"Idea {number}: customers answer each other first")
    session.log("room.opened", f"Room opened at {URL}", data={"url": URL, "code": "K7PQ3X"})
    follows = open_following(store, session.workshop.id, clock=clock)
    app = ProjectorApp(follows, watch=False)
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.pause()
            text = screen_text(app)  # type: ignore[arg-type]
            assert URL in text and "Join code K7P Q3X" in text, text
            shown = [line for line in qr_lines(URL) if line.strip("▀ ") and line in text]
            inked = [line for line in qr_lines(URL) if line.strip("▀ ")]
            assert shown == (inked if whole_code else []), text
            if size == (80, 24):  # a window made taller shows the code, and shorter again leaves it out
                await pilot.resize_terminal(80, 60)
                await pilot.pause()
                await pilot.pause()
                assert [line for line in inked if line in screen_text(app)] == inked  # type: ignore[arg-type]
                await pilot.resize_terminal(80, 24)
                await pilot.pause()
                await pilot.pause()
                text = screen_text(app)  # type: ignore[arg-type]
                assert URL in text and "Join code K7P Q3X" in text
                assert [line for line in inked if line in text] == []
    finally:
        follows.follower.stop()
