"""What opening a screen no longer does twice, and that what it now skips, defers or shares is still right
(issue #14).

The open times themselves are measured in ``benchmarks/screens_bench.py`` (no timing here): these tests count
work (library reads, table fills, clock draws), check that deferred parts appear and that changes made while a
screen was not shown are shown when it opens again.
"""

from __future__ import annotations

import copy
import gc
import importlib
import inspect
import pkgutil
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable

import screens
import screens.stage as stage_module
from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from screens.dialogs import ConfirmScreen
from screens.help import HelpScreen, help_sections
from screens.home import WIDE, HomeScreen, column_widths
from screens.internals import QuietFirstResume
from screens.navigation import first_help_screens, help_screen, help_screens
from screens.stage import StageScreen
from screens.widgets.note_list import note_options
from screens.widgets.row_stack import RowStack
from tests.ui_helpers import screen_text, until
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZE = (120, 36)


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


def _titles(home: HomeScreen) -> list[str]:
    table = home.query_one("#workshops", DataTable)
    return [table.get_row_at(i)[0].plain for i in range(table.row_count)]


def _widths(home: HomeScreen) -> list[int]:
    table = home.query_one("#workshops", DataTable)
    return [column.width for column in table.columns.values()]


# --- home -----------------------------------------------------------------------------------------------


async def test_home_reads_the_library_once_as_it_opens_and_again_on_each_return(
    library: WorkshopLibrary, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.create("Spring kick-off").close()
    reads: list[str | None] = []
    upstream = library.list

    def counted(search: str | None = None, **kwargs: Any) -> list[object]:
        reads.append(search)
        return upstream(search, **kwargs)  # type: ignore[return-value]

    monkeypatch.setattr(library, "list", counted)
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert reads == [None]  # on mount; the first resume, straight after, reads nothing again
        assert _titles(home) == ["Spring kick-off"]
        app.push_screen(ConfirmScreen("Anything?"))
        await pilot.pause()
        clock.advance(60)
        library.create("Summer review").close()  # made while the dialog covers home
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home and len(reads) == 2
        assert _titles(home) == ["Summer review", "Spring kick-off"]


async def test_home_over_the_open_workshop_shows_it_as_it_is_now_without_reading_its_files(
    library: WorkshopLibrary, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The home screen opened while a workshop is open lists that workshop from the session (its journal was
    replayed in full on every open of home: the cost grew with the changes since the last checkpoint), with
    the changes made while home was closed and those made while it is open (shown on its next resume)."""
    library.create("Spring kick-off", organisation="Northwind").close()
    clock.advance(60)
    session = library.create("Summer review")
    for i in range(3):
        session.notes.add(f"idea {i}")
    workshop_id = session.workshop.id
    session.close()
    read: list[str] = []
    upstream = Store.read_raw

    def counted(self: Store, wanted: str) -> object:
        read.append(wanted)
        return upstream(self, wanted)

    app = make_app(library, workshop_id, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage screen")
        assert app.session is not None
        app.session.notes.add("typed before going home")
        app.session.agenda.update_details(title="Summer review, day 1")
        monkeypatch.setattr(Store, "read_raw", counted)
        await app.push_screen(HomeScreen())
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert read == [] and _titles(home) == ["Summer review, day 1", "Spring kick-off"]
        assert home._summaries[workshop_id].notes == 4
        app.push_screen(ConfirmScreen("Anything?"))
        await pilot.pause()
        app.session.notes.add("typed while a dialog covers home")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is home and home._summaries[workshop_id].notes == 5, "home again")
        assert read == []
    app.close_session()


async def test_home_fills_its_table_again_only_when_a_resize_changes_the_column_widths(
    library: WorkshopLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.create("A workshop with a rather long title, longer than a narrow column").close()
    fills: list[int] = []
    upstream = HomeScreen._draw

    def counted(self: HomeScreen, keep: str | None) -> None:
        fills.append(self.size.width)
        upstream(self, keep)

    monkeypatch.setattr(HomeScreen, "_draw", counted)
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert fills == [120]  # once, although the screen was resized as it opened
        await pilot.resize_terminal(WIDE + 40, 40)  # wide either way: content widths still
        await pilot.pause()
        assert fills == [120]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert fills == [120, 80]
        assert _widths(home) == [column_widths(80)[key] for key in ("title", "organisation", "date", "stage", "notes")]
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert fills == [120, 80, 120]
        assert "A workshop with a rather long title, longer than a narrow column" in _titles(home)


# --- help -----------------------------------------------------------------------------------------------


@pytest.fixture
def stage_app(library: WorkshopLibrary, clock: FakeClock) -> Iterator[WorkshopApp]:
    session = library.create("Offsite", participants=["Ana", "Ben"])
    for i in range(40):
        session.notes.add(f"note {i} " + "with several words " * (i % 6))
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def test_every_screen_and_dialog_of_the_app_opens_without_a_second_restyle_and_layout() -> None:
    """Every screen class of the app, dialogs and the projector's included, takes ``QuietFirstResume``: its
    first resume, straight after it mounted and styled every widget, does not restyle them all again, and it
    is laid out once before its first frame. The dialogs (help, vote set-up and limits, action form, confirm,
    text, choose, backups) lacked it: the vote set-up applied styles 96 times to open instead of 59, and the
    help dialog was laid out twice."""
    missing = []
    for found in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(found.name)
        for name, cls in vars(module).items():
            ours = inspect.isclass(cls) and issubclass(cls, Screen) and cls.__module__ == module.__name__
            if ours and not issubclass(cls, QuietFirstResume):
                missing.append(f"{module.__name__}.{name}")
    assert missing == []


@pytest.mark.parametrize("dialog", ["help", "vote set-up"])
async def test_a_dialog_is_laid_out_once_before_its_first_frame_and_shows_its_content(
    stage_app: WorkshopApp, monkeypatch: pytest.MonkeyPatch, dialog: str
) -> None:
    from screens.voting.setup import VoteSetupScreen

    layouts: list[Screen[Any]] = []
    upstream = Screen._refresh_layout

    def counted(self: Screen[Any], size: Any = None, scroll: bool = False) -> None:
        layouts.append(self)
        upstream(self, size, scroll)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    async with stage_app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(stage_app.screen, StageScreen), "the stage screen")
        session = stage_app.session
        assert session is not None
        opened = help_screen(type(stage_app)) if dialog == "help" else VoteSetupScreen(session.stage().id)
        at_first_frame: list[int] = []
        # Asked of the dialog before it is pushed: its own callback runs just after the first frame it draws.
        opened.call_after_refresh(lambda: at_first_frame.append(layouts.count(opened)))
        await stage_app.push_screen(opened)
        await until(pilot, lambda: bool(at_first_frame), "the dialog's first frame")
        assert at_first_frame == [1]
        await pilot.pause()
        words = _words(stage_app)
        if dialog == "help":
            assert "Everywhere" in words
        else:
            assert f"Set up the vote: {session.stage().title}" in words and "#1 note 0" in words
            assert "40 notes on the ballot" in words


def _words(app: WorkshopApp) -> str:
    """The screen's words in order, without borders and scrollbars (block elements, U+2580-U+259F)."""
    return " ".join("".join(" " if "\u2580" <= c <= "\u259f" else c for c in screen_text(app)).split())


def _headings(help_screen: HelpScreen) -> list[str]:
    headings = []
    for section in help_screen.query(".help-keys"):
        visual = section.render()
        assert isinstance(visual, RowStack)
        headings.append(visual.rows[1].body.plain)
    return headings


def test_every_help_section_list_starts_with_the_first_frame_s() -> None:
    first = first_help_screens(WorkshopApp)
    assert help_screens(WorkshopApp)[: len(first)] == first
    assert [heading for heading, _ in first] == ["Everywhere", "Stage (notes list)", "Stage (notes list)"]


async def test_help_opens_with_its_first_sections_and_adds_the_rest_after_the_first_frame(
    stage_app: WorkshopApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_first_frame: list[list[str]] = []
    upstream = HelpScreen._add_later_sections

    def seen(self: HelpScreen) -> None:
        at_first_frame.append(_headings(self))
        upstream(self)

    monkeypatch.setattr(HelpScreen, "_add_later_sections", seen)
    app = stage_app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        assert at_first_frame == [["Everywhere", "Stage (notes list)"]]
        expected = [heading for heading, _ in help_sections(app, help_screens(type(app)))]
        assert _headings(screen) == expected and len(expected) > 10
        assert screen.query_one("#help-projector")  # still last, after every section
        assert list(screen.query_one("#help-body").children)[-1].id == "help-projector"


@pytest.mark.parametrize("arrived", [True, False], ids=["at the end", "still scrolling there"])
async def test_a_help_scrolled_to_the_end_before_the_later_sections_arrive_stays_at_the_end(
    stage_app: WorkshopApp, monkeypatch: pytest.MonkeyPatch, arrived: bool
) -> None:
    upstream = HelpScreen._add_later_sections

    def end_first(self: HelpScreen) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if arrived:  # End, typed ahead of them
            body.scroll_to(y=body.max_scroll_y, animate=False, immediate=True)
        else:  # End's scroll animation under way: on its way to the old end
            body.scroll_target_y = body.max_scroll_y
        upstream(self)

    monkeypatch.setattr(HelpScreen, "_add_later_sections", end_first)
    app = stage_app
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        body = screen.query_one("#help-body", VerticalScroll)
        assert len(_headings(screen)) > 10
        # End's animation (when one was under way) goes on to the new end: wait for it to arrive, not for time.
        await until(
            pilot, lambda: body.max_scroll_y > 0 and body.scroll_y == body.max_scroll_y, "the view at the end"
        )
        assert body.scroll_target_y == body.max_scroll_y
        assert "it takes no lock and changes nothing" in _words(app)


async def test_help_closed_before_its_later_sections_arrive(stage_app: WorkshopApp) -> None:
    app = stage_app
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = help_screen(type(app))
        await app.push_screen(screen)
        screen.dismiss(None)  # before the first frame's callbacks ran
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        assert screen.later is None or not screen.is_attached  # nothing added to a closed help


# --- the stage: a note list's prompts shared by every list of the workshop -------------------------------


async def test_a_stage_screen_opened_again_reuses_the_note_prompts_and_shows_changes_made_meanwhile(
    stage_app: WorkshopApp,
) -> None:
    app = stage_app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = app.session
        assert session is not None
        first = app.screen
        assert isinstance(first, StageScreen)
        ids = first.notes.note_ids
        shared = note_options(session.workshop)
        before = {note_id: shared.prompts[note_id][1] for note_id in ids}
        app.navigator.home()  # the stage screen is gone; the workshop stays open
        await pilot.pause()
        edited = session.notes.edit(ids[-1], "changed while the stage was not shown")
        session.notes.add("added while the stage was not shown")
        app.navigator.stage()
        await pilot.pause()
        again = app.screen
        assert isinstance(again, StageScreen) and again is not first
        assert again.notes.note_ids[:-1] == ids
        assert shared is note_options(session.workshop)
        assert all(shared.prompts[note_id][1] is before[note_id] for note_id in ids[:-1])  # reused
        assert shared.prompts[edited.id][1] is not before[edited.id]  # its text changed: a new prompt
        text = _words(app)
        assert "added while the stage was not shown" in text
        assert "changed while the stage was not shown" in text


def test_the_same_notes_listed_again_are_the_same_options_without_looking_each_up(
    library: WorkshopLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``NoteOptions.options_for``: the same records and names give the same options, without one lookup per
    note; a note changed, a note added or an author renamed gives the options ``option`` gives for each."""
    from screens.widgets.note_list import NoteOptions

    session = library.create("Offsite", participants=["Ana", "Ben"])
    workshop = session.workshop
    ana = next(p for p in workshop.participants.values() if p.name == "Ana")
    for i in range(5):
        session.notes.add(f"note {i}", author_id=ana.id if i % 2 else None)
    stage = session.stage().id
    shared = note_options(workshop)
    first = shared.options_for(workshop.stage_notes(stage), workshop)
    looked_up: list[int] = []
    original = NoteOptions.option
    looking_up = NoteOptions._option
    monkeypatch.setattr(
        NoteOptions, "_option", lambda self, note, author: looked_up.append(note.id) or looking_up(self, note, author)
    )
    again = shared.options_for(workshop.stage_notes(stage), workshop)
    assert again == first and all(a is b for a, b in zip(again, first, strict=True)) and not looked_up
    again.pop()  # the list handed out is the caller's own
    assert len(shared.options_for(workshop.stage_notes(stage), workshop)) == 5

    def listed() -> list[str]:
        fresh = [str(o.prompt) for o in (original(shared, n, workshop) for n in workshop.stage_notes(stage))]
        shown = [str(o.prompt) for o in shared.options_for(workshop.stage_notes(stage), workshop)]
        assert shown == fresh
        return shown

    session.notes.edit(workshop.stage_notes(stage)[0].id, "edited")
    assert "edited" in listed()[0]
    session.notes.add("a sixth note")
    assert len(listed()) == 6
    session.participants.rename(ana.id, "Anabel")
    assert sum("Anabel" in line for line in listed()) == 2
    session.close()


async def test_two_stage_screens_of_one_workshop_both_follow_a_change(stage_app: WorkshopApp) -> None:
    app = stage_app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = app.session
        assert session is not None
        beneath = app.screen
        assert isinstance(beneath, StageScreen)
        await app.push_screen(StageScreen())
        await pilot.pause()
        above = app.screen
        assert isinstance(above, StageScreen) and above is not beneath
        note_id = above.notes.note_ids[-1]
        session.notes.edit(note_id, "edited with two lists open")
        session.notes.add("a new note with two lists open")
        await pilot.pause()
        assert above.notes.note_ids == beneath.notes.note_ids
        app.pop_screen()
        await pilot.pause()
        text = _words(app)
        assert "edited with two lists open" in text and "a new note with two lists open" in text


async def test_a_stage_screen_opened_over_the_same_stage_takes_the_line_map_and_keys_work(
    stage_app: WorkshopApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stage screen pushed over one showing the same notes starts from that list's line map
    (``LazyOptionList.take_lines``) instead of placing every note again: the same lines, the newest note
    highlighted and in view, and the keys move the highlight as usual. With a note added while it was closed,
    the next one lists it (its options are not the same: it places them itself)."""
    from screens.widgets.lazy_list import LazyOptionList

    taken: list[bool] = []
    upstream = LazyOptionList.take_lines

    def take(self: LazyOptionList, other: LazyOptionList) -> bool:
        taken.append(upstream(self, other))
        return taken[-1]

    monkeypatch.setattr(LazyOptionList, "take_lines", take)
    app = stage_app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = app.session
        assert session is not None
        beneath = app.screen
        assert isinstance(beneath, StageScreen)
        taken.clear()
        await app.push_screen(StageScreen())
        await pilot.pause()
        above = app.screen
        assert isinstance(above, StageScreen) and above is not beneath
        assert True in taken
        assert above.notes.line_cache.lines == beneath.notes.line_cache.lines
        newest = above.notes.note_ids[-1]
        assert above.notes.selected_note_id == newest
        assert above.notes.line_cache.index_to_line[above.notes.highlighted] >= above.notes.scroll_offset.y
        await pilot.press("up", "up")
        assert above.notes.selected_note_id == above.notes.note_ids[-3]
        app.pop_screen()
        await pilot.pause()
        added = session.notes.add("added while no second stage screen was open")
        taken.clear()
        await app.push_screen(StageScreen())
        await pilot.pause()
        again = app.screen
        assert isinstance(again, StageScreen)
        assert again.notes.selected_note_id == added.id == beneath.notes.note_ids[-1]
        assert again.notes.line_cache.lines == beneath.notes.line_cache.lines
        assert "added while no second stage screen was open" in _words(app)


def test_a_list_of_other_options_or_another_width_takes_no_line_map(monkeypatch: pytest.MonkeyPatch) -> None:
    """``take_lines`` refuses a list of other options (one more, or another object), and one placed at another
    width; a list that has placed options already keeps its own."""
    from textual.widgets.option_list import Option

    from screens.widgets.lazy_list import LazyOptionList

    monkeypatch.setattr(LazyOptionList, "_option_width", lambda self: 40)  # unmounted lists: the width they see
    options = [Option(f"option {i}") for i in range(5)]
    first, second = LazyOptionList(*options), LazyOptionList(*options)
    first.line_cache.lines.extend((i, 0) for i in range(5))
    first._placed_width = 40
    assert second.take_lines(first) and second.line_cache.lines == first.line_cache.lines
    assert not second.take_lines(first), "it has a line map now"
    other = LazyOptionList(*options, Option("one more"))
    assert not other.take_lines(first)
    copies = LazyOptionList(*[Option(f"option {i}") for i in range(5)])
    assert not copies.take_lines(first)
    elsewhere = LazyOptionList(*options)
    first._placed_width = 41
    assert not elsewhere.take_lines(first)


def test_note_options_belong_to_one_workshop_object_and_go_with_it(library: WorkshopLibrary) -> None:
    session = library.create("Offsite", participants=["Ana"])
    session.notes.add("Ana: a note")
    workshop = session.workshop
    shared = note_options(workshop)
    assert note_options(workshop) is shared
    for note in workshop.notes.values():
        assert "Ana" in str(shared.option(note, workshop).prompt)  # built: it must not hold the workshop
    other = library.create("Another")
    assert note_options(other.workshop) is not shared
    gone, workshop_gone = weakref.ref(shared), weakref.ref(workshop)
    session.close()
    del session, workshop, shared, note
    gc.collect()
    assert workshop_gone() is None and gone() is None  # a closed workshop's notes are not kept
    other.close()


async def test_the_stage_draws_its_clock_once_as_it_opens(stage_app: WorkshopApp, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[StageScreen] = []
    upstream = StageScreen.refresh_clock

    def counted(self: StageScreen) -> None:
        drawn.append(self)
        upstream(self)

    monkeypatch.setattr(StageScreen, "refresh_clock", counted)
    monkeypatch.setattr(stage_module, "TICK_SECONDS", 3600.0)  # no tick redraws it meanwhile
    app = stage_app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        drawn.clear()
        screen = StageScreen()
        await app.push_screen(screen)
        await pilot.pause()
        assert drawn.count(screen) == 1  # on mount; its first resume, straight after, draws nothing again
        app.push_screen(ConfirmScreen("Anything?"))
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert drawn.count(screen) >= 2  # back from a dialog: the clock moved on


async def test_a_workshop_read_anew_keeps_the_note_list_s_prompts(stage_app: WorkshopApp) -> None:
    """A preview swapped for the whole workshop, or a file followed from another window, is another workshop
    object: the list starts its options from the ones it had, and builds only what reads differently."""
    app = stage_app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = app.session
        assert session is not None
        screen = app.screen
        assert isinstance(screen, StageScreen)
        stage_id = session.workshop.current_stage_id
        assert stage_id is not None
        before = note_options(session.workshop)
        anew = copy.deepcopy(session.workshop)
        changed = anew.stage_notes(stage_id)[-1]
        changed.text = "reads differently in the new reading"
        screen.notes.set_notes(anew.stage_notes(stage_id), anew)
        await pilot.pause()
        after = note_options(anew)
        assert after is not before
        ids = screen.notes.note_ids
        assert all(after.prompts[i][1] is before.prompts[i][1] for i in ids if i != changed.id)
        assert after.prompts[changed.id][1] is not before.prompts[changed.id][1]
        assert "reads differently in the new reading" in _words(app)
