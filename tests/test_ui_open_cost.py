"""What opening a screen does no longer do twice, and that what it now skips or shares is still right (issue #14).

The open times themselves are measured in ``benchmarks/screens_bench.py`` (no timing here): these tests count
work (library reads, table fills) and check what the screen shows after changes made while it was covered.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from facilitation.clock import FakeClock
from screens.app import make_app
from screens.dialogs import ConfirmScreen
from screens.home import WIDE, HomeScreen, column_widths
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZE = (120, 36)


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


def _titles(home: HomeScreen) -> list[str]:
    table = home.query_one("#workshops", DataTable)
    return [table.get_row_at(i)[0].plain for i in range(table.row_count)]


def _widths(home: HomeScreen) -> list[int]:
    table = home.query_one("#workshops", DataTable)
    return [column.width for column in table.columns.values()]


# --- home -----------------------------------------------------------------------------------------------


async def test_home_reads_the_library_once_as_it_opens_and_again_on_each_return(
    library: WorkshopLibrary, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.create("Spring kick-off").close()
    reads: list[str | None] = []
    upstream = library.list

    def counted(search: str | None = None) -> list[object]:
        reads.append(search)
        return upstream(search)  # type: ignore[return-value]

    monkeypatch.setattr(library, "list", counted)
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert reads == [None]  # on mount; the first resume, straight after, reads nothing again
        assert _titles(home) == ["Spring kick-off"]
        app.push_screen(ConfirmScreen("Anything?"))
        await pilot.pause()
        clock.advance(60)
        library.create("Summer review").close()  # made while the dialog covers home
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home and len(reads) == 2
        assert _titles(home) == ["Summer review", "Spring kick-off"]


async def test_home_fills_its_table_again_only_when_a_resize_changes_the_column_widths(
    library: WorkshopLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.create("A workshop with a rather long title, longer than a narrow column").close()
    fills: list[int] = []
    upstream = HomeScreen._draw

    def counted(self: HomeScreen, keep: str | None) -> None:
        fills.append(self.size.width)
        upstream(self, keep)

    monkeypatch.setattr(HomeScreen, "_draw", counted)
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert fills == [120]  # once, although the screen was resized as it opened
        await pilot.resize_terminal(WIDE + 40, 40)  # wide either way: content widths still
        await pilot.pause()
        assert fills == [120]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert fills == [120, 80]
        assert _widths(home) == [column_widths(80)[key] for key in ("title", "organisation", "date", "stage", "notes")]
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert fills == [120, 80, 120]
        assert "A workshop with a rather long title, longer than a narrow column" in _titles(home)
