"""The private Textual and Rich APIs the app relies on (``screens/internals.py``, ``screens/internals_widgets.py``),
checked against the installed Textual and Rich.

If one of these fails after a Textual upgrade, the thing ``screens/internals.py`` works around has changed: read
its docstring, check whether Textual now does it right, and adapt or delete the override.
"""

from __future__ import annotations

import inspect
import os
import sys
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual import events
from textual.app import App, ComposeResult
from textual.constants import ESCAPE_DELAY
from textual.content import Content
from textual.css.styles import RulesMap
from textual.message import Message
from textual.widget import Widget
from textual.widgets.option_list import Option

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the Linux driver only")

from facilitation.clock import FakeClock  # noqa: E402
from screens.internals import (  # noqa: E402  (after the platform check)
    RELIED_ON_GLOBALS,
    DirectWriteDriver,
    OptionListLines,
    PasteKeepingParser,
    QuietFirstResume,
    QuietInputSelector,
    QuietWhenCovered,
    SettledResize,
    WorkshopLinuxDriver,
    cached_visual,
    divide_line,
    forget_shown_twins,
    inside_handler,
    next_message,
    option_divider,
    set_option_prompt,
)
from screens.internals_widgets import DrawnButtonCheckbox, FixedSizeDataTable, selected_values  # noqa: E402
from screens.text_input import UndecodableInput  # noqa: E402
from workshop.session import WorkshopLibrary  # noqa: E402
from workshop.store import Store  # noqa: E402

PASTE_START, PASTE_END = b"\x1b[200~", b"\x1b[201~"
WAIT_SECONDS = 60.0
"""How long to wait for the input thread before failing (a safety net, not a measurement)."""


def test_the_driver_method_still_looks_up_the_names_we_replace() -> None:
    from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START
    from textual.drivers.linux_driver import LinuxDriver

    code = LinuxDriver.run_input_thread.__code__
    assert set(RELIED_ON_GLOBALS) <= set(code.co_names)
    assert "utf-8" in code.co_consts
    assert LinuxDriver.run_input_thread.__closure__ is None
    assert (BRACKETED_PASTE_START, BRACKETED_PASTE_END) == ("\x1b[200~", "\x1b[201~")


@pytest.mark.skipif(sys.platform != "linux", reason="Linux only")
def test_the_app_runs_on_the_workshop_driver(store: Store, clock: FakeClock) -> None:
    from textual.drivers.linux_driver import LinuxDriver

    from screens.app import make_app

    app = make_app(WorkshopLibrary(store, clock=clock))
    assert app.driver_class is WorkshopLinuxDriver and issubclass(WorkshopLinuxDriver, LinuxDriver)


class _RecordingSelector(QuietInputSelector):
    """The input thread's selector, recording how long it was allowed to sleep each time (None: for good)."""

    def __init__(self, exit_event: threading.Event) -> None:
        super().__init__(exit_event)
        self.asked: list[float | None] = []
        self.asked_changed = threading.Condition()

    def timeout(self) -> float | None:
        allowed = super().timeout()
        with self.asked_changed:
            self.asked.append(allowed)
            self.asked_changed.notify_all()
        return allowed


class _Recorder(WorkshopLinuxDriver):
    """The real driver's input thread on a pipe, recording what it would send to the app."""

    selector_class = _RecordingSelector

    def __init__(self, fileno: int) -> None:
        super().__init__(App(), debug=False, mouse=False, size=(80, 24))
        self.fileno = fileno
        self.received: list[Message] = []
        self.changed = threading.Condition()

    def process_message(self, message: Message) -> None:
        with self.changed:
            self.received.append(message)
            self.changed.notify_all()


@pytest.fixture
async def driver() -> AsyncIterator[tuple[_Recorder, int]]:
    """Textual's driver wants a running event loop to be made; its input thread runs on its own."""
    read_end, write_end = os.pipe()
    recorder = _Recorder(read_end)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            recorder.run_input_thread()
        except BaseException as error:  # the thread would die; the test reports it
            failures.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield recorder, write_end
    finally:
        recorder.exit_event.set()
        os.close(write_end)
        thread.join(WAIT_SECONDS)
        os.close(read_end)
    assert not failures, failures


def _wait_for(recorder: _Recorder, count: int) -> list[Message]:
    with recorder.changed:
        assert recorder.changed.wait_for(lambda: len(recorder.received) >= count, WAIT_SECONDS), (
            recorder.received
        )
        return list(recorder.received)


def _typed(messages: list[Message]) -> str:
    return "".join(m.character or "" for m in messages if isinstance(m, events.Key))


async def test_bytes_that_are_not_utf8_become_replacement_characters(driver: tuple[_Recorder, int]) -> None:
    recorder, write_end = driver
    os.write(write_end, b"caf\xe9 x")
    received = _wait_for(recorder, 6)
    os.write(write_end, b"\xff!")
    received = _wait_for(recorder, 10)  # 8 keys and 2 notices (waiting for 9 could miss the "!")
    assert _typed(received) == "caf\ufffd x\ufffd!"
    assert [m.count for m in received if isinstance(m, UndecodableInput)] == [1, 1]


async def test_a_paste_keeps_its_colour_codes_in_order(driver: tuple[_Recorder, int]) -> None:
    recorder, write_end = driver
    os.write(write_end, PASTE_START + b"esc\x1b[31mred\x1b[0m" + PASTE_END + b"k")
    received = _wait_for(recorder, 2)
    assert [type(m) for m in received] == [events.Paste, events.Key]
    assert received[0].text == "esc\x1b[31mred\x1b[0m"  # type: ignore[attr-defined]
    assert _typed(received) == "k"


async def test_a_paste_with_bytes_that_are_not_utf8(driver: tuple[_Recorder, int]) -> None:
    recorder, write_end = driver
    os.write(write_end, PASTE_START + b"caf\xe9 x\xff" + PASTE_END)
    received = _wait_for(recorder, 2)
    pastes = [m.text for m in received if isinstance(m, events.Paste)]
    assert pastes == ["caf\ufffd x\ufffd"]


def _selector_of(recorder: _Recorder) -> _RecordingSelector:
    """The running input thread's selector (made as the thread starts, so once it has sent a key)."""
    selector = recorder.input_selector
    assert isinstance(selector, _RecordingSelector)
    return selector


async def test_the_input_thread_sleeps_until_input_or_the_parser_s_timeout(driver: tuple[_Recorder, int]) -> None:
    """Textual's input thread woke every 0.1 s to look for the end of the app and the parser's timeout (10
    wake-ups a second for a projector nobody types at); it now sleeps until a key, the parser's timeout (a lone
    Escape) or the app's end."""
    recorder, write_end = driver
    os.write(write_end, b"a")
    received = _wait_for(recorder, 1)
    assert _typed(received) == "a"
    selector = _selector_of(recorder)
    with selector.asked_changed:
        assert selector.asked_changed.wait_for(lambda: selector.asked[-1:] == [None], WAIT_SECONDS)
    assert set(selector.asked) == {None}  # idle: no timeout at all
    os.write(write_end, b"\x1b")  # a lone Escape: a key only once the rest of a sequence fails to come
    received = _wait_for(recorder, 2)
    assert isinstance(received[1], events.Key) and received[1].key == "escape"
    waits = [t for t in selector.asked if t is not None]
    assert waits and all(0 <= t <= ESCAPE_DELAY + 0.001 for t in waits), selector.asked


async def test_the_app_s_end_wakes_the_sleeping_input_thread() -> None:
    """``disable_input`` (the app's end, a suspend) sets ``exit_event`` and joins the thread: setting it wakes
    the thread's ``select`` at once, which no longer wakes by itself."""
    read_end, write_end = os.pipe()
    recorder = _Recorder(read_end)
    thread = threading.Thread(target=recorder.run_input_thread, daemon=True)
    thread.start()
    try:
        os.write(write_end, b"x")
        _wait_for(recorder, 1)
        recorder.exit_event.set()
        thread.join(WAIT_SECONDS)
        assert not thread.is_alive()
        assert recorder.exit_event.wake_fd is None  # type: ignore[attr-defined]  # its pipe closed with it
    finally:
        recorder.exit_event.set()
        os.close(write_end)
        thread.join(WAIT_SECONDS)
        os.close(read_end)


def test_upstream_textual_still_needs_the_override() -> None:
    """Textual's own parser still splits a pasted colour code out of the paste: if this fails, Textual fixed it
    and ``PasteKeepingParser`` may go (its own tests still pass either way)."""
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    out = list(parser.feed("\x1b[200~esc\x1b[31mred\x1b[0m\x1b[201~"))
    assert [m.text for m in out if isinstance(m, events.Paste)] != ["esc\x1b[31mred\x1b[0m"]


def test_outside_pastes_the_parser_reads_as_textuals() -> None:
    from textual._xterm_parser import XTermParser

    data = "ab\x1b[A\x1b[1;5C\x1b[<0;3;4M\x1b[I\x03 \x7f\x1bx\r"
    ours = [repr(m) for m in PasteKeepingParser().feed(data)]
    theirs = [repr(m) for m in XTermParser().feed(data)]
    assert ours == theirs and len(ours) > 5


# --- wrapping: rich._wrap.divide_line -----------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab cd-ef, 気候 🤝\u200b")), max_size=120),
    width=st.integers(1, 30),
)
def test_divide_line_counts_what_content_lays_out(text: str, width: int) -> None:
    """``divide_line`` is where Textual's ``Content`` breaks a line: counting with it is counting its layout."""
    assert list(inspect.signature(divide_line).parameters) == ["text", "width", "fold"]
    for fold in (True, False):
        rules: RulesMap = {
            "text_wrap": "wrap",
            "text_overflow": "fold" if fold else "ellipsis",
            "line_pad": 0,
        }
        assert len(divide_line(text, width, fold=fold)) + 1 == Content(text).get_height(rules, width)


# --- OptionList's line map ------------------------------------------------------------------------------


def test_option_list_still_has_the_line_map_and_steps_we_route() -> None:
    from textual.widgets import OptionList
    from textual.widgets._option_list import _LineCache

    cache = _LineCache()
    assert (cache.lines, cache.heights, cache.index_to_line) == ([], {}, {})
    for name, parameters in {
        "_update_lines": ["self"],
        "_clear_caches": ["self"],
        "_replace_option_prompt": ["self", "index", "prompt"],
        "_get_visual": ["self", "option"],
        "_get_left_gutter_width": ["self"],
        "_scroll_update": ["self", "virtual_size"],
    }.items():
        assert list(inspect.signature(getattr(OptionList, name)).parameters) == parameters, name
    # Textual must still reach the map through the methods ``OptionListLines`` routes to its hooks:
    assert "self._clear_caches()" in inspect.getsource(OptionList._on_resize)
    assert "self._replace_option_prompt(" in inspect.getsource(OptionList.replace_option_prompt)
    assert "self._update_lines()" in inspect.getsource(OptionList.render_lines)
    lines = vars(OptionList)["_lines"]
    assert isinstance(lines, property) and "self._update_lines()" in inspect.getsource(lines.fget)
    option = Option("x")
    assert option._divider is False and option._visual is None
    set_option_prompt(option, "y")
    assert option.prompt == "y" and cached_visual(option) is None and option_divider(option) is False


class _Counted(OptionListLines):
    def __init__(self) -> None:
        super().__init__(*(Option(f"option {n}") for n in range(30)))
        self.placed = self.cleared = 0

    def place_lines(self) -> None:
        self.placed += 1
        super().place_lines()

    def lines_cleared(self) -> None:
        self.cleared += 1


async def test_option_list_lines_hooks_run_where_textual_builds_its_map() -> None:
    class ListApp(App[None]):
        def compose(self) -> ComposeResult:
            yield _Counted()

    app = ListApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        listed = app.query_one(_Counted)
        assert listed.placed and len(listed.line_cache.lines) == 30  # the map, built through our hook
        assert listed.line_cache.heights[29] == 1 and listed.line_cache.index_to_line[29] == 29
        assert listed.visual_of(listed.options[0]) is cached_visual(listed.options[0])
        assert listed.left_gutter_width() == 0
        assert list(listed.current_lines()) == listed.line_cache.lines
        cleared = listed.cleared
        listed.clear_lines()
        assert listed.cleared == cleared + 1 and listed.line_cache.lines == []
        listed.replace_option_prompt_at_index(3, "three")
        await pilot.pause()
        assert len(listed.line_cache.lines) == 30 and listed.options[3].prompt == "three"
        listed.set_virtual_height(12)
        assert listed.virtual_size.height == 12


# --- DataTable's measuring --------------------------------------------------------------------------------


async def test_fixed_size_data_table_sets_the_size_data_table_would() -> None:
    from textual.widgets import DataTable

    assert list(inspect.signature(DataTable._update_dimensions).parameters) == ["self", "new_rows"]

    class Tables(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable[str](id="theirs")
            yield FixedSizeDataTable[str](id="ours")

    app = Tables()
    async with app.run_test(size=(80, 30)) as pilot:
        for table in app.query(DataTable):
            table.add_column("A", width=8)
            table.add_column("B", width=20)
            for n in range(25):
                table.add_row(f"{n}", "cut to its column" * 3)
        await pilot.pause()
        theirs, ours = app.query_one("#theirs", DataTable), app.query_one("#ours", DataTable)
        assert ours.virtual_size == theirs.virtual_size and ours.virtual_size.height == 26


# --- a screen's first resume ------------------------------------------------------------------------------


async def test_the_first_resume_keeps_its_styles_and_later_ones_restyle() -> None:
    from textual.message_pump import MessagePump
    from textual.screen import Screen

    assert 'f"_{method_name}"' in inspect.getsource(MessagePump._get_dispatch_methods)
    assert "event.refresh_styles" in inspect.getsource(Screen._on_screen_resume)
    seen: list[tuple[events.ScreenResume, bool]] = []

    class Quiet(QuietFirstResume, Screen[None]):
        def on_screen_resume(self, event: events.ScreenResume) -> None:
            seen.append((event, event.refresh_styles))  # runs first: the mixin's comes after it

    class Other(Screen[None]):
        pass

    app = App[None]()
    async with app.run_test() as pilot:
        await app.push_screen(Quiet())
        await pilot.pause()
        await app.push_screen(Other())
        await pilot.pause()
        app.pop_screen()
        await pilot.pause()
        assert isinstance(app.screen, Quiet)
        (first, made_first), (later, made_later) = seen
        assert made_first and not first.refresh_styles  # Textual asked for a restyle; the mixin said no
        assert later.refresh_styles == made_later  # later resumes are left as Textual made them


async def test_a_first_resume_lays_the_screen_out_once_before_its_first_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual lays a new screen out as it resumes (it has no size yet) and again at its next update, as the
    widgets its ``on_mount`` changed ask for a layout after the first one placed them; with the mixin, once."""
    from textual.geometry import Size
    from textual.screen import Screen
    from textual.widgets import Static

    # What the mixin relies on: the resume lays out only a screen whose size is not the app's; an update runs
    # the layout asked for.
    resume = inspect.getsource(Screen._on_screen_resume)
    assert "if self._size != size:" in resume and "self._refresh_layout(size)" in resume
    assert "self._refresh_layout(scroll=self._scroll_required)" in inspect.getsource(Screen._on_timer_update)
    assert "return self._size" in inspect.getsource(Widget.outer_size.fget)  # type: ignore[attr-defined]

    layouts: list[Screen[None]] = []
    upstream = Screen._refresh_layout

    def counted(self: Screen[None], size: Size | None = None, scroll: bool = False) -> None:
        layouts.append(self)
        upstream(self, size, scroll)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    first_frame: dict[str, int] = {}

    class Filled(SettledResize, Screen[None]):  # as the app's screens: no second layout for a same-size Resize
        def compose(self) -> ComposeResult:
            yield Static(id="title")
            yield Static(id="body")

        def on_mount(self) -> None:
            self.query_one("#title", Static).update("A title\nover two lines")
            self.query_one("#body", Static).update("Body " * 40)
            self.app.call_after_refresh(lambda: first_frame.setdefault(type(self).__name__, layouts.count(self)))

    class Quiet(QuietFirstResume, Filled):
        pass

    app = App[None]()
    async with app.run_test(size=(60, 20)) as pilot:
        plain, quiet = Filled(), Quiet()
        await app.push_screen(plain)
        await pilot.pause()
        await app.push_screen(quiet)
        await pilot.pause()
        await pilot.pause()
        assert first_frame == {"Filled": 2, "Quiet": 1}
        assert quiet.outer_size == Size(60, 20)
        assert quiet.query_one("#body", Static).size == plain.query_one("#body", Static).size  # laid out alike
        assert quiet.query_one("#body", Static).region == plain.query_one("#body", Static).region
        await pilot.resize_terminal(70, 22)
        await pilot.pause()
        assert quiet.outer_size == Size(70, 22) and quiet.query_one("#body", Static).size.width == 70


async def test_a_first_resume_draws_the_screen_once_before_its_first_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual drew a new screen's first frame twice: the layout's frame, then a repaint of the whole screen asked
    for before it (as its styles were first applied, and as the layout gave it its size). With the mixin, once;
    a repaint asked for while that frame is drawn still runs, and later frames are Textual's own."""
    from textual._compositor import Compositor
    from textual.geometry import Region
    from textual.screen import Screen
    from textual.strip import Strip
    from textual.widgets import Static

    # What the mixin relies on: an update runs the layout, then a pending repaint of the whole screen, which
    # draws every widget again; the layout's frame is drawn from the screen's ``_compositor_refresh``.
    update = inspect.getsource(Screen._on_timer_update)
    assert update.index("self._refresh_layout(") < update.index("if self._repaint_required:")
    assert "self._dirty_widgets.add(self)" in update
    assert "self._compositor_refresh()" in inspect.getsource(Screen._refresh_layout)
    assert "if full or screen_region in self._dirty_regions:" in inspect.getsource(Compositor.render_update)

    frames: list[Screen[None]] = []
    upstream = Compositor.render_update

    def counted(self: Compositor, *args: Any, **kwargs: Any) -> Any:
        frames.append(app.screen)
        return upstream(self, *args, **kwargs)

    monkeypatch.setattr(Compositor, "render_update", counted)
    first_frame: dict[str, int] = {}
    asks = [0]

    class Asking(Static):
        """Asks for a repaint of its whole screen while it is first drawn (once)."""

        def render_lines(self, crop: Region) -> list[Strip]:
            if not asks[0]:
                asks[0] = 1
                self.screen.refresh()
            return super().render_lines(crop)

    class Filled(SettledResize, Screen[None]):
        def compose(self) -> ComposeResult:
            yield Static("A title", id="title")
            yield Static("Body " * 40, id="body")

        def on_mount(self) -> None:
            self.app.call_after_refresh(lambda: first_frame.setdefault(type(self).__name__, frames.count(self)))

    class Quiet(QuietFirstResume, Filled):
        pass

    class QuietAsking(Quiet):
        def compose(self) -> ComposeResult:
            yield from super().compose()
            yield Asking("asks")

    app = App[None]()
    async with app.run_test(size=(60, 20)) as pilot:
        await app.push_screen(Filled())
        await pilot.pause()
        quiet = Quiet()
        await app.push_screen(quiet)
        await pilot.pause()
        await app.push_screen(QuietAsking())
        await pilot.pause()
        await pilot.pause()
        assert first_frame["Filled"] > 1  # Textual's own: drawn again whole after its layout's frame
        assert first_frame["Quiet"] == 1
        assert first_frame["QuietAsking"] == 2  # the repaint asked for during the frame
        assert asks == [1]
        app.pop_screen()
        await pilot.pause()
        count = frames.count(quiet)
        quiet.refresh()  # later repaints are drawn as ever
        await pilot.pause()
        assert frames.count(quiet) == count + 1


# --- a screen's same-size resize -----------------------------------------------------------------------------


async def test_a_resize_to_the_size_laid_out_is_skipped_and_a_new_size_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.geometry import Size
    from textual.message_pump import MessagePump
    from textual.screen import Screen

    # What SettledResize relies on: dispatch stops after prevent_default; Textual's handler lays out again; the
    # app passes a terminal resize on only when the size changed.
    assert "message._no_default_action" in inspect.getsource(MessagePump._get_dispatch_methods)
    assert "self._screen_resized(event.size)" in inspect.getsource(Screen._on_resize)
    assert "self._refresh_layout(size)" in inspect.getsource(Screen._screen_resized)
    assert "if self._size == event.size:" in inspect.getsource(App._on_resize)

    layouts: list[tuple[Screen[None], Size | None]] = []
    upstream = Screen._refresh_layout

    def counted(self: Screen[None], size: Size | None = None, scroll: bool = False) -> None:
        layouts.append((self, size))
        upstream(self, size, scroll)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    same_size: list[Size] = []

    class Settled(SettledResize, Screen[None]):
        def same_size_resize(self) -> None:
            same_size.append(self.outer_size)

    class Plain(Screen[None]):
        pass

    app = App[None]()
    async with app.run_test(size=(80, 24)) as pilot:
        plain, settled = Plain(), Settled()
        await app.push_screen(plain)
        await pilot.pause()
        await app.push_screen(settled)
        await pilot.pause()
        plain_layouts = [size for screen, size in layouts if screen is plain]
        settled_layouts = [size for screen, size in layouts if screen is settled]
        # Textual: on resume, again on its own same-size Resize (plus that Resize laying out the screens beneath),
        # and after mounting. Settled: the middle one is skipped, nothing else.
        assert len(settled_layouts) == len(plain_layouts) - 1
        assert same_size == [Size(80, 24)]
        layouts.clear()
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert (settled, Size(100, 30)) in layouts  # a real resize is Textual's own
        # ... and the Resize its layout then posts to the screen (now that size) is skipped too
        assert settled.outer_size == Size(100, 30) and same_size == [Size(80, 24), Size(100, 30)]


# --- toggle buttons -----------------------------------------------------------------------------------------


async def test_a_drawn_button_checkbox_draws_its_own_button_and_selected_values_are_the_ticks() -> None:
    from textual.widgets import Checkbox, SelectionList
    from textual.widgets._toggle_button import ToggleButton

    assert isinstance(vars(ToggleButton)["_button"], property)
    assert "self._button" in inspect.getsource(ToggleButton.render)

    class Mine(DrawnButtonCheckbox):
        def button_content(self) -> Content:
            return Content("[x]" if self.value else "[ ]")

    class Boxes(App[None]):
        def compose(self) -> ComposeResult:
            yield Checkbox("plain", id="plain")
            yield DrawnButtonCheckbox("default", id="default")
            yield Mine("mine", value=True, id="mine")
            yield SelectionList[int](("one", 1), ("two", 2, True), id="ticks")

    app = Boxes()
    async with app.run_test() as pilot:
        await pilot.pause()
        plain = app.query_one("#plain", Checkbox)
        assert app.query_one("#default", DrawnButtonCheckbox).button_content() == plain._button
        assert str(app.query_one("#mine", Mine).render()).startswith("[x]")
        ticks = app.query_one("#ticks", SelectionList)
        assert set(selected_values(ticks)) == {2}
        ticks.select(1)
        assert set(selected_values(ticks)) == {1, 2}


# --- StylesCache.get_inner_outer ----------------------------------------------------------------------------


@given(
    st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.floats(0, 1)),
    st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.floats(0, 1)),
)
@settings(max_examples=50, deadline=None)
def test_inner_outer_gives_textual_s_styles_without_holding_the_widget_cache(
    base: tuple[int, int, int, float], background: tuple[int, int, int, float]
) -> None:
    from textual._styles_cache import StylesCache
    from textual.color import Color

    from screens.internals import TEXTUAL_INNER_OUTER, inner_outer

    # Textual's own is still a method cache keyed by the StylesCache too (delete the override once it is not).
    assert hasattr(TEXTUAL_INNER_OUTER, "cache_info") and "cls" in inspect.signature(TEXTUAL_INNER_OUTER).parameters
    assert StylesCache.get_inner_outer is not TEXTUAL_INNER_OUTER  # ours is installed
    colours = Color(*base), Color(*background)
    assert inner_outer(*colours) == TEXTUAL_INNER_OUTER(StylesCache(), *colours)
    assert StylesCache().get_inner_outer(*colours) == inner_outer(*colours)
    assert "get_inner_outer" in inspect.getsource(StylesCache.render_line)  # where Textual asks for it


# --- a covered screen, and a list's scrollable height ------------------------------------------------------------


def test_what_quiet_when_covered_and_set_virtual_height_rely_on() -> None:
    from textual.reactive import Reactive
    from textual.screen import Screen
    from textual.widget import Widget

    # A screen below the top one pushes its dirty regions onto the top screen and repaints itself whole next time;
    # a screen resumed repaints whole.
    refresh = inspect.getsource(Screen._compositor_refresh)
    assert "app.screen.refresh(*self._compositor._dirty_regions)" in refresh
    assert "self._repaint_required = True" in refresh
    assert "self.refresh()" in inspect.getsource(Screen._on_screen_resume)
    assert "_background_screens" in refresh
    # The scrollable size is a reactive that lays the screen out; Textual itself sets it without a layout so.
    assert isinstance(Widget.__dict__["virtual_size"], Reactive) and Widget.__dict__["virtual_size"]._layout
    assert "self.set_reactive(Widget.virtual_size, virtual_size)" in inspect.getsource(Widget._size_updated)
    assert "show_vertical_scrollbar" in inspect.getsource(Widget._refresh_scrollbars)
    # QuietInputWidth: Textual's Input sets its scrollable width on every change of its value, to this.
    from textual.widgets import Input

    watch = inspect.getsource(Input._watch_value)
    assert "self.virtual_size = Size(self.content_width, 1)" in watch
    assert "if self.styles.auto_dimensions:" in watch


@pytest.mark.parametrize("quiet", [True, False])
async def test_a_screen_under_an_opaque_one_does_not_repaint_it_and_one_under_a_dialog_does(
    monkeypatch: pytest.MonkeyPatch, quiet: bool
) -> None:
    """``quiet=False`` is Textual's own screen, for comparison: it repaints the screen above each time."""
    from textual.screen import ModalScreen, Screen
    from textual.widgets import Static

    pushed: list[Screen[None]] = []
    upstream = Screen.refresh

    def counted(self: Screen[None], *regions: object, **kwargs: object) -> Screen[None]:
        if regions:
            pushed.append(self)
        return upstream(self, *regions, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Screen, "refresh", counted)

    class Nudge(Message):
        """Any message handled by the screen below (a ``WorkshopChanged``, say) wakes its update."""

    class Below(Screen[None]):
        def compose(self) -> ComposeResult:
            yield Static("below", id="text")

    class QuietBelow(QuietWhenCovered, Below):
        pass

    class Opaque(Screen[None]):
        pass

    class Dialog(ModalScreen[None]):
        pass

    app = App[None]()
    async with app.run_test(size=(40, 10)) as pilot:
        below = QuietBelow() if quiet else Below()
        await app.push_screen(below)
        await app.push_screen(Opaque())
        await pilot.pause()
        pushed.clear()
        for text in ("one", "two", "three"):
            below.query_one("#text", Static).update(text)
            below.post_message(Nudge())
            await pilot.pause()
        assert (pushed == []) is quiet
        app.pop_screen()
        await pilot.pause()
        assert "three" in str(below.query_one("#text", Static).render())
        await app.push_screen(Dialog())
        await pilot.pause()
        pushed.clear()
        below.query_one("#text", Static).update("four")
        await pilot.pause()
        await pilot.pause()
        assert pushed and all(screen is app.screen for screen in pushed)  # drawn through the dialog


async def test_next_message_is_the_one_handled_next_and_none_after_the_last() -> None:
    from textual.message_pump import MessagePump
    from textual.widget import Widget

    assert "pending = self._peek_message()" in inspect.getsource(MessagePump._process_messages_loop)
    assert "self._pending_message = message" in inspect.getsource(MessagePump._peek_message)

    class Said(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    heard: list[tuple[str, str | None]] = []

    class Listener(Widget):
        def on_said(self, message: Said) -> None:
            following = next_message(self)
            heard.append((message.text, following.text if isinstance(following, Said) else None))

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Listener()

    app = Host()
    async with app.run_test() as pilot:
        listener = app.query_one(Listener)
        await pilot.pause()
        for text in ("one", "two", "three"):
            listener.post_message(Said(text))
        await pilot.pause()
        assert heard == [("one", "two"), ("two", "three"), ("three", None)]


async def test_inside_handler_is_true_in_a_handler_and_false_in_a_callback_from_another_thread() -> None:
    """What ``WorkshopChanged.here`` relies on: Textual sets ``active_message_pump`` in every pump's task, and a
    callback another thread puts on the loop (a group commit round's end) runs in a context where it is not set."""
    import asyncio

    from textual.message_pump import MessagePump

    assert "with self._context():" in inspect.getsource(MessagePump._process_messages)
    assert "active_message_pump.set(self)" in inspect.getsource(MessagePump._context)
    seen: dict[str, bool] = {}

    class Poked(Message):
        pass

    class Host(App[None]):
        def on_poked(self, _message: Poked) -> None:
            seen["handler"] = inside_handler()

    app = Host()
    async with app.run_test() as pilot:
        app.post_message(Poked())
        await pilot.pause()
        loop = asyncio.get_running_loop()
        done = asyncio.Event()

        def from_the_loop() -> None:
            seen["callback"] = inside_handler()
            done.set()

        thread = threading.Thread(target=lambda: loop.call_soon_threadsafe(from_the_loop))
        thread.start()
        await done.wait()
        thread.join()
    assert seen == {"handler": True, "callback": False}
# --- a terminal row cut into pieces (Compositor._render_chops) --------------------------------------------------


def test_what_overrides_closed_at_cuts_relies_on() -> None:
    from textual._compositor import Compositor
    from textual.app import App
    from textual.screen import Screen

    from screens.internals import ClosedCutsApp, OverridesClosedAtCuts

    # Each screen's rows are built from the chops its compositor cuts, one strip per cut (None where nothing is
    # drawn); every update, full or partial, and every background screen's strips come through it.
    chops = inspect.getsource(Compositor._render_chops)
    assert "strip.divide(" in chops and "chops_line[cut] = strip" in chops
    for method in (Compositor.render_full_update, Compositor.render_partial_update, Compositor.render_strips):
        assert "self._render_chops(" in inspect.getsource(method)
    # A screen makes its compositor once; the subclass adds no state, so its class can be swapped.
    assert "self._compositor = Compositor()" in inspect.getsource(Screen.__init__)
    assert not {"__init__", "__slots__"} & OverridesClosedAtCuts.__dict__.keys()
    # A strip's segments, read without building its ``text`` through a generator.
    from textual.strip import Strip

    assert "_segments" in Strip.__slots__ and "self._segments" in inspect.getsource(Strip.text.fget)
    # Every screen put on a stack but the default one goes through App._load_screen_css.
    for method in (App.push_screen, App.switch_screen, App._init_mode):
        assert "self._load_screen_css(" in inspect.getsource(method)
    assert "_load_screen_css" in ClosedCutsApp.__dict__


# --- what a dismissed screen leaves behind ----------------------------------------------------------------------


def test_what_drop_closed_watchers_and_set_interval_apart_rely_on() -> None:
    import asyncio

    from textual import reactive
    from textual.message_pump import MessagePump
    from textual.timer import Timer

    # A watcher of another object's reactive is kept in a list on that object, pruned only as the value changes.
    watch = inspect.getsource(reactive._watch)
    assert 'getattr(obj, "__watchers")' in watch and "watcher_list.append((node, callback))" in watch
    assert "if not reactable._closing" in inspect.getsource(reactive.Reactive._check_watchers)
    # A timer's task is made in the current context and sleeps in it; the context names the active pump.
    assert "create_task(self._run_timer()" in inspect.getsource(Timer._start)
    assert "await sleep(" in inspect.getsource(Timer._run)
    assert "active_message_pump.set(self)" in inspect.getsource(MessagePump._context)
    # A cancelled asyncio handle drops its callback and arguments but not its context.
    loop = asyncio.new_event_loop()
    try:
        timer_handle = loop.call_later(60, print)
        timer_handle.cancel()
        assert timer_handle._context is not None  # what set_interval_apart makes harmless
    finally:
        loop.close()


def test_what_forget_shown_twins_relies_on() -> None:
    from textual.app import App as TextualApp

    # The app keeps its notices in a collection it iterates and forgets one from, and adds the new one itself.
    assert "self._notifications.add(event.notification)" in inspect.getsource(TextualApp._on_notify)
    assert "del self._notifications[notification]" in inspect.getsource(TextualApp._unnotify)


async def test_forget_shown_twins_forgets_only_the_same_notice() -> None:
    app: App[None] = App()
    async with app.run_test(notifications=True) as pilot:
        app.notify("Saved.", title="Export", timeout=600)
        app.notify("Saved.", title="Export", severity="warning", timeout=600)
        app.notify("Other.", title="Export", timeout=600)
        await pilot.pause()
        from textual.notifications import Notification

        assert forget_shown_twins(app, Notification("Saved.", "Export", "information", 600)) == 1
        assert [(n.message, n.severity) for n in app._notifications] == [("Saved.", "warning"), ("Other.", "information")]
        assert forget_shown_twins(app, Notification("Saved.", "Export", "information", 600)) == 0


# --- a line widget scrolled by a few lines (keep_scrolled_lines) --------------------------------------------------


def test_what_keep_scrolled_lines_relies_on() -> None:
    from textual._styles_cache import StylesCache
    from textual.scroll_view import ScrollView
    from textual.widget import Widget
    from textual.widgets import OptionList

    # Textual's line cache: drawn lines by the widget's line, and the lines to draw again; a line is drawn only if
    # it is to be drawn again or not held, and lines drawn are no longer to be drawn again.
    render = inspect.getsource(StylesCache.render)
    assert "if is_dirty(y) or y not in self._cache:" in render
    assert (
        "self._cache[y] = strip" in render
        and "self._dirty_lines.difference_update(crop.line_range)" in render
    )
    cache = StylesCache()
    assert cache._cache == {} and cache._dirty_lines == set()
    # A region refreshed marks its lines (moved by the content offset) to be drawn again and the region repainted.
    dirty = inspect.getsource(Widget._set_dirty)
    assert "self._styles_cache.set_dirty(*widget_regions)" in dirty and "content_offset" in dirty
    # What ours replaces: a scroll view repaints itself whole when its offset changes by a line.
    assert "self.refresh(self.size.region)" in inspect.getsource(ScrollView.watch_scroll_y)
    # An option list's line ``y`` shows the list's line ``scroll_offset.y + y``; its highlight is a reactive that
    # scrolls to the option in its public watcher (the private one, ours, runs before it).
    assert "line_number = self.scroll_offset.y + y" in inspect.getsource(OptionList.render_line)
    assert "self.scroll_to_highlight()" in inspect.getsource(OptionList.watch_highlighted)
    from textual.reactive import Reactive

    checks = inspect.getsource(Reactive._check_watchers)
    assert checks.index('f"_watch_{name}"') < checks.index('f"watch_{name}"')


async def test_keep_scrolled_lines_draws_only_the_lines_scrolled_into_view() -> None:
    from textual.app import App
    from textual.geometry import Region
    from textual.strip import Strip
    from textual.widgets import OptionList

    from screens.internals import keep_scrolled_lines

    class Lines(OptionList):
        def watch_scroll_y(self, old_value: float, new_value: float) -> None:
            keep_scrolled_lines(self, round(new_value) - round(old_value))

    class Plain(App[None]):
        def compose(self) -> ComposeResult:
            yield Lines(*[f"Line {i}" for i in range(60)])

    app = Plain()
    async with app.run_test(size=(30, 12)) as pilot:
        lines = app.query_one(Lines)
        lines.styles.height = "1fr"
        await pilot.pause()
        drawn: list[int] = []
        render_line = lines.render_line

        def counting(y: int) -> Strip:
            drawn.append(y)
            return render_line(y)

        lines.render_line = counting  # type: ignore[method-assign]
        whole = Region(0, 0, lines.region.width, lines.region.height)
        view = lines.scrollable_content_region.height
        for step in (1, 2, -1, -2, view - 1, view, -view - 5):
            drawn.clear()
            before = lines.scroll_offset.y
            lines.scroll_to(y=before + step, animate=False, immediate=True)
            await pilot.pause()
            assert lines.scroll_offset.y == before + step
            assert len(drawn) == min(abs(step), view)  # only what came into view (all of it past a screen)
            shown = [list(strip) for strip in lines.render_lines(whole)]
            lines.refresh()
            assert shown == [list(strip) for strip in lines.render_lines(whole)]


def test_what_frames_on_demand_and_set_timer_direct_rely_on() -> None:
    from textual.message_pump import MessagePump
    from textual.screen import UPDATE_PERIOD, Screen
    from textual.timer import Timer

    # The screen's frame timer: made on first use of the property, kept in the name-mangled attribute, resumed
    # when something is to be drawn and paused by the frame.
    made = inspect.getsource(Screen._update_timer.fget)  # type: ignore[attr-defined]
    assert "self.__update_timer is None" in made and "self.__update_timer = self.set_interval(" in made
    assert "UPDATE_PERIOD, self._on_timer_update" in made and "pause=True" in made
    assert "self._update_timer.resume()" in inspect.getsource(Screen._on_idle)
    assert "self._update_timer.pause()" in inspect.getsource(Screen._on_timer_update)
    assert UPDATE_PERIOD > 0
    # Textual's timer sleeps to its next slot before it waits to be resumed (the wake-up FrameTimer saves).
    run = inspect.getsource(Timer._run)
    assert run.index("await sleep(wait_time)") < run.index("await self._active.wait()", run.index("while"))
    assert "async def _tick(self, *, next_timer: float, count: int)" in inspect.getsource(Timer._tick)
    assert "EventTargetGone" in inspect.getsource(Timer._run)
    # set_timer hops through call_next; set_interval calls its callback from the timer's task.
    assert "partial(self.call_next, callback)" in inspect.getsource(MessagePump.set_timer)
    assert "callback=callback" in inspect.getsource(MessagePump.set_interval)
    assert "self._timers.add(timer)" in inspect.getsource(MessagePump.set_interval)


async def test_frames_on_demand_makes_the_screen_s_frame_timer_once() -> None:
    from textual.screen import Screen

    from screens.internals import FramesOnDemand, FrameTimer

    class Drawn(FramesOnDemand, Screen[None]):
        pass

    class Host(App[None]):
        def get_default_screen(self) -> Screen[None]:
            return Drawn()

    app = Host()
    async with app.run_test(size=(20, 4)) as pilot:
        await pilot.pause()
        screen = app.screen
        timer = screen._update_timer
        assert isinstance(timer, FrameTimer) and timer is screen._update_timer
        assert timer in screen._timers and timer.name == "screen_update"


@pytest.mark.skipif(sys.platform != "linux", reason="Linux only")
def test_the_projector_runs_on_the_workshop_driver(store: Store, clock: FakeClock) -> None:
    from screens.projector import ProjectorApp
    from workshop.follow import open_following
    from workshop.session import WorkshopSession

    session = WorkshopSession.create(store, "Projected", clock=clock)
    following = open_following(store, session.workshop.id, clock=clock)
    try:
        assert ProjectorApp(following, watch=False).driver_class is DirectWriteDriver
        assert issubclass(DirectWriteDriver, WorkshopLinuxDriver)
    finally:
        following.follower.stop()
        session.close()



async def test_the_projector_s_driver_writes_from_the_app_s_thread() -> None:
    """What the projector draws reaches the terminal by the time ``write`` returns, without Textual's writer
    thread (which woke about three times a frame); upstream's write hands it to that thread."""
    import io

    from textual.drivers.linux_driver import LinuxDriver

    driver = DirectWriteDriver(App(), debug=False, mouse=False, size=(80, 24))
    terminal = io.StringIO()
    driver._file = terminal
    driver.write("\x1b[Hframe")
    driver.write("more")
    assert terminal.getvalue() == "\x1b[Hframe" + "more"
    assert driver._writer_thread is None
    upstream = inspect.getsource(LinuxDriver.write)
    assert "self._writer_thread.write(data)" in upstream
    assert "self._file = sys.__stderr__" in inspect.getsource(LinuxDriver.__init__)


def test_what_blink_for_a_while_relies_on() -> None:
    from textual.timer import Timer
    from textual.widgets import Input, TextArea

    # Input: the blink timer's callback, made paused unless focused; a key, the focus and the end of a mouse
    # selection restart the blink, which resets (so resumes) the timer; pausing shows or hides the cursor.
    mount = inspect.getsource(Input._on_mount)
    assert "self._blink_timer = self.set_interval(" in mount and "self._toggle_cursor," in mount
    restart = inspect.getsource(Input._restart_blink)
    assert "self._blink_timer.reset()" in restart and "self._cursor_visible = True" in restart
    assert "self._restart_blink()" in inspect.getsource(Input._on_key)
    assert "self._restart_blink()" in inspect.getsource(Input._on_focus)
    pause = inspect.getsource(Input._pause_blink)
    assert "self._cursor_visible = visible" in pause and "self._blink_timer.pause()" in pause
    assert "self._cursor_visible = not self._cursor_visible" in inspect.getsource(Input._toggle_cursor)
    assert "self._blink_timer.resume()" in inspect.getsource(Input._watch_cursor_blink)
    # Timer.reset resumes a paused timer.
    assert "self._active.set()" in inspect.getsource(Timer.reset)
    # TextArea: the same under other names.
    mount = inspect.getsource(TextArea._on_mount)
    assert "self.blink_timer = self.set_interval(" in mount and "self._toggle_cursor_blink_visible," in mount
    assert "self.blink_timer.reset()" in inspect.getsource(TextArea._restart_blink)
    pause = inspect.getsource(TextArea._pause_blink)
    assert "self._cursor_visible = visible" in pause and "self.blink_timer.pause()" in pause
    assert "self._cursor_visible = not self._cursor_visible" in inspect.getsource(
        TextArea._toggle_cursor_blink_visible
    )


async def test_a_text_area_stops_blinking_a_while_after_its_last_key() -> None:
    """The text entry dialog's editor: blinks after a key, then stays shown; the next key makes it blink again.
    (Each blink is a wake-up of an idle app; the stage's note field is counted in tests/test_stage_idle_wakes.)"""
    from textual.app import App

    from screens.dialogs import TextEditor
    from screens.internals import BLINK_SECONDS

    class Editing(App[None]):
        def compose(self) -> Any:
            yield TextEditor("")

    app = Editing()
    async with app.run_test(size=(40, 6)) as pilot:
        editor = app.query_one(TextEditor)
        editor.focus()
        await pilot.press("a")
        timer = editor.blink_timer
        assert timer is not None
        for _ in range(int(BLINK_SECONDS / timer._interval) + 1):  # every blink of the while, called as the timer
            editor._toggle_cursor_blink_visible()
        assert editor._cursor_visible and not timer._active.is_set()  # shown, and the timer paused
        await pilot.press("b")
        assert timer._active.is_set()  # blinking again
        shown = editor._cursor_visible
        editor._toggle_cursor_blink_visible()
        assert editor._cursor_visible != shown


def test_what_repaint_now_relies_on() -> None:
    from textual._compositor import ChopsUpdate, Compositor
    from textual._styles_cache import StylesCache
    from textual.app import App
    from textual.screen import Screen
    from textual.widget import Widget

    # What a frame checks before drawing, and what Widget.refresh(region) marks.
    idle = inspect.getsource(Screen._on_idle)
    for pending in ("_layout_required", "_scroll_required", "_repaint_required", "_recompose_required"):
        assert pending in idle
    assert "self._dirty_widgets" in idle
    dirty = inspect.getsource(Widget._set_dirty)
    assert "region.translate(content_offset)" in dirty and "self._styles_cache.set_dirty(*widget_regions)" in dirty
    assert "self._dirty_regions.update(widget_regions)" in dirty
    assert "self._dirty_regions" in inspect.getsource(Widget.render_line)
    assert "is_dirty(y) or y not in self._cache" in inspect.getsource(StylesCache.render)
    # The screen's frame: one update of the top screen through App._display, built from chops.
    assert "app._display(self, update)" in inspect.getsource(Screen._compositor_refresh)
    assert "_dirty_regions" in inspect.getsource(Compositor.render_update)
    assert list(inspect.signature(ChopsUpdate).parameters) == ["chops", "spans", "chop_ends"]
    assert "if self._batch_count:" in inspect.getsource(App._display)
    assert isinstance(Compositor.visible_widgets, property)


async def test_repaint_now_draws_alone_only_when_nothing_else_waits_or_covers() -> None:
    from textual.geometry import Region
    from textual.screen import Screen
    from textual.widgets import Static

    from screens.internals import repaint_now

    class Drawn(App[None]):
        CSS = "#cover { layer: above; width: 4; height: 2; } Screen { layers: below above; }"

        def compose(self) -> ComposeResult:
            yield Static("a" * 20, id="text")
            yield Static("c", id="cover")

    app = Drawn()
    async with app.run_test(size=(30, 6)) as pilot:
        await pilot.pause()
        shown: list[object] = []
        display = app._display

        def displayed(screen: Screen[None], renderable: object) -> None:
            shown.append(renderable)
            display(screen, renderable)

        app._display = displayed  # type: ignore[method-assign]
        text = app.query_one("#text", Static)
        text.update("b" * 20)  # asks for a layout: the next frame draws it
        assert not repaint_now(text, Region(10, 0, 4, 1))
        await pilot.pause()
        shown.clear()
        assert repaint_now(text, Region(10, 0, 4, 1))  # nothing waits, nothing covers it: one update, now
        assert len(shown) == 1 and not text._repaint_required and not app.screen._dirty_widgets
        assert not repaint_now(text, Region(0, 0, 4, 1))  # the cover is over those cells
        assert text._repaint_required
        await pilot.pause()
        shown.clear()
        app.screen.refresh()  # the screen waits to be drawn whole
        assert not repaint_now(text, Region(10, 0, 4, 1))
        await pilot.pause()
        await app.push_screen(Screen())  # not the top screen
        assert not repaint_now(text, Region(10, 0, 4, 1))


def test_what_call_later_direct_relies_on() -> None:
    from textual.app import App
    from textual.message_pump import MessagePump
    from textual.timer import Timer

    # A timer's callback is skipped once the app is exiting, and its exception goes to the app.
    tick = inspect.getsource(Timer._tick)
    assert "if app._exit:" in tick and "app._handle_exception(error)" in tick
    assert callable(App._handle_exception)
    init = inspect.getsource(MessagePump.__init__)
    assert "self._closing" in init and "self._closed" in init
