"""Text cleaning: what is kept exactly and what is dropped (and that the drop is deliberate)."""

from __future__ import annotations

import re

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


# --- right-to-left controls left open ---------------------------------------------------------------------------

RLO, PDF, RLI, PDI, LRE = "\u202e", "\u202c", "\u2067", "\u2069", "\u202a"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"Kick-off {RLO}mirrored", f"Kick-off {RLO}mirrored{PDF}"),
        (f"{RLI}isolated", f"{RLI}isolated{PDI}"),
        (f"a{LRE}b{RLI}c", f"a{LRE}b{RLI}c{PDI}{PDF}"),
        (f"a{RLI}b{RLO}c{PDI}d", f"a{RLI}b{RLO}c{PDI}d"),  # PDI closes the override opened inside it
        (f"a{RLO}b{RLI}c{PDF}d", f"a{RLO}b{RLI}c{PDF}d{PDI}{PDF}"),  # PDF cannot close across an open isolate
        (f"ends open {RLO}  \n", f"ends open {RLO}{PDF}  \n"),  # closed before the trailing blanks
        (f"stray closers {PDF}{PDI} stay", f"stray closers {PDF}{PDI} stay"),
        (f"balanced {RLO}x{PDF} {RLI}y{PDI}", f"balanced {RLO}x{PDF} {RLI}y{PDI}"),
    ],
)
def test_open_bidi_controls_are_closed_at_the_end(value: str, expected: str) -> None:
    assert text.clean(value) == expected


def test_a_note_title_or_name_never_turns_round_what_is_printed_after_it() -> None:
    assert text.note_text(f"Ana: {RLO}hello \n") == f"Ana: {RLO}hello{PDF}"
    assert text.single_line(f"Kick-off {RLO}", "title", limit=200) == f"Kick-off {RLO}{PDF}"
    assert text.clean_line(f"one {RLI}two\nthree") == f"one {RLI}two{PDI} three"
    assert text.clean(f"{RLO}one\ntwo\u2028{RLI}three") == f"{RLO}one{PDF}\ntwo\u2028{RLI}three{PDI}"
    assert text.preview(f"{RLO}first line\nsecond") == f"{RLO}first line{PDF} …"


@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", RLO, PDF, RLI, PDI, LRE, "\u2066", "\u2068"])))
def test_clean_leaves_no_bidi_control_open_and_only_adds_closers(value: str) -> None:
    cleaned = text.clean(value)
    for line in re.split("[\n\u2028\u2029]", cleaned):
        assert_closed(line)
    assert text.clean(cleaned) == cleaned
    assert cleaned.replace(PDF, "").replace(PDI, "") == value.replace(PDF, "").replace(PDI, "")


def assert_closed(line: str) -> None:
    depth: list[str] = []
    for character in line:  # UAX #9, 3.3.2: PDF pops an embedding unless an isolate is open inside it
        if character in (RLO, LRE, "\u202b", "\u202d"):
            depth.append("embedding")
        elif character in (RLI, "\u2066", "\u2068"):
            depth.append("isolate")
        elif character == PDF and depth and depth[-1] == "embedding":
            depth.pop()
        elif character == PDI and "isolate" in depth:
            while depth.pop() != "isolate":
                pass
    assert depth == [], repr(line)


_CLUSTERS = ["a", "e\u0301", "👩\u200d🚀", "🇳🇬", "👋🏽", "❤\ufe0f", "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "日", "\u202e", "\u2067"]  # fmt: skip
"""Whole clusters: a letter, a letter and its accent, a ZWJ sequence, a flag, a skin tone, an emoji with its
selector, a tag flag, a wide letter, and two right-to-left controls that must stay closed."""


@given(st.lists(st.sampled_from(_CLUSTERS), max_size=40), st.integers(2, 30))
def test_a_shortened_preview_never_splits_a_cluster_nor_leaves_an_override_open(
    clusters: list[str], width: int
) -> None:
    """Cut inside "👩‍🚀" a list showed 👩 and 🚀 side by side (another width); cut before the closing U+202C an
    override turned round the rest of the row."""
    line = "".join(clusters)
    prefixes = {"".join(clusters[:i]).rstrip() for i in range(len(clusters) + 1)}
    for shown in (text.preview(line, width), text.shown(line, width).split("… (", 1)[0]):
        body = shown.removesuffix("…").removesuffix(" …")
        assert text.close_bidi(body) == body, repr(shown)
        closers = len(body) - len(body.rstrip("\u202c\u2069"))
        assert body[: len(body) - closers].rstrip() in prefixes, repr(shown)
