"""The private Textual APIs the app relies on (``screens/internals.py``), checked against the installed Textual.

If one of these fails after a Textual upgrade, the thing ``screens/internals.py`` works around has changed: read
its docstring, check whether Textual now does it right, and adapt or delete the override.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import AsyncIterator

import pytest
from textual import events
from textual.app import App
from textual.message import Message

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the Linux driver only")

from facilitation.clock import FakeClock  # noqa: E402
from screens.internals import (  # noqa: E402  (after the platform check)
    RELIED_ON_GLOBALS,
    PasteKeepingParser,
    WorkshopLinuxDriver,
)
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


class _Recorder(WorkshopLinuxDriver):
    """The real driver's input thread on a pipe, recording what it would send to the app."""

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
    received = _wait_for(recorder, 9)
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
