"""A participant is one person on the stage screen (issue #12): a near or ambiguous ``Name:`` prefix asks who
wrote the note, the author picked for one stage does not carry into the next, and a note's author can be changed
after the fact (``A``). Real workshop files, a fake clock, real key presses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select

from facilitation.clock import FakeClock
from screens.action_plan import ActionFormScreen, ActionPlanScreen
from screens.app import WorkshopApp, make_app
from screens.dialogs import ChooseScreen
from screens.stage import NoteInput, StageScreen
from tests.ui_helpers import messages, people, session_of
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZE = (120, 36)
ROOM = ["Anna", "Annika", "Björn", "Maria Silva", "Maria Costa"]


@pytest.fixture
def app(store: Store, clock: FakeClock) -> Iterator[WorkshopApp]:
    library = WorkshopLibrary(store, clock=clock)
    session = library.create("Offsite", participants=ROOM, facilitator="Maya")
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


async def type_note(pilot: Pilot[None], text: str) -> None:
    if not isinstance(pilot.app.screen.focused, NoteInput):
        await pilot.press("i")
    await pilot.press(*text, "enter")
    await pilot.pause()


def choices(app: WorkshopApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, ChooseScreen), f"expected the question, got {screen!r}"
    return [label for label, _ in screen.choices]


def credited(app: WorkshopApp) -> list[tuple[str, str]]:
    ws = session_of(app).workshop
    return [(ws.credit(n), n.text) for n in ws.stage_notes(ws.current_stage_id)]  # type: ignore[arg-type]


async def choose(pilot: Pilot[None], label_start: str) -> None:
    app = pilot.app
    assert isinstance(app, WorkshopApp)
    index = next(i for i, label in enumerate(choices(app)) if label.startswith(label_start))
    app.screen.query_one(OptionList).highlighted = index
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize(
    ("typed", "offered", "pick", "expected"),
    [
        ("Ann: idea", ["Anna", "Annika"], "Annika", ("Annika", "idea")),
        ("Bjron: idea", ["Björn"], "Björn", ("Björn", "idea")),
        ("Maria: idea", ["Maria Silva", "Maria Costa"], "Maria Costa", ("Maria Costa", "idea")),
        ("Maria: idea", ["Maria Silva", "Maria Costa"], "Anonymous", ("", "idea")),
        ("Ann: idea", ["Anna", "Annika"], "Keep as typed", ("", "Ann: idea")),
    ],
)
async def test_a_near_or_ambiguous_name_asks_who_wrote_the_note(
    app: WorkshopApp, typed: str, offered: list[str], pick: str, expected: tuple[str, str]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, typed)
        assert session_of(app).workshop.notes == {}, "nothing is added before the facilitator answers"
        labels = choices(app)
        assert [label.split(":")[0] for label in labels[: len(offered)]] == offered
        assert labels[len(offered)].startswith("Keep as typed") and labels[-1].startswith("Anonymous")
        await choose(pilot, pick)
        assert isinstance(app.screen, StageScreen)
        assert credited(app) == [expected]


async def test_escape_on_the_question_puts_the_text_back(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "Ann: idea")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        assert session_of(app).workshop.notes == {}
        assert app.screen.query_one(NoteInput).value == "Ann: idea"


async def test_enter_alone_or_typing_on_keeps_the_note_as_typed(app: WorkshopApp) -> None:
    """A facilitator typing fast without looking: nothing is lost and nobody is credited by a stray key."""
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "Maria: first")
        await pilot.press("enter")  # the question opens on "keep as typed"
        await pilot.pause()
        assert isinstance(app.screen.focused, NoteInput), "the note field has the keys again"
        await pilot.press(*"Ann: second", "enter", *"next one", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        assert credited(app) == [("", "Maria: first"), ("", "Ann: second"), ("", "next one")]
        assert app.screen.query_one(NoteInput).value == ""


async def test_keep_as_typed_uses_the_author_beside_the_field(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "f3")  # Anna
        await type_note(pilot, "Ann: idea")
        await choose(pilot, "Keep as typed")
        assert credited(app) == [("Anna", "Ann: idea")]


@pytest.mark.parametrize(
    "typed",
    ["Note: call the bank", "10:30 coffee break", "Q3: revenue up", "Risk: we are late", "https://x.org: see",
     "Idea: shared roadmap"],
)  # fmt: skip
async def test_ordinary_text_with_a_colon_is_added_without_a_question(app: WorkshopApp, typed: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, typed)
        assert isinstance(app.screen, StageScreen)
        assert credited(app) == [("", typed)]


async def test_an_exact_name_in_any_case_or_accents_credits_without_asking(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "anna: one")
        await type_note(pilot, "BJORN: two")
        await type_note(pilot, "maria costa: three")
        assert isinstance(app.screen, StageScreen)
        assert credited(app) == [("Anna", "one"), ("Björn", "two"), ("Maria Costa", "three")]


async def test_the_author_picked_for_one_stage_does_not_carry_into_the_next(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        session = session_of(app)
        await pilot.press("i", "f3")  # Anna
        await type_note(pilot, "by Anna")
        first = session.workshop.current_stage_id
        following = session.workshop.agenda(include_skipped=False)[1].id
        session.agenda.go_to(following)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StageScreen) and screen.stage_id == following
        assert "anonymous" in str(screen.query_one("#author").render())
        assert any("anonymous again" in m for m in messages(app))
        await type_note(pilot, "by nobody")
        assert credited(app) == [("", "by nobody")]
        session.agenda.go_to(first)  # and coming back does not bring the old pick back either
        await pilot.pause()
        assert "anonymous" in str(screen.query_one("#author").render())


async def test_a_notes_author_is_changed_after_the_fact_and_undone(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "anna: we need X")
        await pilot.press("escape", "A")
        await pilot.pause()
        labels = choices(app)
        assert labels[0] == "Anna  (now)" and labels[-1] == "anonymous"
        assert app.screen.query_one(OptionList).highlighted == 0
        await choose(pilot, "Björn")
        assert credited(app) == [("Björn", "we need X")]
        await pilot.press("A")
        await pilot.pause()
        await choose(pilot, "anonymous")
        assert credited(app) == [("", "we need X")]
        await pilot.press("u")
        await pilot.pause()
        assert credited(app) == [("Björn", "we need X")]
        await pilot.press("u")
        await pilot.pause()
        assert credited(app) == [("Anna", "we need X")]
        assert people(app)["Anna"] == session_of(app).workshop.stage_notes(session_of(app).workshop.current_stage_id)[0].author_id  # type: ignore[arg-type]


async def test_the_facilitator_is_offered_as_an_action_owner(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ActionPlanScreen)
        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ActionFormScreen)
        assert dialog.owners[-1] == ("Maya (facilitator)", "Maya")
        dialog.query_one("#title", Input).value = "Send the minutes"
        owner = dialog.query_one("#owner", Select)
        owner.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("end", "enter")
        await pilot.pause()
        assert owner.value == "Maya"
        await pilot.press("ctrl+s")
        await pilot.pause()
        (action,) = session_of(app).workshop.ordered_actions()
        assert (action.title, action.owner, action.owner_id) == ("Send the minutes", "Maya", None)
        await pilot.press("e")  # editing it shows the facilitator picked, not typed
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ActionFormScreen)
        assert dialog.query_one("#owner", Select).value == "Maya"
        assert dialog.query_one("#owner-typed", Input).value == ""
