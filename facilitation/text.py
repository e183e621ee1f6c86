"""What text the workshop accepts, and how pasted text is cleaned before it is stored.

The room types and pastes anything: emoji, right-to-left scripts, zero-width joiners and multi-line text are kept
exactly. What is dropped is what no document can hold and no person meant to type: C0 control characters other
than tab and newline (a pasted terminal colour code is removed whole, not left as ``[31m``), DEL, the C1
controls, the non-characters U+FFFE/U+FFFF, and lone surrogates (replaced by U+FFFD so the rest of the text
survives). Carriage returns become newlines. The same cleaning makes text safe for Word (python-docx refuses
exactly these characters), so exports can call it too.
"""

from __future__ import annotations

import re

MAX_NOTE_CHARS = 200_000
"""A note may hold a pasted document (100 KB notes are tested); beyond this it is refused with a message."""
MAX_TITLE_CHARS = 200
"""Titles end up in Word's document properties, which refuse more than 255 characters."""
MAX_NAME_CHARS = 80

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_DROP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_WHITESPACE_RUN = re.compile(r"\s+")


class TextError(ValueError):
    """Text the workshop cannot accept; the message says why and what to do."""


def clean(text: str) -> str:
    """Drop the characters no document can hold; keep everything a person typed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ANSI.sub("", text)
    text = _DROP.sub("", text)
    return _SURROGATE.sub("\ufffd", text)


def clean_line(text: str) -> str:
    """Clean text meant for one line (a title, a name): newlines and tabs become single spaces."""
    return _WHITESPACE_RUN.sub(" ", clean(text)).strip()


def note_text(text: str) -> str:
    """A note as it will be stored: cleaned, outer blank lines trimmed, inner line breaks kept."""
    if not isinstance(text, str):
        raise TextError("A note must be text.")
    cleaned = clean(text).strip()
    if not cleaned:
        raise TextError("A note cannot be empty: type something, then press Enter.")
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


def preview(text: str, width: int = 60) -> str:
    """One line for lists and the event log: the first line of a note, shortened with an ellipsis."""
    first = clean_line(text.split("\n", 1)[0]) if text else ""
    more = "\n" in text.strip()
    if len(first) > width:
        return first[: width - 1].rstrip() + "…"
    return first + (" …" if more else "")


def shown(text: str, limit: int = 2000) -> str:
    """A note in full for a screen that wraps it: line breaks kept, outer blank lines trimmed; beyond ``limit``
    characters (a pasted document) it ends with "… (N more characters)"."""
    body = text.strip("\n")
    if len(body) <= limit:
        return body
    return body[:limit].rstrip() + f"… ({len(body) - limit:,} more characters)"


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 note``, ``3 notes``: counts in sentences the room reads."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
