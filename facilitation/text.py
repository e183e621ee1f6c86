"""What text the workshop accepts, and how pasted text is cleaned before it is stored.

The room types and pastes anything: emoji, right-to-left scripts, zero-width joiners and multi-line text are kept
exactly. What is dropped is what no document can hold and no person meant to type: C0 control characters other
than tab and newline (a pasted terminal colour code is removed whole, not left as ``[31m``), DEL, the C1
controls, the non-characters U+FFFE/U+FFFF, and lone surrogates (replaced by U+FFFD so the rest of the text
survives). Carriage returns become newlines. Right-to-left controls are kept, but one left open (a pasted or typed
U+202E "right-to-left override" without its U+202C) is closed at the end of its line, so it turns only its own
text around, never what a screen, page header or list row prints after it (the organisation, a status, the next
column): the Unicode Bidirectional Algorithm (UAX #9, section 3.3.2) carries an open embedding, override or
isolate to the end of the paragraph it sits in, which is the whole line it is printed on. The same cleaning makes
text safe for Word (python-docx refuses exactly these characters), so exports can call it too.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NOTE_CHARS = 200_000
"""A note may hold a pasted document (100 KB notes are tested); beyond this it is refused with a message."""
MAX_TITLE_CHARS = 200
"""Titles end up in Word's document properties, which refuse more than 255 characters."""
MAX_NAME_CHARS = 80

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_DROP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_WHITESPACE_RUN = re.compile(r"\s+")
_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")  # LRE, RLE, LRO, RLO: closed by PDF (U+202C)
_ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI: closed by PDI (U+2069)
_POP_EMBEDDING, _POP_ISOLATE = "\u202c", "\u2069"
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_LINE_ENDS = re.compile("([\n\u2028\u2029])")


class TextError(ValueError):
    """Text the workshop cannot accept; the message says why and what to do."""


def clean(text: str) -> str:
    """Drop the characters no document can hold; keep everything a person typed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ANSI.sub("", text)
    text = _DROP.sub("", text)
    return close_bidi(_SURROGATE.sub("\ufffd", text))


def close_bidi(text: str) -> str:
    """``text`` with every right-to-left embedding, override or isolate left open on a line closed at the end of
    that line (before its trailing blanks), innermost first, as UAX #9 pairs them: PDF closes the innermost
    embedding or override unless an isolate was opened after it; PDI closes the innermost isolate and whatever was
    opened inside it. Lines end at newline, U+2028 and U+2029, so a note's line shown alone (a preview, a Markdown
    line) or joined to the next (a title) is closed too. Text with nothing left open is returned unchanged, so
    cleaning twice changes nothing."""
    if text.isascii() or not _BIDI_CONTROLS.search(text):  # isascii: a fifth of the search's cost
        return text
    return "".join(_close_line(part) for part in _LINE_ENDS.split(text))


def _close_line(line: str) -> str:
    closers = _closers(line)
    if not closers:
        return line
    body = line.rstrip()
    return body + closers + line[len(body) :]


def bidi_closers(line: str) -> str:
    """The characters that close what ``line`` (one line: no line breaks) leaves open at its end, innermost first
    (PDF U+202C per embedding or override, PDI U+2069 per isolate, paired as ``close_bidi`` pairs them); "" when
    nothing is left open. For text cut out of a longer line (a terminal row's piece beside a dialog), where the
    closers go at the cut, not before trailing blanks."""
    if line.isascii() or not _BIDI_CONTROLS.search(line):
        return ""
    return _closers(line)


def _closers(line: str) -> str:
    opened: list[str] = []
    for character in line:
        if character in _EMBEDDINGS:
            opened.append(_POP_EMBEDDING)
        elif character in _ISOLATES:
            opened.append(_POP_ISOLATE)
        elif character == _POP_EMBEDDING:
            if opened and opened[-1] == _POP_EMBEDDING:
                opened.pop()
        elif character == _POP_ISOLATE and _POP_ISOLATE in opened:
            while opened.pop() != _POP_ISOLATE:
                pass
    return "".join(reversed(opened))


def clean_line(text: str) -> str:
    """Clean text meant for one line (a title, a name): newlines and tabs become single spaces."""
    return _WHITESPACE_RUN.sub(" ", clean(text)).strip()


def note_text(text: str) -> str:
    """A note as it will be stored: cleaned, outer blank lines trimmed, inner line breaks kept."""
    if not isinstance(text, str):
        raise TextError("A note must be text.")
    cleaned = clean(text).strip()
    if not cleaned:
        raise TextError("A note cannot be empty: type something first.")  # said on phones too: no "Enter"
    if len(cleaned) > MAX_NOTE_CHARS:
        raise TextError(
            f"That note is {len(cleaned):,} characters long; a note holds at most {MAX_NOTE_CHARS:,}. "
            "Split it into several notes."
        )
    return cleaned


def single_line(text: str, what: str, *, limit: int, required: bool = True) -> str:
    """A title or name: one line, trimmed, within ``limit`` characters; ``what`` names it in messages."""
    if not isinstance(text, str):
        raise TextError(f"The {what} must be text.")
    cleaned = clean_line(text)
    if required and not cleaned:
        raise TextError(f"The {what} cannot be empty.")
    if len(cleaned) > limit:
        raise TextError(f"The {what} is {len(cleaned)} characters long; keep it under {limit}.")
    return cleaned


def _joins_previous(character: str) -> bool:
    """True for a character drawn as part of the one before it: a combining mark, a zero-width joiner, a
    variation selector, an emoji skin tone or a tag (subdivision flags)."""
    code = ord(character)
    return (
        unicodedata.category(character).startswith("M")
        or code == 0x200D
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
    )


def _regional_indicator(character: str) -> bool:
    return "\U0001f1e6" <= character <= "\U0001f1ff"


def cluster_start(text: str, at: int) -> int:
    """``at``, or the nearest index before it where a character cluster starts, so ``text[:result]`` never
    splits one: an accent from its letter, an emoji from its skin tone or selector, the parts of a ZWJ sequence
    ("👩‍🚀"), the two letters of a flag. A cut inside one draws a different glyph of a different width (Unicode
    UAX #29's grapheme clusters, the cases lists and names meet; not every rule of it)."""
    at = max(0, min(at, len(text)))
    while 0 < at < len(text) and (_joins_previous(text[at]) or text[at - 1] == "\u200d"):
        at -= 1
    if 0 < at < len(text) and _regional_indicator(text[at]):
        run = 0
        while at - run > 0 and _regional_indicator(text[at - run - 1]):
            run += 1
        at -= run % 2  # an odd run before: the last one pairs with text[at]
    return at


def preview(text: str, width: int = 60) -> str:
    """One line for lists and the event log: the first line of a note, shortened with an ellipsis."""
    first = clean_line(text.split("\n", 1)[0]) if text else ""
    more = "\n" in text.strip()
    if len(first) > width:
        return close_bidi(first[: cluster_start(first, width - 1)].rstrip()) + "…"
    return first + (" …" if more else "")


def shown(text: str, limit: int = 2000) -> str:
    """A note in full for a screen that wraps it: line breaks kept, outer blank lines trimmed; beyond ``limit``
    characters (a pasted document) it ends with "… (N more characters)"."""
    body = text.strip("\n")
    if len(body) <= limit:
        return close_bidi(body)  # text stored before overrides were closed on the way in (749a30b)
    cut = cluster_start(body, limit)
    return close_bidi(body[:cut].rstrip()) + f"… ({len(body) - cut:,} more characters)"


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 note``, ``3 notes``: counts in sentences the room reads."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
