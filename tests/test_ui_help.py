"""The help screen lists each screen's keys as rows that wrap under their own column, every section in order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from screens.help import HelpScreen, help_sections
from screens.navigation import help_screens
from screens.stage import TIP_TIMER
from screens.widgets.row_stack import RowStack
from tests.ui_helpers import screen_text
from workshop.session import WorkshopLibrary
from workshop.store import Store


@pytest.fixture
def app(store: Store, clock: FakeClock) -> Iterator[WorkshopApp]:
    library = WorkshopLibrary(store, clock=clock)
    session = library.create("Offsite", participants=["Ana", "Ben"])
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def shown_headings(screen: HelpScreen) -> list[str]:
    """The section headings the help lists, in order (each section's second row)."""
    headings = []
    for section in screen.query(".help-keys"):
        visual = section.render()
        assert isinstance(visual, RowStack)
        headings.append(visual.rows[1].body.plain)
    return headings


async def test_help_lists_every_section_in_order(app: WorkshopApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        expected = [heading for heading, _ in help_sections(app, help_screens(type(app)))]
        assert shown_headings(app.screen) == expected
        assert expected[:2] == ["Everywhere", "Stage (notes list)"]


def _text(app: WorkshopApp) -> str:
    """The screen's words in order, without the help's border and scrollbar (block elements, U+2580-U+259F)."""
    return " ".join("".join(" " if "\u2580" <= c <= "\u259f" else c for c in screen_text(app)).split())


async def test_a_long_description_wraps_under_its_own_column(app: WorkshopApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        first = next(i for i, line in enumerate(lines) if "space · F5" in line)
        column = lines[first].index("Start, pause")
        assert lines[first].index("space · F5") < column
        continued = lines[first + 1]
        assert continued[:column].strip(" █") == "", "nothing in the keys column on the second line"
        assert continued[column] != " ", "the rest of the description starts under its first line"
        words = " ".join((lines[first][column:] + " " + continued[column:]).replace("█", " ").split())
        assert words.startswith(TIP_TIMER), words


async def test_end_reaches_the_last_section(app: WorkshopApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()
        assert "it takes no lock and changes nothing" in _text(app)
