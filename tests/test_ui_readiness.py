"""The readiness check driven from the keyboard: private and facilitator entry, the hidden result, the chart,
the end-of-workshop round and the comparison."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.pilot import Pilot

from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from screens.readiness import ReadinessEntryScreen, ReadinessScreen
from screens.stage import StageScreen
from tests.ui_helpers import messages, screen_text, session_of
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZE = (120, 36)


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def workshop_id(library: WorkshopLibrary) -> str:
    """A new workshop: it opens on the readiness stage."""
    session = library.create("Offsite", participants=["Ana", "Ben", "Chloé"], date="2027-01-15")
    workshop_id: str = session.workshop.id
    session.close()
    return workshop_id


@pytest.fixture
def app(library: WorkshopLibrary, workshop_id: str, clock: FakeClock) -> Iterator[WorkshopApp]:
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def answers(app: WorkshopApp, round: str = "start") -> dict[str, tuple[str | None, dict[str, int]]]:
    ws = session_of(app).workshop
    return {
        ws.participant_name(r.participant_id): (r.attitude, r.scores)
        for r in ws.readiness.values()
        if r.round == round
    }


async def open_check(pilot: Pilot[None]) -> ReadinessScreen:
    assert isinstance(pilot.app.screen, StageScreen)
    await pilot.press("k")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReadinessScreen)
    return screen


async def answer_privately(pilot: Pilot[None], digits: str) -> None:
    """``n`` (next participant), then digits: the attitude 1–6, then a 1–5 score per discipline; Enter saves."""
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReadinessEntryScreen) and pilot.app.screen.private
    await pilot.press(*digits, "enter")
    await pilot.pause()


async def test_k_opens_the_check_on_the_readiness_stage_only(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        stage = app.screen
        assert isinstance(stage, StageScreen)
        assert stage.check_action("readiness", ()) is True
        await pilot.pause()  # a pushed screen is laid out at its first update (screens.internals.QuietFirstResume)
        assert "Press k to run the readiness check" in screen_text(app)
        await pilot.press("n", "y")  # next stage (its timer never started: confirm)
        await pilot.pause()
        assert stage.check_action("readiness", ()) is False
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)


async def test_private_answers_hidden_until_everyone_answered_then_the_chart(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_check(pilot)
        await answer_privately(pilot, "2321332")  # Fearful; 3 2 1 3 3 2
        assert isinstance(app.screen, ReadinessScreen)
        # typed on the participant's own form: exported only as part of the distribution
        assert [r.private for r in session_of(app).workshop.readiness.values()] == [True]
        assert answers(app) == {
            "Ana": (
                "fearful",
                {"vision": 3, "strategy": 2, "purpose": 1, "launch": 3, "guide": 3, "adapt": 2},
            )
        }
        text = screen_text(app)
        assert "hidden until everyone has answered" in text and "(1 of 3 so far)" in text
        assert "Fearful" not in text and "median" not in text, "nothing of Ana's answers shows"
        assert "✔ Ana " in text and "○ Ben " in text

        await answer_privately(pilot, "2311333")  # Fearful
        await answer_privately(pilot, "5335331")  # Forging; Purpose 5 against 1 and 1
        assert screen._result_shown()
        text = screen_text(app)
        assert "3 of 3 answered" in text
        assert "Attitude the room sees today (3 answers)" in text
        assert "◀ most named" in " ".join(line for line in text.splitlines() if "Fearful" in line)
        vision = next(line for line in text.splitlines() if "Vision" in line and "median" in line)
        assert "median 3    range 3 " in vision
        purpose = next(line for line in text.splitlines() if "Purpose" in line and "median" in line)
        assert "range 1–5" in purpose and "⚠ disagree" in purpose
        assert "The room disagrees most on Purpose" in text
        assert "●" in vision and "━" in purpose


async def test_facilitator_entry_with_arrows_and_the_refusal_of_an_empty_form(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_check(pilot)
        await pilot.press("f")
        await pilot.pause()
        entry = app.screen
        assert isinstance(entry, ReadinessEntryScreen) and not entry.private
        assert "Facilitator entry for Ana" in screen_text(app)
        await pilot.press("enter")  # nothing chosen yet: refused, nothing recorded
        await pilot.pause()
        assert isinstance(app.screen, ReadinessEntryScreen)
        assert any("Give an attitude or at least one score" in m for m in messages(app))
        assert session_of(app).workshop.readiness == {}
        await pilot.press("right", "right", "right", "left")  # Folly → Fearful → Flippant → Fearful
        await pilot.press("down", "right", "right")  # Vision: 3, then 4
        await pilot.press("down", "left", "left")  # Strategy: the first arrow sets 3 (the middle), then 2
        await pilot.press("down", "4", "backspace")  # Purpose: 4 and on to Launch, cleared there (never set)
        await pilot.press("up", "backspace")  # Purpose: cleared
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadinessScreen)
        assert answers(app) == {"Ana": ("fearful", {"vision": 4, "strategy": 2})}
        # entered for Ana in the open: a named answer, which the JSON export may keep per person
        assert [r.private for r in session_of(app).workshop.readiness.values()] == [False]
        await pilot.press("f")  # the facilitator corrects it: the form shows what was saved
        await pilot.pause()
        assert app.screen.attitude == "fearful" and app.screen.scores == {"vision": 4, "strategy": 2}  # type: ignore[attr-defined]
        await pilot.press("6", "escape")  # escape: nothing saved
        await pilot.pause()
        assert answers(app)["Ana"][0] == "fearful"


async def test_r_shows_the_result_early_and_hides_it_again(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_check(pilot)
        await answer_privately(pilot, "4444444")
        assert "Formulating" not in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        assert "Attitude the room sees today (1 answer)" in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        assert "hidden until everyone has answered" in screen_text(app)


async def test_end_round_and_comparison_with_the_start(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_check(pilot)
        assert screen.check_action("toggle_compare", ()) is False
        for digits in ("1111111", "2222222", "2333333"):
            await answer_privately(pilot, digits)
        await pilot.press("t")
        await pilot.pause()
        assert screen.round == "end"
        assert "End of the workshop · 0 of 3 answered" in screen_text(app)
        for digits in ("4333333", "5444444", "4444444"):
            await answer_privately(pilot, digits)
        assert set(answers(app, "end")) == {"Ana", "Ben", "Chloé"}
        assert len(answers(app, "start")) == 3, "the start round is kept"
        assert screen.check_action("toggle_compare", ()) is True
        await pilot.press("c")
        await pilot.pause()
        text = screen_text(app)
        assert "Start → end of the workshop" in text
        assert "toward Fusing" in text
        fearful = next(line for line in text.splitlines() if "Fearful" in line and "→" in line)
        assert "Fearful         2  →   0  ▼ -2" in fearful
        lines = text.splitlines()
        vision = next(i for i, line in enumerate(lines) if "Vision" in line and "start" in line)
        assert "━━━━━━●━━━━━━" in lines[vision] and lines[vision].rstrip(" │").endswith("2")
        assert "end" in lines[vision + 1] and "4  ▲ +2  · more agreement" in lines[vision + 1]


async def test_the_palette_opens_the_end_round(app: WorkshopApp) -> None:

    async with app.run_test(size=SIZE) as pilot:
        app.navigator.readiness("end")
        await pilot.pause()
        assert isinstance(app.screen, ReadinessScreen) and app.screen.round == "end"
        app.navigator.readiness("start")
        await pilot.pause()
        assert app.screen.round == "start" and len(app.screen_stack) == 3  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
