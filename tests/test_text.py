"""Text cleaning: what is kept exactly and what is dropped (and that the drop is deliberate)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitation import text


@pytest.mark.parametrize(
    "value",
    [
        "Customers answer each other 🤝🏽 first",
        "نريد أن يشعر كل موظف بأن صوته مسموع",
        "שלום עולם mixed with English",
        "family: 👨‍👩‍👧 (zero-width joiners kept)",
        "line one\nline two\n\tindented",
        "x" * 100_000,
    ],
)
def test_kept_exactly(value: str) -> None:
    assert text.note_text(value) == value


def test_control_characters_are_dropped() -> None:
    assert text.clean("a\x00b\x07c\x1bd\x7fe\x85f\ufffeg") == "abcdefg"


def test_terminal_colour_codes_are_removed_whole() -> None:
    assert text.clean("\x1b[31mred\x1b[0m and \x1b]0;title\x07plain") == "red and plain"


def test_carriage_returns_become_newlines() -> None:
    assert text.clean("a\r\nb\rc") == "a\nb\nc"


def test_lone_surrogates_become_replacement_characters() -> None:
    assert text.clean("ok\ud800ok") == "ok\ufffdok"


@pytest.mark.parametrize("value", ["", "   ", "\n\t\n", "\x00\x01"])
def test_empty_notes_refused(value: str) -> None:
    with pytest.raises(text.TextError, match="cannot be empty"):
        text.note_text(value)


def test_huge_note_refused_with_size() -> None:
    with pytest.raises(text.TextError, match="at most 200,000"):
        text.note_text("x" * (text.MAX_NOTE_CHARS + 1))


def test_single_line_collapses_whitespace_and_limits() -> None:
    assert text.single_line("  Team\n offsite\t2026 ", "title", limit=50) == "Team offsite 2026"
    with pytest.raises(text.TextError, match="keep it under 5"):
        text.single_line("toolong", "title", limit=5)
    assert text.single_line("  ", "organisation", limit=5, required=False) == ""


def test_preview_shortens_and_flags_more_lines() -> None:
    assert text.preview("first line\nsecond") == "first line …"
    assert text.preview("x" * 100, 10) == "xxxxxxxxx…"


@given(st.text())
def test_clean_output_is_docx_safe_and_idempotent(value: str) -> None:
    cleaned = text.clean(value)
    assert text.clean(cleaned) == cleaned
    assert not any(ord(c) < 32 and c not in "\t\n" for c in cleaned)
    cleaned.encode("utf-8")
