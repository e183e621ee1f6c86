"""Warnings where a facilitator would want one: accepted, but never silently.

A vote budget larger than the dots that can be placed (and its siblings: a cap over the budget, a ballot whose
voter has placed every dot the notes can take), a due date in the past or before the workshop itself, and a
readiness picture or comparison drawn from a single answer. Each is shown where the facilitator decides: the vote
set-up and limits dialogs as they are typed, the notice when the vote opens, the ballot, the action form as the
date is typed and the notice when it is saved, the readiness chart, the comparison and the exported sentence.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label

from facilitation import voting
from facilitation.clock import FakeClock
from facilitation.dates import due_warning, local_today
from facilitation.readiness import readiness_rounds
from facilitation.readiness_compare import compare
from screens.action_plan import ActionFormScreen, ActionPlanScreen
from screens.app import WorkshopApp, make_app
from screens.dialogs import ConfirmScreen
from screens.voting.ballot import ParticipantBallotScreen
from screens.voting.board import VoteBoardScreen
from screens.voting.setup import LimitsScreen, VoteSetupScreen
from tests.ui_helpers import messages, screen_text, session_of
from workshop.session import WorkshopLibrary, WorkshopSession
from workshop.store import Store

SIZE = (120, 36)
ALL = ("vision", "strategy", "purpose", "launch", "guide", "adapt")


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def workshop_id(library: WorkshopLibrary, clock: FakeClock) -> str:
    """On its Vision stage with four notes; the workshop is dated a fortnight from the clock's today."""
    today = local_today(clock.wall())
    session = library.create(
        "Offsite", participants=["Ana", "Ben", "Chloé"], date=date.fromordinal(today.toordinal() + 14).isoformat()
    )
    session.agenda.next()
    for note in ("Customers answer", "Teams find", "New joiners", "Stop reports"):
        session.notes.add(note)
    workshop_id: str = session.workshop.id
    session.close()
    return workshop_id


@pytest.fixture
def app(library: WorkshopLibrary, workshop_id: str, clock: FakeClock) -> Iterator[WorkshopApp]:
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def warning_shown(screen: object) -> str:
    label = screen.query_one("#dialog-warning", Label)  # type: ignore[attr-defined]
    return str(label.content) if label.display else ""


async def set_fields(pilot: Pilot[None], **values: str) -> None:
    for field, value in values.items():
        widget = pilot.app.screen.query_one(f"#{field}", Input)
        widget.value = value
        await pilot.pause()  # as typed: the cap follows the dots until it is typed itself


# --- dots that cannot all be placed ------------------------------------------------------------------------------


def test_budget_warning_rule() -> None:
    assert voting.budget_warning(9, 2, 4) == (
        "Each participant has 9 dots but can place only 8 dots (4 notes, at most 2 on each)."
    )
    assert voting.budget_warning(8, 2, 4) is None
    assert voting.budget_warning(2, 1, 1) is not None


async def test_vote_setup_warns_as_the_limits_are_typed_and_when_the_vote_opens(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        stage_id = session_of(app).workshop.current_stage_id
        app.navigator.vote_setup(stage_id)
        await pilot.pause()
        setup = app.screen
        assert isinstance(setup, VoteSetupScreen)
        assert warning_shown(setup) == "", "the defaults are fine"
        await set_fields(pilot, budget="9", cap="2")
        assert "can place only 8 dots" in warning_shown(setup)
        await set_fields(pilot, budget="3", cap="5")
        assert "At most 5 on one note is more than the 3 dots" in warning_shown(setup)
        await set_fields(pilot, budget="2", cap="1")
        assert warning_shown(setup) == ""
        await pilot.press("space")  # untick a note: 3 notes × 1 still takes 2 dots
        await pilot.pause()
        assert warning_shown(setup) == ""
        await set_fields(pilot, budget="4", cap="1")
        assert "can place only 3 dots" in warning_shown(setup), "the warning follows the ticks"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen), "a warning, not a refusal"
        assert any("is open. Each participant has 4 dots but can place only 3" in m for m in messages(app))


async def test_a_room_tally_has_no_dots_to_warn_about(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.navigator.vote_setup(session_of(app).workshop.current_stage_id)
        await pilot.pause()
        await set_fields(pilot, budget="9", cap="1")
        assert warning_shown(app.screen)
        app.screen.query_one("#tally").toggle()  # type: ignore[attr-defined]
        await pilot.pause()
        assert warning_shown(app.screen) == ""


async def test_raising_the_limits_past_what_can_be_placed_warns(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        ballot = session_of(app).votes.open(session_of(app).workshop.current_stage_id, budget=2, cap=1)
        app.push_screen(LimitsScreen(ballot.id))
        await pilot.pause()
        assert warning_shown(app.screen) == ""
        await set_fields(pilot, budget="6")
        assert "can place only 4 dots" in warning_shown(app.screen)
        await pilot.press("enter")
        await pilot.pause()
        assert session_of(app).votes.ballot(ballot.id).budget == 6
        assert any(m.startswith("New limits saved. Each participant has 6 dots") for m in messages(app))


async def test_a_ballot_with_every_placeable_dot_placed_confirms_without_asking(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        ballot = session_of(app).votes.open(session_of(app).workshop.current_stage_id, budget=6, cap=1)
        app.push_screen(VoteBoardScreen(ballot.id))
        await pilot.pause()
        await pilot.press("enter")  # Ana's ballot
        await pilot.pause()
        assert isinstance(app.screen, ParticipantBallotScreen)
        assert "only 4 can still be placed" in " ".join(screen_text(app).split())
        await pilot.press("plus", "down", "plus", "down", "plus")
        await pilot.pause()
        assert "only 1 can still be placed" in " ".join(screen_text(app).split())
        await pilot.press("enter")  # one placeable dot left: asked
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "1 dot left" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("down", "plus")
        await pilot.pause()
        assert "no note can take another" in screen_text(app)
        await pilot.press("enter")  # 2 of the 6 dots unused, but no note can take them: nothing to ask
        await pilot.pause()
        assert isinstance(app.screen, VoteBoardScreen)
        ana = next(p.id for p in session_of(app).workshop.active_participants() if p.name == "Ana")
        assert ana in session_of(app).votes.ballot(ballot.id).submitted


# --- due dates ---------------------------------------------------------------------------------------------------


def test_due_warning_rules() -> None:
    today, held = date(2026, 11, 29), date(2026, 12, 10)
    assert due_warning(date(2026, 11, 28), today) == "That due date is 1 day in the past (2026-11-28)."
    assert due_warning(date(2026, 11, 28), today, workshop=held) == (
        "That due date is 1 day in the past (2026-11-28)."
    ), "past says past, whatever the workshop date"
    assert due_warning(date(2026, 12, 4), today, workshop=held) == (
        "That due date (2026-12-04) is before the workshop itself (10 December 2026)."
    )
    assert due_warning(date(2026, 12, 10), today, workshop=held) is None
    assert due_warning(date(2026, 11, 29), today) is None
    assert due_warning(date(2026, 12, 4), today, workshop=date(2026, 11, 1)) is None


async def open_plan(app: WorkshopApp, pilot: Pilot[None]) -> ActionPlanScreen:
    app.navigator.action_plan()
    await pilot.pause()
    plan = app.screen
    assert isinstance(plan, ActionPlanScreen)
    return plan


def due_hint(app: WorkshopApp) -> tuple[str, bool]:
    hint = app.screen.query_one("#due-hint", Label)
    return " ".join(str(hint.content).split()), hint.has_class("-warning")


@pytest.mark.parametrize(
    ("typed", "said", "warned"),
    [
        ("2000-01-01", "is 9 days in the past", True),  # replaced below by a day relative to the fake clock
        ("+1d", "before the workshop itself", True),
        ("+3w", "→ ", False),
        ("someday", "Could not read 'someday' as a date", True),
        ("", "e.g. 2026-12-15", False),
    ],
)
async def test_the_due_hint_reads_the_date_as_it_is_typed(
    typed: str, said: str, warned: bool, app: WorkshopApp, clock: FakeClock
) -> None:
    today = local_today(clock.wall())
    if typed == "2000-01-01":
        typed = date.fromordinal(today.toordinal() - 9).isoformat()
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ActionFormScreen)
        await set_fields(pilot, due=typed)
        shown, warning = due_hint(app)
        assert said in shown and warning is warned, shown


async def test_saving_a_past_due_date_warns_and_keeps_it(app: WorkshopApp, clock: FakeClock) -> None:
    past = date.fromordinal(local_today(clock.wall()).toordinal() - 3)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        await set_fields(pilot, title="Publish the FAQ", due=past.isoformat())
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ActionFormScreen)
        (action,) = session_of(app).workshop.actions.values()
        assert action.due == past.isoformat()
        assert any("added" in m and "3 days in the past" in m for m in messages(app)), messages(app)


async def test_editing_something_else_does_not_warn_again(app: WorkshopApp, clock: FakeClock) -> None:
    past = date.fromordinal(local_today(clock.wall()).toordinal() - 3)
    async with app.run_test(size=SIZE) as pilot:
        session = session_of(app)
        session.actions.add("Publish the FAQ", due=past.isoformat())
        await open_plan(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ActionFormScreen)
        await set_fields(pilot, measure="FAQ live")
        await pilot.press("enter")
        await pilot.pause()
        assert any("saved" in m for m in messages(app))
        assert not any("in the past" in m for m in messages(app))


# --- a single answer is one person's view ---------------------------------------------------------------------------


def record(session: WorkshopSession, name: str, attitude: str, *values: int, round: str = "start") -> None:
    person = next(p.id for p in session.workshop.active_participants() if p.name == name)
    session.readiness.record(person, attitude=attitude, scores=dict(zip(ALL, values, strict=True)), round=round)


def test_a_single_answer_round_says_so_in_every_sentence(session: WorkshopSession) -> None:
    record(session, "Ana", "folly", 1, 2, 3, 1, 1, 1)
    (start,) = readiness_rounds(session.workshop)
    assert start.caveat == "one person's view, not the room's"
    assert start.sentence.startswith("Start of the workshop (1 answer: one person's view, not the room's)")
    record(session, "Ben", "fearful", 2, 2, 3, 5, 1, 2)
    (start,) = readiness_rounds(session.workshop)
    assert start.caveat == "" and "view" not in start.sentence


def test_a_comparison_with_one_answer_claims_no_agreement(session: WorkshopSession) -> None:
    record(session, "Ana", "folly", 1, 2, 3, 1, 1, 1)
    record(session, "Ben", "fearful", 3, 2, 3, 5, 1, 2)
    record(session, "Ana", "forging", 3, 2, 4, 3, 2, 3, round="end")
    start, end = readiness_rounds(session.workshop)
    result = compare(start, end)
    assert result.caveat == "Only 1 answer at the end: this compares one person's view, not the room's."
    assert result.sentence.startswith(result.caveat + " 2 answers at the start, 1 answer at the end")
    assert all(d.spread_change is None for d in result.disciplines), "one score agrees with nobody"
    assert result.converged == result.diverged == ()
    assert "agreement" not in result.sentence


async def test_the_readiness_screen_says_a_single_answer_is_one_view(
    library: WorkshopLibrary, workshop_id: str, clock: FakeClock
) -> None:
    session = library.open(workshop_id)
    try:
        record(session, "Ana", "folly", 1, 2, 3, 1, 1, 1)
        record(session, "Ana", "forging", 3, 2, 4, 3, 2, 3, round="end")
    finally:
        session.close()
    app = make_app(library, workshop_id, clock=clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.navigator.readiness()
            await pilot.pause()
            await pilot.press("r")  # show the result (1 of 3 answered)
            await pilot.pause()
            assert "one person's view, not the room's" in " ".join(screen_text(app).split())
            await pilot.press("c")
            await pilot.pause()
            text = " ".join(screen_text(app).split())
            assert "Only 1 answer at the start and 1 answer at the end: this compares one person's view" in text
            assert "more agreement" not in text and "less agreement" not in text
    finally:
        app.close_session()

