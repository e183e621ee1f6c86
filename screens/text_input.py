"""What the app does with text from the keyboard and from pastes before a text field sees it.

The README promises that text is kept exactly as typed or pasted, except control characters and pasted terminal
colour codes, which are dropped (``facilitation.text.clean``). Textual 8.2.8 falls short of that in three ways,
each handled here for every driver (the real terminal and the test one):

- A key is "printable" for Textual's ``Input`` and ``TextArea`` only if ``str.isprintable()`` says so, which is
  false for every separator and format character: a typed ideographic space (U+3000), no-break space, zero-width
  joiner, byte-order mark (U+FEFF), right-to-left override (U+202E), private-use character, or an emoji newer than
  Python's Unicode tables never reached the field, though pasted they did. ``typed_key`` marks such a key as
  printable; control characters (category Cc) stay keys, not text.
- ``Input`` keeps only the first line of a paste, split by ``str.splitlines``, which also splits at a vertical tab,
  a form feed and U+001C-U+001E: text after such a character was lost. ``pasted_text`` drops the control
  characters first, and a one-line field gets the lines joined by spaces.
- Bytes that are not UTF-8 ended the app; ``TerminalInputDecoder`` (used by the driver in ``screens.internals``)
  turns each into U+FFFD and reports them.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from typing import Final

from textual import events
from textual.message import Message

from facilitation.text import clean

REPLACEMENT: Final = "\ufffd"
_SEPARATORS_AS_NEWLINES: Final = str.maketrans({"\u2028": "\n", "\u2029": "\n"})
"""Pasted line and paragraph separators are line breaks (as Textual's ``TextArea`` reads them anyway)."""
_ESCAPED_BYTE: Final = re.compile("[\udc80-\udcff]")
"""What the ``surrogateescape`` error handler turns each undecodable byte into (and nothing else decodes to)."""


class UndecodableInput(Message):
    """The terminal sent ``count`` bytes that are not UTF-8; they were typed as U+FFFD."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


class TerminalInputDecoder:
    """An incremental UTF-8 decoder for terminal input that never raises.

    Each byte that is not part of valid UTF-8 becomes one U+FFFD, and ``on_undecodable(count)`` is called with
    how many there were in the chunk. A multi-byte character split between two reads is decoded whole, as by
    Python's own incremental decoder (a byte that could still start a character waits for the next read).
    """

    def __init__(self, on_undecodable: Callable[[int], None] | None = None) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        self._on_undecodable = on_undecodable

    def decode(self, data: bytes, final: bool = False) -> str:
        """``data`` (bytes read from the terminal) as text; ``final`` flushes a pending partial character."""
        text, count = _ESCAPED_BYTE.subn(REPLACEMENT, self._decoder.decode(data, final))
        if count and self._on_undecodable is not None:
            self._on_undecodable(count)
        return text


def is_typed_text(character: str | None) -> bool:
    """True if a key with this character should type it into a text field.

    Every single character except the control characters (category Cc: they are keys such as ctrl+k, and text
    never keeps them) and lone surrogates. This is wider than Textual's ``str.isprintable`` test, which leaves out
    spaces other than U+0020, format characters (ZWJ, U+FEFF, bidi controls), private-use characters and any
    character newer than Python's Unicode tables.
    """
    if character is None or len(character) != 1:
        return False
    return unicodedata.category(character) not in ("Cc", "Cs")


class TypedKey(events.Key):
    """A key whose character is text, whatever ``str.isprintable`` says (see ``is_typed_text``)."""

    @property
    def is_printable(self) -> bool:
        return True


TypedKey.handler_name = events.Key.handler_name
"""Handled as any key (``on_key``): Textual names a message's handler after its class."""


def typed_key(event: events.Key) -> events.Key:
    """``event``, or a ``TypedKey`` copy of it when Textual would wrongly drop its character from a text field."""
    if event.is_printable or not is_typed_text(event.character):
        return event
    return TypedKey(event.key, event.character)


def pasted_text(text: str, *, one_line: bool) -> str:
    """Pasted ``text`` as a field should receive it: terminal colour codes and control characters dropped
    (``facilitation.text.clean``: tab and line breaks stay; CR, U+2028 and U+2029 become line breaks); for a
    one-line field
    (``one_line``), its non-blank lines joined by single spaces, so no line is silently cut off."""
    cleaned = clean(text.translate(_SEPARATORS_AS_NEWLINES))
    if not one_line:
        return cleaned
    lines = cleaned.splitlines()
    if len(lines) <= 1:
        return lines[0] if lines else ""
    return " ".join(line.strip() for line in lines if line.strip())
