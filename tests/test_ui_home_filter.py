"""The home screen's filter: ``/`` then words; the list narrows to the workshops that match, read from the library
index (no workshop is read in full while typing); enter goes to the list, escape shows them all again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from facilitation.clock import FakeClock
from screens.app import make_app
from screens.home import EMPTY_MESSAGE, HomeScreen
from screens.stage import StageScreen
from tests.ui_helpers import screen_text
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZE = (120, 36)


def titles(app: Any) -> list[str]:
    table = app.screen.query_one("#workshops", DataTable)
    return [table.get_row_at(i)[0].plain for i in range(table.row_count)] if table.display else []


@pytest.fixture
def library(data_dir: Path, clock: FakeClock) -> WorkshopLibrary:
    library = WorkshopLibrary(Store(data_dir), clock=clock)
    for title, organisation in [
        ("Strategy offsite", "Northwind"),
        ("Café community launch", "Nörd GmbH"),
        ("Quarterly review", "Contoso"),
    ]:
        library.create(title, organisation=organisation).close()
    return library


async def test_typing_in_the_filter_narrows_the_list_from_the_index(
    library: WorkshopLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_in_full: list[str] = []
    real = Store.read_raw
    monkeypatch.setattr(Store, "read_raw", lambda self, i: read_in_full.append(i) or real(self, i))
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and len(titles(app)) == 3
        assert not app.screen.query_one("#home-filter", Input).display
        await pilot.press("slash", *"nord")
        await pilot.pause()
        assert app.screen.query_one("#home-filter", Input).has_focus
        assert titles(app) == ["Café community launch"]
        assert "1 workshop matches “nord”" in screen_text(app)
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"zzz")
        await pilot.pause()
        assert titles(app) == []
        assert "No workshop matches “zzz”" in screen_text(app)
        await pilot.press("backspace", "backspace", "backspace", *"north")
        await pilot.pause()
        assert titles(app) == ["Strategy offsite"]
        await pilot.press("enter")  # to the list: enter again opens the one found
        await pilot.pause()
        assert app.screen.query_one("#workshops", DataTable).has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert len(titles(app)) == 3 and not app.screen.query_one("#home-filter", Input).display
        assert EMPTY_MESSAGE not in screen_text(app)
        await pilot.press("slash", *"review", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        assert app.session is not None and app.session.workshop.title == "Quarterly review"
    assert read_in_full == []


HOSTILE = "Evil\x1b]0;pwned\x07\x1b[31mRED\nsecond\tline\x00\x7f\x9b2J\u202eRTL"
"""What an imported file may hold in a title or an organisation (as ``tests/test_cli.py``'s): a terminal's title
and colour codes, a newline, a tab, NUL, DEL, a C1 control and a right-to-left override left open."""


async def test_a_hostile_title_keeps_its_row_and_the_rows_after_it_in_line(library: WorkshopLibrary) -> None:
    """The home screen's row of an imported workshop is one clean line: a newline or tab in its title no longer
    breaks the row, no control character reaches the terminal, and the override is closed in its own cell."""
    imported = library.create("placeholder")
    workshop = imported.workshop
    imported.close()
    workshop.title, workshop.organisation = HOSTILE, HOSTILE
    library.import_workshop(workshop).close()
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#workshops", DataTable)
        cells = [cell.plain for i in range(table.row_count) for cell in table.get_row_at(i)]
        assert cells and not any(ch in cell for cell in cells for ch in "\n\t\x1b\x00\x7f\x9b\x07")
        row = next(i for i in range(table.row_count) if "Evil" in table.get_row_at(i)[0].plain)
        title = table.get_row_at(row)[0].plain
        assert title.startswith("Evil") and "RED second line" in title and title.endswith("RTL\u202c")
        lines = screen_text(app).splitlines()
        for name in ("Strategy offsite", "Café community launch", "Quarterly review", "Evil"):
            (line,) = [line for line in lines if name in line]  # each workshop on exactly one line
            assert "\u202e" not in line or line.index("\u202c") > line.index("\u202e")
