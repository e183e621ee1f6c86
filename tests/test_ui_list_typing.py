"""A facilitator who starts typing a note on the notes list (the stage screen opens there) without pressing ``i``.

The demo opens with the notes list focused. "We should …" typed there moved nothing, and "we …" picked the next
author (``w``) and opened the edit dialog of the highlighted note (``e``) with the rest of the text typed into it.
A character that is not a command (a capital letter but ``A``, a digit, an accented capital, a quote) now starts
a new note with it; lowercase letters and bound keys stay commands; a read-only window adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input, OptionList

from screens.app import WorkshopApp, make_app
from screens.stage import NoteInput, StageScreen
from tests.ui_helpers import messages, session_of, until
from workshop.demo import build_demo
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZE = (80, 24)


@pytest.fixture
def library(store: Store) -> WorkshopLibrary:
    return WorkshopLibrary(store)


@pytest.fixture
def demo_id(store: Store) -> str:
    with build_demo(store) as session:
        workshop_id: str = session.workshop.id
    return workshop_id


@pytest.fixture
def app(library: WorkshopLibrary, demo_id: str) -> Iterator[WorkshopApp]:
    app = make_app(library, demo_id)
    yield app
    app.close_session()


def key(character: str) -> events.Key:
    """The key event a terminal sends for ``character``."""
    return events.Key(_character_to_key(character), character)


async def type_text(app: WorkshopApp, pilot: object, text: str) -> None:
    """Type ``text`` key by key, each handled before the next, as a facilitator types."""
    for character in text:
        app.post_message(key(character))
        await pilot.pause()  # type: ignore[attr-defined]


def note_state(app: WorkshopApp) -> list[tuple[int, str, int | None, str | None, bool]]:
    return [(n.id, n.text, n.author_id, n.mark, n.deleted) for n in session_of(app).workshop.notes.values()]


@pytest.mark.parametrize(
    "text", ["We should share fixes", "Über-team: one backlog", "3 quick wins", "“Ask first”"]
)
async def test_a_note_typed_on_the_notes_list_becomes_a_note(app: WorkshopApp, text: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        screen = app.screen
        assert isinstance(screen, StageScreen)
        assert isinstance(app.focused, OptionList), "the demo opens on the notes list"
        before = note_state(app)
        author_before = screen.query_one("#author").render()
        await type_text(app, pilot, text)
        assert isinstance(app.focused, NoteInput), "the first character went to the note field"
        assert screen.query_one(NoteInput).value == text
        await pilot.press("enter")
        await until(pilot, lambda: len(note_state(app)) == len(before) + 1, "the note added")
        assert note_state(app)[: len(before)] == before, "no note was edited, marked, moved or deleted"
        added = session_of(app).workshop.notes[max(session_of(app).workshop.notes)]
        assert added.text == text and added.author_id is None
        assert app.screen is screen and str(screen.query_one("#author").render()) == str(author_before)


async def test_lowercase_letters_and_bound_keys_stay_commands(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        screen = app.screen
        field = screen.query_one(NoteInput)
        for character in "flty":  # bound to nothing on the list: still nothing happens
            app.post_message(key(character))
            await pilot.pause()
            assert app.screen is screen and isinstance(app.focused, OptionList), character
        assert field.value == ""
        app.post_message(key("A"))  # A: change the highlighted note's author (a dialog)
        await until(pilot, lambda: app.screen is not screen, "the author dialog")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "back on the stage screen")
        assert field.value == ""
        app.post_message(key("+"))  # +: one more minute, not a note starting with "+"
        await pilot.pause()
        assert field.value == "" and isinstance(app.focused, OptionList)


async def test_a_read_only_window_adds_nothing_and_says_why(library: WorkshopLibrary, demo_id: str) -> None:
    other = library.open(demo_id)  # another window holds the workshop
    try:
        app = make_app(library, demo_id)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
            assert session_of(app).read_only
            before = note_state(app)
            await type_text(app, pilot, "WHY")  # capitals: not commands, and nowhere to type them
            assert isinstance(app.screen, StageScreen)
            assert app.screen.query_one("#note-input", Input).value == ""
            assert note_state(app) == before
            reason = session_of(app).read_only_reason or "This workshop is open read-only."
            assert reason in messages(app)  # said, as i says it
        app.close_session()
    finally:
        other.close()


@pytest.mark.parametrize("text", ["As a team we share", "Ana: we could pair up"])
async def test_a_note_starting_with_a_typed_on_the_list_changes_no_author(
    app: WorkshopApp, text: str
) -> None:
    """``A`` is a command (who wrote the highlighted note): the question it opens takes the next key typed as
    "no change" and that key, after the A, goes into the note field; "Ana: …" then credits Ana as typed."""
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        screen = app.screen
        assert isinstance(screen, StageScreen)
        before = note_state(app)
        await type_text(app, pilot, text)
        await until(pilot, lambda: app.screen is screen, "back on the stage screen")
        assert screen.query_one(NoteInput).value == text
        await pilot.press("enter")
        await until(pilot, lambda: len(note_state(app)) == len(before) + 1, "the note added")
        assert note_state(app)[: len(before)] == before, "no note's author changed"
        workshop = session_of(app).workshop
        added = workshop.notes[max(workshop.notes)]
        if text.startswith("Ana:"):
            assert (
                added.text == "we could pair up" and workshop.participant_name(added.author_id) == "Ana Souza"
            )
        else:
            assert added.text == text and added.author_id is None


async def test_the_author_question_still_chooses_with_the_arrows(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        screen = app.screen
        assert isinstance(screen, StageScreen)
        workshop = session_of(app).workshop
        last = workshop.stage_notes(workshop.current_stage_id)[-1]
        await pilot.press("end", "A")
        await until(pilot, lambda: app.screen is not screen, "the author question")
        await pilot.press("home", "enter")  # the first participant
        await until(pilot, lambda: app.screen is screen, "back on the stage screen")
        await until(pilot, lambda: workshop.notes[last.id].author_id != last.author_id, "the author changed")
        assert workshop.participant_name(workshop.notes[last.id].author_id) == "Ana Souza"
        assert screen.query_one(NoteInput).value == ""


async def test_a_note_typed_ahead_on_the_notes_list_arrives_whole(app: WorkshopApp) -> None:
    """The keys arrive together, as a terminal sends them when the app is busy: each still lands in order."""
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        before = len(note_state(app))
        for character in "We share fixes":
            app.post_message(key(character))
        app.post_message(events.Key("enter", "\r"))
        await until(pilot, lambda: len(note_state(app)) == before + 1, "the note added")
        workshop = session_of(app).workshop
        assert workshop.notes[max(workshop.notes)].text == "We share fixes"
