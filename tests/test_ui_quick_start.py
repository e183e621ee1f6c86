"""Start-up builds the current stage first and the rest after the first frame (issue #14).

``workshop open`` (``make_app(..., quick_start=True)``) draws the stage screen from the workshop's opening preview,
then reads the whole workshop in a thread and swaps it in. These tests hold that read back (a gate on
``WorkshopLibrary.open``) to look at the first frame, press keys meanwhile, and then let it finish.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from facilitation.clock import FakeClock
from screens.agenda_overview import AgendaOverviewScreen
from screens.app import WorkshopApp, make_app
from screens.home import HomeScreen
from screens.stage import StageScreen
from screens.widgets.note_list import EarlierNotes
from tests.ui_helpers import messages, screen_text, session_of, until
from workshop.session import SessionError, WorkshopLibrary, WorkshopSession
from workshop.session import preview as preview_module
from workshop.store import Store
from workshop.store.preview import preview_path

SIZE = (100, 30)


@pytest.fixture
def library(data_dir: Path, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(Store(data_dir), clock=clock)


def _workshop(library: WorkshopLibrary) -> str:
    """Closed on its second stage ("here" notes); the first stage holds other notes, a vote and an action."""
    with library.create("Offsite", participants=["Ana", "Ben"]) as session:
        for i in range(3):
            session.notes.add(f"elsewhere {i}")
        session.agenda.next()
        for i in range(40):
            session.notes.add(f"here {i}")
        return session.workshop.id


class Gate:
    """Holds ``WorkshopLibrary.open`` in its thread until ``release``; counts the reads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fail: SessionError | None = None) -> None:
        self.opened = threading.Event()
        self.reads = 0
        real: Callable[[WorkshopLibrary, str], WorkshopSession] = WorkshopLibrary.open

        def gated(library: WorkshopLibrary, workshop_id: str) -> WorkshopSession:
            self.reads += 1
            if threading.current_thread() is not threading.main_thread():
                assert self.opened.wait(30), "the test never released the read"
                if fail is not None:
                    raise fail
            return real(library, workshop_id)

        monkeypatch.setattr(WorkshopLibrary, "open", gated)

    def release(self) -> None:
        self.opened.set()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    g = Gate(monkeypatch)
    yield g
    g.release()  # never leave the thread waiting


async def _first_frame(app: WorkshopApp, pilot: Any) -> StageScreen:
    await until(
        pilot, lambda: isinstance(app.screen, StageScreen) and app.screen.stage_id is not None, "the stage screen"
    )
    await pilot.pause()
    assert isinstance(app.screen, StageScreen)
    return app.screen


async def _whole_workshop_in(app: WorkshopApp, pilot: Any) -> None:
    await until(pilot, lambda: not app.opening and app._full_open is None, "the whole workshop's arrival")
    await pilot.pause()


async def test_the_first_frame_shows_the_current_stage_then_the_whole_workshop_arrives(
    library: WorkshopLibrary, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    workshop_id = _workshop(library)
    full_notes = len(library.load(workshop_id).notes)
    app = make_app(library, workshop_id, quick_start=True)
    started: list[int] = []
    real_started = app._started
    monkeypatch.setattr(app, "_started", lambda: (started.append(len(session_of(app).workshop.notes)), real_started()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _first_frame(app, pilot)
        frozen = gc.get_freeze_count()
        assert started == []  # start-up's objects are frozen with the whole workshop, not before it is in
        session = session_of(app)
        assert session.opening and not session.read_only  # drawn from the preview
        assert len(session.workshop.notes) == 40  # the current stage's notes only
        text = screen_text(app)
        assert "here 39" in text and "Offsite" in text and "READ-ONLY" not in text
        assert not screen.query_one("#note-input", Input).disabled
        assert screen.notes.option_count == 40

        gate.release()
        await _whole_workshop_in(app, pilot)
        session = session_of(app)
        assert not session.opening and not session.read_only
        assert len(session.workshop.notes) == full_notes == 43
        assert session.workshop == library.load(workshop_id)  # every record: what exports and other screens read
        await until(pilot, lambda: bool(started), "the freeze after the whole workshop")
        assert started == [full_notes]  # once, with the whole workshop in memory
        assert gc.get_freeze_count() > frozen + full_notes  # which goes out of later full collections with the rest
        assert app.screen is screen  # the same screen, redrawn from the whole workshop
        assert screen.notes.option_count == 40
        await pilot.press("p")  # another stage: its notes were not in the preview
        await pilot.pause()
        assert "elsewhere 2" in screen_text(app) and screen.notes.option_count == 3
        await pilot.press("a")  # the agenda overview
        await pilot.pause()
        assert isinstance(app.screen, AgendaOverviewScreen)


async def test_keys_typed_before_the_whole_workshop_is_in_wait_and_then_act_in_order(
    library: WorkshopLibrary, gate: Gate, data_dir: Path
) -> None:
    workshop_id = _workshop(library)
    journal = data_dir / f"{workshop_id}.journal"
    app = make_app(library, workshop_id, quick_start=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _first_frame(app, pilot)
        before = journal.read_bytes()
        # On the notes list: space starts the timer (a change), i moves to the note field, and the letters after
        # it must land in the field, not on the list (where e edits, a opens the agenda, r restarts the timer).
        await pilot.press("space", "i", *"early", "enter", *"second", "enter")
        await pilot.pause()
        assert journal.read_bytes() == before  # nothing written before the whole workshop is in
        assert session_of(app).opening
        assert not any("Still opening" in m for m in messages(app))  # the keys waited, none was refused
        assert screen.query_one("#note-input", Input).value == ""  # not even typed into the field yet
        gate.release()
        await _whole_workshop_in(app, pilot)
        session = session_of(app)
        # durable and listed (group commit publishes after its fdatasync); "second" on screen alone could be the
        # note field still holding it, its Enter not yet handled
        await until(pilot, lambda: screen.notes.note_count == 42, "the second note listed")
        texts = [n.text for n in session.workshop.stage_notes(session.workshop.current_stage_id or 0)]
        assert texts[-2:] == ["early", "second"]
        assert session.timer.of().status.value == "running"
        assert "second" in screen_text(app)
        await pilot.press(*"later", "enter")  # and keys typed from now on act at once, after them
        await until(pilot, lambda: "later" in screen_text(app), "the later note on screen")
        assert [n.text for n in session.workshop.live_notes()][-3:] == ["early", "second", "later"]
    with library.open(workshop_id) as again:  # durable, once, in order
        texts = [n.text for n in again.workshop.live_notes()]
        assert texts[-3:] == ["early", "second", "later"] and texts.count("early") == 1
        assert again.timer.of().status.value == "running"


async def test_quitting_before_the_whole_workshop_is_in_releases_it(
    library: WorkshopLibrary, gate: Gate
) -> None:
    workshop_id = _workshop(library)
    app = make_app(library, workshop_id, quick_start=True)
    async with app.run_test(size=SIZE) as pilot:
        await _first_frame(app, pilot)
        # the read starts just after the first frame (FULL_READ_AFTER)
        await until(pilot, lambda: app._full_open is not None, "the whole workshop's read starting")
        opening = app._full_open
        assert opening is not None and app.opening
        await pilot.press("ctrl+q")
    gate.release()
    opening.wait(30)
    with library.open(workshop_id) as again:  # not held by the abandoned read
        assert not again.read_only


async def test_without_a_fresh_preview_the_workshop_is_read_before_the_first_frame(
    library: WorkshopLibrary, data_dir: Path
) -> None:
    workshop_id = _workshop(library)
    session = library.open(workshop_id)
    session.notes.add("typed after the preview was taken")
    file = session._ledger._file  # killed here: no close, so no new preview; the process's lock goes with it
    assert file is not None and file._lock is not None and file._journal is not None
    file._journal.close()
    file._lock.release()
    assert library.preview(workshop_id) is None
    app = make_app(library, workshop_id, quick_start=True)
    async with app.run_test(size=SIZE) as pilot:
        await _first_frame(app, pilot)
        assert not session_of(app).opening and app._full_open is None
        assert "typed after the preview was taken" in screen_text(app)


async def test_a_damaged_preview_falls_back_and_shows_the_true_workshop(
    library: WorkshopLibrary, data_dir: Path
) -> None:
    workshop_id = _workshop(library)
    path = preview_path(data_dir, workshop_id)
    header, _, _body = path.read_bytes().partition(b"\n")
    path.write_bytes(header + b'\n{"info": {"1": {"title": "Forged", "current_stage_id": 2}}, "stages": "x"}')
    app = make_app(library, workshop_id, quick_start=True)
    async with app.run_test(size=SIZE) as pilot:
        await _first_frame(app, pilot)
        assert not session_of(app).opening
        text = screen_text(app)
        assert "Offsite" in text and "Forged" not in text and "here 39" in text


async def test_a_workshop_that_cannot_be_read_after_its_preview_goes_home_with_the_reason(
    library: WorkshopLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    workshop_id = _workshop(library)
    gate = Gate(monkeypatch, fail=SessionError("The disk went away."))
    app = make_app(library, workshop_id, quick_start=True)
    async with app.run_test(size=SIZE) as pilot:
        await _first_frame(app, pilot)
        await pilot.press("x")  # waits, then goes nowhere: the workshop is closed
        gate.release()
        await _whole_workshop_in(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.session is None
        assert any("The disk went away." in m for m in messages(app))


async def test_a_workshop_another_window_holds_opens_read_only_after_its_preview(
    library: WorkshopLibrary, gate: Gate
) -> None:
    workshop_id = _workshop(library)
    other = library.open(workshop_id)  # another window writes it (a real lock, a real journal)
    try:
        assert library.preview(workshop_id) is not None
        app = make_app(library, workshop_id, quick_start=True)
        async with app.run_test(size=SIZE) as pilot:
            await _first_frame(app, pilot)
            gate.release()
            await _whole_workshop_in(app, pilot)
            await _first_frame(app, pilot)
            session = session_of(app)
            assert session.read_only and not session.opening
            assert "READ-ONLY" in screen_text(app)
            assert app.screen.query_one("#note-input", Input).disabled
    finally:
        other.close()


async def test_the_room_asked_for_at_start_opens_once_the_whole_workshop_is_in(
    library: WorkshopLibrary, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    workshop_id = _workshop(library)
    opened: list[bool] = []

    async def fake_open_room(app: WorkshopApp, address: str | None, port: int) -> None:
        opened.append(session_of(app).opening)

    monkeypatch.setattr("screens.room.open_room", fake_open_room)
    app = make_app(library, workshop_id, quick_start=True, room=(None, 0))
    async with app.run_test(size=SIZE) as pilot:
        await _first_frame(app, pilot)
        await pilot.pause()
        assert opened == []
        gate.release()
        await _whole_workshop_in(app, pilot)
        await until(pilot, lambda: bool(opened), "the room's opening")
        assert opened == [False]


async def test_keys_arriving_together_while_opening_act_as_typed_one_by_one(
    library: WorkshopLibrary, gate: Gate
) -> None:
    """A terminal's burst (``i``, a note, Enter, another note, Enter, all in one read) typed before the whole
    workshop is in: each key acts where the one before left the focus (``screens.type_ahead``)."""
    from tests.test_type_ahead import burst

    workshop_id = _workshop(library)
    app = make_app(library, workshop_id, quick_start=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _first_frame(app, pilot)
        burst(app, "iearly\rsecond\r")
        await pilot.pause()
        gate.release()
        await _whole_workshop_in(app, pilot)
        session = session_of(app)
        stage = session.workshop.current_stage_id or 0

        def both_listed() -> bool:  # "second" alone on screen may still be the field's text, before its Enter
            return [n.text for n in session.workshop.stage_notes(stage)][-2:] == ["early", "second"]

        await until(pilot, both_listed, "both notes added")
        await until(pilot, lambda: "second" in screen_text(app), "the second note on screen")
        assert screen.query_one("#note-input", Input).value == ""
        assert app.screen is screen


def _big_stage(library: WorkshopLibrary, notes: int) -> str:
    """Closed on its second stage of ``notes`` notes of one to four lines at ``SIZE``; one note on the first."""
    with library.create("Offsite", participants=["Ana", "Ben"]) as session:
        session.notes.add("elsewhere")
        session.agenda.next()
        for i in range(notes):
            session.notes.add(f"note {i} " + "words " * (i * 7 % 45))
        return session.workshop.id


def _earlier(screen: StageScreen) -> EarlierNotes | None:
    """The option standing for the notes still being read, when the list starts with one."""
    if not screen.notes.option_count:
        return None
    prompt = screen.notes.get_option_at_index(0).prompt
    return prompt if isinstance(prompt, EarlierNotes) else None


async def test_a_big_stage_shows_its_newest_notes_first_and_says_the_earlier_ones_are_still_coming(
    library: WorkshopLibrary, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview holds the stage's newest notes (``PREVIEW_NOTES``): the first frame lists them, newest
    highlighted at the bottom, under one line saying how many earlier notes are still being read, as high as they
    will be (the scrollbar is about as long as it will be). The whole workshop then brings every note: the view
    stays on the newest, and the earlier notes appear when scrolled to, in order."""
    monkeypatch.setattr(preview_module, "PREVIEW_NOTES", 40)
    workshop_id = _big_stage(library, 150)
    full = library.load(workshop_id)
    stage = full.current_stage_id or 0
    ids = [n.id for n in full.stage_notes(stage)]
    app = make_app(library, workshop_id, quick_start=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _first_frame(app, pilot)
        notes = screen.notes
        assert session_of(app).unread_notes(stage) == 110
        earlier = _earlier(screen)
        assert earlier is not None and earlier.count == 110
        assert notes.note_ids == ids[-40:] and notes.selected_note_id == ids[-1]
        assert notes.scroll_offset.y == notes.max_scroll_y > 0  # the newest in view
        assert "note 149" in screen_text(app)
        first_lines = notes.virtual_size.height
        notes.scroll_home(animate=False, immediate=True)  # the mouse wheel works meanwhile (keys wait)
        await pilot.pause()
        assert "110 earlier notes: still being read" in screen_text(app)
        notes.scroll_end(animate=False, immediate=True)
        await pilot.pause()

        gate.release()
        await _whole_workshop_in(app, pilot)
        assert _earlier(screen) is None
        assert notes.note_ids == ids and notes.selected_note_id == ids[-1]
        assert notes.scroll_offset.y == notes.max_scroll_y  # still on the newest
        assert "note 149" in screen_text(app)
        whole_lines = notes.virtual_size.height
        assert abs(first_lines - whole_lines) <= whole_lines // 5, (first_lines, whole_lines)
        await pilot.press("home")  # the earliest notes, drawn as they come into view
        await pilot.pause()
        assert notes.highlighted == 0 and notes.selected_note_id == ids[0]
        assert "note 0 " in screen_text(app) and "still being read" not in screen_text(app)
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        shown = screen_text(app)
        assert notes.highlighted is not None and f"#{ids[notes.highlighted]} " in shown


async def test_a_note_typed_while_a_big_stage_is_still_being_read_lands_after_all_of_its_notes(
    library: WorkshopLibrary, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys typed while only the newest notes are listed act once every note is in: the new note is the last
    of all 150, highlighted, and the notes before it are the stage's in order (none lost or doubled)."""
    monkeypatch.setattr(preview_module, "PREVIEW_NOTES", 40)
    workshop_id = _big_stage(library, 150)
    full = library.load(workshop_id)
    stage = full.current_stage_id or 0
    ids = [n.id for n in full.stage_notes(stage)]
    app = make_app(library, workshop_id, quick_start=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _first_frame(app, pilot)
        await pilot.press("i", *"typed early", "enter", "escape", "up")
        await pilot.pause()
        assert screen.notes.note_ids == ids[-40:]  # nothing acted yet
        gate.release()
        await _whole_workshop_in(app, pilot)
        await until(pilot, lambda: screen.notes.note_count == 151, "the typed note listed")
        await until(pilot, lambda: screen.notes.highlighted == 149, "the up key handled")
        session = session_of(app)
        added = session.workshop.stage_notes(stage)[-1]
        assert added.text == "typed early"
        assert screen.notes.note_ids == [*ids, added.id]
        assert screen.notes.selected_note_id == ids[-1]  # up from the new note: the newest before it
        assert _earlier(screen) is None
