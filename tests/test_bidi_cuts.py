"""A dialog (or any widget) drawn over part of a line cuts that terminal row into pieces; a piece that opens a
right-to-left override, embedding or isolate must close it itself, or UAX #9 turns round every piece after it on
the row. ``screens.internals.OverridesClosedAtCuts`` closes each piece; these tests cut rows every way a screen
can: a dialog over a line's end or middle, every opener nested in every other, a cut through a wide emoji, a
clipping container, Textual's own command palette, and the app's projector window.

Each synthetic case first draws the same rows in a plain Textual app, to show that the set-up really leaves a
piece open without the fix (so the test can fail).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from rich.cells import cell_len
from rich.console import Console
from textual.app import App, ComposeResult
from textual.containers import Container
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from facilitation import text
from facilitation.clock import FakeClock
from screens.internals import ClosedCutsApp, OverridesClosedAtCuts, close_overrides_at_cuts
from screens.projector.app import ProjectorApp
from workshop.follow import open_following
from workshop.session import WorkshopLibrary, WorkshopSession
from workshop.store import Store

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
CLOSER = {LRE: PDF, RLE: PDF, LRO: PDF, RLO: PDF, LRI: PDI, RLI: PDI, FSI: PDI}
WIDTH, HEIGHT = 80, 24


def rows(app: App[Any]) -> list[str]:
    """The terminal's rows as the screen's compositor draws them (a full update, as ``tests.ui_helpers``)."""
    console = Console(width=WIDTH, height=HEIGHT, file=io.StringIO(), record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text().splitlines()


BORDERS = frozenset("│╭╰▊▎")


def open_rows(shown: list[str]) -> list[str]:
    """The rows that leave an override open at their end, or across a dialog's edge (a dialog in the middle of a
    row would be turned round by an override opened on its left and closed on its right)."""
    return [
        row
        for row in shown
        if text.close_bidi(row) != row
        or any(text.bidi_closers(row[:i]) for i, c in enumerate(row) if c in BORDERS)
    ]


def nested(openers: str, words: str = "shipped in March") -> str:
    """``openers`` opened in order around ``words``, then closed in the reverse order at the line's end."""
    return openers + words + "".join(CLOSER[o] for o in reversed(openers))


class Lines(Screen[None]):
    """Full-width lines, each closed at its very end, where a dialog on the right will cover it."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        for line in self.lines:
            yield Static(line, markup=False)


class RightDialog(ModalScreen[None]):
    """A dialog over the right part of every row (its left edge cuts each line), or the middle (both edges)."""

    DEFAULT_CSS = """
    RightDialog { align: right top; }
    RightDialog > Static { width: 30; height: 100%; border: round $accent; }
    RightDialog.middle { align: center top; }
    """

    def __init__(self, *, middle: bool = False) -> None:
        super().__init__(classes="middle" if middle else "")

    def compose(self) -> ComposeResult:
        yield Static("Export the workshop?")


class Plain(App[None]):
    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def get_default_screen(self) -> Screen[Any]:
        return Lines(self.lines)


class Closing(ClosedCutsApp, Plain):
    def get_default_screen(self) -> Screen[Any]:
        return close_overrides_at_cuts(super().get_default_screen())


async def drawn(app_class: type[Plain], lines: list[str], *, middle: bool = False) -> list[str]:
    app = app_class(lines)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await app.push_screen(RightDialog(middle=middle))
        await pilot.pause()
        return rows(app)


OPENERS = [LRE, RLE, LRO, RLO, LRI, RLI, FSI]
NESTINGS = [
    *OPENERS,
    RLO + LRE,
    RLI + RLO,
    LRO + RLI + RLE,
    FSI + LRO + RLI + RLE,
    RLE + LRI + RLO + FSI + LRE + RLI + LRO,
]


def _line(openers: str) -> str:
    """A line filling the row, its closers in the last cells (where the dialog is)."""
    words = "Decision: stop weekly reports and ship the FAQ"
    return nested(openers, words + "." * (WIDTH - cell_len(words)))


@pytest.mark.parametrize("openers", NESTINGS, ids=lambda o: "+".join(f"{ord(c):04X}" for c in o))
@pytest.mark.parametrize("middle", [False, True], ids=["over the end", "over the middle"])
async def test_a_dialog_over_a_line_leaves_no_piece_open(openers: str, middle: bool) -> None:
    lines = [_line(openers), "an ASCII line", _line(openers[::-1])]
    assert open_rows(lines) == [], "the lines themselves are closed"
    assert open_rows(await drawn(Plain, lines, middle=middle)), "the set-up does cut a line open"
    assert open_rows(await drawn(Closing, lines, middle=middle)) == []


async def test_a_cut_through_a_wide_emoji_keeps_the_row_closed_and_its_width() -> None:
    astronaut = "\U0001f469\u200d\U0001f680"  # one glyph, 2 cells, 3 code points
    line = RLO + "Astro " + astronaut * 40 + PDF  # odd offset: the dialog's edge falls inside a glyph
    shown = await drawn(Closing, [line, RLI + "x" + astronaut * 40 + PDI])
    assert open_rows(shown) == []
    assert all(cell_len(row) <= WIDTH for row in shown)
    assert "Export the workshop?" in "\n".join(shown)


class Clipped(Screen[None]):
    """A line wider than its box: the box clips it (``Strip.crop``), no dialog needed."""

    DEFAULT_CSS = """
    Clipped > Container { width: 30; height: 3; overflow: hidden; }
    Clipped Static { width: 120; }
    """

    def compose(self) -> ComposeResult:
        with Container():
            yield Static(
                RLO + "Customers answer each other on the forum, week after week" + PDF + "...", markup=False
            )
        yield Static("after the box")


class ClippedApp(ClosedCutsApp, App[None]):
    def get_default_screen(self) -> Screen[Any]:
        return close_overrides_at_cuts(Clipped())


async def test_a_line_clipped_by_its_container_is_closed_at_the_clip() -> None:
    app = ClippedApp()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await pilot.pause()
        shown = rows(app)
    assert RLO in shown[0]
    assert open_rows(shown) == []


class PaletteApp(ClosedCutsApp, App[None]):
    """Textual's command palette, pushed by Textual itself (it spans the whole width, so nothing is cut: only
    that it is drawn by the closing compositor like every other screen is checked)."""

    COMMANDS: ClassVar = App.COMMANDS

    def get_default_screen(self) -> Screen[Any]:
        return close_overrides_at_cuts(Lines([_line(RLO)] * HEIGHT))


async def test_every_screen_pushed_is_drawn_by_the_closing_compositor() -> None:
    app = PaletteApp()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        assert isinstance(app.screen._compositor, OverridesClosedAtCuts)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"
        assert isinstance(app.screen._compositor, OverridesClosedAtCuts)
        await pilot.press("escape")
        await app.push_screen(RightDialog())
        assert isinstance(app.screen._compositor, OverridesClosedAtCuts)
        assert open_rows(rows(app)) == []


# --- the projector window -------------------------------------------------------------------------------------


@pytest.fixture
def projector_session(store: Store, clock: FakeClock) -> Iterator[WorkshopSession]:
    library = WorkshopLibrary(store, clock=clock)
    session = library.create("Kick-off", participants=["Ana"])
    session.agenda.next()
    for i in range(12):
        session.notes.add(
            f"{RLO}Note {i} that is long enough to be cut at the edge of its column on the wall{PDF}"
        )
    yield session
    session.close()


async def test_the_projector_leaves_no_row_open(
    store: Store, projector_session: WorkshopSession, clock: FakeClock
) -> None:
    following = open_following(store, projector_session.workshop.id, clock=clock)
    app = ProjectorApp(following, watch=False)
    try:
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
            await pilot.pause()
            assert type(app.screen._compositor).__name__ == "OverridesClosedAtCuts"
            shown = rows(app)
    finally:
        following.follower.stop()
    assert any(RLO in row for row in shown), "the notes are on the wall"
    assert open_rows(shown) == []
