"""Every use of a private Textual or Rich API in the app, in one module.

Textual's private modules and functions change between releases without notice. Anything in ``screens/`` that
relies on one goes here, with a test in ``tests/test_internals.py`` that fails if an upgrade changes what it relies
on (rather than the app quietly losing the fix).

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

``WorkshopLinuxDriver`` runs Textual's own ``run_input_thread`` with two names it looks up swapped: the decoder
factory (``getincrementaldecoder``, so bytes that are not UTF-8 become U+FFFD and the app is told) and the parser
class (``XTermParser``, so escape sequences inside a paste stay in the paste, in order). Nothing else of the
method is copied, so upstream fixes to it still apply. What then happens to pasted text (colour codes and control
characters dropped) is decided in ``screens.text_input``, for every driver including the test one.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, Final

from textual import events
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.app import App
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message
from textual.screen import Screen

from screens.text_input import TerminalInputDecoder, UndecodableInput

RELIED_ON_GLOBALS: Final = ("getincrementaldecoder", "XTermParser")
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


class WorkshopLinuxDriver(LinuxDriver):
    """Textual's Linux driver with a forgiving decoder and a paste-keeping parser (see the module docstring).

    Bytes that are not UTF-8 become U+FFFD (one per byte) and the app receives ``UndecodableInput`` with how
    many there were, so it can say why.
    """

    def run_input_thread(self) -> None:
        decoder = partial(TerminalInputDecoder, on_undecodable=self._report_undecodable)
        run = _input_thread_with(
            {"getincrementaldecoder": lambda _encoding: decoder, "XTermParser": PasteKeepingParser}
        )
        run(self)

    def _report_undecodable(self, count: int) -> None:
        """Runs in the input thread: ``process_message`` hands the message to the app's queue thread-safely."""
        self.process_message(UndecodableInput(count))


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
