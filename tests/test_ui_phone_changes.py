"""What the facilitator's screens do for changes that come from phones (the room) rather than from keys.

Notes are committed as the room commits a phone's note (``session.group.commit`` from the loop), one at a time
and in bursts (one group round: twenty phones within one frame). The screen must show every note, in order, with
its author, without laying the screen out again for a list that only grew, and a screen covered by another must
not repaint the screen above it. Counts, never timings.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.screen import ModalScreen, Screen
from textual.widgets import Static
from textual.widgets.option_list import Option

from facilitation.clock import FakeClock
from facilitation.models import Ballot
from screens.app import WorkshopApp, make_app
from screens.base import WorkshopScreenMixin
from screens.stage import StageScreen
from screens.widgets.lazy_list import LazyOptionList
from screens.widgets.note_list import NoteList
from tests.ui_helpers import screen_text, session_of, until
from workshop.session import WorkshopLibrary, WorkshopSession
from workshop.store import Store

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def follow_as_they_come(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about what following a change or a burst does: the stage screen follows every change as
    it comes (no ``FOLLOW_PERIOD``). Gathering the room's changes is tested in tests/test_ui_gathered_changes.py."""
    monkeypatch.setattr(StageScreen, "FOLLOW_PERIOD", 0.0)


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def workshop_id(library: WorkshopLibrary) -> str:
    session = library.create("Room workshop", participants=["Ana", "Ben", "Chloé", "Dev"])
    session.agenda.go_to(2)
    stage_id = session.workshop.current_stage_id
    for i in range(60):
        session.notes.add(f"Earlier note {i}", stage_id=stage_id)
    workshop_id: str = session.workshop.id
    session.close()
    return workshop_id


@pytest.fixture
def app(library: WorkshopLibrary, workshop_id: str, clock: FakeClock) -> Iterator[WorkshopApp]:
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Screen layouts, and regions a screen below pushed onto the top screen to repaint (Textual's
    ``Screen._compositor_refresh`` for a screen under the top one calls ``app.screen.refresh(*regions)``)."""
    counted: Counter[str] = Counter()
    layout = Screen._refresh_layout
    refresh = Screen.refresh

    def counting_layout(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
        counted["layouts"] += 1
        layout(self, *args, **kwargs)

    def counting_refresh(self: Screen[Any], *regions: Any, **kwargs: Any) -> Any:
        if regions and self is self.app.screen:
            counted["top repainted from below"] += 1
        return refresh(self, *regions, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counting_layout)
    monkeypatch.setattr(Screen, "refresh", counting_refresh)
    return counted


async def phone_notes(app: WorkshopApp, texts: list[str], authors: list[str]) -> None:
    """Commit ``texts`` together, as the room commits notes from several phones at once (one group round)."""
    session = session_of(app)
    stage_id = session.workshop.current_stage_id
    ids = {p.name: p.id for p in session.workshop.active_participants()}

    def add(text: str, author: str) -> Callable[[], object]:
        return lambda: session.notes.add(text, stage_id=stage_id, author_id=ids[author])

    await asyncio.gather(*(session.group.commit(add(t, a)) for t, a in zip(texts, authors, strict=True)))


async def ready(app: WorkshopApp, pilot: Any) -> StageScreen:
    await until(pilot, lambda: isinstance(app.screen, StageScreen) and app.started, "the stage screen")
    await phone_notes(app, ["warm-up"], ["Ana"])  # the sync thread runs from here on
    await pilot.pause()
    assert isinstance(app.screen, StageScreen)
    return app.screen


def shown_in_order(app: WorkshopApp, notes: NoteList) -> bool:
    session = session_of(app)
    return notes.note_ids == [n.id for n in session.workshop.stage_notes(session.workshop.current_stage_id)]


async def test_a_burst_of_phone_notes_is_shown_whole_in_order_without_a_layout(
    app: WorkshopApp, counts: Counter[str]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        notes = stage.notes
        authors = ["Ana", "Ben", "Chloé", "Dev"] * 5
        texts = [f"Phone idea {i}" for i in range(20)]
        counts.clear()
        await phone_notes(app, texts, authors)
        await pilot.pause()
        await pilot.pause()
        assert counts["layouts"] == 0  # the list grew; nothing on the screen moved
        assert counts["top repainted from below"] == 0  # the empty base screen heard every change too
        assert shown_in_order(app, notes)
        session = session_of(app)
        new = [n for n in session.workshop.stage_notes(stage.stage_id) if n.text.startswith("Phone idea")]
        assert [n.text for n in new] == texts
        assert notes.selected_note_id == new[-1].id  # the highlight was on the newest note: it follows
        text = screen_text(app)
        assert "Dev: Phone idea 19" in text and "Ana: Phone idea 16" in text


async def test_phone_notes_one_at_a_time_never_lay_the_screen_out(
    app: WorkshopApp, counts: Counter[str]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        counts.clear()
        for i in range(5):
            await phone_notes(app, [f"Single {i}"], ["Ben"])
            await pilot.pause()
            assert f"Ben: Single {i}" in screen_text(app)
        assert counts["layouts"] == 0 and counts["top repainted from below"] == 0
        assert shown_in_order(app, stage.notes)


async def test_notes_arriving_while_the_facilitator_reads_keep_the_highlight(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        notes = stage.notes
        notes.focus()
        await pilot.press("home")
        reading = notes.selected_note_id
        await phone_notes(app, [f"While reading {i}" for i in range(12)], ["Chloé"] * 12)
        await pilot.pause()
        assert notes.selected_note_id == reading
        assert shown_in_order(app, notes)
        await pilot.press("end")
        await pilot.pause()
        assert "Chloé: While reading 11" in screen_text(app)


class Cover(WorkshopScreenMixin, Screen[None]):
    """An opaque screen over the stage, as the room screen or the agenda is."""

    def compose(self) -> ComposeResult:
        yield Static("covering")


class Dialog(WorkshopScreenMixin, ModalScreen[None]):
    """A dialog, through whose see-through background the stage shows."""

    DEFAULT_CSS = "Dialog { align: center middle; } Dialog > Static { width: 20; height: 3; }"

    def compose(self) -> ComposeResult:
        yield Static("a dialog")


async def test_a_covered_stage_follows_the_room_without_repainting_the_screen_above(
    app: WorkshopApp, counts: Counter[str]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        await app.push_screen(Cover())
        await pilot.pause()
        counts.clear()
        await phone_notes(app, [f"Covered {i}" for i in range(6)], ["Dev"] * 6)
        await pilot.pause()
        await pilot.pause()
        assert counts["top repainted from below"] == 0
        assert shown_in_order(app, stage.notes)  # the covered list kept up
        app.pop_screen()
        await until(pilot, lambda: app.screen is stage, "back on the stage")
        await pilot.pause()
        assert "Dev: Covered 5" in screen_text(app)  # drawn whole on return


async def test_under_a_dialog_the_stage_still_shows_through(app: WorkshopApp, counts: Counter[str]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        await app.push_screen(Dialog())
        await pilot.pause()
        assert app.screen.styles.background.a < 1
        counts.clear()
        await phone_notes(app, ["Seen behind the dialog"], ["Ana"])
        await until(pilot, lambda: counts["top repainted from below"] > 0, "the stage's change drawn through")
        assert stage.notes.has_note(session_of(app).workshop.stage_notes(stage.stage_id)[-1].id)
        assert "Ana: Seen behind the dialog" in screen_text(app)


class Lists(App[None]):
    """A fixed-height lazy list and one sized by its options."""

    CSS = "#fixed { height: 8; } #auto { height: auto; max-height: 20; }"

    def compose(self) -> ComposeResult:
        yield LazyOptionList(*(Option(f"fixed {i}") for i in range(3)), id="fixed")
        yield LazyOptionList(*(Option(f"auto {i}") for i in range(3)), id="auto")


async def test_a_list_sized_by_its_options_is_laid_out_again_and_a_fixed_one_only_scrolls_further() -> None:
    app = Lists()
    async with app.run_test(size=(40, 40)) as pilot:
        fixed = app.query_one("#fixed", LazyOptionList)
        grown = app.query_one("#auto", LazyOptionList)
        await pilot.pause()
        assert grown.outer_size.height == 3 + 2 and fixed.max_scroll_y == 0
        fixed.add_options([Option(f"fixed more {i}") for i in range(10)])
        grown.add_options([Option(f"auto more {i}") for i in range(5)])
        await pilot.pause()
        await pilot.pause()
        assert grown.outer_size.height == 8 + 2  # laid out again: it grew with its options
        view = fixed.scrollable_content_region.height
        assert fixed.outer_size.height == 8 and fixed.virtual_size == Size(fixed.virtual_size.width, 13)
        assert fixed.max_scroll_y == 13 - view  # the scrollbar knows the new height without a layout
        fixed.focus()
        await pilot.press("end")
        await pilot.pause()
        assert fixed.scroll_offset.y == 13 - view


def burst_of_notes(app: WorkshopApp, texts: list[str], author: str) -> None:
    """Commit notes one after another without yielding to the loop: their changes are published and relayed
    before any screen handles the first, as a group round publishes several phones' notes."""
    session = session_of(app)
    stage_id = session.workshop.current_stage_id
    author_id = next(p.id for p in session.workshop.active_participants() if p.name == author)
    for text in texts:
        session.notes.add(text, stage_id=stage_id, author_id=author_id)


def record_calls(monkeypatch: pytest.MonkeyPatch, cls: type, name: str) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []
    upstream = getattr(cls, name)

    def recorded(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return upstream(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, recorded)
    return calls


async def test_changes_published_together_are_followed_at_once(
    app: WorkshopApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        notes = stage.notes
        added = record_calls(monkeypatch, LazyOptionList, "add_options")
        texts = [f"Together {i}" for i in range(20)]
        burst_of_notes(app, texts, "Ben")
        await pilot.pause()
        assert len(added) == 1 and len(added[0][0]) == 20  # one add, one scroll, one repaint for the burst
        assert shown_in_order(app, notes)
        assert notes.selected_note_id == notes.note_ids[-1]
        assert "Ben: Together 19" in screen_text(app)
        # a burst mixing an edit of a note of the same burst and a deletion is followed in order
        session = session_of(app)
        stage_id = stage.stage_id
        burst_of_notes(app, ["Soon edited", "Soon deleted"], "Ana")
        edited, deleted = [n.id for n in session.workshop.stage_notes(stage_id)][-2:]
        session.notes.edit(edited, "Edited within the burst")
        session.notes.delete(deleted)
        burst_of_notes(app, ["After them"], "Dev")
        await pilot.pause()
        assert shown_in_order(app, notes) and not notes.has_note(deleted)
        text = screen_text(app)
        assert "Ana: Edited within the burst" in text and "Dev: After them" in text and "Soon deleted" not in text


async def test_notes_landing_below_the_view_do_not_redraw_the_list(
    app: WorkshopApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        notes = stage.notes
        notes.focus()
        await pilot.press("home")
        await pilot.pause()
        reading = notes.selected_note_id
        drawn = record_calls(monkeypatch, NoteList, "render_line")  # a line drawn anew, not from the cache
        before = notes.max_scroll_y
        for i in range(3):
            burst_of_notes(app, [f"Below {i}"], "Chloé")
            await pilot.pause()
        assert drawn == []  # nothing in view changed: only the scrollbar is drawn again
        assert notes.max_scroll_y > before and notes.selected_note_id == reading
        assert shown_in_order(app, notes)
        await pilot.press("end")
        await pilot.pause()
        assert drawn and "Chloé: Below 2" in screen_text(app)


async def on_the_vote_board(app: WorkshopApp, pilot: Any) -> tuple[WorkshopSession, Ballot, list[int]]:
    """The vote board of a ballot opened on the stage's first 10 notes (3 dots each, at most 2 on one note,
    named): the session, the ballot and its notes' ids."""
    from screens.voting.board import VoteBoardScreen

    stage = await ready(app, pilot)
    session = session_of(app)
    note_ids = [n.id for n in session.workshop.stage_notes(stage.stage_id)][:10]
    ballot = session.votes.open(stage.stage_id, note_ids=note_ids, budget=3, cap=2, anonymous=False)
    await app.push_screen(VoteBoardScreen(ballot.id))
    await pilot.pause()
    return session, ballot, note_ids


async def test_the_vote_board_follows_a_burst_of_dots_once_and_shows_every_ballot(
    app: WorkshopApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screens.voting.board import VoteBoardScreen

    async with app.run_test(size=SIZE) as pilot:
        session, ballot, note_ids = await on_the_vote_board(app, pilot)
        redrawn = record_calls(monkeypatch, VoteBoardScreen, "redraw")
        people = {p.name: p.id for p in session.workshop.active_participants()}
        for name in ("Ana", "Ben", "Chloé"):  # as phones' dots and "I'm done" arrive in one round
            for note_id in note_ids[:3]:
                session.votes.cast(ballot.id, people[name], note_id)
            session.votes.submit(ballot.id, people[name])
        await pilot.pause()
        assert len(redrawn) == 1
        text = screen_text(app)
        for name in ("Ana", "Ben", "Chloé"):
            assert f"✔ {name}" in text
        assert "○ Dev" in text and "3 of 4 have voted." in text


async def test_the_room_screen_redraws_once_for_a_burst_and_counts_every_note(
    app: WorkshopApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screens.room import RoomScreen, open_room

    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        session = session_of(app)
        session.notes.set_silent(True, stage_id=stage.stage_id)
        server = await open_room(app, "127.0.0.1", 0)
        try:
            assert server is not None and isinstance(app.screen, RoomScreen)
            await pilot.pause()
            drawn = record_calls(monkeypatch, RoomScreen, "_draw_room")
            hidden_before = sum(1 for n in session.workshop.stage_notes(stage.stage_id) if n.hidden)
            burst_of_notes(app, [f"Silent {i}" for i in range(8)], "Dev")
            await pilot.pause()
            assert len(drawn) == 1
            hidden = sum(1 for n in session.workshop.stage_notes(stage.stage_id) if n.hidden)
            assert hidden == hidden_before + 8
            assert f"silent brainstorming ON · {hidden} notes in" in " ".join(screen_text(app).split())
        finally:
            await server.stop()
            app.room = None


async def test_dots_alone_change_nothing_the_vote_board_shows_and_draw_nothing(
    app: WorkshopApp, monkeypatch: pytest.MonkeyPatch, counts: Counter[str]
) -> None:
    from textual.widgets import OptionList

    async with app.run_test(size=SIZE) as pilot:
        session, ballot, note_ids = await on_the_vote_board(app, pilot)
        rebuilt = record_calls(monkeypatch, OptionList, "set_options")
        counts.clear()
        people = {p.name: p.id for p in session.workshop.active_participants()}
        for name in ("Ana", "Ben"):  # a phone's dots, one request each: the board shows who confirmed, not dots
            session.votes.cast(ballot.id, people[name], note_ids[0])
            await pilot.pause()
        # each one's first dot counts them as voting: the status line, and (a named vote) their row, which says
        # they voted, not done ...
        assert len(rebuilt) == 2 and "2 of 4 have voted." in screen_text(app)
        assert "◐ Ana" in screen_text(app) and "◐ Ben" in screen_text(app)
        rebuilt.clear()
        counts.clear()
        for name in ("Ana", "Ben"):  # ... and every later dot changes nothing the board shows
            for note_id in note_ids[1:3]:
                session.votes.cast(ballot.id, people[name], note_id)
                await pilot.pause()
        assert rebuilt == [] and counts["layouts"] == 0
        session.votes.submit(ballot.id, people["Ana"])
        await pilot.pause()
        assert len(rebuilt) == 1
        text = screen_text(app)
        assert "✔ Ana" in text and "◐ Ben" in text and "2 of 4 have voted." in text
