"""The note list's counted heights must equal Textual's laid-out heights, or notes would overlap or be cut."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.content import Content
from textual.css.styles import Styles

from screens.widgets.note_list import NotePrompt

LETTERS = [*"abcdefghij klmnop   qrst-uvwxyz.,;:!?"]
ALPHABET = st.sampled_from([*LETTERS, "\n", "\t", "🤝", "🚀", "日本", "שלום", "مرحبا", "é", "\u200b", "—"])


def styles(overflow: str | None = None, wrap: str | None = None) -> Styles:
    rules = Styles()
    if overflow is not None:
        rules.text_overflow = overflow  # type: ignore[assignment]
    if wrap is not None:
        rules.text_wrap = wrap  # type: ignore[assignment]
    return rules


@settings(max_examples=400, deadline=None)
@given(
    text=st.lists(ALPHABET, max_size=300).map("".join),
    width=st.integers(min_value=1, max_value=120),
    overflow=st.sampled_from([None, "fold", "ellipsis", "clip"]),
    wrap=st.sampled_from([None, "wrap", "nowrap"]),
)
def test_counted_height_equals_textual_height(
    text: str, width: int, overflow: str | None, wrap: str | None
) -> None:
    rules = styles(overflow, wrap)
    prompt = NotePrompt.assemble(("#12 ", "bold"), ("Ana", "bold italic"), ": ", text)
    reference = Content.assemble(("#12 ", "bold"), ("Ana", "bold italic"), ": ", text)
    assert prompt.get_height(rules, width) == reference.get_height(rules, width)


def test_a_long_note_wraps_into_more_lines_on_a_narrow_list() -> None:
    prompt = NotePrompt.assemble("#1 Ana: ", "word " * 40)
    assert prompt.get_height(Styles(), 220) == 1
    assert prompt.get_height(Styles(), 40) == 6  # 208 characters: five full lines of eight words, and "word "
    assert NotePrompt("one\ntwo\n\nfour").get_height(Styles(), 80) == 4
