"""The stage screen driven from the keyboard with Pilot, against a real workshop file and a fake clock.

Time never passes by sleeping: the test moves the ``FakeClock`` and asks the screen to redraw
(``refresh_clock``, which is what the 0.25 s interval calls). ``pilot.pause()`` only lets messages settle.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, TextArea

from facilitation.clock import FakeClock
from screens.app import TooSmall, WorkshopApp, make_app
from screens.commands import StageCommands
from screens.dialogs import BackupsScreen, ChooseScreen, ConfirmScreen, TextEntryScreen
from screens.help import HelpScreen, help_sections
from screens.navigation import help_screens
from screens.stage import TIP_TIMER, NoteInput, StageScreen
from screens.widgets import AgendaStrip, NoteList, TimerDisplay
from screens.widgets.timer_display import TimerBar
from tests.ui_helpers import messages, screen_text
from workshop.session import SessionError, WorkshopLibrary
from workshop.store import Store

SIZE = (120, 36)


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def workshop_id(library: WorkshopLibrary) -> str:
    session = library.create("Leadership offsite", participants=["Ana", "Ben Okafor", "Chloé"])
    workshop_id: str = session.workshop.id
    session.close()
    return workshop_id


@pytest.fixture
def app(library: WorkshopLibrary, workshop_id: str, clock: FakeClock) -> Iterator[WorkshopApp]:
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def stage_screen(app: WorkshopApp) -> StageScreen:
    screen = app.screen
    assert isinstance(screen, StageScreen), f"expected the stage screen, got {screen!r}"
    return screen


async def type_note(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` in the quick-entry field (``i`` focuses it if needed) and press Enter."""
    if not isinstance(pilot.app.screen.focused, NoteInput):
        await pilot.press("i")
    await pilot.press(*text, "enter")
    await pilot.pause()


def notes_text(app: WorkshopApp, stage_id: int | None = None) -> list[str]:
    assert app.session is not None
    ws = app.session.workshop
    return [n.text for n in ws.stage_notes(stage_id if stage_id is not None else ws.current_stage_id)]


# --- notes ---------------------------------------------------------------------------------------------


async def test_typing_a_note_and_enter_adds_it(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "we need a shared vision")
        screen = stage_screen(app)
        assert notes_text(app) == ["we need a shared vision"]
        note_list = screen.query_one(NoteList)
        assert note_list.note_count == 1
        assert note_list.selected_note_id == next(iter(app.session.workshop.notes))  # type: ignore[union-attr]
        assert screen.query_one(NoteInput).value == ""
        assert screen.focused is screen.query_one(NoteInput), "focus stays in the field for the next note"
        await type_note(pilot, "second")
        assert note_list.note_count == 2
        assert note_list.highlighted == 1, "the newest note is highlighted and scrolled to"


async def test_notes_typed_ahead_stay_separate(app: WorkshopApp) -> None:
    """Keys queued faster than the app handles them (a slow frame, a fast typist): each Enter takes what was
    typed before it, never the text of the next note too."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        for text in ("idea one", "idea two", "idea three"):
            type_ahead(app, *text, "enter")
        type_ahead(app, *"unfinished")
        await pilot.pause()
        await pilot.pause()
        assert notes_text(app) == ["idea one", "idea two", "idea three"]
        assert stage_screen(app).query_one(NoteInput).value == "unfinished"


async def test_a_refused_note_goes_back_in_the_field(
    app: WorkshopApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        assert app.session is not None

        def refuse(*_args: object, **_kwargs: object) -> None:
            raise SessionError("The disk is full: the note was not saved.")

        monkeypatch.setattr(app.session.notes, "add", refuse)
        await type_note(pilot, "an important point")
        assert stage_screen(app).query_one(NoteInput).value == "an important point"
        assert any("disk is full" in m for m in messages(app))


async def test_empty_note_is_refused_with_a_hint(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "   ")
        assert app.session is not None and app.session.workshop.notes == {}
        assert any("cannot be empty" in m for m in messages(app))


async def test_name_prefix_picks_the_author(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "ana: we need X")
        await type_note(pilot, "BEN: first names work too")
        await type_note(pilot, "Risk: not a participant")
        assert app.session is not None
        ws = app.session.workshop
        notes = ws.stage_notes(ws.current_stage_id)  # type: ignore[arg-type]
        assert [(ws.participant_name(n.author_id), n.text) for n in notes] == [
            ("Ana", "we need X"),
            ("Ben Okafor", "first names work too"),
            ("", "Risk: not a participant"),
        ]


async def test_a_name_prefix_credits_a_participant_whose_name_has_emoji(
    library: WorkshopLibrary, clock: FakeClock
) -> None:
    """Typed "Astro: …" credits "👩‍🚀 Astro" (the emoji cannot be typed in a hurry, nor in the note field)."""
    session = library.create("Space", participants=["👩\u200d🚀 Astro", "Ben 🇳🇬"])
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await type_note(pilot, "Astro: we launch in May")
            await type_note(pilot, "ben: and land in June")
            assert app.session is not None
            ws = app.session.workshop
            notes = ws.stage_notes(ws.current_stage_id)  # type: ignore[arg-type]
            assert [(ws.participant_name(n.author_id), n.text) for n in notes] == [
                ("👩\u200d🚀 Astro", "we launch in May"),
                ("Ben 🇳🇬", "and land in June"),
            ]
    finally:
        app.close_session()


def test_split_author_rules() -> None:
    from facilitation.names import Person, credit_author

    people = [Person(1, "Ana Souza"), Person(2, "Ana Lima"), Person(3, "Ben"), Person(4, "Björn")]
    assert credit_author("ana souza: x", people) == (1, "x")
    assert credit_author("ana: ambiguous", people) == (None, "ana: ambiguous")
    assert credit_author("ben:x", people) == (3, "x")
    assert credit_author("BEN: shouted", people) == (3, "shouted")
    assert credit_author("Bjorn: no accent typed", people) == (4, "no accent typed")
    assert credit_author("https://example.org", people) == (None, "https://example.org")
    assert credit_author("Risk: nobody", people) == (None, "Risk: nobody")
    assert credit_author("no prefix", people) == (None, "no prefix")


async def test_current_author_cycles_and_is_used(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "f3")
        await pilot.pause()
        screen = stage_screen(app)
        assert "Ana" in str(screen.query_one("#author").render())
        await pilot.press(*"from the current author", "enter")
        await pilot.pause()
        assert app.session is not None
        ws = app.session.workshop
        assert [ws.participant_name(n.author_id) for n in ws.notes.values()] == ["Ana"]
        await pilot.press("f3", "f3", "f3")  # Ben, Chloé, back to anonymous
        await pilot.pause()
        assert "anonymous" in str(screen.query_one("#author").render())


async def test_escape_leaves_the_field_and_space_starts_the_timer(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "space")
        await pilot.pause()
        screen = stage_screen(app)
        assert screen.query_one(NoteInput).value == " ", "space types while the field has focus"
        assert app.session is not None and app.session.timer.of().status == "idle"
        await pilot.press("escape")
        assert screen.focused is screen.query_one(NoteList)
        await pilot.press("space")
        assert app.session.timer.of().status == "running"


async def test_edit_a_note(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "frist draft")
        await pilot.press("escape", "e")
        await pilot.pause()
        assert isinstance(app.screen, TextEntryScreen)
        area = app.screen.query_one(TextArea)
        assert area.text == "frist draft"
        area.text = "first draft\nwith a second line"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert notes_text(app) == ["first draft\nwith a second line"]
        screen = stage_screen(app)
        prompt = screen.query_one(NoteList).get_option_at_index(0).prompt
        assert "with a second line" in str(prompt)


async def test_delete_and_undo(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "keep me")
        await type_note(pilot, "delete me")
        await pilot.press("escape", "d")
        await pilot.pause()
        assert notes_text(app) == ["keep me"]
        assert stage_screen(app).query_one(NoteList).note_count == 1
        assert any("press u to undo" in m for m in messages(app))
        await pilot.press("u")
        await pilot.pause()
        assert notes_text(app) == ["keep me", "delete me"]
        assert stage_screen(app).query_one(NoteList).note_count == 2
        await pilot.press("delete")
        await pilot.press("i", "ctrl+z")  # undo works from the field too
        await pilot.pause()
        assert notes_text(app) == ["keep me", "delete me"]


async def test_move_a_note_to_another_stage(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "belongs in strategy")
        await pilot.press("escape", "m")
        await pilot.pause()
        assert isinstance(app.screen, ChooseScreen)
        await pilot.press("down", "enter")  # Vision, then Strategy
        await pilot.pause()
        assert app.session is not None
        ws = app.session.workshop
        strategy = next(s for s in ws.agenda() if s.title == "Strategy")
        assert notes_text(app) == []
        assert notes_text(app, strategy.id) == ["belongs in strategy"]
        assert stage_screen(app).query_one(NoteList).note_count == 0


def after_stage_mount(monkeypatch: pytest.MonkeyPatch, hook: Callable[[StageScreen], None]) -> None:
    """Run ``hook`` as the stage screen's ``on_mount`` finishes: before its first layout and first frame."""
    mount = StageScreen.on_mount

    def on_mount(screen: StageScreen) -> None:
        mount(screen)
        hook(screen)

    monkeypatch.setattr(StageScreen, "on_mount", on_mount)


def type_ahead(app: WorkshopApp, *keys: str) -> None:
    """Keys as a fast typist (or a paste into the wrong place) sends them: all queued before any is handled."""
    for typed in keys:
        key = "space" if typed == " " else typed
        character = {"space": " ", "enter": "\r"}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


async def test_a_dialog_answered_twice_by_keys_typed_ahead_acts_once(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "belongs in strategy")
        await type_note(pilot, "stays here")
        await pilot.press("escape", "up", "m")
        await pilot.pause()
        assert isinstance(app.screen, ChooseScreen)
        type_ahead(app, "down", "enter", "enter", "enter")
        # Keys typed ahead take turns (screens.type_ahead): the first Enter answers the dialog; the next ones act
        # where it left the focus, as typed one at a time: on the notes list Enter opens the note's editor (a
        # text entry), where Enter starts a new line. None reaches the closed dialog again.
        for _ in range(200):
            if type(app.screen).__name__ == "TextEntryScreen":
                break
            await pilot.pause(0.01)
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack] == ["BaseScreen", "StageScreen", "TextEntryScreen"]
        assert app.session is not None
        strategy = next(s for s in app.session.workshop.agenda() if s.title == "Strategy")
        assert notes_text(app) == ["stays here"], "the second Enter did not move another note"
        assert notes_text(app, strategy.id) == ["belongs in strategy"]
        assert [e.kind for e in app.session.workshop.events].count("note.moved") == 1


async def test_letters_typed_into_the_list_instead_of_the_field_never_break_the_app(store: Store) -> None:
    """What a facilitator does who starts typing before focusing the field: every letter is a command (next
    stage, move, merge, vote…), queued faster than the dialogs they open can close."""
    from workshop.demo import build_demo

    with build_demo(store) as session:
        workshop_id = session.workshop.id
    app = make_app(WorkshopLibrary(store), workshop_id)  # the real clock: the demo's timer is running
    try:
        async with app.run_test(size=(150, 50)) as pilot:
            await pilot.pause()
            for i in range(25):
                type_ahead(app, *f"note number {i} about community", "enter")
                await asyncio.sleep(0.01)  # not pilot.pause(), which waits for every screen to settle
            for _ in range(6):
                await pilot.press("escape")
            await pilot.pause()
            assert type(app.screen_stack[0]).__name__ == "BaseScreen" and len(app.screen_stack) >= 2
            assert app.session is not None and app.session.workshop.notes
    finally:
        app.close_session()


async def test_merge_two_notes(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "more coffee")
        await type_note(pilot, "better coffee")
        await pilot.press("escape", "up", "g")
        await pilot.pause()
        assert isinstance(app.screen, ChooseScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert notes_text(app) == ["more coffee\nbetter coffee"]
        assert stage_screen(app).query_one(NoteList).note_count == 1


async def test_mark_decision_and_candidate(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "we decide this")
        await pilot.press("escape", "x")
        await pilot.pause()
        assert app.session is not None
        note = next(iter(app.session.workshop.notes.values()))
        assert app.session.workshop.notes[note.id].mark == "decision"
        assert "DECISION" in str(stage_screen(app).query_one(NoteList).get_option_at_index(0).prompt)
        await pilot.press("c")
        assert app.session.workshop.notes[note.id].mark == "candidate"
        await pilot.press("c")
        assert app.session.workshop.notes[note.id].mark is None


async def test_multiline_paste_opens_the_editor_and_keeps_the_lines(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        stage_screen(app).query_one(NoteInput).post_message(events.Paste("line one\nline two"))
        await pilot.pause()
        assert isinstance(app.screen, TextEntryScreen)
        assert app.screen.query_one(TextArea).text == "line one\nline two"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert notes_text(app) == ["line one\nline two"]


async def test_long_note_editor_from_f2(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", *"Ana: start", "f2")
        await pilot.pause()
        assert isinstance(app.screen, TextEntryScreen)
        area = app.screen.query_one(TextArea)
        area.insert("\nand more")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert notes_text(app) == ["start\nand more"]
        assert stage_screen(app).query_one(NoteInput).value == ""


async def test_very_long_note_is_cut_in_the_list_but_kept_whole(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        assert app.session is not None
        app.session.notes.add("word " * 20_000)
        stage_screen(app).on_screen_resume()
        await pilot.pause()
        prompt = str(stage_screen(app).query_one(NoteList).get_option_at_index(0).prompt)
        assert "press e to read it all" in prompt
        assert len(notes_text(app)[0]) == len(("word " * 20_000).strip())


# --- the timer ------------------------------------------------------------------------------------------


async def test_space_starts_and_the_display_follows_the_clock(app: WorkshopApp, clock: FakeClock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = stage_screen(app)
        display = screen.query_one(TimerDisplay)
        assert display.digits == "10:00"
        assert display.has_class("-idle")
        await pilot.press("space")
        clock.advance(65)
        screen.refresh_clock()
        assert display.digits == "08:55"
        assert display.has_class("-running") and display.has_class("-normal")
        assert display.status.startswith("RUNNING")
        bar = display.query_one(TimerBar)
        assert bar.fraction == pytest.approx(535 / 600, abs=0.001), "the bar drains with the time left"
        await pilot.pause()
        drawn = screen_text(app).splitlines()[bar.region.y][bar.region.x : bar.region.right]
        assert set(drawn) <= set("━╸╺") and len(drawn) == bar.region.width > 20


async def test_pause_and_extend(app: WorkshopApp, clock: FakeClock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = stage_screen(app)
        display = screen.query_one(TimerDisplay)
        await pilot.press("space")
        clock.advance(65)
        await pilot.press("space")  # pause
        clock.advance(100)
        screen.refresh_clock()
        assert display.digits == "08:55"
        assert display.has_class("-paused")
        await pilot.press("plus")
        assert display.digits == "09:55"
        await pilot.press("right_square_bracket")
        assert display.digits == "14:55"
        await pilot.press("i", "f6")  # the F-key works while typing
        assert display.digits == "15:55"
        assert screen.query_one(NoteInput).value == ""
        await pilot.press("f5")  # resume from the field
        assert app.session is not None and app.session.timer.of().status == "running"


async def test_warning_alert_and_overrun(
    app: WorkshopApp, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    rings: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=SIZE) as pilot:
        screen = stage_screen(app)
        display = screen.query_one(TimerDisplay)
        await pilot.press("space")
        clock.advance(8 * 60 + 1)
        screen.refresh_clock()
        assert display.has_class("-warning")
        clock.advance(90)
        screen.refresh_clock()
        assert display.has_class("-alert")
        assert rings == []
        clock.advance(29 + 3 * 60 + 12)
        screen.refresh_clock()
        assert display.has_class("-overrun") and display.has_class("-times-up")
        assert display.digits == "+03:12"
        assert "TIME'S UP" in display.status
        clock.advance(5)
        screen.refresh_clock()
        screen.refresh_clock()
        assert display.digits == "+03:17", "the overrun keeps counting up"
        assert rings == [1], "the bell rings once per run, not on every redraw"
        await pilot.pause()
        assert any("time's up" in m for m in messages(app))


async def test_muted_bell_stays_silent(
    app: WorkshopApp, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    rings: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b", "space")
        assert app.session is not None and app.session.workshop.muted
        clock.advance(11 * 60)
        stage_screen(app).refresh_clock()
        assert stage_screen(app).query_one(TimerDisplay).has_class("-overrun")
        assert rings == []


async def test_restart_asks_first(app: WorkshopApp, clock: FakeClock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        clock.advance(120)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app.session is not None and app.session.timer.of().status == "idle"
        assert stage_screen(app).query_one(TimerDisplay).digits == "10:00"


async def test_next_stage_always_confirms_with_no_as_the_default(app: WorkshopApp, clock: FakeClock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        assert app.session is not None
        first = app.session.stage()
        await pilot.press("space")
        clock.advance(60)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: stay
        await pilot.pause()
        assert app.session.stage().id == first.id
        await pilot.press("n", "y")
        await pilot.pause()
        assert app.session.stage().title == "Vision"
        assert app.session.timer.of(first.id).status == "finished"
        screen = stage_screen(app)
        assert screen.query_one(TimerDisplay).digits == "20:00"
        await pilot.press("space")
        clock.advance(21 * 60)
        await pilot.press("n")  # time is up: still asked, and Enter alone says no
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "time is up (+01:00)" in app.screen.question
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.stage().title == "Vision" and app.session.timer.of().status == "running"
        await pilot.press("n", "y")
        await pilot.pause()
        assert app.session.stage().title == "Strategy"
        strip = screen.query_one("#agenda-strip", AgendaStrip)
        assert [m.state for m in strip.marks[:3]] == ["done", "done", "current"]
        await pilot.press("p")
        assert app.session.stage().title == "Vision"


async def test_agenda_strip_reports_behind(app: WorkshopApp, clock: FakeClock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        clock.advance(15 * 60)  # a 10 min stage, 5 min over
        screen = stage_screen(app)
        screen.refresh_clock()
        assert screen.query_one("#agenda-strip", AgendaStrip).drift_text == "5 min behind"


async def test_reminder_when_the_timer_is_not_started(app: WorkshopApp, clock: FakeClock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = stage_screen(app)
        clock.advance(29)
        screen.refresh_clock()
        await pilot.pause()
        assert not any("has not started" in m for m in messages(app))
        clock.advance(2)
        screen.refresh_clock()
        clock.advance(60)
        screen.refresh_clock()
        await pilot.pause()
        assert sum("has not started" in m for m in messages(app)) == 1


async def test_timer_survives_quitting_and_reopening(
    library: WorkshopLibrary, workshop_id: str, store: Store, clock: FakeClock
) -> None:
    app = make_app(library, workshop_id, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        clock.advance(60)
        await pilot.press("ctrl+q")
    assert app.session is None, "quitting closes the workshop file"

    clock.advance(300)
    clock.restart()  # a new process: a new monotonic origin, the same wall clock
    again = make_app(WorkshopLibrary(store, clock=clock), workshop_id, clock=clock)
    async with again.run_test(size=SIZE):
        display = stage_screen(again).query_one(TimerDisplay)
        assert display.digits == "04:00"
        assert display.has_class("-running")
    again.close_session()


# --- the workshop file, the terminal, the rest ------------------------------------------------------------


async def test_read_only_banner_when_another_process_holds_the_file(
    library: WorkshopLibrary, workshop_id: str, store: Store, clock: FakeClock
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import time
            from pathlib import Path
            from workshop.store import Store
            f = Store(Path({str(store.data_dir)!r})).open({workshop_id!r})
            print('locked', flush=True)
            time.sleep(30)
            """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        app = make_app(library, workshop_id, clock=clock)
        async with app.run_test(size=SIZE) as pilot:
            screen = stage_screen(app)
            banner = screen.query_one("#read-only-banner")
            assert banner.display
            assert "READ-ONLY" in str(banner.render())
            assert f"window (pid {holder.pid}): this window follows it" in str(banner.render())  # who writes
            assert app.session is not None and app.session.read_only
            assert screen.query_one(NoteInput).disabled
            await pilot.press("i", "space")
            await pilot.pause()
            assert app.session.workshop.notes == {}
            assert app.session.timer.of().status == "idle"
        app.close_session()
    finally:
        holder.kill()
        holder.wait()


async def test_terminal_too_small_shows_a_message(app: WorkshopApp) -> None:
    async with app.run_test(size=(50, 15)) as pilot:
        await pilot.pause()  # the message is mounted as the stage screen opens, and laid out in its next frame
        screen = stage_screen(app)
        assert screen.has_class("-too-small")
        message = screen.query_one(TooSmall)
        assert message.display and message.region.width == 50
        assert "Terminal too small" in str(message.render())
        assert "at least 60×20" in str(message.render())
        assert not screen.query_one(NoteList).display or screen.query_one(NoteList).region.area == 0
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not screen.has_class("-too-small")
        assert screen.query_one(TooSmall).region.area == 0
        assert screen.query_one(TimerDisplay).region.area > 0


@pytest.mark.parametrize(
    ("size", "expected"), [((120, 36), {"-wide", "-tall"}), ((80, 24), {"-compact", "-short"})]
)
async def test_layout_classes_are_set_before_the_first_frame(
    app: WorkshopApp, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], expected: set[str]
) -> None:
    """Textual adds breakpoint classes on the first resize, after drawing a frame without them; the stage
    screen has them from compose, so its first frame is already the right layout."""
    seen: list[set[str]] = []
    after_stage_mount(monkeypatch, lambda screen: seen.append(set(screen.classes)))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert seen and expected <= seen[0]
        assert expected <= set(stage_screen(app).classes)


async def test_compact_and_wide_layouts(app: WorkshopApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = stage_screen(app)
        await pilot.pause()  # a pushed screen is laid out at its first update (screens.internals.QuietFirstResume)
        assert screen.has_class("-compact")
        assert screen.query_one("#stage-side").region.area == 0
        assert screen.query_one("#stage-prompt").region.height == 1
        assert screen.query_one(TimerDisplay).region.height >= 4
        assert screen.query_one(NoteList).region.height >= 6
        await pilot.resize_terminal(130, 40)
        await pilot.pause()
        assert screen.has_class("-wide")
        assert screen.query_one("#stage-side").region.width > 30
        assert screen.query_one("#agenda-strip").region.area == 0


async def test_switching_to_a_stage_of_500_notes_shows_the_newest(app: WorkshopApp) -> None:
    """How fast is measured in ``benchmarks/`` (no timing here); this checks what the switch shows."""
    async with app.run_test(size=SIZE) as pilot:
        assert app.session is not None
        vision = next(s for s in app.session.workshop.agenda() if s.title == "Vision")
        for i in range(500):
            app.session.notes.add(f"note {i} " + "with some words " * (i % 7), stage_id=vision.id)
        screen = stage_screen(app)
        screen.action_go_to_stage(vision.id)
        await pilot.pause()
        note_list = screen.query_one(NoteList)
        assert note_list.note_count == 500
        assert note_list.selected_note_id == max(app.session.workshop.notes)
        assert note_list.scroll_y == note_list.max_scroll_y > 0, "the newest note is in view"
        assert "note 499 " in screen_text(app)


async def test_the_first_frame_already_shows_the_newest_note(
    library: WorkshopLibrary, workshop_id: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list scrolls to the newest note as it is first drawn, not one frame later (a jump the room sees,
    and a second drawing of the list at start-up)."""
    session = library.open(workshop_id)
    for i in range(120):
        session.notes.add(f"opening note {i} " + "and more words " * (i % 5))
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    first_frames: list[str] = []
    after_stage_mount(
        monkeypatch,
        lambda screen: screen.app.call_after_refresh(lambda: first_frames.append(screen_text(app))),
    )
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert first_frames, "the stage screen was drawn"
            assert "opening note 119 " in first_frames[0]
            assert "opening note 0 " not in first_frames[0]
    finally:
        app.close_session()


async def test_notes_are_rewrapped_only_when_the_width_changes(
    app: WorkshopApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.run_test(size=(200, 36)) as pilot:
        for i in range(3):
            await type_note(pilot, f"point {i} " + "a long sentence that wraps on a narrow list " * 3)
        note_list = stage_screen(app).query_one(NoteList)
        wide_lines = note_list.virtual_size.height
        cleared: list[int] = []
        clear = NoteList._clear_caches

        def spy(self: NoteList) -> None:
            cleared.append(self.scrollable_content_region.width)
            clear(self)

        monkeypatch.setattr(NoteList, "_clear_caches", spy)
        await pilot.resize_terminal(200, 44)  # taller only: the measured lines still hold
        await pilot.pause()
        assert cleared == []
        assert note_list.virtual_size.height == wide_lines
        await pilot.resize_terminal(112, 36)  # a narrower list: every note is wrapped again
        await pilot.pause()
        assert cleared, "a new width re-measures the notes"
        assert note_list.virtual_size.height > wide_lines
        assert "point 2 " in screen_text(app)


async def test_the_highlighted_note_stays_in_view_when_the_terminal_narrows(app: WorkshopApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.session is not None
        for i in range(40):
            app.session.notes.add(f"note {i} " + "words that wrap on a narrow terminal " * (i % 3))
        screen = stage_screen(app)
        screen.action_go_to_stage(app.session.workshop.current_stage_id)
        await pilot.pause()
        assert "note 39 " in screen_text(app)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        note_list = screen.query_one(NoteList)
        assert note_list.scroll_y == note_list.max_scroll_y > 0
        assert "note 39 " in screen_text(app)


async def test_help_lists_the_keys_of_every_screen(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        sections = dict(help_sections(app, help_screens(type(app))))
        stage_keys = {e.description: e.keys for e in sections["Stage (notes list)"]}
        assert stage_keys[TIP_TIMER] == "space · F5", "a letter key and its F-key are one line"
        assert stage_keys["Add 1 minute"] == "+ · = · F6"
        assert stage_keys["Undo the last change to the notes (again: the one before)"] == "u · ^z"
        assert stage_keys["Edit the note"] == "⏎"
        assert any(heading == "Everywhere" for heading, _ in help_sections(app, help_screens(type(app))))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)


async def test_command_palette_offers_stage_actions(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = stage_screen(app)
        provider = StageCommands(screen)
        commands = {c.name: c for c in provider.commands()}
        assert "Timer: add 5 minutes" in commands
        commands["Go to stage: Strategy"].run()
        await pilot.pause()
        assert app.session is not None and app.session.stage().title == "Strategy"
        commands["Timer: start / pause / resume"].run()
        assert app.session.timer.of().status == "running"


async def test_command_palette_runs_a_stage_command(app: WorkshopApp) -> None:
    """Through the real palette (ctrl+p): the app registers the stage commands lazily, by a function."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape", "ctrl+p")
        await pilot.pause()
        await pilot.press(*"Go to stage: Strategy")
        for _ in range(400):
            await pilot.pause(0.05)
            if "Go to stage: Strategy" in screen_text(app):
                break
        await pilot.press("enter")
        await pilot.pause()
        assert app.session is not None and app.session.stage().title == "Strategy"


async def test_home_closes_the_workshop(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await pilot.pause()
        assert app.session is None
        assert not isinstance(app.screen, StageScreen)


async def test_quick_entry_is_an_input_and_list_is_an_option_list(app: WorkshopApp) -> None:
    """The notes list is virtualised (one option per note), never one widget per note."""
    async with app.run_test(size=SIZE) as pilot:
        for i in range(3):
            await type_note(pilot, f"note {i}")
        screen = stage_screen(app)
        assert isinstance(screen.query_one(NoteList), OptionList)
        assert isinstance(screen.query_one(NoteInput), Input)
        assert len(screen.query_one(NoteList).children) == 0


def damage(store: Store, workshop_id: str) -> None:
    """Break the workshop file and drop its journal, as a disk fault would: only the backups remain."""
    (store.data_dir / f"{workshop_id}.json").write_text("{not json", encoding="utf-8")
    for path in store.data_dir.glob("*.journal"):
        path.unlink()


async def test_damaged_file_offers_its_backups(store: Store, clock: FakeClock) -> None:
    library = WorkshopLibrary(store, clock=clock)
    session = library.create("Damaged")
    session.notes.add("saved before the damage")
    workshop_id = session.workshop.id
    session.checkpoint()  # as the app's idle worker does: each checkpoint keeps the previous file as a backup
    session.close()
    session = library.open(workshop_id)
    session.notes.add("lost with the damage")
    session.checkpoint()
    session.close()
    damage(store, workshop_id)
    app = make_app(library, workshop_id, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BackupsScreen)
        assert "damaged" in str(app.screen.query_one("#damaged-message").render())
        await pilot.press("enter")  # the newest readable backup is highlighted
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        assert notes_text(app) == ["saved before the damage"]
    app.close_session()


async def test_a_workshop_without_stages_goes_home_with_a_message(store: Store, clock: FakeClock) -> None:
    """An empty backup restored (the file as first created) has no agenda: no traceback, a message."""
    library = WorkshopLibrary(store, clock=clock)
    session = library.create("Damaged")
    session.notes.add("a note")
    workshop_id = session.workshop.id
    session.checkpoint()
    session.close()
    damage(store, workshop_id)
    app = make_app(library, workshop_id, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BackupsScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, StageScreen)
        assert app.session is None
        assert any("no stage to run" in m for m in messages(app))


async def test_u_undoes_the_last_change_whatever_it_was_and_names_it(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "old idea")
        await type_note(pilot, "keep me")
        await pilot.press("escape", "up", "d")  # delete "old idea"
        await pilot.pause()
        assert notes_text(app) == ["keep me"]
        await pilot.press("x")  # then mark "keep me" a decision
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert any("Undone: the mark of note" in m for m in messages(app))
        assert notes_text(app) == ["keep me"], "the older deletion stays deleted"
        assert (
            app.session is not None
            and app.session.workshop.stage_notes(app.session.stage().id)[0].mark is None
        )
        await pilot.press("u")
        await pilot.pause()
        assert any("Undone: the delete of note" in m for m in messages(app))
        assert notes_text(app) == ["old idea", "keep me"]


async def test_ctrl_y_redoes_what_u_undid_on_the_list_and_while_typing(app: WorkshopApp) -> None:
    """A stray ``u`` is no longer a loss: ``ctrl+y`` makes the change again, names it, and works from the note
    field as well as the list; once nothing is left to redo it says so."""
    async with app.run_test(size=SIZE) as pilot:
        await type_note(pilot, "old idea")
        await type_note(pilot, "keep me")
        await pilot.press("escape", "up", "d")  # delete "old idea"
        await pilot.pause()
        await pilot.press("x")  # mark "keep me" a decision
        await pilot.pause()
        await pilot.press("u", "u")
        await pilot.pause()
        assert notes_text(app) == ["old idea", "keep me"]
        await pilot.press("ctrl+y")
        await pilot.pause()
        redone = [m for m in messages(app) if "Redone: the delete of note" in m]
        assert redone and "ctrl+y again redoes" in redone[-1]  # the mark is still to redo
        assert notes_text(app) == ["keep me"]
        await pilot.press("i")  # from the note field too
        await pilot.press("ctrl+y")
        await pilot.pause()
        redone = [m for m in messages(app) if "Redone: the mark of note" in m]
        # nothing is left to redo: it said "ctrl+y again redoes the change undone before it" all the same
        assert redone and "ctrl+y again" not in redone[-1] and "u undoes this one" in redone[-1]
        session = app.session
        assert session is not None and session.workshop.stage_notes(session.stage().id)[0].mark == "decision"
        assert isinstance(app.focused, NoteInput) and app.focused.value == ""
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert any("Nothing to redo" in m for m in messages(app))


async def test_h_asks_before_going_home_while_a_note_is_being_typed(app: WorkshopApp) -> None:
    """Typing "Draft idea", a Tab (to the list), then "here": ``h`` went home at once, the words typed lost and the
    rest of the word run as the home screen's commands. Now ``h`` asks while the field holds a note not added yet
    (any other key answers no), and goes home at once when it is empty."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", *"Draft idea", "tab")
        await pilot.pause()
        assert not isinstance(app.focused, NoteInput)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "Draft idea" in app.screen.question
        await pilot.press("e")  # typing on answers no
        await pilot.pause()
        assert isinstance(app.screen, StageScreen) and app.session is not None
        assert app.screen.query_one(NoteInput).value == "Draft idea"
        app.screen.query_one(NoteInput).value = ""
        await pilot.press("escape", "h")
        await pilot.pause()
        assert app.session is None and not isinstance(app.screen, StageScreen)

