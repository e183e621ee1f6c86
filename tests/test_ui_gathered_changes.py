"""The stage screen gathers the room's changes and follows them at most every ``FOLLOW_PERIOD`` (issue #11).

A busy room publishes a group commit round of phones' notes or dots up to a hundred times a second; following
each moved the list to its newest note and redrew it, and the facilitator's Enter waited behind those frames.
Changes made elsewhere (published by a round's end, as the room's are) are gathered and followed together once
the period since the last follow has passed; the note the facilitator types, changes made inside the app's own
handlers, and a change to a stage, a participant or the workshop's fields are followed at once, with everything
gathered before them, in order. Counts, never timings: the screen's clock (``StageScreen.now``) is a fake one
here, so what is gathered does not depend on how fast the machine is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from screens.app import WorkshopApp
from screens.stage import StageScreen
from screens.widgets.note_list import NoteList
from tests.test_ui_phone_changes import app, library, phone_notes, ready, shown_in_order, workshop_id
from tests.ui_helpers import screen_text, session_of, until

SIZE = (120, 36)
__all__ = ["app", "library", "workshop_id"]  # the same workshop and app fixtures as the phone-change tests


@pytest.fixture
def screen_clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The stage screen's clock, standing still unless a test moves it (``now[0]``)."""
    now = [1000.0]
    monkeypatch.setattr(StageScreen, "now", lambda _self: now[0])
    return now


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many changes each follow of the note list took in (one ``NoteList.batched`` each)."""
    taken: list[int] = []
    batched = NoteList.batched
    follow = NoteList.follow

    @contextmanager
    def counting(self: NoteList) -> Iterator[None]:
        if self._batch is not None:
            with batched(self):
                yield
            return
        taken.append(0)
        with batched(self):
            yield

    def following(self: NoteList, *args: Any, **kwargs: Any) -> None:
        if taken:
            taken[-1] += 1
        follow(self, *args, **kwargs)

    monkeypatch.setattr(NoteList, "batched", counting)
    monkeypatch.setattr(NoteList, "follow", following)
    return taken


def phone_texts(prefix: str, count: int) -> list[str]:
    return [f"{prefix} {i}" for i in range(count)]


def listed_texts(app: WorkshopApp, notes: NoteList) -> list[str]:
    workshop = session_of(app).workshop
    return [workshop.notes[i].text for i in notes.note_ids]


async def test_phone_changes_within_the_period_are_gathered_and_followed_once_in_order(
    app: WorkshopApp, screen_clock: list[float], batches: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(StageScreen, "FOLLOW_PERIOD", 60.0)
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)  # its warm-up note was followed at 1000.0 on the screen's clock
        notes = stage.notes
        before = listed_texts(app, notes)
        batches.clear()
        texts = phone_texts("Gathered", 7)
        for text in texts[:6]:  # six rounds, one note each, within the period
            await phone_notes(app, [text], ["Ben"])
            await pilot.pause()
        assert listed_texts(app, notes) == before  # gathered: nothing followed yet
        assert batches == []
        screen_clock[0] += 61  # the period has passed: the next round is followed at once, with the six
        await phone_notes(app, [texts[6]], ["Ben"])
        await pilot.pause()
        assert batches == [7]  # one follow for the seven rounds, each change in order
        assert shown_in_order(app, notes)
        assert listed_texts(app, notes)[-7:] == texts
        newest = session_of(app).workshop.stage_notes(stage.stage_id)[-1]
        assert notes.selected_note_id == newest.id  # the highlight was on the newest note: it follows
        await pilot.pause()
        assert "Ben: Gathered 6" in screen_text(app)  # and the view scrolled to it


async def test_gathered_changes_are_followed_when_the_period_ends_with_no_other_change(
    app: WorkshopApp, screen_clock: list[float], batches: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(StageScreen, "FOLLOW_PERIOD", 0.2)  # the screen's clock stands still: its timer ends it
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        batches.clear()
        await phone_notes(app, ["Last of the round"], ["Dev"])
        await until(pilot, lambda: shown_in_order(app, stage.notes), "the gathered note listed")
        assert batches == [1]
        await pilot.pause()
        assert "Dev: Last of the round" in screen_text(app)


async def test_the_facilitators_note_is_listed_once_durable_with_everything_gathered_before_it(
    app: WorkshopApp, screen_clock: list[float], batches: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Enter's handler waits for nothing (issue #14): the note is not listed inside it, and the round that
    makes it durable has it followed at once, with every change gathered before it, in one follow."""
    monkeypatch.setattr(StageScreen, "FOLLOW_PERIOD", 60.0)  # the gathered notes wait for the Enter's note
    listed_at_enter: list[list[str]] = []
    entered = StageScreen.note_entered

    def note_entered(self: StageScreen, field: Any, text: str) -> None:
        entered(self, field, text)
        listed_at_enter.append(listed_texts(app, self.notes))  # before any other turn of the loop

    monkeypatch.setattr(StageScreen, "note_entered", note_entered)
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        notes = stage.notes
        texts = phone_texts("Before the Enter", 5)
        for text in texts:
            await phone_notes(app, [text], ["Chloé"])
        await pilot.pause()
        batches.clear()
        await pilot.press("i")
        await pilot.press(*"Typed here", "enter")
        assert len(listed_at_enter) == 1
        assert "Typed here" not in listed_at_enter[0]  # not durable yet when its handler returned
        await until(pilot, lambda: "Typed here" in listed_texts(app, notes), "the typed note listed")
        assert listed_texts(app, notes)[-6:] == [*texts, "Typed here"]  # in order
        assert batches == [6]
        assert shown_in_order(app, notes)
        assert notes.selected_note_id == session_of(app).workshop.stage_notes(stage.stage_id)[-1].id
        await pilot.pause()
        assert "Typed here" in screen_text(app)


async def test_a_change_that_cannot_wait_is_followed_at_once_with_what_was_gathered(
    app: WorkshopApp, screen_clock: list[float], batches: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(StageScreen, "FOLLOW_PERIOD", 60.0)
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        notes = stage.notes
        session = session_of(app)
        texts = phone_texts("Before Eve", 3)
        for text in texts:
            await phone_notes(app, [text], ["Dev"])
        await pilot.pause()
        assert not shown_in_order(app, notes)
        batches.clear()
        await session.group.commit(lambda: session.participants.add("Eve"))  # elsewhere, but a participant
        await pilot.pause()
        assert shown_in_order(app, notes) and batches == [4]
        assert listed_texts(app, notes)[-3:] == texts


async def test_changes_made_inside_the_apps_handlers_are_followed_at_once(
    app: WorkshopApp, screen_clock: list[float], batches: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(StageScreen, "FOLLOW_PERIOD", 60.0)
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        notes = stage.notes
        session = session_of(app)
        await phone_notes(app, ["From a phone"], ["Ana"])
        await pilot.pause()
        assert not shown_in_order(app, notes)  # gathered
        batches.clear()
        # the test's own code runs in the app's context, as a key's handler does: made here
        session.notes.add("Made here", stage_id=stage.stage_id)
        await pilot.pause()
        assert shown_in_order(app, notes) and batches == [2]
        assert listed_texts(app, notes)[-2:] == ["From a phone", "Made here"]


async def test_without_a_period_each_round_is_followed_as_it_comes(
    app: WorkshopApp, batches: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(StageScreen, "FOLLOW_PERIOD", 0.0)
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        batches.clear()
        for text in phone_texts("As it comes", 3):
            await phone_notes(app, [text], ["Ben"])
            await pilot.pause()
            assert listed_texts(app, stage.notes)[-1] == text
        assert batches == [1, 1, 1]


async def test_the_enter_is_taken_in_the_apps_handler_and_never_handed_to_the_field(
    app: WorkshopApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Enter's way to its note listed is the app's own handler of the key: it is not queued for the note
    field (whose turn of the loop waited behind frames and the room's work); the handler returns without waiting
    for the disk, and the note is listed once its round has made it durable."""
    from textual import events

    from screens.stage import NoteInput

    enters_in_the_field: list[str] = []
    on_key = NoteInput.on_key

    def field_key(self: NoteInput, event: events.Key) -> None:
        if event.key == "enter":
            enters_in_the_field.append(self.value)
        on_key(self, event)

    listed: list[bool] = []
    entered = StageScreen.note_entered

    def note_entered(self: StageScreen, field: Any, text: str) -> None:
        entered(self, field, text)
        listed.append(text in listed_texts(app, self.notes))

    monkeypatch.setattr(NoteInput, "on_key", field_key)
    monkeypatch.setattr(StageScreen, "note_entered", note_entered)
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        await pilot.press("i", *"Straight in", "enter")
        await pilot.press(*"And again", "enter")
        assert enters_in_the_field == []
        assert listed == [False, False]  # each handler returned before its note was durable
        await until(pilot, lambda: "And again" in listed_texts(app, stage.notes), "the typed notes listed")
        assert listed_texts(app, stage.notes)[-2:] == ["Straight in", "And again"]
        assert stage.query_one(NoteInput).value == ""
