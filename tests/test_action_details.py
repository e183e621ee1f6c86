"""Notes are readable wherever they appear, and an action made from a note keeps its whole text.

A 600-character note and a five-line note: the action plan lists them in full (wrapped, at 80x24 and 200x60), an
action made from one keeps the whole note in ``details`` (its title is the first line), whatever happens to the
note afterwards, and the Word plan, the Markdown minutes, the actions CSV and the JSON carry it in full.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from exports import csv_export, export_workshop, interchange, markdown
from facilitation.clock import FakeClock
from screens.action_plan import ActionFormScreen, ActionPlanScreen, first_line
from screens.app import WorkshopApp, make_app
from tests.ui_helpers import screen_text, session_of
from workshop.session import ActionChange, SessionError, WorkshopLibrary, WorkshopSession
from workshop.store import Store

FIVE_LINES = "Open the support forum\nto every customer\nwith a moderator per region\nand a weekly digest\nreviewed each Friday"
LONG = "Customers answer each other's questions before support has to, " * 9 + "and we measure it."


def whole_words(value: str) -> str:
    return " ".join(value.split())


# --- the session keeps the whole note ------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [FIVE_LINES, LONG])
def test_an_action_from_a_note_keeps_its_whole_text(session: WorkshopSession, body: str) -> None:
    note = session.notes.add(body, stage_id=session.workshop.agenda()[1].id)
    action = session.actions.add(first_line(body)[:80], source_note_id=note.id)
    assert action.details == body
    session.notes.edit(note.id, "Something else entirely")
    session.notes.delete(note.id)
    assert session.actions.get(action.id).details == body, "kept with the action, not read from the note"


def test_a_title_that_is_the_whole_note_needs_no_details(session: WorkshopSession) -> None:
    note = session.notes.add("Publish the FAQ", stage_id=session.workshop.agenda()[1].id)
    assert session.actions.add("Publish the FAQ", source_note_id=note.id).details == ""
    assert session.actions.add("Write it", details="By hand\nin full").details == "By hand\nin full"
    assert session.actions.add("No note").details == ""


def test_details_are_edited_and_checked_like_a_note(session: WorkshopSession) -> None:
    action = session.actions.add("Publish the FAQ")
    edited = session.actions.edit(action.id, ActionChange(details="\n\nline one\n\x1b[31mline two\n\n"))
    assert edited.details == "line one\nline two"
    with pytest.raises(SessionError, match="at most"):
        session.actions.edit(action.id, ActionChange(details="x" * 200_001))


# --- every export carries it in full ---------------------------------------------------------------------------------


@pytest.fixture
def with_actions(session: WorkshopSession) -> WorkshopSession:
    strategy = session.workshop.agenda()[1].id
    for body in (FIVE_LINES, LONG):
        note = session.notes.add(body, stage_id=strategy)
        session.actions.add(first_line(body)[:60], source_note_id=note.id)
    return session


def test_markdown_and_csv_carry_the_whole_text(with_actions: WorkshopSession) -> None:
    ws = with_actions.workshop
    minutes = markdown.render(ws)
    section = minutes.split("### Actions in full", 1)[1]
    for line in FIVE_LINES.split("\n"):
        assert line in section
    assert whole_words(LONG) in whole_words(section.replace("\\", ""))
    rows = list(csv.DictReader(io.StringIO(csv_export.render(ws))))
    described = {r["title"]: r["description"] for r in rows}
    assert FIVE_LINES in described[first_line(FIVE_LINES)[:60]]
    assert LONG in described[first_line(LONG)[:60]]


def test_the_word_plan_and_the_json_carry_the_whole_text(
    with_actions: WorkshopSession, tmp_path: Path
) -> None:
    written = export_workshop(with_actions.workshop, ["docx", "json"], tmp_path)
    plan = next(p for p in written if p.suffix == ".docx")
    text = "\n".join(p.text for p in docx.Document(str(plan)).paragraphs)
    assert "Actions in full" in text
    for line in FIVE_LINES.split("\n"):
        assert line in text
    assert whole_words(LONG) in whole_words(text)
    exported = next(p for p in written if p.suffix == ".json")
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert {a["details"] for a in data["actions"]} == {FIVE_LINES, LONG}
    again = interchange.read_file(exported, new_id="again")
    assert {a.details for a in again.actions.values()} == {FIVE_LINES, LONG}


# --- the action plan shows the notes in full ----------------------------------------------------------------------------


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def workshop_id(library: WorkshopLibrary) -> str:
    session = library.create("Offsite", participants=["Ana", "Ben"])
    strategy = session.workshop.agenda()[1].id
    for body in (FIVE_LINES, LONG):
        note = session.notes.add(body, stage_id=strategy)
        session.notes.mark(note.id, "candidate")
    workshop_id: str = session.workshop.id
    session.close()
    return workshop_id


@pytest.fixture
def app(library: WorkshopLibrary, workshop_id: str, clock: FakeClock) -> Iterator[WorkshopApp]:
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


async def open_plan(app: WorkshopApp, pilot: Pilot[None]) -> ActionPlanScreen:
    app.navigator.action_plan()
    await pilot.pause()
    plan = app.screen
    assert isinstance(plan, ActionPlanScreen)
    return plan


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_the_candidates_show_each_note_in_full_and_an_action_keeps_it(
    size: tuple[int, int], app: WorkshopApp
) -> None:
    async with app.run_test(size=size) as pilot:
        plan = await open_plan(app, pilot)
        candidates = plan.query_one("#candidates", OptionList)
        candidates.focus()
        candidates.highlighted = 0
        await pilot.pause()
        shown = whole_words(screen_text(app))
        for line in FIVE_LINES.split("\n"):
            assert line in shown, (line, size)
        await pilot.press("a")  # an action from the five-line note
        await pilot.pause()
        assert isinstance(app.screen, ActionFormScreen)
        await pilot.press("enter")
        await pilot.pause()
        (action,) = session_of(app).workshop.actions.values()
        assert action.title == "Open the support forum" and action.details == FIVE_LINES
        candidates.highlighted = 1
        candidates.scroll_to_highlight()
        await pilot.pause()
        if size == (200, 60):  # the candidates are the left column, the actions table the right one
            left = " ".join(line.split("▎")[0] for line in screen_text(app).splitlines())
            assert whole_words(LONG) in whole_words(left), "600 characters, wrapped, in full"
