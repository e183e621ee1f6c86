"""Typed and pasted text through the app's real input path: terminal bytes → decoder → parser → events → the
note field → the stored note. The README's promise is the oracle: text is kept exactly as typed or pasted,
except control characters and pasted terminal colour codes, which are dropped (``facilitation.text.clean``).
"""

from __future__ import annotations

import asyncio
import sys
import unicodedata
from collections.abc import Iterable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.message import Message
from textual.widgets import Input, TextArea

from facilitation.clock import FakeClock
from facilitation.text import clean, note_text
from screens.app import WorkshopApp, make_app
from screens.dialogs import TextEntryScreen
from screens.stage import NoteInput, StageScreen
from screens.text_input import TerminalInputDecoder, is_typed_text, pasted_text, typed_key
from tests.ui_helpers import messages, until
from workshop.session import WorkshopLibrary
from workshop.store import Store

if sys.platform != "win32":
    from screens.internals import PasteKeepingParser

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the terminal parser of Linux and macOS")

PASTE_START, PASTE_END = b"\x1b[200~", b"\x1b[201~"
SIZE = (100, 30)


def parse(chunks: Iterable[bytes]) -> tuple[list[Message], int]:
    """Feed terminal bytes, read in ``chunks``, through the decoder and parser the driver uses (as
    ``LinuxDriver.run_input_thread`` does, less the reading)."""
    undecodable: list[int] = []
    decoder = TerminalInputDecoder(on_undecodable=undecodable.append)
    parser = PasteKeepingParser()
    out: list[Message] = []
    for chunk, final in [*((chunk, False) for chunk in chunks), (b"", True)]:
        text = decoder.decode(chunk, final=final)
        if text:  # as the driver: an empty read means nothing to parse, not the end
            out.extend(parser.feed(text))
    return out, sum(undecodable)


def pasted(out: list[Message]) -> list[str]:
    return [m.text for m in out if isinstance(m, events.Paste)]


def expected_decoding(data: bytes) -> str:
    """Valid UTF-8 as it is; each byte that is not part of it as one U+FFFD."""
    return "".join(
        "\ufffd" if 0xDC80 <= ord(c) <= 0xDCFF else c for c in data.decode("utf-8", "surrogateescape")
    )


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


# --- the decoder and the parser -------------------------------------------------------------------------


def test_latin1_and_stray_bytes_become_replacement_characters() -> None:
    out, count = parse([b"caf\xe9 x", b"\xff"])
    assert "".join(m.character or "" for m in out if isinstance(m, events.Key)) == "caf\ufffd x\ufffd"
    assert count == 2


def test_a_character_split_between_two_reads_is_decoded_whole() -> None:
    out, count = parse([b"\xe2\x82", b"\xac"])
    assert [m.character for m in out if isinstance(m, events.Key)] == ["€"]
    assert count == 0


@pytest.mark.parametrize(
    "chunks",
    [
        [PASTE_START + b"esc\x1b[31mred\x1b[0m" + PASTE_END],
        [PASTE_START[:3], PASTE_START[3:] + b"esc\x1b[31", b"mred\x1b", b"[0m\x1b[20", b"1~"],
        [b"\x1b", b"[200~esc\x1b[31mred\x1b[0m\x1b[201", b"~"],
    ],
)
def test_a_pasted_colour_code_stays_in_the_paste_in_order(chunks: list[bytes]) -> None:
    out, _ = parse(chunks)
    assert pasted(out) == ["esc\x1b[31mred\x1b[0m"]
    assert not [m for m in out if isinstance(m, events.Key)]


def test_the_parser_s_own_stand_in_character_survives_a_paste() -> None:
    """The parser escapes ESC inside a paste with a private-use character; that character pasted itself comes
    through unchanged, next to an ESC and its escape."""
    from screens.internals import _STAND_IN

    text = f"a{_STAND_IN}e\x1b{_STAND_IN}{_STAND_IN}s\x1bz"
    out, _ = parse([PASTE_START + text.encode() + PASTE_END])
    assert pasted(out) == [text]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80), st.lists(st.integers(min_value=0), max_size=6))
def test_any_pasted_bytes_arrive_whole_in_one_paste(content: bytes, cuts: list[int]) -> None:
    """Whatever bytes are pasted (all but the end marker itself), read in any chunks, make one paste holding
    exactly their decoding, and nothing raises."""
    while PASTE_END in content:
        content = content.replace(PASTE_END, b"")
    out, count = parse(split(PASTE_START + content + PASTE_END + b"z", cuts))
    assert pasted(out) == [expected_decoding(content).replace("\x00", "")]
    assert [m.character for m in out if isinstance(m, events.Key)] == ["z"]
    escaped = content.decode("utf-8", "surrogateescape")
    assert count == sum(1 for c in escaped if 0xDC80 <= ord(c) <= 0xDCFF)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=60), st.lists(st.integers(min_value=0), max_size=6))
def test_any_bytes_typed_never_raise(data: bytes, cuts: list[int]) -> None:
    parse(split(data, cuts))


# --- keys -------------------------------------------------------------------------------------------------

TYPED_EXAMPLES = {
    "ideographic space (Zs)": "\u3000",
    "no-break space (Zs)": "\u00a0",
    "zero-width joiner (Cf)": "\u200d",
    "byte-order mark (Cf)": "\ufeff",
    "right-to-left override (Cf)": "\u202e",
    "soft hyphen (Cf)": "\u00ad",
    "private use (Co)": "\ue000",
    "emoji newer than Python's tables (Cn)": "\U0001fae8",
    "line separator (Zl)": "\u2028",
    "Hebrew letter (Lo)": "א",
    "combining acute (Mn)": "\u0301",
    "emoji (So)": "🙂",
}


@given(st.characters(exclude_categories=("Cc", "Cs")))
def test_every_character_but_controls_is_typed_as_text(character: str) -> None:
    for event in PasteKeepingParser().feed(character):
        assert isinstance(event, events.Key)
        assert typed_key(event).is_printable, (unicodedata.category(character), event)


@given(st.characters(categories=("Cc",)))
def test_control_characters_stay_keys(character: str) -> None:
    assert not is_typed_text(character)
    for event in PasteKeepingParser().feed(character):
        if isinstance(event, events.Key):
            assert typed_key(event) is event


# --- paste cleaning ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "one_line", "expected"),
    [
        ("vt\vff\f", True, "vtff"),
        ("esc\x1b[31mred\x1b[0m", True, "escred"),
        ("one\ntwo\r\nthree\n", True, "one two three"),
        ("  lead and trail  ", True, "  lead and trail  "),
        ("a\u2028b", True, "a b"),
        ("one\ntwo", False, "one\ntwo"),
        ("a\u2028b\u2029c", False, "a\nb\nc"),
    ],
)
def test_pasted_text(text: str, one_line: bool, expected: str) -> None:
    assert pasted_text(text, one_line=one_line) == expected


@given(st.text(), st.booleans())
def test_pasted_text_keeps_everything_but_controls(text: str, one_line: bool) -> None:
    out = pasted_text(text, one_line=one_line)
    assert clean(out) == out
    if not one_line:
        assert out == clean(as_pasted(text))
    else:
        assert len(out.splitlines()) <= 1
        assert out.split() == clean(text).split()


def as_pasted(text: str) -> str:
    """Line and paragraph separators count as line breaks in a paste, like CR (``screens.text_input``)."""
    return text.replace("\u2028", "\n").replace("\u2029", "\n")


# --- through the running app -----------------------------------------------------------------------------


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def app(library: WorkshopLibrary) -> Iterator[WorkshopApp]:
    session = library.create("Input test", participants=["Ana", "Ben"])
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id)
    yield app
    app.close_session()


def stored_notes(app: WorkshopApp) -> list[str]:
    assert app.session is not None
    return [n.text for n in app.session.workshop.notes.values()]


async def send_bytes(app: WorkshopApp, data: bytes) -> None:
    """Terminal bytes into the running app as the driver would post them."""
    out, count = parse([data])
    for message in out:
        app.post_message(message)
    if count:
        from screens.text_input import UndecodableInput

        app.post_message(UndecodableInput(count))


async def focus_field(app: WorkshopApp) -> NoteInput:
    screen = app.screen
    assert isinstance(screen, StageScreen)
    field = screen.query_one(NoteInput)
    field.focus()
    return field


@pytest.mark.parametrize(
    ("data", "stored"),
    [
        (PASTE_START + b"caf\xe9 x" + PASTE_END, "caf\ufffd x"),
        (PASTE_START + b"\xff" + PASTE_END, "\ufffd"),
        (b"caf\xe9 x", "caf\ufffd x"),
        (PASTE_START + b"esc\x1b[31mred\x1b[0m" + PASTE_END, "escred"),
        (PASTE_START + b"vt\x0bff\x0c" + PASTE_END, "vtff"),
        # a right-to-left override is kept, closed at its end (``facilitation.text.close_bidi``)
        (
            PASTE_START + "あ\u3000い\u200d\ufeff\u202e".encode() + PASTE_END,
            "あ\u3000い\u200d\ufeff\u202e\u202c",
        ),
        ("あ\u3000い\u200d🙂\ufeff\u202e".encode(), "あ\u3000い\u200d🙂\ufeff\u202e\u202c"),
    ],
)
async def test_terminal_bytes_reach_the_stored_note(app: WorkshopApp, data: bytes, stored: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await focus_field(app)
        await send_bytes(app, data)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert stored_notes(app) == [stored]
        if b"\xe9" in data or b"\xff" in data:
            assert any("not UTF-8" in m for m in messages(app))


@pytest.mark.parametrize("name", TYPED_EXAMPLES)
async def test_each_kind_of_character_typed_reaches_the_note(app: WorkshopApp, name: str) -> None:
    character = TYPED_EXAMPLES[name]
    async with app.run_test(size=SIZE) as pilot:
        await focus_field(app)
        await send_bytes(app, f"a{character}b".encode())
        await pilot.press("enter")
        await pilot.pause()
        assert stored_notes(app) == [note_text(f"a{character}b")]


async def test_typed_characters_reach_the_long_note_editor_and_dialog_fields(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await focus_field(app)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, TextEntryScreen)
        await send_bytes(app, "x\u3000\u200dy".encode())
        await send_bytes(app, PASTE_START + b"\x1b[1mbold\x1b[0m\x0b" + PASTE_END)
        await pilot.pause()
        assert app.screen.query_one(TextArea).text == "x\u3000\u200dybold"
        app.screen.dismiss(None)
        await pilot.pause()
        field = Input()
        await app.screen.mount(field)
        field.focus()
        await send_bytes(app, PASTE_START + b"two\nlines\x1b[0m" + PASTE_END)
        await pilot.pause()
        assert field.value == "two lines"


TRICKY_PASTES = ["a\u2028b", "x\n\u2029y", "a\tb\nc", "\x85a\rb", "a\r\n\r\nb", "\x1b[1m\x1b[0m", " \n\t\x0b"]


def test_any_pasted_text_is_stored_as_the_readme_says(library: WorkshopLibrary) -> None:
    """Hypothesis over text pasted into the note field and Enter: stored exactly as ``note_text`` keeps it, or
    refused with a notice and nothing stored. Several lines go through the long-note editor."""

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.text(max_size=40) | st.sampled_from(TRICKY_PASTES))
    def check(text: str) -> None:
        session = library.create("Paste property")
        workshop_id = session.workshop.id
        session.close()
        app = make_app(library, workshop_id)

        async def run() -> None:
            async with app.run_test(size=SIZE) as pilot:
                await focus_field(app)
                app.post_message(events.Paste(text))
                await pilot.pause()
                if isinstance(app.screen, TextEntryScreen):  # several lines: the long-note editor
                    await pilot.press("ctrl+s")
                else:
                    await pilot.press("enter")
                await pilot.pause()
                try:
                    expected = note_text(as_pasted(text))
                except ValueError:
                    assert stored_notes(app) == []
                    assert messages(app)
                else:
                    assert stored_notes(app) == [expected]

        try:
            asyncio.run(run())
        finally:
            app.close_session()

    check()


def test_any_typed_characters_are_stored_as_the_readme_says(library: WorkshopLibrary) -> None:
    """Hypothesis over characters of every Unicode category but the controls, typed (as terminal bytes through
    the parser) into the note field, then Enter: the field holds exactly what was typed, and the note is stored
    as ``note_text`` keeps it, or refused with a notice."""

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12))
    def check(text: str) -> None:
        session = library.create("Typing property")
        workshop_id = session.workshop.id
        session.close()
        app = make_app(library, workshop_id)

        async def run() -> None:
            async with app.run_test(size=SIZE) as pilot:
                field = await focus_field(app)
                await send_bytes(app, text.encode())
                # each key goes app -> screen -> field: on a busy machine one pause may not see them all in
                await until(pilot, lambda: field.value == text, f"the field holding {text!r}")
                await pilot.press("enter")
                try:
                    expected = note_text(text)
                except ValueError:
                    await until(pilot, lambda: bool(messages(app)), "the refusal's notice")
                    assert stored_notes(app) == []
                else:
                    await until(
                        pilot, lambda: stored_notes(app) == [expected], f"the note {expected!r} stored"
                    )

        try:
            asyncio.run(run())
        finally:
            app.close_session()

    check()
