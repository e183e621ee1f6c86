"""The note list's counted heights must equal Textual's laid-out heights, or notes would overlap or be cut."""

from __future__ import annotations

from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.content import Content
from textual.css.styles import Styles

from facilitation.models import Note, Participant, Workshop
from screens.widgets.note_list import LaterNotePrompt, NoteOptions, NotePrompt, note_prompt
from screens.widgets.rows import estimated_height

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


def _workshop_with_notes() -> tuple[Workshop, list[Note]]:
    workshop = Workshop(id="w", title="W")
    workshop.participants = {1: Participant(id=1, name="Ana"), 2: Participant(id=2, name="Ben")}
    notes = [
        Note(id=i, stage_id=1, text=f"note {i} " + "word " * (i * 7), author_id=(None, 1, 2, 9)[i % 4], position=i)
        for i in range(1, 41)
    ]
    return workshop, notes


def test_a_later_prompt_guesses_and_draws_its_note_as_made_then() -> None:
    """``LaterNotePrompt`` keeps the note and its author's name, not a built prompt nor the workshop: its guess is
    the one made from the note's header and text, and the prompt it builds on first use is ``note_prompt``'s."""
    workshop, notes = _workshop_with_notes()
    for note in notes:
        later = NoteOptions().prompt(note, workshop)
        author = workshop.participant_name(note.author_id) or "anonymous"
        for width in (1, 7, 40, 119):
            guessed = later.estimate_height(width)
            assert guessed == estimated_height(f"#{note.id} {author}: {note.text}", width)
        assert not later.built
        assert later.prompt.plain == note_prompt(note, workshop).plain
        assert later.built and later.estimate_height(40) == later.prompt.estimate_height(40)


def test_a_stages_options_are_each_notes_option_with_its_authors_name_looked_up_once() -> None:
    workshop, notes = _workshop_with_notes()
    shared = NoteOptions()
    looked_up: list[int | None] = []
    name_of = workshop.participant_name

    def counted(participant_id: int | None) -> str:
        looked_up.append(participant_id)
        return name_of(participant_id)

    workshop.participant_name = counted  # type: ignore[method-assign]
    options = shared.options_of(notes, workshop)
    assert sorted(looked_up, key=str) == sorted({None, 1, 2, 9}, key=str)
    assert [option.id for option in options] == [f"n{note.id}" for note in notes]
    assert options == [shared.option(note, workshop) for note in notes]  # the same objects, kept
    notes[3].text = "changed"
    again = shared.options_of(notes, workshop)
    assert [a is b for a, b in zip(options, again, strict=True)] == [i != 3 for i in range(len(notes))]
    assert cast(LaterNotePrompt, again[3].prompt).prompt.plain.endswith("changed")
