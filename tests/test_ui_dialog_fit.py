"""The vote set-up and its limits dialog fit the terminal: at 80x24 with a stage full of notes, the key hint
("ctrl+s opens the vote", the only place the dialog says how to open it) and every field below the notes list are
on screen; the list gives up rows instead."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.containers import Vertical
from textual.widget import Widget

from facilitation.clock import FakeClock
from screens.app import make_app
from screens.voting.setup import LimitsScreen, VoteSetupScreen
from tests.ui_helpers import screen_text, session_of
from workshop.session import WorkshopLibrary, WorkshopSession
from workshop.store import Store


def fully_shown(dialog: Widget) -> list[str]:
    """The ids (or types) of the dialog's parts that are cut off, by its border or the screen's edge."""
    inside = dialog.content_region
    cut = []
    for child in dialog.children:
        if child.display and child.region.height and not inside.contains_region(child.region):
            cut.append(child.id or type(child).__name__)
    return cut


def vision_with(notes: int) -> Callable[[WorkshopSession], None]:
    def change(session: WorkshopSession) -> None:
        session.agenda.next()
        for number in range(notes):
            session.notes.add(f"Idea number {number}: customers answer each other first")

    return change


def final_priorities(session: WorkshopSession) -> None:
    stages = {s.key: s for s in session.workshop.agenda()}
    for number in range(12):
        note = session.notes.add(f"Decision {number}", stage_id=stages["strategy"].id)
        session.notes.mark(note.id, "decision")
    session.agenda.go_to(stages["action_plan"].id)


@pytest.mark.parametrize("size", [(80, 20), (80, 24), (100, 30), (200, 60)])
@pytest.mark.parametrize(
    "prepare",
    [vision_with(2), vision_with(5), vision_with(40), final_priorities],
    ids=["2 notes", "5 notes", "40 notes", "final priorities"],
)
async def test_vote_setup_shows_its_hint_and_fields(
    store: Store, clock: FakeClock, size: tuple[int, int], prepare: Callable[[WorkshopSession], None]
) -> None:
    library = WorkshopLibrary(store, clock=clock)
    session = library.create("Offsite", participants=["Ana", "Ben", "Chloé"])
    prepare(session)
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.press("v")
            await pilot.pause()
            assert isinstance(app.screen, VoteSetupScreen)
            await pilot.pause()
            dialog = app.screen.query_one("#dialog", Vertical)
            assert fully_shown(dialog) == []
            shown = " ".join(screen_text(app).split())
            assert "ctrl+s opens the vote" in shown and "escape cancels" in shown, shown
            assert "notes on the ballot" in shown
            assert app.screen.query_one("#ballot-notes").region.height >= 3  # still a list to scroll
            await pilot.press("ctrl+s")
            await pilot.pause()
            await pilot.press("l")  # the board's "change the limits" dialog
            await pilot.pause()
            assert isinstance(app.screen, LimitsScreen)
            assert fully_shown(app.screen.query_one("#dialog", Vertical)) == []
            assert session_of(app).workshop.ballots
    finally:
        app.close_session()
