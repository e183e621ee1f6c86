"""The projector window (``workshop present``): its drawing, its following, and its refusals."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.geometry import Region, Size
from textual.widget import Widget
from textual.widgets import Static

from facilitation.clock import FakeClock
from facilitation.models import Note, Workshop
from facilitation.timer_words import timer_digits
from screens.projector import ProjectorApp
from screens.projector.big_digits import FONT_HEIGHT, fit_scale, render_lines, text_width
from screens.projector.board import StageNotes, notes_view
from screens.projector.screen import DIGIT_MARGIN_SECONDS, IDLE_TICK_SECONDS, ProjectorScreen
from tests.ui_helpers import screen_text
from workshop.cli import main
from workshop.follow import Following, FollowState, open_following
from workshop.session import WorkshopSession
from workshop.store import DamagedFileError, Store, WorkshopNotFoundError

WAIT = 60.0
"""The most a test waits for a condition before failing; a pass never waits this long."""


# --- big digits ----------------------------------------------------------------------------------------


def test_big_digits_grow_with_the_space() -> None:
    assert text_width("00:00") == 26
    assert fit_scale("+00:00", 196, 22) == 6  # the countdown at 200x60
    assert fit_scale("+00:00", 76, 8) == 2  # at 80x24
    assert fit_scale("+00:00", 20, 2) == 0  # too small: plain text
    for scale in (1, 2, 3, 6):
        lines = render_lines("12:34", scale)
        assert len(lines) == -(-FONT_HEIGHT * scale // 2)
        assert {len(line) for line in lines} == {text_width("12:34") * scale}
    assert render_lines("12:34", 0) == ["12:34"]


def test_big_digits_are_the_font() -> None:
    one = render_lines("1", 2)
    assert one[0] == "    ██    "  # the top of the 1's stem, two dots wide and one row for two dots high
    assert all(set(line) <= {" ", "█", "▀", "▄"} for line in render_lines("+09:59", 3))


# --- the board -----------------------------------------------------------------------------------------


def test_notes_view_shows_the_newest_that_fit(session: WorkshopSession) -> None:
    for n in range(1, 31):
        session.notes.add(f"note number {n}")
    ws = session.workshop
    notes = ws.stage_notes(ws.current_stage_id or 0)
    view = notes_view(notes, ws, 60, 8).plain.splitlines()
    assert len(view) == 8
    assert view[0] == "… 23 earlier notes"
    assert view[-1].endswith("note number 30")
    long = session.notes.add("word " * 200)
    notes = ws.stage_notes(ws.current_stage_id or 0)
    view = notes_view(notes, ws, 40, 8).plain.splitlines()
    assert len(view) == 8
    assert view[-1].endswith("…")
    assert sum(1 for line in view if "word" in line) == 3  # a long note gets three lines, not the screen
    assert not any(
        "……" in line for line in notes_view([*notes, Note(99, 1, "x" * 500)], ws, 40, 8).plain.splitlines()
    )
    assert long.id


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["put", "delete", "remove"]),
            st.integers(1, 12),
            st.integers(1, 3),
            st.sampled_from([0.0, 1.0, 1.5, 2.0, 7.0]),
        ),
        max_size=40,
    )
)
def test_stage_notes_keep_the_workshops_order(steps: list[tuple[str, int, int, float]]) -> None:
    """Whatever happens to notes one change at a time, the kept list is ``Workshop.stage_notes``."""
    ws = Workshop(id="w", title="t")
    kept = StageNotes(1, ws.stage_notes(1))
    for what, note_id, stage_id, position in steps:
        if what == "remove":
            ws.notes.pop(note_id, None)
            kept.remove(note_id)
            continue
        note = Note(
            note_id, stage_id, f"n{note_id}", position=position, deleted_at=1.0 if what == "delete" else None
        )
        ws.notes[note_id] = note
        kept.update(note)
        assert kept.notes == ws.stage_notes(1)


# --- the screen, following in this process ---------------------------------------------------------------


@pytest.fixture
def following(store: Store, session: WorkshopSession, clock: FakeClock) -> Iterator[Following]:
    """The conftest's writable session (Ana, Ben, Chloé) and a follower of it in the same process."""
    follows = open_following(store, session.workshop.id, clock=clock)
    yield follows
    follows.follower.stop()


def screen_of(app: ProjectorApp) -> ProjectorScreen:
    assert isinstance(app.screen, ProjectorScreen)
    return app.screen


async def settle(app: ProjectorApp, pilot: Any) -> str:
    app.following.follower.poll()
    await pilot.pause()
    await pilot.pause()
    return screen_text(app)  # type: ignore[arg-type]


async def test_projector_follows_notes_timer_and_a_private_vote(
    session: WorkshopSession, following: Following, clock: FakeClock
) -> None:
    app = ProjectorApp(following, watch=False)
    async with app.run_test(size=(120, 36)) as pilot:
        text = await settle(app, pilot)
        assert "Readiness check" in text and "0 of 3 have answered" in text
        stage = session.agenda.next()  # the first discipline
        text = await settle(app, pilot)
        assert stage.title in text
        assert "No notes yet." in text
        assert "READY" in text
        first = session.notes.add("Customers first")
        second = session.notes.add("Faster answers")
        text = await settle(app, pilot)
        assert "Customers first" in text and "Faster answers" in text
        assert "Notes · 2" in text
        session.timer.start()
        clock.advance(61)
        text = await settle(app, pilot)
        screen = screen_of(app)
        assert screen.countdown.status.startswith("RUNNING")
        assert screen.countdown.digits == timer_digits(session.timer.of())  # the facilitator's function
        assert screen.countdown.digits == f"{stage.minutes - 2:02d}:59"
        ballot = session.votes.open(stage.id, budget=3, cap=2)
        ana, ben = 1, 2
        session.votes.cast(ballot.id, ana, first.id)
        session.votes.cast(ballot.id, ana, first.id)
        session.votes.cast(ballot.id, ben, second.id)
        session.votes.submit(ballot.id, ana)
        text = await settle(app, pilot)
        assert "Dot vote in progress" in text
        assert "dot " not in text.replace("Dot vote", "") and "dots" not in text
        assert "Ana" not in text and "Ben" not in text  # nobody's ballot, nobody's progress
        session.votes.close(ballot.id)
        text = await settle(app, pilot)
        assert "revealed" in text
        assert "2 dots" in text and "1 dot" in text


async def test_countdown_colours_and_times_up(
    session: WorkshopSession, following: Following, clock: FakeClock
) -> None:
    app = ProjectorApp(following, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        session.timer.start()
        minutes = session.stage().minutes
        await settle(app, pilot)
        countdown = screen_of(app).countdown
        assert countdown.has_class("-normal")
        clock.advance(minutes * 60 * 0.85)
        screen_of(app).refresh_clock()
        assert countdown.has_class("-warning")
        clock.advance(minutes * 60 * 0.12)
        screen_of(app).refresh_clock()
        assert countdown.has_class("-alert")
        clock.advance(minutes * 60 * 0.03 + 65)
        screen_of(app).refresh_clock()
        assert countdown.has_class("-overrun") and countdown.has_class("-times-up")
        assert countdown.status.startswith("TIME'S UP")
        assert countdown.digits.startswith("+01:0")


async def test_the_big_digits_are_drawn_in_each_phases_colours(
    session: WorkshopSession, following: Following, clock: FakeClock
) -> None:
    """The digits' drawing takes the widget's style from a cache (``visual_style``): it follows every change of
    phase, as the widget's own ``rich_style`` says it."""
    from rich.style import Style

    from screens.projector.big_digits import BigDigits

    app = ProjectorApp(following, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        session.timer.start()
        minutes = session.stage().minutes
        await settle(app, pilot)
        screen = screen_of(app)
        digits = screen.query_one(BigDigits)
        seen = set()
        for step, phase in [(0, "-normal"), (0.85, "-warning"), (0.12, "-alert"), (0.03, "-overrun")]:
            clock.advance(minutes * 60 * step + 1)
            screen.refresh_clock()
            await pilot.pause()
            assert screen.countdown.has_class(phase)
            middle = digits.content_size.height // 2  # a row through the glyphs
            drawn = {seg.style for seg in digits.render_line(middle) if seg.text.strip()}
            assert drawn == {digits.rich_style + Style(bold=True)}, phase
            seen |= drawn
        assert len(seen) == 4, "each phase has its own colours"
        await pilot.press("t")  # the other theme
        await pilot.pause()
        drawn = {seg.style for seg in digits.render_line(middle) if seg.text.strip()}
        assert drawn == {digits.rich_style + Style(bold=True)} and not drawn & seen


async def test_the_countdown_is_redrawn_when_its_digits_move_and_once_a_second_when_stopped(
    session: WorkshopSession, following: Following, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A projector left on a stage wakes once a second, not four times (its CPU while nothing changes); a
    running countdown is redrawn just after each of its seconds, so every second is shown."""
    import screens.projector.screen as projector_screen

    app = ProjectorApp(following, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        asked: list[float] = []
        set_timer = projector_screen.call_later_direct

        def recording(node: Any, delay: float, *args: Any, **kwargs: Any) -> Any:
            assert node is screen
            asked.append(delay)
            return set_timer(node, delay, *args, **kwargs)

        monkeypatch.setattr(projector_screen, "call_later_direct", recording)
        screen.refresh_clock()
        assert asked == [IDLE_TICK_SECONDS]  # the timer is not running
        session.timer.start()
        clock.advance(12.7)  # whole minutes planned: the digits move in 0.3 s
        await settle(app, pilot)
        assert screen.countdown.digits == timer_digits(session.timer.of())
        asked.clear()
        screen.refresh_clock()
        assert asked == [pytest.approx(0.3 + DIGIT_MARGIN_SECONDS)]
        shown = screen.countdown.digits
        clock.advance(0.3 + DIGIT_MARGIN_SECONDS)
        await wait_for(pilot, lambda: screen.countdown.digits != shown, "the next second drawn by the tick")
        assert screen.countdown.digits == timer_digits(session.timer.of())
        session.timer.pause()
        await settle(app, pilot)
        asked.clear()
        screen.refresh_clock()
        assert asked == [IDLE_TICK_SECONDS]


def record_direct_draws(monkeypatch: pytest.MonkeyPatch, record: Callable[[Widget, tuple[Region, ...]], object]) -> None:
    """Call ``record(widget, regions)`` for each repaint drawn at once (``screens.internals.repaint_now``), as a
    test recording ``Widget.refresh`` sees a repaint asked for (a repaint drawn later)."""
    import screens.internals

    paint_now = screens.internals._paint_now

    def recording(widget: Widget, region: Region | None) -> bool:
        drawn = paint_now(widget, region)
        if drawn:
            record(widget, () if region is None else (region,))
        return drawn

    monkeypatch.setattr(screens.internals, "_paint_now", recording)


async def test_a_running_countdowns_second_draws_only_the_digits_that_moved(
    session: WorkshopSession, following: Following, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each second of a running countdown repaints the block of the glyphs that changed and the bar: no layout,
    no other widget (the words, the agenda's ahead/behind and the board stay as drawn). It used to lay out and
    draw the whole screen every second (the words and the agenda strip were set again each time)."""
    from textual.widget import Widget

    from screens.projector.big_digits import BigDigits

    app = ProjectorApp(following, watch=False)
    async with app.run_test(size=(200, 60)) as pilot:
        session.agenda.next()
        session.timer.start()
        clock.advance(1.5)  # the digits count whole seconds up: 19:59 until 1,198 s are left
        await settle(app, pilot)
        screen = screen_of(app)
        digits = screen.query_one(BigDigits)
        minutes = session.stage().minutes
        assert digits.value == f"{minutes - 1:02d}:59" and digits.scale == 6
        refreshed: list[tuple[str, tuple[Region, ...], bool]] = []
        refresh = Widget.refresh

        def recording(self: Widget, *regions: Region, **options: bool) -> Widget:
            refreshed.append((type(self).__name__, regions, bool(options.get("layout"))))
            return refresh(self, *regions, **options)

        monkeypatch.setattr(Widget, "refresh", recording)
        record_direct_draws(monkeypatch, lambda widget, region: refreshed.append((type(widget).__name__, region, False)))
        from screens.projector.big_digits import _drawn

        drawings = _drawn.cache_info().misses
        clock.advance(1.0)
        screen.refresh_clock()
        await pilot.pause()
        assert digits.value == f"{minutes - 1:02d}:58"
        assert _drawn.cache_info().misses - drawings == 1, "the new time is drawn in the dot font once"
        assert not [r for r in refreshed if r[2]], f"a second laid the screen out: {refreshed}"
        assert {name for name, _, _ in refreshed} <= {"BigDigits", "TimerBar"}, refreshed  # the bar if it moved
        drawn = [regions for name, regions, _ in refreshed if name == "BigDigits"]
        assert len(drawn) == 1 and len(drawn[0]) == 1, drawn
        block = drawn[0][0]
        last_glyph = 5 * digits.scale  # the 9 and the 8 differ within one glyph's columns
        assert block.width <= last_glyph and block.right <= digits.content_size.width
        assert block.x >= digits.content_size.width // 2, "the block is the last glyph's, on the right"
        assert block.height <= len(render_lines("8", digits.scale))


async def test_a_countdowns_second_measures_its_text_once_and_searches_no_widget(
    session: WorkshopSession, following: Following, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each second of a running countdown works out the drawing of the new time once (scale, rows and where they
    go), not once per row drawn (about 20 rows at 200x60: each row measured the text and chose the scale again),
    and finds the widgets it updates without searching the screen (``query_one`` walked the widgets three or four
    times a second). Counted over 20 seconds; the rows on the terminal are the new time's, drawn whole."""
    from textual.dom import DOMNode

    import screens.projector.big_digits as big_digits
    from screens.projector.big_digits import BigDigits

    app = ProjectorApp(following, watch=False)
    async with app.run_test(size=(200, 60)) as pilot:
        session.agenda.next()
        session.timer.start()
        clock.advance(1.5)
        await settle(app, pilot)
        screen = screen_of(app)
        digits = screen.query_one(BigDigits)
        fits: list[str] = []
        queries: list[str] = []
        fit, query_one = big_digits.fit_scale, DOMNode.query_one

        def counted_fit(text: str, width: int, height: int) -> int:
            fits.append(text)
            return fit(text, width, height)

        def counted_query(self: DOMNode, *args: object, **kwargs: object) -> object:
            queries.append(type(self).__name__)
            return query_one(self, *args, **kwargs)  # type: ignore[call-overload]

        monkeypatch.setattr(big_digits, "fit_scale", counted_fit)
        monkeypatch.setattr(DOMNode, "query_one", counted_query)
        for _second in range(20):
            fits.clear()
            queries.clear()
            clock.advance(1.0)
            screen.refresh_clock()
            await pilot.pause()
            assert queries == [], queries
            # _changed_region chooses the scale for the old and the new value; the rows drawn choose it once more
            assert 1 <= len(fits) <= 3, fits
        monkeypatch.undo()
        lines = render_lines(digits.value, digits.scale)
        drawn = [strip.text for strip in digits.render_lines(Region(0, 0, *digits.size))]
        top = (digits.content_size.height - len(lines)) // 2
        assert [row.strip() for row in drawn[top : top + len(lines)]] == [line.strip() for line in lines]
        assert digits.value == timer_digits(session.timer.of())


async def test_an_overrun_second_draws_the_digits_and_words_without_a_layout(
    session: WorkshopSession, following: Following, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TIME'S UP counts the overrun in the digits and in the words, both every second: the glyphs that moved and
    the words are repainted, nothing is laid out (a layout a second while the time was up, before)."""
    from textual.widget import Widget

    app = ProjectorApp(following, watch=False)
    async with app.run_test(size=(200, 60)) as pilot:
        session.agenda.next()
        session.timer.start()
        clock.advance(session.stage().minutes * 60 + 25.5)
        await settle(app, pilot)
        screen = screen_of(app)
        screen.refresh_clock()
        await pilot.pause()
        assert screen.countdown.status.startswith("TIME'S UP") and screen.countdown.digits == "+00:25"
        refreshed: list[tuple[str, bool]] = []
        refresh = Widget.refresh

        def recording(self: Widget, *regions: Region, **options: bool) -> Widget:
            refreshed.append((type(self).__name__, bool(options.get("layout"))))
            return refresh(self, *regions, **options)

        monkeypatch.setattr(Widget, "refresh", recording)
        record_direct_draws(monkeypatch, lambda widget, _region: refreshed.append((type(widget).__name__, False)))
        for _ in range(3):
            clock.advance(1.0)
            screen.refresh_clock()
            await pilot.pause()
        assert screen.countdown.digits == "+00:28" and "00:28 over" in screen.countdown.status
        assert not [name for name, layout in refreshed if layout], f"a second laid the screen out: {refreshed}"
        assert {name for name, _ in refreshed} == {"BigDigits", "Label"}, refreshed


def test_big_digits_find_the_cells_that_changed() -> None:
    """``BigDigits`` repaints where two values are drawn differently; a change of length repaints it all."""
    from screens.projector.big_digits import BigDigits

    class Sized(BigDigits):
        @property
        def content_size(self) -> Size:  # type: ignore[override]
            return Size(196, 22)

    digits = Sized("12:34")
    scale = digits.scale
    block = digits._changed_region("12:34", "12:35")
    assert block is not None
    left = (196 - text_width("12:34") * scale) // 2
    fourth = left + (text_width("12:3") + 1) * scale  # where the last glyph starts
    assert fourth <= block.x and block.right <= fourth + 5 * scale
    assert digits._changed_region("12:34", "12:34") == Region()
    assert digits._changed_region("9:59", "10:00") is None  # longer: laid out again


@given(
    st.text(alphabet="0123456789:+- x", min_size=0, max_size=7),
    st.text(alphabet="0123456789:+- x", min_size=0, max_size=7),
    st.integers(min_value=0, max_value=7),
)
def test_big_digits_drawn_glyph_by_glyph_are_the_text_drawn_dot_by_dot(old: str, new: str, scale: int) -> None:
    """A new time is put together from its glyphs' drawings (cached per glyph and scale), not drawn cell by cell
    each second; the lines are exactly the whole text's drawing, and the changed block found glyph by glyph is
    exactly the one found by comparing every cell."""
    from screens.projector.big_digits import BigDigits, _draw_dots, _drawn, dot_rows

    for text in (old, new):
        assert _drawn(text, scale) == ((text,) if scale < 1 else _draw_dots(dot_rows(text), scale))

    class Sized(BigDigits):
        @property
        def content_size(self) -> Size:  # type: ignore[override]
            return Size(200, 30)

    digits = Sized(old)
    digits.set_reactive(BigDigits.template, "+00:00:00")
    scale = digits._scale_for(new)
    found = digits._changed_region(old, new)
    before, after = _drawn(old, scale), _drawn(new, scale)
    if scale != digits._scale_for(old) or len(before) != len(after) or len(before[0]) != len(after[0]):
        assert found is None
        return
    pairs = enumerate(zip(before, after, strict=True))
    cells = [(x, y) for y, (a, b) in pairs for x, (p, q) in enumerate(zip(a, b, strict=True)) if p != q]
    if not cells:
        assert found == Region()
        return
    assert found is not None
    top, left = max(0, (30 - len(after)) // 2), max(0, (200 - min(len(after[0]), 200)) // 2)
    xs, ys = [x for x, _ in cells], [y for _, y in cells]
    assert found == Region(
        left + min(xs), top + min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
    ).intersection(Region(0, 0, 200, 30))


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_countdown_grows_with_the_terminal(
    session: WorkshopSession, following: Following, size: tuple[int, int]
) -> None:
    app = ProjectorApp(following, watch=False)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        from screens.projector.big_digits import BigDigits

        digits = screen_of(app).query_one(BigDigits)
        assert digits.scale == (2 if size == (80, 24) else 6)


async def test_readiness_chart_only_once_shown(
    store: Store, session: WorkshopSession, following: Following, clock: FakeClock
) -> None:
    """The readiness stage shows how many have answered, and the chart once everyone has or the facilitator
    shows it with ``r`` on their readiness screen (kept in the event log, so this window knows)."""
    from screens.app import make_app
    from screens.readiness import ReadinessScreen
    from workshop.session import WorkshopLibrary

    scores = {"vision": 4, "strategy": 2}
    session.readiness.record(1, attitude="fearful", scores=scores)
    projector = ProjectorApp(following, watch=False)
    async with projector.run_test(size=(120, 36)) as pilot:
        text = await settle(projector, pilot)
        assert "1 of 3 have answered" in text and "Attitude the room sees today" not in text
        workshop_id = session.workshop.id
        session.close()  # the facilitator's window below takes the lock
        laptop = make_app(WorkshopLibrary(store, clock=clock), workshop_id, clock=clock)
        async with laptop.run_test(size=(120, 36)) as laptop_pilot:
            await laptop_pilot.pause()
            await laptop_pilot.press("k")
            await laptop_pilot.pause()
            assert isinstance(laptop.screen, ReadinessScreen)
            await laptop_pilot.press("r")
            await laptop_pilot.pause()
            text = await settle(projector, pilot)
            assert "Attitude the room sees today (1 answer)" in text
            await laptop_pilot.press("r")
            await laptop_pilot.pause()
            text = await settle(projector, pilot)
            assert "Attitude the room sees today" not in text and "1 of 3 have answered" in text


async def test_help_says_how_to_open_the_projector(store: Store, clock: FakeClock) -> None:
    from screens.app import make_app
    from screens.help import HelpScreen
    from workshop.session import WorkshopLibrary

    library = WorkshopLibrary(store, clock=clock)
    created = library.create("Offsite")
    workshop_id = created.workshop.id
    created.close()
    app = make_app(library, workshop_id, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = app.screen.query_one("#help-projector").render()
        assert f"workshop present {workshop_id}" in str(shown)


# --- refusals ------------------------------------------------------------------------------------------


def _present(capsys: pytest.CaptureFixture[str], data_dir: Path, workshop_id: str) -> tuple[int, str]:
    capsys.readouterr()
    try:
        main(["--data-dir", str(data_dir), "present", workshop_id])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    finally:
        gc.enable()
    return code, capsys.readouterr().err


def test_present_refuses_clearly(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _present(capsys, store.data_dir, "nope")
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("Error: No workshop with id 'nope'")
    session = WorkshopSession.create(store, "Damaged")
    session.notes.add("saved")
    workshop_id = session.workshop.id
    session.close()
    (store.data_dir / f"{workshop_id}.json").write_text("{not json", encoding="utf-8")
    code, err = _present(capsys, store.data_dir, workshop_id)
    assert code == 1
    assert err.count("\n") == 1 and "is damaged" in err and "Traceback" not in err
    with pytest.raises(DamagedFileError):
        open_following(store, workshop_id)
    (store.data_dir / f"{workshop_id}.json").unlink()
    with pytest.raises(WorkshopNotFoundError):
        open_following(store, workshop_id)


# --- two processes -------------------------------------------------------------------------------------


class Writer:
    """The facilitator's window in a child process (``tests/projector_writer.py``)."""

    def __init__(self, data_dir: Path, workshop_id: str) -> None:
        script = Path(__file__).with_name("projector_writer.py")
        self.process = subprocess.Popen(
            [sys.executable, str(script), str(data_dir), workshop_id],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.read() == "ready"

    def read(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def do(self, command: str) -> None:
        """Send one command and wait until the child says it is durable."""
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = self.read()
        assert answer.startswith(("ok", "closed")), answer

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


async def wait_for(pilot: Any, condition: Callable[[], bool], what: str) -> None:
    """Let the app run until ``condition`` holds (the follower delivers in the background)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not condition():
        assert loop.time() < deadline, f"never happened: {what}"
        await pilot.pause(0.02)


async def test_two_processes_writer_and_projector(store: Store) -> None:
    session = WorkshopSession.create(store, "Offsite", participants=["Ana", "Ben", "Chloé"])
    workshop_id = session.workshop.id
    session.close()
    writer = Writer(store.data_dir, workshop_id)
    try:
        following = open_following(store, workshop_id)
        app = ProjectorApp(following)
        async with app.run_test(size=(120, 36)) as pilot:

            def shown() -> str:
                return screen_text(app)  # type: ignore[arg-type]

            seen_while_open: list[str] = []

            def record_if_voting(_change: object) -> None:
                app.call_after_refresh(lambda: seen_while_open.append(shown()))

            following.session.subscribe(record_if_voting)
            await wait_for(pilot, lambda: "Readiness check" in shown(), "the first stage")
            writer.do("next")
            await wait_for(pilot, lambda: "No notes yet" in shown(), "the next stage")
            writer.do("note Customers first")
            await wait_for(pilot, lambda: "Customers first" in shown(), "the first note")
            writer.do("note Faster answers")
            await wait_for(pilot, lambda: "Faster answers" in shown(), "the second note")
            writer.do("start")
            await wait_for(pilot, lambda: screen_of(app).countdown.status.startswith("RUNNING"), "the timer")
            writer.do("vote")
            await wait_for(pilot, lambda: "Dot vote in progress" in shown(), "the open vote")
            notes = sorted(following.session.workshop.notes)
            for participant, note in ((1, notes[0]), (1, notes[0]), (2, notes[1])):
                writer.do(f"cast {participant} {note}")
            writer.do("submit 1")
            await wait_for(
                pilot, lambda: len(following.session.workshop.votes) == 3, "the dots reach the follower"
            )
            await pilot.pause()
            seen_while_open.append(shown())
            writer.do("reveal")
            await wait_for(pilot, lambda: "revealed" in shown(), "the reveal")
            assert "2 dots" in shown()
            for text in seen_while_open:
                if "revealed" in text:
                    continue
                assert "dots" not in text and "1 dot" not in text, text
                assert "Ana" not in text and "Ben" not in text, text
            writer.do("quit")
            await wait_for(
                pilot, lambda: following.follower.status.state is FollowState.STOPPED, "the writer stopped"
            )
            await wait_for(pilot, lambda: "window is closed" in shown(), "the projector says so")
            assert "Faster answers" in shown() or "revealed" in shown()  # the last picture stays
            again = Writer(store.data_dir, workshop_id)  # the facilitator opens the workshop again
            try:
                await wait_for(pilot, lambda: "window is closed" not in shown(), "the notice goes away")
                again.do("next")
                again.do("note Back again")
                await wait_for(pilot, lambda: "Back again" in shown(), "the projector follows again")
            finally:
                again.close()
    finally:
        writer.close()


# --- the read-only second window of ``workshop open`` ------------------------------------------------------


async def test_a_read_only_second_window_follows_the_first(store: Store, clock: FakeClock) -> None:
    from screens.app import make_app
    from screens.stage import StageScreen
    from workshop.session import WorkshopLibrary

    library = WorkshopLibrary(store, clock=clock)
    first = library.create("Offsite", participants=["Ana", "Ben"])
    try:
        first.agenda.next()
        app = make_app(library, first.workshop.id, clock=clock)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert app.session is not None and app.session.read_only
            assert app.follower is not None
            second = app.session
            first.notes.add("typed in the first window")
            await wait_for(
                pilot,
                lambda: any(n.text == "typed in the first window" for n in second.workshop.notes.values()),
                "the note reaches the second window",
            )
            await wait_for(
                pilot,
                lambda: "typed in the first window" in screen_text(app),
                "the second window's note list shows it",
            )
            first.timer.start()
            clock.advance(75)
            screen = app.screen
            assert isinstance(screen, StageScreen)
            await wait_for(
                pilot,
                lambda: screen.timer_display.digits == timer_digits(first.timer.of()),
                "the second window's countdown runs with the first's",
            )
            banner = screen.query_one("#read-only-banner", Static)
            assert f"(pid {os.getpid()})" in str(banner.render())  # the first window, in this process
            first.close()
            await wait_for(
                pilot,
                lambda: any("closed the workshop" in str(n.message) for n in app._notifications),
                "the second window says the first has closed",
            )
            await wait_for(
                pilot, lambda: "closed the workshop" in str(banner.render()), "the banner says it has closed"
            )
            assert "pid" not in str(banner.render())  # no longer names a window that is gone
            third = library.open(first.workshop.id)  # a window opens it again: this one follows again
            try:
                assert not third.read_only
                await wait_for(
                    pilot, lambda: "follows it" in str(banner.render()), "the banner names the new writer"
                )
                assert f"(pid {os.getpid()})" in str(banner.render())
                third.notes.add("typed in the third window")
                await wait_for(
                    pilot,
                    lambda: "typed in the third window" in screen_text(app),
                    "the new writer is followed",
                )
            finally:
                third.close()
    finally:
        first.close()


async def test_the_palette_says_how_to_open_the_projector(store: Store, clock: FakeClock) -> None:
    from screens.app import make_app
    from screens.commands import StageCommands
    from workshop.session import WorkshopLibrary

    library = WorkshopLibrary(store, clock=clock)
    created = library.create("Offsite")
    workshop_id = created.workshop.id
    created.close()
    app = make_app(library, workshop_id, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        provider = StageCommands(app.screen)
        (command,) = [c for c in provider.commands() if c.name.startswith("Projector:")]
        assert command.help == f"workshop present {workshop_id}"
        command.run()
        await pilot.pause()
        assert any(f"workshop present {workshop_id}" in str(n.message) for n in app._notifications)
