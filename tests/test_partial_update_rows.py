"""A partial update asks each widget only for the rows it repaints (issue #14, the projector's idle CPU).

``screens.internals.OverridesClosedAtCuts._get_renders`` cuts each widget's clip to the update's rows; Textual's
own asked every widget overlapping the update for its whole visible region and dropped the other rows. These
tests check both halves of that: the rows kept are the same strips Textual's whole-region render gives (for every
crop of screens with a dialog over part of them, a clipped scrolled container, a docked bar, and the projector at
two sizes), and on the projector's running countdown no widget is asked for a row outside what a second repaints.
Counts only: nothing here reads the wall clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

import pytest
from textual._compositor import Compositor
from textual.app import App, ComposeResult
from textual.containers import Container, VerticalScroll
from textual.geometry import Region
from textual.screen import ModalScreen, Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from facilitation.clock import FakeClock
from screens.internals import ClosedCutsApp, OverridesClosedAtCuts, close_overrides_at_cuts
from screens.projector import ProjectorApp
from screens.projector.screen import ProjectorScreen
from workshop.follow import Following, open_following
from workshop.session import WorkshopSession
from workshop.store import Store


def _textual_chops(compositor: Compositor, crop: Region) -> Sequence[Mapping[int, Strip]]:
    """The chops Textual's own ``_get_renders`` gives for ``crop`` (every row of it drawn)."""
    compositor._get_renders = lambda crop=None: Compositor._get_renders(compositor, crop)  # type: ignore[method-assign]
    try:
        return Compositor._render_chops(compositor, crop, lambda _y: True)
    finally:
        del compositor._get_renders


def _ours(compositor: Compositor, crop: Region) -> Sequence[Mapping[int, Strip]]:
    assert isinstance(compositor, OverridesClosedAtCuts)
    return Compositor._render_chops(compositor, crop, lambda _y: True)


def _crops(width: int, height: int) -> Iterator[Region]:
    """Boxes of every shape over the screen: single rows, blocks, the edges, the whole screen."""
    for top in range(0, height, 3):
        for rows in (1, 2, 5, height):
            for left, columns in ((0, width), (width // 3, 4), (width - 7, 7), (5, width // 2)):
                yield Region(left, top, columns, rows).intersection(Region(0, 0, width, height))


def _assert_same_rows(compositor: Compositor, width: int, height: int) -> int:
    """Every crop's rows as ours draws them equal Textual's; returns how many crops were compared."""
    compared = 0
    for crop in _crops(width, height):
        mine, theirs = _ours(compositor, crop), _textual_chops(compositor, crop)
        for y in crop.line_range:
            assert [s.text if s else None for s in mine[y].values()] == [
                s.text if s else None for s in theirs[y].values()
            ], (crop, y)
            assert list(mine[y].values()) == list(theirs[y].values()), (crop, y)
        for y in set(range(height)) - set(crop.line_range):  # rows outside the crop: nothing drawn by either
            assert all(strip is None for strip in mine[y].values()), (crop, y)
        compared += 1
    return compared


class Dialog(ModalScreen[None]):
    DEFAULT_CSS: ClassVar[str] = "Dialog { align: center middle; } #box { width: 30; height: 7; border: round red; }"

    def compose(self) -> ComposeResult:
        yield Static("a dialog over part of the rows\nsecond line", id="box")


class Busy(ClosedCutsApp, App[None]):
    """A docked bar, a scrolled (clipped) container with more lines than fit, a box beside it."""

    CSS: ClassVar[str] = """
    #bar { dock: top; height: 2; background: blue; }
    #scroll { width: 2fr; height: 1fr; border: solid green; }
    #side { width: 1fr; height: 9; margin: 2 1; background: $panel; }
    Container { layout: horizontal; }
    """

    def get_default_screen(self) -> Screen[Any]:
        return close_overrides_at_cuts(Screen(id="_default"))

    def compose(self) -> ComposeResult:
        yield Static("docked bar", id="bar")
        with Container():
            with VerticalScroll(id="scroll"):
                for n in range(60):
                    yield Static(f"line {n} " + "·" * (n % 17))
            yield Static("side box\n" * 6, id="side")


@pytest.mark.parametrize("size", [(80, 24), (45, 17)])
async def test_rows_kept_are_textuals_with_clipping_docks_and_a_dialog(size: tuple[int, int]) -> None:
    app = Busy()
    async with app.run_test(size=size) as pilot:
        app.query_one("#scroll", VerticalScroll).scroll_to(y=7, animate=False)
        await pilot.pause()
        assert _assert_same_rows(app.screen._compositor, *size)
        app.push_screen(Dialog())
        await pilot.pause()
        assert _assert_same_rows(app.screen._compositor, *size)
        # the screen beneath the dialog, drawn as a background screen is
        assert _assert_same_rows(app.screen_stack[0]._compositor, *size)


@pytest.fixture
def following(store: Store, session: WorkshopSession, clock: FakeClock) -> Iterator[Following]:
    follows = open_following(store, session.workshop.id, clock=clock)
    yield follows
    follows.follower.stop()


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_the_projector_rows_kept_are_textuals(
    session: WorkshopSession, following: Following, size: tuple[int, int]
) -> None:
    session.agenda.next()
    session.timer.start()
    app = ProjectorApp(following, watch=False)
    async with app.run_test(size=size) as pilot:
        following.follower.poll()
        await pilot.pause()
        assert _assert_same_rows(app.screen._compositor, *size)


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_a_countdown_second_asks_no_widget_for_rows_it_does_not_repaint(
    session: WorkshopSession,
    following: Following,
    clock: FakeClock,
    size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Over 30 seconds of a running countdown: each second's partial update asks the widgets only for rows inside
    the box it repaints (Textual asked every widget overlapping it, the screen's every row among them, about ten
    widgets' full heights at 200x60), and the digits on the terminal stay the ones a whole redraw shows.

    A lone countdown's second is drawn straight to the terminal when nothing else waits (``repaint_now``,
    tests/test_projector_direct.py); here it is told to decline, as it does whenever something else is to be drawn
    or covers the cells, so each second takes the partial update this test is about."""
    import screens.internals

    monkeypatch.setattr(screens.internals, "_paint_now", lambda *_args: False)
    session.agenda.next()
    session.timer.start()
    app = ProjectorApp(following, watch=False)
    asked: list[tuple[str, int, int]] = []  # (widget, first screen row asked, rows asked) during partial updates
    crops: list[Region] = []

    async with app.run_test(size=size) as pilot:
        following.follower.poll()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProjectorScreen)
        compositor = screen._compositor
        partial = compositor.render_partial_update
        render_lines = Widget.render_lines

        def counted_partial() -> Any:
            crops.append(Region.from_union(list(compositor._dirty_regions)))
            return partial()

        def counted_lines(widget: Widget, crop: Region) -> list[Strip]:
            if crops and widget.screen is screen:
                region = widget.region
                asked.append((type(widget).__name__, region.y + crop.y, crop.height))
            return render_lines(widget, crop)

        compositor.render_partial_update = counted_partial  # type: ignore[method-assign]
        monkeypatch.setattr(Widget, "render_lines", counted_lines)
        for _second in range(30):
            clock.advance(1.0)
            screen.refresh_clock()
            await pilot.pause()
            crop = crops[-1] if crops else None
            assert crop is not None
            assert asked  # the second was drawn by a partial update
            for name, first, rows in asked:
                assert crop.y <= first and first + rows <= crop.bottom, (name, first, rows, crop)
            asked.clear()
            crops.clear()
            assert screen.countdown.digits == _whole_redraw_digits(app)
        monkeypatch.undo()
        assert _assert_same_rows(compositor, *size)


def _whole_redraw_digits(app: ProjectorApp) -> str:
    """The countdown's digits as the session says they are now (what a whole redraw would draw)."""
    from facilitation.timer_words import timer_digits

    return timer_digits(app.session.timer.of())


def test_textuals_partial_update_asks_whole_regions() -> None:
    """What the override replaces: Textual 8.2.8's ``_get_renders`` asks each overlapping widget for its whole
    visible region (so the saving above is real), and ``_render_chops`` keeps only rows it is told to draw."""
    import inspect

    source = inspect.getsource(Compositor._get_renders)
    assert "region.width" in source and "region.height" in source and "crop_overlaps(clip)" in source
    chops = inspect.getsource(Compositor._render_chops)
    assert "renders = self._get_renders(crop)" in chops
    assert "render_region = intersection(region, clip)" in chops
    assert "zip(render_region.line_range, strips)" in chops
