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


def test_the_board_titles_go_from_the_fullest_wording_to_the_shortest() -> None:
    from screens.projector.screen import board_titles

    assert board_titles(4, None) == ["Notes · 4"]
    titles = board_titles(0, 1)
    assert titles[0] == "Notes · 0 · silent brainstorming: 1 note until the reveal"
    assert titles[-1] == "Notes · 0 · silent: 1 to come"
    assert [len(t) for t in titles] == sorted((len(t) for t in titles), reverse=True)
    assert all("silent" in t for t in titles)


@pytest.mark.parametrize(
    ("size", "title"),
    [
        ((80, 24), "Notes · 2 · silent: 27 notes until the reveal"),
        ((200, 60), "Notes · 2 · silent brainstorming: 27 notes until the reveal"),
    ],
)
async def test_the_notes_title_fits_beside_the_room_s_address(
    session: WorkshopSession, store: Store, clock: FakeClock, size: tuple[int, int], title: str
) -> None:
    """During silent brainstorming with the room open, the board's title says how many notes wait for the
    reveal in words that fit beside the address (at 80x24 it was cut: "… 3 notes until the …"); the
    window made narrower or wider words it again."""
    from screens.projector import ProjectorApp
    from workshop.follow import open_following

    session.agenda.next()
    session.notes.add("Seen before the silence")
    session.notes.add("Seen too")
    session.notes.set_silent(True)
    for number in range(27):
        session.notes.add(f"Hidden idea {number}")
    session.log("room.opened", "Room opened", data={"url": "http://192.168.178.120:18765/", "code": "K7PQ3X"})
    follows = open_following(store, session.workshop.id, clock=clock)
    app = ProjectorApp(follows, watch=False)
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.pause()
            text = screen_text(app)  # type: ignore[arg-type]
            assert title in text and "…" not in text.split(title)[0].splitlines()[-1], text
            other = (200, 60) if size == (80, 24) else (80, 24)
            await pilot.resize_terminal(*other)
            await pilot.pause()
            await pilot.pause()
            wider = "brainstorming" in screen_text(app)  # type: ignore[arg-type]
            assert wider == (other == (200, 60))
            assert "27 notes until the reveal" in screen_text(app)  # type: ignore[arg-type]
    finally:
        follows.follower.stop()
