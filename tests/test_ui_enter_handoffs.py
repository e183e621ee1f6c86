"""The facilitator's Enter to its note listed: no hand-off after the note is durable (issue #11, a busy room).

The note typed in the stage's field is group-committed (``session.group.soon``); when its round ends, the loop
runs the round's end before anything waiting there and publishes the change. The stage screen used to post itself
a message for it and list the note on its own turn of the loop, behind the frames, live pages and requests queued
meanwhile. Now the note is listed in the very callback that publishes it, with the phones' notes gathered before
it, in order. Counts, never timings: a listener subscribed after the app's relay sees the note already listed,
and the screen handles no message to list it.
"""

from __future__ import annotations

from typing import Any

import pytest

from facilitation.models import Note
from screens.app import WorkshopApp
from screens.stage import StageScreen
from tests.test_ui_gathered_changes import listed_texts, phone_texts, screen_clock
from tests.test_ui_phone_changes import app, library, phone_notes, ready, shown_in_order, workshop_id
from tests.ui_helpers import screen_text, session_of, until
from workshop.session import Change
from workshop.session.group import GroupCommit

SIZE = (120, 36)
__all__ = ["app", "library", "screen_clock", "workshop_id"]


@pytest.fixture
def published_at_rounds_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """The key handler never waits for its round: the note is published by the round's end, from the loop."""
    monkeypatch.setattr(GroupCommit, "INLINE_WAIT", 0, raising=False)


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many changes the stage screen followed on its own turn of the loop (one entry per message)."""
    counts: list[int] = []
    handler = StageScreen.on_stage_screen_changes_heard

    def counting(self: StageScreen, message: Any) -> None:
        counts.append(len(self._changes))
        handler(self, message)

    monkeypatch.setattr(StageScreen, "on_stage_screen_changes_heard", counting)
    return counts


async def test_a_typed_note_is_listed_in_the_callback_that_makes_it_durable(
    app: WorkshopApp, published_at_rounds_end: None, heard: list[int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        notes = stage.notes
        session = session_of(app)
        listed_when_published: list[tuple[str, bool, bool]] = []

        def seen(change: Change) -> None:  # subscribed after the app's relay: runs right after it
            for record in change.records_of(Note):
                if record.text.startswith("Typed"):
                    at_end = notes.selected_note_id == record.id and notes.note_ids[-1] == record.id
                    listed_when_published.append((record.text, notes.has_note(record.id), at_end))

        session.subscribe(seen)
        await pilot.press("i")
        for i in range(4):
            await pilot.pause()
            heard.clear()
            await pilot.press(*f"Typed {i}", "enter")
            await until(pilot, lambda i=i: len(listed_when_published) > i, f"typed note {i} published")
            assert listed_when_published[i] == (f"Typed {i}", True, True)
            await pilot.pause()
            assert sum(heard) == 0  # nothing left for the screen's own turn
        assert shown_in_order(app, notes)
        assert "Typed 3" in screen_text(app)


async def test_notes_gathered_before_the_typed_one_are_listed_with_it_in_order(
    app: WorkshopApp, published_at_rounds_end: None, screen_clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(StageScreen, "FOLLOW_PERIOD", 60.0)  # the phones' notes wait (the screen's clock stands)
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        notes = stage.notes
        session = session_of(app)
        texts = phone_texts("From a phone", 5)
        for text in texts:
            await phone_notes(app, [text], ["Dev"])
        await pilot.pause()
        before = listed_texts(app, notes)
        assert not set(texts) & set(before)  # gathered, not listed yet
        listed: list[list[str]] = []
        session.subscribe(
            lambda change: listed.append(listed_texts(app, notes))
            if any(n.text == "Typed after them" for n in change.records_of(Note))
            else None
        )
        await pilot.press("i")
        await pilot.press(*"Typed after them", "enter")
        await until(pilot, lambda: bool(listed), "the typed note published")
        assert listed[0] == [*before, *texts, "Typed after them"]
        assert notes.selected_note_id == notes.note_ids[-1]
        await pilot.pause()
        assert "Typed after them" in screen_text(app)
        assert int(notes.scroll_offset.y) == int(notes.max_scroll_y)


async def test_a_phones_note_alone_is_still_gathered(
    app: WorkshopApp, published_at_rounds_end: None, screen_clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the facilitator's own note is listed at once: a phone's note waits for the period, as before."""
    monkeypatch.setattr(StageScreen, "FOLLOW_PERIOD", 60.0)
    async with app.run_test(size=SIZE) as pilot:
        stage = await ready(app, pilot)
        before = listed_texts(app, stage.notes)
        await phone_notes(app, ["A phone's note"], ["Ana"])
        await pilot.pause()
        assert listed_texts(app, stage.notes) == before
        screen_clock[0] += 61
        await phone_notes(app, ["Another phone's note"], ["Ana"])
        await until(pilot, lambda: shown_in_order(app, stage.notes), "both phone notes listed")
