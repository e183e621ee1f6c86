"""Pilot tests of the home, set-up, agenda overview and summary screens, against a real store in tmp_path."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select, Static

from facilitation.catalogue import BUILTIN_TEMPLATES
from facilitation.clock import FakeClock
from facilitation.schedule import format_duration
from screens.agenda_overview import AgendaOverviewScreen
from screens.app import WorkshopApp, make_app
from screens.dialogs import ConfirmScreen, TextEntryScreen
from screens.home import EMPTY_MESSAGE, HomeScreen
from screens.setup import NewWorkshopScreen, SetupScreen
from screens.setup.form import SetupForm
from screens.stage import StageScreen
from screens.summary import SummaryScreen
from tests.ui_helpers import screen_text
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZE = (120, 36)


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def notes() -> list[str]:
    """Every notification the app shows, in order (filled by ``watch_notifications``)."""
    return []


def watch_notifications(app: WorkshopApp, notes: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    original = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        notes.append(message)
        original(message, **kwargs)

    monkeypatch.setattr(app, "notify", notify)


def rows(app: WorkshopApp, selector: str, column: int = 0) -> list[str]:
    table = app.screen.query_one(selector, DataTable)
    return [table.get_row_at(i)[column].plain for i in range(table.row_count)]


def plain(widget: Static) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def answer(pilot: Pilot[Any], value: Any) -> None:
    """Answer the dialog on top (TextEntryScreen or ConfirmScreen) as the facilitator would."""
    dialog = pilot.app.screen
    assert isinstance(dialog, TextEntryScreen | ConfirmScreen), dialog
    dialog.dismiss(value)
    await pilot.pause()


def agenda_titles(app: WorkshopApp) -> list[str]:
    assert app.session is not None
    return [s.title for s in app.session.workshop.agenda()]


# --- home ----------------------------------------------------------------------------------------------


async def test_home_lists_workshops_newest_first(library: WorkshopLibrary, clock: FakeClock) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        empty = app.screen.query_one("#home-empty", Static)
        assert empty.display and str(empty.content) == EMPTY_MESSAGE
        for title in ("Spring kick-off", "Summer review", "Autumn offsite"):
            library.create(title, organisation="Northwind").close()
            clock.advance(60)
        await pilot.press("r")
        assert not empty.display
        assert rows(app, "#workshops") == ["Autumn offsite", "Summer review", "Spring kick-off"]
        assert rows(app, "#workshops", 1) == ["Northwind"] * 3


async def test_home_shows_a_damaged_workshop(library: WorkshopLibrary, data_dir: Path) -> None:
    session = library.create("Fine one")
    session.close()
    for path in data_dir.rglob("*"):
        if path.is_file() and session.workshop.id in path.name:
            path.write_text("{ not json", encoding="utf-8")
    app = make_app(library)
    async with app.run_test(size=SIZE):
        summary = library.list()[0]
        if not summary.error:
            pytest.skip("the store recovered the file on its own")
        assert rows(app, "#workshops") == [f"⚠ {summary.id}"]
        assert rows(app, "#workshops", 1) == ["damaged file"]


async def test_duplicate_asks_a_title(library: WorkshopLibrary) -> None:
    library.create("Offsite", participants=["Ana", "Ben"]).close()
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        dialog = app.screen
        assert isinstance(dialog, TextEntryScreen) and dialog.value == "Offsite (copy)"
        await pilot.press("ctrl+u", *"Offsite, June", "enter")
        await pilot.pause()
        titles = [s.title for s in library.list()]
        assert sorted(titles) == ["Offsite", "Offsite, June"]
        home = app.screen
        assert isinstance(home, HomeScreen)
        copy_id = next(s.id for s in library.list() if s.title == "Offsite, June")
        assert home.selected_id() == copy_id
        assert library.list()[0].participants == 2


async def test_delete_asks_first(
    library: WorkshopLibrary, notes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    library.create("Keep me").close()
    app = make_app(library)
    watch_notifications(app, notes, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Keep me" in app.screen.question
        await pilot.press("n")
        assert [s.title for s in library.list()] == ["Keep me"]
        await pilot.press("delete")
        await pilot.press("y")
        await pilot.pause()
        assert library.list() == []
        assert app.screen.query_one("#home-empty", Static).display
        assert any("Moved “Keep me” to the trash" in n for n in notes)
    # it went to the trash, and comes back
    (trashed,) = _trashed(library)
    assert library.restore_from_trash(trashed) == trashed
    assert [s.title for s in library.list()] == ["Keep me"]


def _trashed(library: WorkshopLibrary) -> list[str]:
    from workshop.store import trash

    return [e.workshop_id for e in trash.entries(library.data_dir)]


async def test_demo_key_opens_the_stage_screen(library: WorkshopLibrary) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        assert app.session is not None and "demo" in app.session.workshop.title


# --- set-up of a new workshop --------------------------------------------------------------------------


async def test_new_workshop_with_participants(
    library: WorkshopLibrary, notes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(library)
    watch_notifications(app, notes, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        draft = app.screen
        assert isinstance(draft, NewWorkshopScreen)
        assert draft.query_one("#date", Input).value == "2027-01-15"

        await pilot.press("ctrl+s")
        assert library.list() == []
        assert any("needs a title" in n for n in notes)
        assert app.focused is draft.query_one("#title")

        await pilot.press(*"Leadership offsite", "enter", *"Northwind", "enter", *"Maya", "enter", "enter")
        people = draft.query_one("#participants", OptionList)
        assert app.focused is people
        await pilot.press("a")
        await pilot.press(*"Ana", "enter", *"Ben", "enter", *"Chloé", "ctrl+s")
        await pilot.pause()
        assert draft.participants == ["Ana", "Ben", "Chloé"]

        people.highlighted = 1
        await pilot.press("r")
        await answer(pilot, "Benjamin")
        people.highlighted = 0
        await pilot.press("d")
        assert [str(people.get_option_at_index(i).prompt) for i in range(people.option_count)] == [
            "Benjamin",
            "Chloé",
        ]
        await pilot.press("a")
        await answer(pilot, "Dev\nchloé\nEmre")
        assert any("already" in n or "twice" in n for n in notes)
        # The list is asked for again as typed, to mend the name refused (it was lost, a pasted list with it).
        again = app.screen
        assert isinstance(again, TextEntryScreen) and again.initial == "Dev\nchloé\nEmre"
        assert draft.participants == ["Benjamin", "Chloé"]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is draft and draft.participants == ["Benjamin", "Chloé"]

        await pilot.press("ctrl+s")
        await pilot.pause()
        # The open workshop's own set-up takes the draft's place, its agenda focused to adjust.
        setup = app.screen
        assert isinstance(setup, SetupScreen)
        assert app.focused is setup.query_one("#agenda")
        assert any("created" in n for n in notes)
        [summary] = library.list()
        assert summary.title == "Leadership offsite" and summary.organisation == "Northwind"
        assert app.session is not None
        ws = app.session.workshop
        assert ws.facilitator == "Maya"
        assert [p.name for p in ws.active_participants()] == ["Benjamin", "Chloé"]

        # Now the set-up edits the real workshop, durably.
        people = setup.query_one("#participants", OptionList)
        assert [str(people.get_option_at_index(i).prompt) for i in range(people.option_count)] == [
            "Benjamin",
            "Chloé",
        ]
        people.highlighted = 0
        people.focus()
        await pilot.press("r")
        await answer(pilot, "Ben")
        await pilot.press("a")
        await answer(pilot, "Dev\nEmre")
        people.highlighted = 1
        await pilot.press("d")
        await answer(pilot, True)
        names = [p.name for p in library.load(ws.id).active_participants()]
        assert names == ["Ben", "Dev", "Emre"]
        # Chloé comes back, typed any old way: the same person (issue #12), not a newcomer.
        chloe = next(p for p in library.load(ws.id).participants.values() if p.name == "Chloé")
        await pilot.press("a")
        await answer(pilot, "CHLOE")
        back = library.load(ws.id)
        assert [p.name for p in back.active_participants()] == ["Ben", "Chloé", "Dev", "Emre"]
        assert back.participants[chloe.id].active and len(back.participants) == 4
        assert any("Chloé is back" in n for n in notes)

        title = setup.query_one("#title", Input)
        title.focus()
        await pilot.press("ctrl+u", "enter")
        assert title.value == "Leadership offsite"
        assert any("needs a title" in n for n in notes)
        await pilot.press("ctrl+u", *"Offsite June", "enter")
        assert library.load(ws.id).title == "Offsite June"

        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)


async def test_escape_from_a_new_workshop_creates_nothing(library: WorkshopLibrary) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Draft", "escape")
        assert isinstance(app.screen, HomeScreen)
        assert library.list() == []


async def test_a_new_workshop_s_agenda_keys_ask_to_create_it_first(
    library: WorkshopLibrary, notes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The draft shows the template's agenda; every agenda key says it is edited once the workshop exists,
    and nothing is written."""
    app = make_app(library)
    watch_notifications(app, notes, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        draft = app.screen
        assert isinstance(draft, NewWorkshopScreen)
        draft.query_one("#agenda").focus()
        before = total(draft)
        for key in ("plus", "minus", "m", "shift+down", "s", "r", "a"):
            notes.clear()
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is draft, key
            assert notes == ["Create the workshop first (ctrl+s); its agenda can then be edited here."], key
        assert total(draft) == before
        assert "preview · editable once created" in plain(draft.query_one("#agenda-title", Static))
        assert library.list() == []
        assert not draft.query("#agenda-keys")  # the live set-up's key hint is not offered in the draft


async def test_f5_on_a_new_workshop_creates_it_and_runs_its_first_stage(library: WorkshopLibrary) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.press("f5")  # no title yet: refused, nothing created
        await pilot.pause()
        assert isinstance(app.screen, NewWorkshopScreen) and library.list() == []
        await pilot.press(*"Run at once", "f5")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        assert [type(s) for s in app.screen_stack[1:]] == [StageScreen]
        [summary] = library.list()
        assert summary.title == "Run at once"
        assert app.session is not None and app.session.workshop.id == summary.id


async def test_after_create_escape_goes_home_with_the_new_workshop_open_and_listed(
    library: WorkshopLibrary,
) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Fresh one", "ctrl+s")
        await pilot.pause()
        live = app.screen
        assert isinstance(live, SetupScreen)
        assert [type(s) for s in app.screen_stack[1:]] == [SetupScreen]
        assert live.sub_title == "Set-up"
        assert live.query_one("#agenda-keys", Static).display
        assert not live.query("#template-field") and not live.query("#create")
        await pilot.press("escape")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert app.session is not None and app.session.workshop.title == "Fresh one"
        table = home.query_one("#workshops", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["Fresh one"]
        await pilot.press("e")  # the open workshop's set-up again, from home
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.query_one("#title", Input).value == "Fresh one"
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)


# --- the agenda ------------------------------------------------------------------------------------------


async def open_setup(pilot: Pilot[Any], library: WorkshopLibrary, title: str = "Offsite") -> SetupScreen:
    library.create(title).close()
    await pilot.press("r", "e")
    await pilot.pause()
    setup = pilot.app.screen
    assert isinstance(setup, SetupScreen)
    assert pilot.app.focused is setup.query_one("#agenda")
    return setup


def total(setup: SetupForm) -> str:
    return plain(setup.query_one("#agenda-total", Static))


async def test_edit_the_agenda(library: WorkshopLibrary) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        setup = await open_setup(pilot, library)
        assert app.session is not None
        ws = app.session.workshop
        assert "2 h 20 min" in total(setup)
        first = ws.agenda()[0]

        await pilot.press("plus", "plus", "minus")
        assert ws.stages[first.id].minutes == first.minutes + 1
        assert "2 h 21 min" in total(setup)

        await pilot.press("m")
        await answer(pilot, "25")
        assert ws.stages[first.id].minutes == 25
        assert "2 h 35 min" in total(setup)
        await pilot.press("m")
        await answer(pilot, "lots")
        assert ws.stages[first.id].minutes == 25
        again = app.screen  # asked again with what was typed, to mend it
        assert isinstance(again, TextEntryScreen) and again.initial == "lots"
        await answer(pilot, None)
        assert ws.stages[first.id].minutes == 25

        await pilot.press("shift+down")
        assert agenda_titles(app)[:2] == ["Vision", "Readiness check"]
        await pilot.press("ctrl+up")
        assert agenda_titles(app)[:2] == ["Readiness check", "Vision"]

        await pilot.press("down", "s")
        vision = next(s for s in ws.agenda() if s.title == "Vision")
        assert vision.skipped
        assert "2 h 15 min" in total(setup) and "1 skipped" in total(setup)
        assert rows(setup.app, "#agenda", 3)[1] == "skipped"

        await pilot.press("a")
        await answer(pilot, "Coffee break")
        await answer(pilot, "0")
        # A slip in the minutes asks for them again: the stage's name typed before is kept (it was lost).
        again = app.screen
        assert isinstance(again, TextEntryScreen) and again.initial == "0"
        assert "Coffee break" in again.title_text
        assert "Coffee break" not in agenda_titles(app)
        await answer(pilot, "10")
        assert agenda_titles(app)[2] == "Coffee break"
        assert "2 h 25 min" in total(setup)
        table = setup.query_one("#agenda", DataTable)
        assert table.cursor_row == 2

        await pilot.press("r")
        await answer(pilot, "Long coffee break")
        assert agenda_titles(app)[2] == "Long coffee break"

        await pilot.press("s")
        await pilot.press("s")
        assert "2 h 25 min" in total(setup)

        stored = library.load(ws.id)
        assert [s.title for s in stored.agenda()][:3] == ["Readiness check", "Vision", "Long coffee break"]
        assert [s.skipped for s in stored.agenda()][:3] == [False, True, False]
        assert stored.agenda()[0].minutes == 25


async def test_save_a_template_and_create_from_it(library: WorkshopLibrary) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot, library)
        await pilot.press("minus", "down", "s", "ctrl+t")
        await answer(pilot, "Offsite template")
        saved = library.templates()["Offsite template"]
        assert saved[0].minutes == 9 and saved[1].skipped
        assert app.session is not None
        assert app.session.workshop.events[-1].kind == "template.saved"

        await pilot.press("ctrl+t")
        await answer(pilot, "Offsite template")
        assert isinstance(app.screen, ConfirmScreen)
        await answer(pilot, True)

        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")
        setup = app.screen
        assert isinstance(setup, NewWorkshopScreen)
        setup.query_one("#template", Select).value = "Offsite template"
        await pilot.pause()
        assert "1 h 59 min" in total(setup)
        await pilot.press(*"From the template", "ctrl+s")
        await pilot.pause()
        assert app.session is not None and app.session.workshop.title == "From the template"
        agenda = app.session.workshop.agenda()
        assert agenda[0].minutes == 9 and agenda[1].skipped
        assert agenda[1].prompts, "a saved template keeps the stage's questions"


# --- agenda overview and summary --------------------------------------------------------------------------


@pytest.fixture
def demo_library(store: Store) -> WorkshopLibrary:
    """The demo is timed against the real clock (it ends "now"); a fake clock set to now keeps it so."""
    return WorkshopLibrary(store, clock=FakeClock(wall=time.time()))


async def test_agenda_overview_and_jump(demo_library: WorkshopLibrary) -> None:
    app = make_app(demo_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        await app.push_screen(AgendaOverviewScreen())
        await pilot.pause()
        overview = app.screen
        assert isinstance(overview, AgendaOverviewScreen)
        assert rows(app, "#overview", 1)[:4] == ["Readiness check", "Vision", "Strategy", "Purpose"]
        assert rows(app, "#overview", 2)[:2] == ["10 min", "20 min"]
        assert rows(app, "#overview", 3)[:3] == ["08:30", "12:00", "10:45"]
        assert rows(app, "#overview", 4)[:3] == ["-1:30", "-8:00", "-9:15"]
        assert rows(app, "#overview", 5) == ["done"] * 3 + ["current"] + ["upcoming"] * 4
        status = plain(overview.query_one("#overview-status", Static))
        assert "Planned 2 h 20 min" in status and "ahead" in status

        table = overview.query_one("#overview", DataTable)
        assert table.cursor_row == 3
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        assert app.session is not None and app.session.stage().title == "Launch"


async def test_summary_shows_decisions_and_votes(
    demo_library: WorkshopLibrary,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    notes: list[str],
) -> None:
    calls: list[tuple[str, list[str], Path]] = []

    def exporter(workshop: Any, formats: list[str], folder: Path, *, force: bool = False) -> list[Path]:
        calls.append((workshop.id, formats, folder))
        if len(calls) > 1:
            raise ValueError("The disk said no.")
        written = [folder / f"{workshop.id}.{f}" for f in formats]
        for path in written:
            path.write_text("x", encoding="utf-8")
        return written

    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "Documents").mkdir()
    app = make_app(demo_library, exporter=exporter)
    watch_notifications(app, notes, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        await app.push_screen(SummaryScreen())
        await pilot.pause()
        summary = app.screen
        lines = summary.query_one("#summary", OptionList).options
        text = "\n".join(" ".join(str(line.prompt.__rich__()).split()) for line in lines)  # type: ignore[union-attr]
        assert "1. Vision" in text and "6 readiness answers" in text
        assert "Decisions" in text
        assert "Customer community deflects 15% of support tickets" in text
        assert "Vote: Vision vote (6 voters, 18 dots)" in text
        assert "9 dots Every team can find who already solved their problem" in text
        assert "2= 3 dots" in text

        assert app.session is not None
        workshop_id = app.session.workshop.id
        await pilot.press("x", "ctrl+s")  # x opens the export dialog; ctrl+s exports with its defaults
        await app.workers.wait_for_complete()
        await pilot.pause()
        folder = tmp_path / "Documents" / workshop_id
        assert calls == [(workshop_id, ["docx", "md", "csv", "json"], folder)]
        assert sorted(p.suffix for p in folder.iterdir()) == [".csv", ".docx", ".json", ".md"]
        assert any(n.startswith("Wrote 4 files") for n in notes)
        assert app.session.workshop.events[-1].kind == "export.written"

        await pilot.press("x", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "The disk said no." in str(app.screen.query_one("#export-message", Static).content)

        await pilot.press("escape", "escape")  # the dialog stays open on an error
        assert isinstance(app.screen, StageScreen)


def test_format_duration() -> None:
    assert [format_duration(m) for m in (0, 45, 60, 140, 601)] == [
        "0 min",
        "45 min",
        "1 h",
        "2 h 20 min",
        "10 h 1 min",
    ]


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_every_built_in_template_name_shows_whole_in_the_agenda_field(
    library: WorkshopLibrary, size: tuple[int, int]
) -> None:
    """The new workshop's Agenda field shows the chosen template's whole name at 80x24 and above (it read
    "six-discipline" at 80x24, cut by one character, when the left column was 32 cells wide)."""
    app = make_app(library)
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        await pilot.pause()
        draft = app.screen
        assert isinstance(draft, NewWorkshopScreen)
        field = draft.query_one("#template", Select)
        for name in BUILTIN_TEMPLATES:
            field.value = name
            await pilot.pause()
            await pilot.pause()
            line = next(row for row in screen_text(app).splitlines() if row.lstrip().startswith("Agenda "))
            assert f" {name} " in line, (name, line)
