"""Keys typed ahead (arriving together, before the app handled the one before) act as if typed one at a time
(``screens.type_ahead``): ``i`` then text then Enter on the notes list adds the note; nothing lands on the list.

The keys are posted to the app all at once, as a terminal's burst arrives, instead of ``pilot.press`` (which waits
for each key to be handled before sending the next, and so never shows the fault)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input, OptionList

from screens.app import WorkshopApp, make_app
from screens.internals import bubbled_on
from screens.stage import StageScreen
from screens.type_ahead import TypeAhead
from tests.ui_helpers import screen_text, session_of, until
from workshop.session import WorkshopLibrary, WorkshopSession
from workshop.store import Store

SIZE = (100, 30)


def burst(app: App[Any], keys: str) -> None:
    """Post every key at once, in order: ``\\r`` is Enter, ``\\x1b`` escape."""
    for ch in keys:
        if ch == "\r":
            app.post_message(events.Key("enter", "\r"))
        elif ch == "\x1b":
            app.post_message(events.Key("escape", "\x1b"))
        elif ch == " ":
            app.post_message(events.Key("space", " "))
        else:
            app.post_message(events.Key(ch, ch))


@pytest.fixture
def app(store: Store) -> Iterator[WorkshopApp]:
    session = WorkshopSession.create(store, "Offsite", participants=["Ana", "Ben"])
    session.notes.add("first thought")
    workshop_id = session.workshop.id
    session.close()
    app = make_app(WorkshopLibrary(store), workshop_id)
    yield app
    app.close_session()


async def on_the_notes_list(app: WorkshopApp, pilot: Any) -> StageScreen:
    await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
    screen = app.screen
    assert isinstance(screen, StageScreen)
    await pilot.press("escape")  # from the note field to the list, where letters are commands
    await until(pilot, lambda: isinstance(app.focused, OptionList), "the notes list focused")
    return screen


async def test_i_then_a_note_and_enter_typed_ahead_add_the_note(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_the_notes_list(app, pilot)
        burst(app, "ilate bird\r")
        field = screen.query_one("#note-input", Input)
        session = session_of(app)
        await until(pilot, lambda: any(n.text == "late bird" for n in session.workshop.live_notes()), "the note")
        await until(pilot, lambda: "late bird" in screen_text(app), "the note on screen")
        assert field.value == ""
        assert app.screen is screen, "no letter acted on the list (e edits, a opens the agenda …)"
        assert [n.text for n in session.workshop.live_notes()] == ["first thought", "late bird"]


async def test_two_notes_and_a_return_to_the_list_typed_ahead(app: WorkshopApp) -> None:
    """Enter, escape and i move the focus between field and list; every key after each lands where it moved."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_the_notes_list(app, pilot)
        burst(app, "ione\rtwo\r\x1bithree\r")
        session = session_of(app)
        await until(pilot, lambda: len(session.workshop.live_notes()) == 4, "three notes added")
        assert [n.text for n in session.workshop.live_notes()] == ["first thought", "one", "two", "three"]
        assert app.screen is screen


async def test_keys_typed_at_a_persons_pace_are_handed_over_at_once(app: WorkshopApp) -> None:
    """Nothing waits when nothing is on its way: each key pressed alone is handed over as it arrives."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_the_notes_list(app, pilot)
        type_ahead: TypeAhead = app._type_ahead
        await pilot.press("i", *"calm", "enter")
        await until(pilot, lambda: "calm" in screen_text(app), "the note on screen")
        assert not type_ahead.busy
        assert screen.query_one("#note-input", Input).value == ""


async def test_a_key_whose_way_is_lost_lets_the_others_go_on(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_the_notes_list(app, pilot)
        type_ahead: TypeAhead = app._type_ahead
        type_ahead.GIVE_UP = 0.05
        lost = events.Key("f24", None)
        type_ahead.handed_over(lost, None)  # handled at once: nothing waits
        assert not type_ahead.busy
        type_ahead._on_its_way = lost  # as if its node closed before the callback behind it ran
        burst(app, "ilost\r")
        session = session_of(app)
        # the note stored, not only its text on screen (the field shows it before Enter is handled)
        await until(pilot, lambda: any(n.text == "lost" for n in session.workshop.live_notes()), "the note added")
        await until(pilot, lambda: "lost" in screen_text(app), "the keys behind it handled")
        assert screen.query_one("#note-input", Input).value == ""


# --- the pinned Textual rule (screens.internals.bubbled_on) ---------------------------------------------------


class Field(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="field")


async def test_bubbled_on_follows_textual_s_bubbling() -> None:
    """Asked just after a node handled a key (a callback queued behind it, as ``TypeAhead`` does): a letter the
    Input uses ends there; a key it does not use goes on to its parent, the screen, and on to the app (Textual
    8.2.8), where its way ends."""
    app = Field()
    async with app.run_test() as pilot:
        field = app.query_one(Input)
        field.focus()
        await pilot.pause()
        seen: list[tuple[str, object]] = []

        def after(key: events.Key, node: Any) -> None:
            following = bubbled_on(key, node)
            seen.append((key.key, following))
            if following is not None:
                following.call_later(after, key, following)

        used = events.Key("a", "a")
        field.post_message(used)
        field.call_later(after, used, field)
        passed = events.Key("f24", None)
        field.post_message(passed)
        field.call_later(after, passed, field)
        for _ in range(20):
            await pilot.pause()
        assert ("a", None) in seen and field.value == "a"
        assert [node for key, node in seen if key == "f24"] == [field.parent, app, None]
