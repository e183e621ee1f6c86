"""Typing in the stage's note field lays nothing out (``screens.internals.QuietInputWidth``): each key changed the
field's scrollable width, a layout reactive, and laid out the whole stage screen, in a busy room too. Counts only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input

from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from screens.internals import QuietInputWidth
from screens.stage import NoteInput, StageScreen
from tests.ui_helpers import screen_text, session_of, until
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZE = (120, 36)


@pytest.fixture
def app(store: Store, clock: FakeClock) -> Iterator[WorkshopApp]:
    library = WorkshopLibrary(store, clock=clock)
    session = library.create("Typing", participants=["Ana", "Ben"])
    session.agenda.go_to(2)
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[Screen[Any]]:
    laid_out: list[Screen[Any]] = []
    upstream = Screen._refresh_layout

    def counted(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
        laid_out.append(self)
        upstream(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return laid_out


async def test_typing_a_note_and_enter_lay_nothing_out(app: WorkshopApp, layouts: list[Screen[Any]]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen) and app.started, "the stage screen")
        await pilot.press("i")
        await pilot.pause()
        field = app.screen.query_one(NoteInput)
        assert field.has_focus
        layouts.clear()
        await pilot.press(*"we listen first")
        await pilot.pause()
        assert layouts == [] and field.value == "we listen first"
        await pilot.press("enter")
        await until(pilot, lambda: "we listen first" in screen_text(app), "the note in the list")
        assert layouts == [] and field.value == ""
        stage_id = session_of(app).workshop.current_stage_id
        assert [n.text for n in session_of(app).workshop.stage_notes(stage_id)] == ["we listen first"]


async def test_a_long_note_scrolls_in_the_field_to_the_cursor(app: WorkshopApp, layouts: list[Screen[Any]]) -> None:
    async with app.run_test(size=(60, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen) and app.started, "the stage screen")
        await pilot.press("i")
        field = app.screen.query_one(NoteInput)
        text = "a long note " * 8 + "END"
        await pilot.press(*text)
        await pilot.pause()
        assert field.value == text
        assert field.virtual_size.width == field.content_width > field.scrollable_content_region.width
        assert field.scroll_offset.x > 0 and "END" in screen_text(app)  # the end, where the cursor is, in view
        await pilot.press("home")
        await pilot.pause()
        assert field.scroll_offset.x == 0 and "a long note a long" in screen_text(app)


class Sized(App[None]):
    CSS = "#auto { width: auto; }"

    def compose(self) -> ComposeResult:
        yield QuietField(id="auto")


class QuietField(QuietInputWidth, Input):
    pass


async def test_an_input_sized_by_its_text_is_still_laid_out(layouts: list[Screen[Any]]) -> None:
    app = Sized()
    async with app.run_test(size=(80, 10)) as pilot:
        field = app.query_one(QuietField)
        await pilot.pause()
        before = field.outer_size.width
        layouts.clear()
        field.value = "a longer text than before, by far"
        await pilot.pause()
        assert layouts and field.outer_size.width > before
