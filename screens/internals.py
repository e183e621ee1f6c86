"""Every use of a private Textual or Rich API in the app, in one module.

Textual's private modules and functions change between releases without notice. Anything in ``screens/`` or
``room/`` that relies on one goes here, with a test in ``tests/test_internals.py`` that fails if an upgrade changes
what it relies on (rather than the app quietly losing the fix); ``tests/test_private_apis.py`` fails if a private
name is used anywhere else. What is here (Textual 8.2.8, Rich 15):

- ``WorkshopLinuxDriver``: the terminal input path (below); ``DirectWriteDriver`` (the projector's) also writes
  its frames from the app's thread.
- ``divide_line``: where Rich breaks a line of text, which Textual's ``Content`` uses to wrap; rows and notes
  count their wrapped height with it instead of laying themselves out.
- ``OptionListLines``: ``OptionList``'s line map (which line shows which option), so ``LazyOptionList`` can place
  options by guessed heights and count only those it draws.
- ``keep_scrolled_lines``: a line widget scrolled by a few lines moves the lines it has drawn instead of drawing
  every line in view again.
- ``load_screen_css``, ``ScreenCssLoader``: a pushed screen's own stylesheet parsed alone.
- ``QuietFirstResume``: a screen's first resume does not restyle every widget again.
- ``QuietWhenCovered``: a screen under an opaque screen does not repaint the screen above it.
- ``QuietInputWidth``: typing in a fixed-size ``Input`` does not lay the screen out.
- ``BlinkForAWhile``, ``TextAreaBlinkForAWhile``: a text field's cursor stops blinking (shown) ``BLINK_SECONDS``
  after the last key, so an idle app does not wake twice a second for it.
- ``SettledResize``: a screen told it now has the size it was just laid out at does not lay out and draw again.
- ``inner_outer``: ``StylesCache.get_inner_outer`` cached by its two colours, not by the widget's cache object too.
- ``bubbled_on``: where a key went after a node handled it (Textual's bubbling rule), for ``screens.type_ahead``.
- ``next_message``: the message a screen handles next, so a burst of changes is followed once.
- ``inside_handler``: whether the code running now runs inside one of the app's message handlers (a key's, a
  timer's), not in a bare callback of the event loop (a group commit round's end publishing phones' changes).
- ``drop_closed_watchers``, ``set_interval_apart``: a dismissed screen's widgets are not kept by the app's
  reactive watchers or by a stopped timer's pending sleep.
- ``OverridesClosedAtCuts``, ``close_overrides_at_cuts``, ``ClosedCutsApp``: each piece of a terminal row cut by
  a dialog (or a clip) closes the right-to-left overrides it opens.
- ``FramesOnDemand``, ``set_timer_direct``: an idle screen's event loop sleeps until something is to be drawn (no
  wake-up 16 ms after each frame), and a one-shot timer calls its callback without a message's hop;
  ``call_later_direct`` calls it from the event loop's own timer, without a Textual timer and its task.
- ``repaint_now``: a few cells of a widget drawn on the terminal at once, without a frame of the screen.

The tick boxes and tables (``DrawnButtonCheckbox``, ``selected_values``, ``WholeSelection``, ``FixedSizeDataTable``)
are in ``screens.internals_widgets``, under the same rules: their Textual widgets (``Checkbox``, ``SelectionList``,
``DataTable``) are imported only with the screens that show them, not on the way to the first frame.

The terminal input path (Textual 8.2.8, Linux):

``LinuxDriver.run_input_thread`` reads stdin in chunks of up to 4 KiB, decodes them with a strict incremental
UTF-8 decoder, and feeds the text to ``XTermParser``, which turns it into key, paste and mouse events. Two faults
live there:

- A byte that is not UTF-8 (a Latin-1 terminal's ``é`` is the byte 0xE9; an Alt key that sets the eighth bit sends
  one too) raises ``UnicodeDecodeError`` in the input thread, which ends the app.
- Inside a bracketed paste the parser collects characters read one by one, but reads an escape sequence (a pasted
  terminal colour code, ``ESC [31m``) in an inner loop that never adds it to the paste: the sequence and the text
  up to the next ESC are sent as separate key presses, ESC shown as ``^``, ahead of the paste itself. ``esc``,
  ESC ``[31m``, ``red``, ESC ``[0m`` arrived as the keys ``^[31mred^[0m`` and then the paste ``esc``.

A third costs CPU: the thread waits for input in ``select(0.1)``, waking ten times a second whatever happens, to
look whether the app is ending and to let the parser's timeout pass (a lone Escape becomes a key once
``ESCAPE_DELAY`` passes without the rest of a sequence). On a virtual machine each wake-up from idle costs
milliseconds, and a projector nobody types at woke ten times a second for nothing.

``WorkshopLinuxDriver`` runs Textual's own ``run_input_thread`` with three names it looks up swapped: the decoder
factory (``getincrementaldecoder``, so bytes that are not UTF-8 become U+FFFD and the app is told), the parser
class (``XTermParser``, so escape sequences inside a paste stay in the paste, in order) and ``selectors`` (its
``SelectSelector`` is a ``QuietInputSelector``: it sleeps until input, the parser's pending timeout, or the
driver's ``exit_event`` is set, which writes to a pipe the selector watches). Nothing else of the method is
copied, so upstream fixes to it still apply. What then happens to pasted text (colour codes and control
characters dropped) is decided in ``screens.text_input``, for every driver including the test one.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import re
import selectors
import sys
import threading
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache, partial
from typing import Any, Final, TypeVar, cast

from rich._wrap import divide_line as _divide_line
from rich.segment import Segment
from textual import _time as textual_time
from textual import events
from textual._compositor import ChopsUpdate, Compositor
from textual._context import active_message_pump
from textual._parser import Parser
from textual._styles_cache import StylesCache
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.app import App
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.message_pump import MessagePump, MessagePumpClosed
from textual.notifications import Notification
from textual.screen import UPDATE_PERIOD as SCREEN_UPDATE_PERIOD
from textual.screen import Screen
from textual.strip import Strip
from textual.style import Style
from textual.timer import EventTargetGone, Timer
from textual.visual import Visual, VisualType
from textual.widget import Widget
from textual.widgets import Input, OptionList
from textual.widgets._option_list import OptionListContent, _LineCache
from textual.widgets.option_list import Option

from facilitation.text import bidi_closers
from screens.text_input import TerminalInputDecoder, UndecodableInput

ScreenT = TypeVar("ScreenT", bound=Screen[Any])

RELIED_ON_GLOBALS: Final = ("getincrementaldecoder", "XTermParser", "selectors")
"""The names ``LinuxDriver.run_input_thread`` looks up in its module that ``WorkshopLinuxDriver`` replaces."""

_STAND_IN: Final = "\U000f0000"
"""Marks an escaped character inside a paste while the parser reads it (a private-use character; a pasted one is
escaped too, so any text survives the round trip)."""
_ESCAPES: Final = {"\x1b": _STAND_IN + "e", _STAND_IN: _STAND_IN + "s"}
_UNESCAPES: Final = {"e": "\x1b", "s": _STAND_IN}
_ESCAPED: Final = re.compile(f"{_STAND_IN}([es])")
_TO_ESCAPE: Final = re.compile(f"[\x1b{_STAND_IN}]")


def _escape(text: str) -> str:
    return _TO_ESCAPE.sub(lambda match: _ESCAPES[match.group()], text)


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda match: _UNESCAPES[match.group(1)], text)


def _prefix_at_end(text: str, marker: str) -> int:
    """The length of the longest end of ``text`` that is a proper start of ``marker`` (0 if none)."""
    for length in range(min(len(marker) - 1, len(text)), 0, -1):
        if marker.startswith(text[-length:]):
            return length
    return 0


class PasteKeepingParser(XTermParser):
    """Textual's terminal parser, except that a bracketed paste keeps every character it holds, in order.

    Text between the paste markers is passed to the parser with each ESC escaped, so the parser sees ordinary
    characters and puts them all in the ``Paste`` event; the escapes are undone in the event's text. The markers
    may be split between two reads: outside a paste the last few characters are remembered to find a start marker
    (nothing is held back, so a lone Escape key is not delayed); inside one, a trailing part of a possible end
    marker is held until the next read.
    """

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._in_paste = False
        self._recent = ""
        """Outside a paste: the last characters fed, to find a start marker split between reads."""
        self._held = ""
        """Inside a paste: the end of the text fed so far that may be the start of the end marker."""

    def feed(self, data: str) -> Iterable[Message]:
        """Parse ``data`` (text decoded from the terminal); an empty string means the input has ended."""
        if not data:
            return self._restore(super().feed(""))
        prepared = self._prepare(data)
        if not prepared:  # all held back (part of a possible end marker): not the end of the input
            return ()
        return self._restore(super().feed(prepared))

    def tick(self) -> Iterable[Message]:
        return self._restore(super().tick())

    def _prepare(self, data: str) -> str:
        """``data`` as the parser should see it: paste contents escaped, the markers as they are."""
        out: list[str] = []
        rest = data
        while rest:
            if not self._in_paste:
                probe = self._recent + rest
                found = probe.find(BRACKETED_PASTE_START)
                if found < 0:
                    out.append(rest)
                    self._recent = probe[-(len(BRACKETED_PASTE_START) - 1) :]
                    break
                end = found + len(BRACKETED_PASTE_START) - len(self._recent)
                out.append(rest[:end])
                rest = rest[end:]
                self._in_paste, self._recent = True, ""
            else:
                probe, self._held = self._held + rest, ""
                found = probe.find(BRACKETED_PASTE_END)
                if found < 0:
                    keep = _prefix_at_end(probe, BRACKETED_PASTE_END)
                    out.append(_escape(probe[: len(probe) - keep]))
                    self._held = probe[len(probe) - keep :]
                    break
                out.append(_escape(probe[:found]) + BRACKETED_PASTE_END)
                rest = probe[found + len(BRACKETED_PASTE_END) :]
                self._in_paste = False
        return "".join(out)

    @staticmethod
    def _restore(messages: Iterable[Message]) -> Iterable[Message]:
        for message in messages:
            if isinstance(message, events.Paste) and _STAND_IN in message.text:
                yield events.Paste(_unescape(message.text))
            else:
                yield message


if sys.platform != "win32":  # Textual's Linux driver (termios) is the driver everywhere else
    from textual.drivers.linux_driver import LinuxDriver

    def _input_thread_with(replacements: dict[str, Any]) -> Callable[[LinuxDriver], None]:
        """``LinuxDriver.run_input_thread`` as Textual wrote it, looking up ``replacements`` instead of its module's
        names (the module itself is left alone)."""
        upstream = LinuxDriver.run_input_thread
        missing = set(replacements) - set(upstream.__code__.co_names)
        if missing:
            raise RuntimeError(f"Textual's LinuxDriver.run_input_thread no longer uses {sorted(missing)}.")
        scope = dict(upstream.__globals__) | replacements
        function = types.FunctionType(
            upstream.__code__, scope, upstream.__name__, upstream.__defaults__, upstream.__closure__
        )
        return function

    class WakingEvent(threading.Event):
        """The driver's ``exit_event``: setting it also wakes the input thread's ``select`` (``wake_fd``)."""

        wake_fd: int | None = None

        def set(self) -> None:
            super().set()
            fd = self.wake_fd
            if fd is not None:
                with contextlib.suppress(OSError):  # full (it will wake anyway) or closed (the thread has ended)
                    os.write(fd, b"!")

    class QuietInputSelector(selectors.SelectSelector):
        """The input thread's selector: it sleeps until the terminal sends something, the parser's timeout comes
        (a lone Escape is a key once ``ESCAPE_DELAY`` passes without the rest of a sequence) or ``exit_event`` is
        set, instead of every 0.1 s (see ``WorkshopLinuxDriver``). Once ``exit_event`` is set it waits as asked,
        as upstream's last ``select`` after the loop expects."""

        def __init__(self, exit_event: threading.Event) -> None:
            super().__init__()
            self.parser: Parser[Any] | None = None
            self._exit_event = exit_event
            self._wake_read, wake_write = os.pipe()
            os.set_blocking(self._wake_read, False)
            os.set_blocking(wake_write, False)
            self._wake_write: int | None = wake_write
            super().register(self._wake_read, selectors.EVENT_READ)
            if isinstance(exit_event, WakingEvent):
                exit_event.wake_fd = wake_write

        def timeout(self) -> float | None:
            """How long the thread may sleep: until the parser's pending timeout, or for good (None)."""
            due = self.parser._timeout_time if self.parser is not None else None
            return None if due is None else max(0.0, due - textual_time.get_time())

        def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
            if not self._exit_event.is_set():
                timeout = self.timeout()
            ready = super().select(timeout)
            woken = [pair for pair in ready if pair[0].fd == self._wake_read]
            if woken:
                with contextlib.suppress(BlockingIOError):
                    os.read(self._wake_read, 4096)
            return [pair for pair in ready if pair[0].fd != self._wake_read]

        def close(self) -> None:
            """Close the selector and its pipe (once: upstream closes the selector, and so does the driver)."""
            if self._wake_write is None:
                return
            if isinstance(self._exit_event, WakingEvent):
                self._exit_event.wake_fd = None
            wake_write, self._wake_write = self._wake_write, None
            super().close()
            for fd in (self._wake_read, wake_write):
                with contextlib.suppress(OSError):
                    os.close(fd)

    class WorkshopLinuxDriver(LinuxDriver):
        """Textual's Linux driver with a forgiving decoder, a paste-keeping parser and an input thread that sleeps
        while nothing is typed (see the module docstring).

        Bytes that are not UTF-8 become U+FFFD (one per byte) and the app receives ``UndecodableInput`` with how
        many there were, so it can say why. ``selector_class`` makes the input thread's selector (a test records
        what it is asked); the running thread's is ``input_selector``.
        """

        selector_class: type[QuietInputSelector] = QuietInputSelector

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.exit_event = WakingEvent()
            self.input_selector: QuietInputSelector | None = None

        def run_input_thread(self) -> None:
            decoder = partial(TerminalInputDecoder, on_undecodable=self._report_undecodable)
            selector = self.input_selector = self.selector_class(self.exit_event)

            def parser(debug: bool) -> PasteKeepingParser:
                made = selector.parser = PasteKeepingParser(debug)
                return made

            run = _input_thread_with(
                {
                    "getincrementaldecoder": lambda _encoding: decoder,
                    "XTermParser": parser,
                    "selectors": types.SimpleNamespace(
                        SelectSelector=lambda: selector, EVENT_READ=selectors.EVENT_READ
                    ),
                }
            )
            try:
                run(self)
            finally:
                selector.close()  # upstream closes it too; again is harmless

        def _report_undecodable(self, count: int) -> None:
            """Runs in the input thread: ``process_message`` hands the message to the app's queue thread-safely."""
            self.process_message(UndecodableInput(count))


    class DirectWriteDriver(WorkshopLinuxDriver):
        """``WorkshopLinuxDriver`` writing each frame to the terminal from the app's own thread (the projector's).

        ``LinuxDriver.write`` (8.2.8) hands every write to a ``WriterThread`` that writes it to the terminal
        (``self._file``, stderr), so that a slow terminal never holds up the app. That thread woke about three
        times per frame (its queue, then the GIL the app's thread held): on the projector, whose frames come once a
        second and hold a few glyphs, three wake-ups a second costing milliseconds each on a virtual machine,
        to save nothing a user could notice. Writes here go straight to the file and are flushed at once; the writer
        thread Textual starts stays asleep until it is stopped."""

        def write(self, data: str) -> None:
            terminal = self._file
            if terminal is None:  # no stderr at all: as upstream
                super().write(data)
                return
            terminal.write(data)
            terminal.flush()


# --- a pushed screen's stylesheet (App._load_screen_css) --------------------------------------------------


def load_screen_css(app: App[Any], screen: Screen[Any]) -> None:
    """Add a pushed screen's own stylesheet files (``CSS_PATH``) to the app's, parsing only those files.

    Textual's ``App._load_screen_css`` (8.2.8) reads the files, then ``Stylesheet.reparse()`` parses every
    stylesheet loaded so far afresh (its parse cache is not used) and ``Stylesheet.update(app)`` restyles every
    widget of every screen: 20-40 ms on the first open of each screen class, measured with the stage screen
    beneath. Here ``Stylesheet.parse()`` takes the files already loaded from its parse cache (cleared whenever
    the theme's variables change, so nothing stale is used), and only the new screen is restyled: every rule
    in ``screens/**/*.tcss`` names its screen's class, or an id that only that screen's widgets carry, so the
    screens beneath have nothing new to take. A screen's inline ``CSS`` string is left to Textual's own method.
    Pinned by ``tests/test_internals.py``.
    """
    if screen.CSS:
        App._load_screen_css(app, screen)
        return
    stylesheet = app.stylesheet
    new = [path for path in screen.css_path if not stylesheet.has_source(str(path), "")]
    if not new:
        return
    if app.css_monitor is not None:
        app.css_monitor.add_paths(screen.css_path)
    for path in new:
        stylesheet.read(path)
    stylesheet.parse()
    stylesheet.update(screen)


class ScreenCssLoader:
    """Mix into an ``App`` (before it): a pushed screen's ``CSS_PATH`` is loaded by ``load_screen_css``, through
    the hook Textual calls for it (``App._load_screen_css``)."""

    def _load_screen_css(self, screen: Screen[Any]) -> None:
        load_screen_css(cast("App[Any]", self), screen)


# --- wrapping: where Rich breaks a line (rich._wrap.divide_line) ------------------------------------------


def divide_line(text: str, width: int, *, fold: bool = True) -> list[int]:
    """Where ``text`` (one line, no tabs) breaks when word-wrapped at ``width`` cells: the offsets at which each
    line after the first starts (so ``len(...) + 1`` lines). ``fold`` breaks a word longer than a line.

    Rich's private ``rich._wrap.divide_line``, the function Textual's ``Content`` wraps each line with: counting
    with it gives exactly the height ``Content`` lays out, without laying it out. Pinned (signature, and the
    count against ``Content``'s own layout) by ``tests/test_internals.py``.
    """
    return _divide_line(text, width, fold=fold)


# --- OptionList's line map (textual.widgets._option_list) -------------------------------------------------

LineCache = _LineCache
"""``OptionList``'s map from lines to options: ``lines`` (one ``(option index, line in option)`` per line),
``heights`` (option index -> lines) and ``index_to_line`` (option index -> its first line)."""
ListContent = OptionListContent
"""What ``OptionList`` takes as options (``Option``, a visual, ``None`` for a divider)."""


def option_divider(option: Option) -> bool:
    """Whether ``option`` is followed by a divider line (``Option._divider``)."""
    return option._divider


def cached_visual(option: Option) -> Visual | None:
    """The visual ``OptionList`` last made of ``option``'s prompt (``Option._visual``), or ``None``."""
    return option._visual


def set_option_prompt(option: Option, prompt: VisualType) -> None:
    """Give ``option`` a new prompt and drop its cached visual (``Option._set_prompt``)."""
    option._set_prompt(prompt)


class OptionListLines(OptionList):
    """``OptionList`` with its private line map and the steps that build it under public names.

    Textual 8.2.8's ``OptionList`` measures every option (``_update_lines``) into ``_line_cache`` before it draws,
    clears that map (``_clear_caches``) on every resize and after any prompt is replaced
    (``_replace_option_prompt``). ``LazyOptionList`` places options by guessed heights instead; it overrides the
    hooks here, never the private methods:

    - ``place_lines``, called where Textual calls ``_update_lines`` (default: Textual's own);
    - ``lines_cleared``, called as Textual clears its caches (default: nothing more);
    - ``prompt_replaced``, called where Textual replaces one option's prompt (default: Textual's own);
    - ``clear_lines`` clears them, as a resize does;

    and reads the map through ``line_cache``, ``visual_of``, ``left_gutter_width``, ``clear_render_cache`` and
    ``set_virtual_height``. Each private name is pinned by ``tests/test_internals.py``.
    """

    @property
    def line_cache(self) -> LineCache:
        return self._line_cache

    def visual_of(self, option: Option) -> Visual:
        """The visual ``option``'s prompt draws as (made once, then cached on the option)."""
        return self._get_visual(option)

    def left_gutter_width(self) -> int:
        """Columns to the left of every option (a ``SelectionList``'s tick box)."""
        return self._get_left_gutter_width()

    def clear_render_cache(self) -> None:
        """Forget the drawn lines (not the line map), so options are drawn again."""
        self._option_render_cache.clear()

    def set_virtual_height(self, lines: int) -> None:
        """The scrollable size for ``lines`` lines, set as ``OptionList._update_lines`` sets it, except that a list
        whose own size does not depend on its options (no ``auto`` dimension) does not lay the screen out again.

        ``Widget.virtual_size`` is a reactive with ``layout=True``: every note added to a stage's list (a phone's
        note, one per request in a busy room) laid out the whole screen, about a third of the screen's CPU per
        note at 300 notes, though no widget moved. A scroll view is placed by its own size; its scrollable height
        only moves its scrollbar, which ``_scroll_update`` redraws (and a scrollbar that appears or goes is its
        own reactive, which still lays the screen out)."""
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        virtual_size = Size(width, lines)
        before = self.virtual_size
        if virtual_size != before:
            if self.styles.auto_dimensions:
                self.virtual_size = virtual_size
            else:
                self.set_reactive(Widget.virtual_size, virtual_size)
                # only the lines from the old end on change (a last option's divider line comes or goes): a list
                # scrolled to its end with a note added below did not need its other lines drawn again
                self.refresh_lines(min(before.height, lines) - 1)
            self._scroll_update(virtual_size)

    def refresh_lines(self, first: int, count: int | None = None) -> None:
        """Draw again the lines ``first`` to ``first + count`` of the list (all from ``first`` on when ``count`` is
        None), where they are in view: nothing when none is (``Widget.refresh`` of that region)."""
        top = int(self.scroll_offset.y)
        view = self.scrollable_content_region
        start = max(first, top)
        end = top + view.height if count is None else min(first + count, top + view.height)
        if end > start and view.width > 0:
            self.refresh(Region(0, start - top, view.width, end - start))

    def clear_lines(self) -> None:
        """Clear the line map and the drawn lines, as a resize does."""
        self._clear_caches()

    def current_lines(self) -> Sequence[tuple[int, int]]:
        """The line map brought up to date: ``(option index, line within the option)`` for each line
        (``OptionList._lines``)."""
        return self._lines

    # --- hooks ------------------------------------------------------------------------------------------

    def place_lines(self) -> None:
        """Map the options not mapped yet to lines (Textual's own ``_update_lines`` unless overridden)."""
        super()._update_lines()

    def lines_cleared(self) -> None:
        """The line map and drawn lines were just cleared (a resize, new options)."""

    def prompt_replaced(self, index: int, prompt: VisualType) -> None:
        """Replace the prompt of the option at ``index`` (Textual's own: clears the whole map)."""
        super()._replace_option_prompt(index, prompt)

    # --- Textual's private steps, routed to the hooks ---------------------------------------------------

    def _update_lines(self) -> None:
        self.place_lines()

    def _clear_caches(self) -> None:
        self.lines_cleared()
        super()._clear_caches()

    def _replace_option_prompt(self, index: int, prompt: VisualType) -> None:
        self.prompt_replaced(index, prompt)


def keep_scrolled_lines(widget: Widget, delta: int) -> None:
    """Repaint a line widget (a ``ScrollView``: ``render_line`` draws line ``scroll_offset.y + y``) just scrolled by
    ``delta`` lines (positive: down), drawing again only the lines that come into view or were to be drawn anyway.

    ``ScrollView.watch_scroll_y`` repaints the whole widget, which draws every line in view again
    (``StylesCache``: one ``render_line`` and the widget's styles applied per line). A note list following its
    newest note scrolls by a note's height for every note added: 24 lines drawn anew for two new ones, about half
    the CPU of each frame (``benchmarks/phone_change_bench.py``). Here the lines Textual's ``StylesCache`` holds
    (``_cache``, by line of the widget, and ``_dirty_lines``) are moved by ``delta`` within the content rows (the
    border and padding rows stay), the widget's whole region is still repainted on the screen (every row of it
    shows something else now), and only the lines that had nothing to move into them, or were already to be drawn
    again, are drawn. Pinned by ``tests/test_internals.py``."""
    cache = widget._styles_cache
    drawn, dirty = cache._cache, cache._dirty_lines
    top = widget.content_region.y - widget.region.y
    rows = range(top, top + widget.content_region.height)
    kept: dict[int, Strip] = {}
    if 0 < abs(delta) < len(rows):
        for y in rows:
            source = y + delta
            if source in rows and source not in dirty and (strip := drawn.get(source)) is not None:
                kept[y] = strip
    for y in rows:
        drawn.pop(y, None)
    drawn.update(kept)
    widget.refresh(widget.size.region)  # the screen shows every row anew (marks every line to be drawn too)
    dirty.difference_update(kept)


# --- a screen's first resume (Screen._on_screen_resume) ---------------------------------------------------


class QuietFirstResume:
    """Mix into a ``Screen``: the first ``ScreenResume``, straight after the screen mounted and styled every
    widget, does not restyle them all again (a few milliseconds on the stage screen, at start-up), and the screen
    is laid out once before its first frame instead of twice; later resumes, back from a dialog or after a change
    of theme, restyle as usual.

    Textual runs one handler per class of the screen for a message, in MRO order, finding it by the name
    ``_on_screen_resume`` before ``on_screen_resume`` (``MessagePump._get_dispatch_methods``): so this mixin's
    runs after a screen's own ``on_screen_resume`` and before ``Screen._on_screen_resume``, which restyles only
    if ``event.refresh_styles``, and lays the screen out at once when its size is not the app's
    (``self._size != size``). A screen resumed for the first time has never been laid out: Textual laid it out
    there, and then again at its next update, since the widgets its ``on_mount`` filled in (and its own
    ``AwaitMount``) asked for a layout meanwhile, each message arriving after the first one had already placed
    them (5 ms of CPU and another full repaint before the stage screen's first frame at start-up, each time a
    screen opens). Here the screen is given the app's size and asked for one layout, which Textual runs at its
    next update with everything asked for by then (``Screen._on_timer_update``). Pinned by
    ``tests/test_internals.py``.
    """

    _resumed_before: bool = False
    _first_layout: bool = False
    """The first layout is asked for (``_on_screen_resume``) and not run yet (``_refresh_layout``)."""

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._resumed_before:
            self._resumed_before = True
            event.refresh_styles = False
            screen = cast("Screen[Any]", self)
            if not screen.outer_size and screen.is_attached:  # never laid out: see the docstring
                screen._size = screen.app.size
                screen.refresh(layout=True)
                self._first_layout = True

    _laying_out_first: bool = False

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        self._laying_out_first, self._first_layout = self._first_layout, False
        try:
            super()._refresh_layout(size, scroll)  # type: ignore[misc]
        finally:
            self._laying_out_first = False

    def _compositor_refresh(self) -> None:
        """The first layout's frame draws the whole screen (nothing of it was drawn before), so a repaint of the
        whole screen asked for before that frame is done by it. Textual ran it after the layout all the same
        (``Screen._on_timer_update``: the screen asks for one as its styles are first applied, and again as the
        layout gives it its size), drawing every widget of a screen's first frame twice: about 10 ms of CPU for
        the stage screen at 120x36 at start-up, and the same for every screen opened. A repaint asked for while
        the frame is drawn still runs after it."""
        screen = cast("Screen[Any]", self)
        compositor = screen._compositor
        if (
            self._laying_out_first
            and screen is screen.app.screen
            and compositor.size.region in compositor._dirty_regions
        ):
            screen._repaint_required = False
        super()._compositor_refresh()  # type: ignore[misc]


# --- a screen under another (Screen._compositor_refresh) -------------------------------------------------------


class QuietWhenCovered:
    """Mix into a ``Screen``: while an opaque screen covers it, what changes on it is not drawn on the screen above.

    Textual draws the screens below the top one through its transparent parts (``App._background_screens``: the
    screen just below is always one). Such a screen's refresh (``Screen._compositor_refresh``) marks its dirty
    regions on the top screen and asks itself to repaint whole at its next update, which comes with the next
    message it handles. The empty base screen under every screen and a stage screen covered by the room screen
    both hear every ``WorkshopChanged``: in a busy room each phone's note repainted the whole top screen once
    more (a second frame per note, about a quarter of the facilitator's screen's CPU per note at 300 notes).

    Under an opaque top screen nothing of a covered screen shows, so its dirty regions are dropped. Its widgets
    still update themselves (their drawn lines are cleared as they change), and Textual repaints the whole screen
    when it is resumed (``Screen._on_screen_resume``). Under a dialog with a see-through background, Textual's
    own refresh runs unchanged. Pinned by ``tests/test_internals.py``.
    """

    def _compositor_refresh(self) -> None:
        screen = cast(Screen[Any], self)
        app = screen.app
        top = app.screen
        if top is not screen and not app.is_inline and top.styles.background.a == 1:
            screen._compositor._dirty_regions.clear()
            screen._dirty_widgets.clear()
            return
        super()._compositor_refresh()  # type: ignore[misc]


# --- a terminal row cut into pieces (Compositor._render_chops) --------------------------------------------------


class OverridesClosedAtCuts(Compositor):
    """A screen's compositor whose every piece of a terminal row closes the right-to-left overrides it opens.

    Textual 8.2.8 builds each row of the screen from "chops": where a dialog, a border or a clipping container
    starts or ends on that row, ``Compositor._render_chops`` cuts the row there (``Strip.divide``; a clipped widget's
    lines are cut by ``Strip.crop`` first) and keeps, for each piece, the front-most widget's cells. A line that
    opens an override (U+202E, or any embedding or isolate) and closes it near its end loses the closer when a
    dialog covers that end: the visible piece keeps the control character and UAX #9 carries it across the dialog
    to the end of the terminal row. Here each piece gets the closers of what it leaves open (``text.bidi_closers``,
    zero cells wide, in the piece's last style), so no piece of any widget, cut anywhere, can turn round the
    pieces after it. Pieces with nothing open are the same ``Strip`` objects as before (one regex search of their
    text each). Installed on every screen by ``close_overrides_at_cuts``; pinned by ``tests/test_internals.py``.
    """

    def _get_renders(self, crop: Region | None = None) -> Iterable[tuple[Region, Region, list[Strip]]]:
        """Each visible widget that overlaps ``crop``, with the lines of it that fall in ``crop``'s rows.

        ``Compositor._get_renders`` (8.2.8) asks each widget overlapping a partial update's crop (the box around
        every region to repaint) for the lines of its whole visible region, every row of the screen it covers,
        and ``_render_chops`` then drops the rows outside the update. A running countdown's second (one glyph of
        the projector's digits and the bar) so fetched about 10 widgets' full heights, the screen's 60 rows among
        them, to keep some 20: work and memory touched on each wake-up, which on a virtual machine costs far more
        after an idle second than warm (``benchmarks/follow_bench.py``). Here the clip is cut to ``crop``'s rows
        (its columns are kept: ``_render_chops`` cuts each row at the screen's cuts within the clip's columns),
        so a widget renders only the rows the update can use; a full update's crop is the whole screen, the same
        as before. The strips of each row kept are the ones Textual's whole-region render gives (pinned by
        ``tests/test_internals.py``)."""
        if crop is None:
            yield from super()._get_renders(crop)
            return
        top, bottom = crop.y, crop.bottom
        for widget, (region, clip) in self.visible_widgets.items():
            if not crop.overlaps(clip):
                continue
            clip_top, clip_bottom = max(clip.y, top), min(clip.bottom, bottom)
            rows = Region(clip.x, clip_top, clip.width, clip_bottom - clip_top)
            x, y, width, height = region.intersection(rows)
            if width and height:
                yield region, rows, widget.render_lines(Region(x - region.x, y - region.y, width, height))

    def _render_chops(
        self, crop: Region, is_rendered_line: Callable[[int], bool]
    ) -> Sequence[Mapping[int, Strip]]:
        chops = super()._render_chops(crop, is_rendered_line)
        for line in chops:
            for cut, strip in line.items():
                if strip is None:
                    continue
                piece = "".join([segment.text for segment in strip._segments])
                if not piece.isascii() and (closers := bidi_closers(piece)):
                    cast("dict[int, Strip]", line)[cut] = _with_closers(strip, closers)
        return chops


def _with_closers(strip: Strip, closers: str) -> Strip:
    segments = list(strip)
    for index in range(len(segments) - 1, -1, -1):
        text, style, control = segments[index]
        if not control:
            segments[index] = Segment(text + closers, style)
            break
    return Strip(segments, strip.cell_length)


def close_overrides_at_cuts(screen: ScreenT) -> ScreenT:
    """``screen`` drawn by ``OverridesClosedAtCuts``: its compositor's class is swapped (the subclass adds no
    state, so this is safe before or after the screen is laid out). Returns ``screen``."""
    compositor = screen._compositor
    if type(compositor) is Compositor:
        compositor.__class__ = OverridesClosedAtCuts
    return screen


class ClosedCutsApp:
    """Mix into an ``App`` (before it): every screen put on the stack (pushed, switched to, a mode's; Textual's own
    command palette too) goes through ``close_overrides_at_cuts`` on the way, by the hook Textual calls for each
    (``App._load_screen_css``). The default screen is not pushed: pass it through ``close_overrides_at_cuts`` in
    ``get_default_screen``."""

    def _load_screen_css(self, screen: Screen[Any]) -> None:
        close_overrides_at_cuts(screen)
        super()._load_screen_css(screen)  # type: ignore[misc]


# --- what a dismissed screen leaves behind (textual.reactive._watch, Timer._start) ------------------------------


def forget_shown_twins(app: App[Any], notification: Notification) -> int:
    """Forget the notices ``app`` still shows that say what ``notification`` says (message, title and severity),
    without redrawing; returns how many. ``WorkshopApp.on_notify`` calls it before Textual adds ``notification``,
    so a notice raised again takes the place of its twin instead of stacking below it.

    Textual (8.2.8) keeps the notices in ``App._notifications`` (iterating drops the expired ones) and forgets one
    with ``App._unnotify(notification, refresh=False)``, what a toast calls as it expires; ``App._on_notify``
    then adds the new one and redraws the toasts from that collection. Pinned by ``tests/test_internals.py``."""
    said = (notification.message, notification.title, notification.severity)
    twins = [shown for shown in list(app._notifications) if (shown.message, shown.title, shown.severity) == said]
    for shown in twins:
        app._unnotify(shown, refresh=False)
    return len(twins)


def drop_closed_watchers(*objects: object) -> int:
    """Forget the watchers that closed widgets left on ``objects`` (the app, the screens still shown); returns how
    many were dropped.

    ``DOMNode.watch(obj, name, callback)`` (``textual.reactive._watch``, 8.2.8) appends ``(node, callback)`` to a
    list kept on ``obj`` (its ``"__watchers"`` attribute) and prunes the entries of closed nodes only when that
    reactive next changes. Textual's own ``Header`` watches the app's ``title`` and ``sub_title``: every home
    screen and agenda overview opened kept its header, four widgets and their styles and caches (about 500
    objects), on the app for as long as the app's title did not change, that is for good. Pinned by
    ``tests/test_internals.py``."""
    dropped = 0
    for obj in objects:
        watchers: dict[str, list[tuple[MessagePump, object]]] = getattr(obj, "__watchers", None) or {}
        for entries in watchers.values():
            kept = [(node, callback) for node, callback in entries if not (node._closing or node._closed)]
            dropped += len(entries) - len(kept)
            entries[:] = kept
    return dropped


def set_interval_apart(node: MessagePump, seconds: float, callback: Callable[[], object]) -> Timer:
    """``node.set_interval(seconds, callback)``, its task started in a context that names the app, not ``node``,
    as Textual's active message pump (``textual._context.active_message_pump``).

    The timer's task sleeps on an asyncio ``TimerHandle`` made in the task's context. Stopping the timer (as
    Textual does when ``node`` is removed) cancels that handle, but the event loop keeps a cancelled handle, its
    context included, until its time comes: a context naming ``node`` kept a dismissed agenda overview (and its
    widgets) alive for up to its 5 s interval, long enough for the collection after the screen change to miss
    it and a freeze to keep it for good (``workshop.memory``). Stopped with ``node`` as any of its timers."""
    context = contextvars.copy_context()
    context.run(active_message_pump.set, node.app)
    return context.run(node.set_interval, seconds, callback)


def set_timer_apart(node: MessagePump, seconds: float, callback: Callable[[], object], name: str) -> Timer:
    """``node.set_timer(seconds, callback, name=name)`` started as ``set_interval_apart`` starts an interval (its
    task's context names the app, not ``node``): a one-shot redraw pending when ``node`` is removed keeps nothing."""
    context = contextvars.copy_context()
    context.run(active_message_pump.set, node.app)
    return context.run(node.set_timer, seconds, callback, name=name)


# --- an input's scrollable width (Input._watch_value) -----------------------------------------------------------


class QuietInputWidth:
    """Mix into an ``Input`` (before it) whose size does not depend on its text: typing does not lay the screen out.

    Textual's ``Input._watch_value`` sets ``virtual_size`` (the text's width, to scroll it) on every change of the
    value, and ``Widget.virtual_size`` is a reactive with ``layout=True``: each key typed in the stage's note field,
    and the field emptied by each Enter, laid out the whole stage screen (about 10 ms at 120x36 on the loaded
    sandbox; in a busy room, 117 layouts for 40 notes typed). The scrollable width is set here first without a
    layout (as Textual itself does in ``Widget._size_updated``), so Textual's watcher finds it unchanged; the rest of
    the watcher (suggestion, ``Changed``, the first cursor position) runs as ever. An input sized by its text
    (an ``auto`` dimension) is left to Textual. Pinned by ``tests/test_internals.py``.
    """

    def _watch_value(self, value: str) -> None:
        field = cast(Input, self)
        if not field.styles.auto_dimensions:
            size = Size(field.content_width, 1)
            if size != field.virtual_size:
                field.set_reactive(Widget.virtual_size, size)
                field.refresh()
        super()._watch_value(value)  # type: ignore[misc]


# --- a text field's cursor blink (Input._toggle_cursor, TextArea._toggle_cursor_blink_visible) ------------------

BLINK_SECONDS: Final = 10.0
"""How long a focused text field's cursor blinks after the last key, click or focus; then it stays shown, solid,
until the next one. GTK's default (``gtk-cursor-blink-timeout``, 10 s), which GNOME applications and Chromium on
Linux follow."""


class BlinkForAWhile:
    """Mix into an ``Input`` (before it): its cursor stops blinking ``BLINK_SECONDS`` after the last key, click
    or focus, shown (solid), and blinks again at the next.

    Textual 8.2.8 blinks a focused ``Input``'s cursor with ``set_interval(0.5, _toggle_cursor)`` for as long as it
    has the focus, also headless (``run_test``): a facilitator's stage screen left with the note field focused
    woke the app's event loop four times a second (each blink, and the frame timer after the frame it drew),
    which on a virtual machine costs milliseconds of CPU each (issue #11, the idle room). ``Input._restart_blink``
    (a key, the focus, the end of a mouse selection) resets the blink timer, which resumes it; the blinks since are
    counted here and, once they make ``BLINK_SECONDS``, the timer is paused with the cursor shown
    (``Input._pause_blink(visible=True)``, as a click does). Pinned by ``tests/test_internals.py``."""

    _blinks_since_restart = 0

    def _restart_blink(self) -> None:
        self._blinks_since_restart = 0
        super()._restart_blink()  # type: ignore[misc]

    def _watch_cursor_blink(self, blink: bool) -> None:
        self._blinks_since_restart = 0
        super()._watch_cursor_blink(blink)  # type: ignore[misc]

    def _toggle_cursor(self) -> None:
        field = cast(Input, self)
        timer = field._blink_timer
        self._blinks_since_restart += 1
        interval = timer._interval if timer is not None else 0.5
        if self._blinks_since_restart * interval >= BLINK_SECONDS:
            field._pause_blink(visible=True)
            return
        super()._toggle_cursor()  # type: ignore[misc]


class TextAreaBlinkForAWhile:
    """``BlinkForAWhile`` for a ``TextArea`` (before it): Textual 8.2.8 blinks its cursor with ``set_interval(0.5,
    _toggle_cursor_blink_visible)`` (``blink_timer``), restarted by ``_restart_blink`` and paused, cursor shown, by
    ``_pause_blink(visible=True)``. ``TextArea`` is not imported here (only the text entry dialog uses one, and it
    stays out of start-up). Pinned by ``tests/test_internals.py``."""

    _blinks_since_restart = 0

    def _restart_blink(self) -> None:
        self._blinks_since_restart = 0
        super()._restart_blink()  # type: ignore[misc]

    def _toggle_cursor_blink_visible(self) -> None:
        area: Any = self
        self._blinks_since_restart += 1
        if self._blinks_since_restart * area.blink_timer._interval >= BLINK_SECONDS:
            area._pause_blink(visible=True)
            return
        super()._toggle_cursor_blink_visible()  # type: ignore[misc]


# --- a screen's same-size resize (Screen._on_resize) --------------------------------------------------------


class SettledResize:
    """Mix into a ``Screen`` (before it): a ``Resize`` to the size the screen is already laid out at does nothing
    but ``same_size_resize``; any other size is Textual's own.

    Textual 8.2.8 lays a pushed screen out three times before its first frame settles: on its ``ScreenResume``
    (``Screen._on_screen_resume`` calls ``_refresh_layout`` because the new screen has no size yet), again on the
    ``Resize`` that first layout posts to every widget it has just shown, the screen itself included
    (``Screen._on_resize`` calls ``_screen_resized``, which lays it and every screen beneath it out again at the
    same size and draws), and once more after its widgets have mounted (``AwaitMount`` asks for a layout). The
    middle one changes nothing: a terminal resize reaches a screen only through ``App._on_resize``, which drops
    a resize to the size the app already has, so a same-size ``Resize`` comes only from that first layout.

    Textual runs one handler per class of the screen for a message, in MRO order (``on_resize`` of the screen's
    own classes first), and stops at the first class after ``prevent_default`` (``MessagePump._get_dispatch_methods``):
    this mixin's handler runs before ``Screen._on_resize``. Breakpoint classes are the screen's own business
    here (``same_size_resize``: Textual sets them in the handler skipped). Pinned by ``tests/test_internals.py``.
    """

    def same_size_resize(self) -> None:
        """Called instead of Textual's handler for a ``Resize`` to the size the screen has (default: nothing)."""

    async def _on_resize(self, event: events.Resize) -> None:  # async, as ``Screen._on_resize``
        if event.size == cast("Screen[Any]", self).outer_size:
            event.prevent_default()
            event.stop()
            self.same_size_resize()


# --- a widget's line cache kept alive by a method cache (textual._styles_cache) ---------------------------


@lru_cache(1024)
def inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    """The styles of a widget's inner and outer background, as Textual's ``StylesCache.get_inner_outer`` makes
    them, cached by the two colours alone.

    Textual 8.2.8 decorates that *method* with ``functools.lru_cache(1024)``, so every key holds the
    ``StylesCache`` it was called on, and with it every line that widget last drew (``Strip`` objects, each with
    seven caches of its own): the last 1,024 widget caches drawn stayed alive after their widgets and screens were
    gone, about 5,000 objects for each stage screen opened and closed, all walked by every full garbage
    collection. Installed over Textual's method when this module is imported; pinned by
    ``tests/test_internals.py`` (same styles as Textual's, and a dismissed screen's widgets are freed).
    """
    return (Style(background=base_background + background), Style(background=base_background))


def _styles_cache_inner_outer(
    _cache: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    return inner_outer(base_background, background)


TEXTUAL_INNER_OUTER: Final = StylesCache.get_inner_outer
"""Textual's own method (an ``lru_cache`` wrapper keyed by the ``StylesCache`` too), kept for the pinning test."""
StylesCache.get_inner_outer = _styles_cache_inner_outer  # type: ignore[method-assign,assignment]



# --- where a message bubbled on to (textual.message_pump.MessagePump._on_message) ---------------------------


def bubbled_on(message: Message, node: MessagePump) -> MessagePump | None:
    """The node ``message`` was passed on to once ``node`` had handled it, or None where its way ended.

    Textual 8.2.8's ``MessagePump._on_message`` passes a bubbling message to the node's parent unless it was
    stopped (``message._stop_propagation``), the node has no parent, or the parent is closing or the node is no
    longer attached; a message whose sender is the parent (a key the app posted) is stopped and still passed on
    to it, so its way ends there. (A message stopped by a handler at a node whose parent sent it is followed to
    the parent all the same: one hop too many, never one too few.) Pinned by ``tests/test_internals.py`` (a key the focused widget stops ends there; one it does
    not reaches the app)."""
    parent = node._parent
    if not message.bubble or parent is None:
        return None
    if not (node.is_parent_active and node.is_attached):
        return None
    if message._sender is not None and message._sender == parent:
        return parent  # Textual stops it *and* passes it on, so it ends at the parent (its sender)
    if message._stop_propagation:
        return None
    return parent


# --- the message a pump handles next (textual.message_pump.MessagePump._peek_message) -------------------------


def next_message(pump: MessagePump) -> Message | None:
    """The message ``pump`` will handle after the one it is handling now, or None when none is queued yet.

    Textual 8.2.8's message loop already peeks at the next message before it dispatches one (to let it replace
    the current one: ``Message.can_replace``), holding it as ``_pending_message`` until its turn; this reads the
    same, and takes nothing off the queue. A screen uses it to follow a burst of changes published together (one
    group commit round: several phones' notes) once, at the last of them. Pinned by ``tests/test_internals.py``."""
    try:
        return pump._peek_message()
    except MessagePumpClosed:  # a closed pump handles nothing more
        return None


def inside_handler() -> bool:
    """Whether the code running now runs inside a Textual message pump's handler (a key, a timer, a message, a
    test's own code under ``run_test``), rather than in a bare callback of the event loop.

    Textual 8.2.8 sets the context variable ``textual._context.active_message_pump`` in every pump's task
    (``MessagePump._context``; and ``App._context`` around ``run_test``'s body); a callback put on the loop from
    another thread runs in a context copied in that thread, where it is not set: a group commit round's end (``workshop.session.group``), which
    publishes the phones' changes. The stage screen uses it to tell a change made by the facilitator's own keys
    (followed at once) from one made elsewhere (followed at most every ``FOLLOW_PERIOD``). Pinned by
    ``tests/test_internals.py``."""
    return active_message_pump.get(None) is not None


# --- frames drawn on demand (Screen._update_timer, Timer._run) -------------------------------------------------


class FrameTimer(Timer):
    """Textual's ``screen_update`` interval as it is used (resumed when something is to be drawn, paused by the
    frame it draws), without its wake-up after each frame.

    ``Timer._run`` (8.2.8) sleeps until the next slot of its fixed grid and only then waits for a paused timer to
    be resumed: a screen drawn once a second (a running countdown) woke its event loop a second time 16 ms after
    each frame, only to find the timer paused and go back to sleep. On a virtual machine a wake-up from idle costs
    milliseconds of CPU (``benchmarks/follow_bench.py`` measures it), so that was half the projector's idle cost.
    Here the timer waits to be resumed first and then sleeps only what is left of ``interval`` since its last frame
    (none after a pause of an interval or more): frames are as often and as prompt as Textual's, at most one per
    interval, and a paused timer never wakes the loop. ``reset`` (which Textual never calls on this timer) makes the
    next frame wait a whole interval."""

    async def _run(self) -> None:
        interval = self._interval
        last = -interval
        count = 0
        self._active  # noqa: B018 - made here, in the timer's own thread, as Timer._run does
        while self._repeat is None or count <= self._repeat:
            await self._active.wait()
            if self._reset:
                self._reset = False
                last = textual_time.get_time()
            wait = last + interval - textual_time.get_time()
            if wait > 0:
                await textual_time.sleep(wait)
                await self._active.wait()  # paused meanwhile (a layout drew the frame): wait to be resumed again
            last = textual_time.get_time()
            count += 1
            try:
                await self._tick(next_timer=last, count=count)
            except EventTargetGone:
                break


class FramesOnDemand:
    """Mix into a ``Screen`` (before it): its frames are drawn by a ``FrameTimer``, so the event loop sleeps
    between two changes to draw instead of waking 16 ms after every frame.

    ``Screen._update_timer`` (8.2.8) is a property making, on first use, ``set_interval(UPDATE_PERIOD,
    self._on_timer_update, name="screen_update", pause=True)`` kept in the name-mangled ``_Screen__update_timer``;
    ``_on_idle`` resumes it when there is something to draw and ``_on_timer_update`` pauses it. Here the same
    timer is made as a ``FrameTimer``, added to the screen's timers (stopped when it closes) as ``set_interval``
    does. Pinned by ``tests/test_internals.py``."""

    @property
    def _update_timer(self) -> Timer:
        screen = cast("Screen[Any]", self)
        timer: Timer | None = screen._Screen__update_timer  # type: ignore[attr-defined]
        if timer is None:
            timer = FrameTimer(
                screen, SCREEN_UPDATE_PERIOD, name="screen_update", callback=screen._on_timer_update, pause=True
            )
            timer._start()
            screen._timers.add(timer)
            screen._Screen__update_timer = timer  # type: ignore[attr-defined]
        return timer


def set_timer_direct(node: MessagePump, seconds: float, callback: Callable[[], object], name: str) -> Timer:
    """Call ``callback`` once after ``seconds``, from the timer's own task, as ``node.set_interval`` calls its
    callback; stopped with ``node`` as any of its timers.

    ``node.set_timer`` (8.2.8) wraps its callback in ``node.call_next``: the timer's task posts a message and
    ``node``'s task, woken by it, runs the callback, a hop through another task for nothing when the callback
    only draws. An exception in ``callback`` goes to the app (``App._handle_exception``) as a timer's does."""
    timer = Timer(node, seconds, name=name, callback=callback, repeat=0)
    timer._start()
    node._timers.add(timer)
    return timer



def call_later_direct(node: MessagePump, seconds: float, callback: Callable[[], object]) -> asyncio.TimerHandle:
    """Call ``callback`` once after ``seconds`` of the event loop's clock, straight from the loop (``call_later``),
    unless ``node`` has closed or the app is exiting by then. Cancel the handle to call it off (a screen cancels
    its own when it closes: the handle is not one of ``node``'s timers). An exception in ``callback`` goes to the
    app (``App._handle_exception``) as a timer's does; the callback runs in the context it was set in (the active
    app, as a timer's task).

    ``set_timer_direct`` still makes a Textual ``Timer`` (8.2.8) per call: the timer object, an ``asyncio`` task
    for it, its coroutine, an event it waits on, the sleep's future and handle, and then the callback through
    ``textual._callback.invoke`` (which looks at its signature and awaits its result): work and memory touched at
    every wake-up of a projector that does nothing else once a second (``benchmarks/follow_bench``). Here the
    loop's timer heap holds one handle, as ``asyncio.sleep`` would itself. Textual's timers read
    ``textual._time.get_time``, the monotonic clock the event loop's ``time()`` reads too."""
    app = node.app

    def call() -> None:
        if app._exit or node._closing or node._closed:
            return
        try:
            callback()
        except Exception as error:
            app._handle_exception(error)

    return asyncio.get_running_loop().call_later(seconds, call)


# --- a few cells drawn at once (Widget.refresh, Screen._compositor_refresh, App._display) -------------------------


def repaint_now(widget: Widget, region: Region | None = None) -> bool:
    """Draw ``region`` of ``widget`` (content coordinates, as ``Widget.refresh`` takes them; None: the whole
    widget) on the terminal now, when it can be done alone; otherwise ask for it as ``widget.refresh(region)``
    does. Returns whether it was drawn now. The caller promises that nothing of the widget outside ``region``
    looks different (a countdown's glyph that moved, a one-line bar) and that its size did not change.

    ``Widget.refresh`` (8.2.8) marks the cells dirty and the screen draws them at its next frame: the screen's
    frame timer is resumed, and its frame asks the compositor for every widget under the box that holds all the
    dirty cells (``Compositor.render_partial_update``: a container, the widget, its siblings in that box), each
    through its styles cache, and cuts the rows into chops. On the projector that was most of a running
    countdown's second: about 7,500 Python calls and 2,000-3,500 memory pages touched per second at 200x60, which
    on a virtual machine, after an idle second, cost several times a trivial wake-up (``benchmarks/follow_bench``).

    Here, when nothing else waits to be drawn and nothing covers the cells, the widget renders the rows of
    ``region`` (its styles cache keeps them, as after a frame) and they go to the terminal as Textual's own
    partial update does (a ``ChopsUpdate`` through ``App._display``: the same sequences, in a synchronized
    update). Drawn now only when all of these hold, else refreshed as usual:

    - the widget's screen is the app's top screen, with no screen drawn under it, the app not batching updates
      and not inline;
    - the screen has nothing pending (a layout, a scroll, a repaint, a dirty widget or region), nor has the
      widget (a layout or a repaint asked for), so the compositor's map is the one on the terminal;
    - the widget is placed on the screen and its cells are inside its clip, and no other visible widget but its
      ancestors (drawn under it) overlaps them.

    A change made after this draw (a layout that moves the widget, a theme, a dialog) asks for its own frame,
    which draws the widget from its state as it is then: the terminal ends as a whole frame would draw it
    (``tests/test_projector_direct.py``). Pinned by ``tests/test_internals.py``.
    """
    if not _paint_now(widget, region):
        widget.refresh(*(() if region is None else (region,)))
        return False
    return True


def _paint_now(widget: Widget, region: Region | None) -> bool:
    """``repaint_now``'s drawing: whether it drew (or there was nothing to draw), False to refresh instead."""
    if not widget.is_mounted or widget._layout_required or widget._repaint_required:
        return False
    app = widget.app
    screen = widget.screen
    if screen is not app.screen or app._batch_count or app.is_inline or len(app._screen_stack) != 1:
        return False
    if (
        screen._layout_required
        or screen._scroll_required
        or screen._repaint_required
        or screen._recompose_required
        or screen._dirty_widgets
    ):
        return False
    compositor = screen._compositor
    if compositor._dirty_regions:
        return False
    shown = compositor.visible_widgets
    placed = shown.get(widget)
    if placed is None:
        return False
    where, clip = placed
    cells = Region(0, 0, where.width, where.height)
    if region is not None:
        cells = region.translate(widget.content_offset).intersection(cells)
    if not cells:
        return True
    target = cells.translate(where.offset)
    if clip.intersection(target) != target:
        return False
    below = widget.ancestors_with_self
    for other, (other_where, other_clip) in shown.items():
        if other_where.overlaps(target) and other_clip.overlaps(target) and other not in below:
            return False
    widget._layout_cache.clear()  # as refresh does: it holds the widget's last render() (a Visual)
    widget._dirty_regions.add(cells)
    widget._styles_cache.set_dirty(cells)
    strips = widget.render_lines(cells)
    x, right = target.x, target.right
    chops: dict[int, dict[int, Strip | None]] = {}
    ends: dict[int, list[int]] = {}
    spans: list[tuple[int, int, int]] = []
    for y, strip in enumerate(strips, start=target.y):
        piece = "".join([segment.text for segment in strip._segments])
        if not piece.isascii() and (closers := bidi_closers(piece)):
            strip = _with_closers(strip, closers)
        chops[y], ends[y] = {x: strip}, [right]
        spans.append((y, x, right))
    if spans:
        app._display(screen, ChopsUpdate(chops, spans, ends))  # type: ignore[arg-type]
    return True


__all__ = [
    "BLINK_SECONDS",
    "BlinkForAWhile",
    "ClosedCutsApp",
    "DirectWriteDriver",
    "FrameTimer",
    "FramesOnDemand",
    "LineCache",
    "ListContent",
    "OptionListLines",
    "OverridesClosedAtCuts",
    "PasteKeepingParser",
    "QuietFirstResume",
    "QuietInputSelector",
    "QuietInputWidth",
    "QuietWhenCovered",
    "ScreenCssLoader",
    "SettledResize",
    "TextAreaBlinkForAWhile",
    "WakingEvent",
    "WorkshopLinuxDriver",
    "bubbled_on",
    "cached_visual",
    "call_later_direct",
    "close_overrides_at_cuts",
    "divide_line",
    "drop_closed_watchers",
    "inner_outer",
    "inside_handler",
    "load_screen_css",
    "next_message",
    "option_divider",
    "repaint_now",
    "set_interval_apart",
    "set_option_prompt",
    "set_timer_direct",
]
