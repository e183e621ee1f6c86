"""Every way from one screen to another goes through the app's navigator (``screens.base.Navigator``): a key on a
screen, or a command of the palette, reaches the right screen with the right stage, ballot or round, and leaving
it comes back where the facilitator was.

The keys are pressed with Pilot; the palette's commands are run as the palette runs them (each command's
callable from ``StageCommands``), and one goes through the real ctrl+p prompt.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from facilitation.clock import FakeClock
from facilitation.stage_kinds import rules_of
from screens.action_plan import ActionPlanScreen
from screens.agenda_overview import AgendaOverviewScreen
from screens.app import WorkshopApp, make_app
from screens.commands import StageCommands
from screens.export_dialog import ExportScreen
from screens.help import HelpScreen
from screens.home import HomeScreen
from screens.readiness import ReadinessScreen
from screens.room import OpenRoomScreen
from screens.setup import NewWorkshopScreen, SetupScreen
from screens.stage import StageScreen
from screens.summary import SummaryScreen
from screens.voting.board import VoteBoardScreen
from screens.voting.results import VoteResultsScreen
from screens.voting.setup import VoteSetupScreen
from tests.ui_helpers import messages, screen_text, session_of
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZE = (120, 36)


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def workshop_id(library: WorkshopLibrary) -> str:
    """Vision (the current stage) has two notes, one a decision; Strategy one note; no vote yet."""
    session = library.create("Offsite", participants=["Ana", "Ben"])
    stages = {s.key: s.id for s in session.workshop.agenda()}
    decided = session.notes.add("Work out loud", stage_id=stages["vision"])
    session.notes.add("Customers first", stage_id=stages["vision"])
    session.notes.add("Cut response time", stage_id=stages["strategy"])
    session.notes.mark(decided.id, "decision")
    session.agenda.go_to(stages["vision"])
    workshop_id = session.workshop.id
    session.close()
    return workshop_id


@pytest.fixture
def app(library: WorkshopLibrary, workshop_id: str) -> WorkshopApp:
    return make_app(library, workshop_id)


def stage_id(app: WorkshopApp, key: str) -> int:
    return next(s.id for s in session_of(app).workshop.agenda() if s.key == key)


def stack(app: WorkshopApp) -> list[type[Screen[Any]]]:
    """The classes on the screen stack above the empty base."""
    return [type(screen) for screen in app.screen_stack[1:]]


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.pause()


async def to_stage(pilot: Pilot[None]) -> None:
    """Leave the note field, so the stage's letter keys act."""
    await pilot.press("escape")
    await settle(pilot)


# --- the stage screen's keys ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("a", AgendaOverviewScreen),
        ("s", SummaryScreen),
        ("o", ActionPlanScreen),
        ("f1", HelpScreen),
        ("j", OpenRoomScreen),
        ("v", VoteSetupScreen),
    ],
)
async def test_a_stage_key_pushes_its_screen_and_escape_comes_back(
    app: WorkshopApp, key: str, shown: type[Screen[Any]]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await to_stage(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert stack(app) == [StageScreen, shown]
        await pilot.press("escape")
        await settle(pilot)
        assert stack(app) == [StageScreen]
        assert session_of(app).stage().key == "vision"


async def test_on_a_readiness_stage_k_opens_the_readiness_check(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        session = session_of(app)
        check = next(s for s in session.workshop.agenda() if rules_of(s.kind).readiness_check)
        session.agenda.go_to(check.id)
        await settle(pilot)
        await to_stage(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert stack(app) == [StageScreen, ReadinessScreen]


async def test_the_stage_s_vote_key_sets_up_a_vote_on_this_stage_s_notes(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await to_stage(pilot)
        await pilot.press("v")
        await settle(pilot)
        setup = app.screen
        assert isinstance(setup, VoteSetupScreen)
        assert setup.stage_id == stage_id(app, "vision")


async def test_the_vote_key_shows_the_open_vote_s_board_then_its_result(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        session = session_of(app)
        ballot = session.votes.open(stage_id(app, "vision"), mode="tally")
        await to_stage(pilot)
        await pilot.press("v")
        await settle(pilot)
        board = app.screen
        assert isinstance(board, VoteBoardScreen) and board.ballot_id == ballot.id
        await pilot.press("escape")
        await settle(pilot)
        session.votes.close(ballot.id)
        await pilot.press("v")
        await settle(pilot)
        results = app.screen
        assert isinstance(results, VoteResultsScreen) and results.ballot_id == ballot.id
        assert stack(app) == [StageScreen, VoteResultsScreen]


async def test_on_the_action_plan_stage_the_vote_key_votes_on_the_final_priorities(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        session = session_of(app)
        plan = next(s for s in session.workshop.agenda() if s.kind == "action_plan")
        session.agenda.go_to(plan.id)
        await settle(pilot)
        await to_stage(pilot)
        await pilot.press("v")
        await settle(pilot)
        setup = app.screen
        assert isinstance(setup, VoteSetupScreen)
        assert setup.stage_id is None  # every stage's decisions, not the action-plan stage's own notes


async def test_a_stage_without_notes_says_so_instead_of_setting_up_a_vote(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        session = session_of(app)
        empty = next(s for s in session.workshop.agenda() if not session.workshop.stage_notes(s.id))
        session.agenda.go_to(empty.id)
        await settle(pilot)
        await to_stage(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert stack(app) == [StageScreen]
        assert f"{empty.title} has no notes to vote on yet." in messages(app)


async def test_the_home_key_closes_the_workshop_and_shows_home(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await to_stage(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert stack(app) == [HomeScreen]
        assert app.session is None


async def test_enter_on_home_after_h_reopens_the_workshop_just_left(
    library: WorkshopLibrary, clock: FakeClock
) -> None:
    """With a newer workshop in the folder, h then Enter opened that one: home's cursor stayed on its first row
    (seen in the demo after `workshop new` from the shell); h promises that Enter reopens the workshop."""
    older = library.create("Older offsite", participants=["Ana"])
    older_id = older.workshop.id
    older.close()
    clock.advance(60)
    newer = library.create("Newer one")
    newer.close()
    app = make_app(library, older_id, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await to_stage(pilot)
        assert library.list()[0].id != older_id  # newest first: not the one open
        await pilot.press("h")
        await settle(pilot)
        assert stack(app) == [HomeScreen]
        await pilot.press("enter")
        await settle(pilot)
        assert app.session is not None and app.session.workshop.id == older_id


# --- the voting screens move among themselves -------------------------------------------------------------


async def test_reveal_replaces_the_board_with_the_result_then_reopen_and_a_new_vote_replace_it(
    app: WorkshopApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        session = session_of(app)
        vision = stage_id(app, "vision")
        ballot = session.votes.open(vision, mode="tally")
        app.navigator.vote_board(ballot.id)
        await settle(pilot)
        await pilot.press("r")  # reveal
        await settle(pilot)
        if not isinstance(app.screen, VoteResultsScreen):  # the reveal asks first when nobody has voted
            await pilot.press("y")
            await settle(pilot)
        assert stack(app) == [StageScreen, VoteResultsScreen]
        assert session.votes.ballot(ballot.id).status != "open"
        await pilot.press("o")  # reopen
        await settle(pilot)
        if not isinstance(app.screen, VoteBoardScreen):
            await pilot.press("y")
            await settle(pilot)
        board = app.screen
        assert isinstance(board, VoteBoardScreen) and board.ballot_id == ballot.id
        assert stack(app) == [StageScreen, VoteBoardScreen]
        session.votes.close(ballot.id)
        app.navigator.vote_results(ballot.id, replace=True)
        await settle(pilot)
        await pilot.press("n")  # a new vote: its set-up above the result
        await settle(pilot)
        setup = app.screen
        assert isinstance(setup, VoteSetupScreen) and setup.stage_id == vision
        assert stack(app) == [StageScreen, VoteResultsScreen, VoteSetupScreen]


# --- leaving a view -----------------------------------------------------------------------------------------


async def test_choosing_a_stage_in_the_agenda_overview_runs_it(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await to_stage(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("down", "enter")  # the stage after Vision
        await settle(pilot)
        assert stack(app) == [StageScreen]
        current = session_of(app).stage()
        assert current.key != "vision"
        assert current.title in screen_text(app)


@pytest.mark.parametrize("view", ["summary", "agenda", "action_plan"])
async def test_a_view_opened_above_home_goes_back_to_the_open_workshop_s_stage(
    app: WorkshopApp, view: str
) -> None:
    """Home can show while a workshop stays open (set-up's escape); a view opened there from the palette
    leaves to the workshop's stage, not to home."""
    async with app.run_test(size=SIZE) as pilot:
        app.navigator.home()
        await settle(pilot)
        getattr(app.navigator, view)()
        await settle(pilot)
        assert stack(app)[0] is HomeScreen and len(stack(app)) == 2
        await pilot.press("escape")
        await settle(pilot)
        assert stack(app) == [StageScreen]


async def test_without_a_workshop_a_view_says_so_and_shows_nothing(
    library: WorkshopLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(library)
    said: list[str] = []  # every notice raised (one still shown is replaced by the same again: messages() has 1)
    notify = app.notify

    def heard(message: str, **kwargs: Any) -> None:
        said.append(message)
        notify(message, **kwargs)

    monkeypatch.setattr(app, "notify", heard)
    async with app.run_test(size=SIZE) as pilot:
        for view in (
            app.navigator.summary,
            app.navigator.agenda,
            app.navigator.action_plan,
            app.navigator.export,
            app.navigator.stage,
        ):
            view()
            await settle(pilot)
            assert stack(app) == [HomeScreen], view
        app.navigator.vote(None)
        app.navigator.readiness("end")
        await settle(pilot)
        assert stack(app) == [HomeScreen]
        assert said.count("Open a workshop first.") == 7
        assert messages(app) == ["Open a workshop first."]


# --- the palette, from a screen other than the stage ------------------------------------------------------------


def palette(app: WorkshopApp) -> dict[str, Any]:
    return {command.name: command.run for command in StageCommands(app.screen).commands()}


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        ("Back to the current stage", [StageScreen]),
        ("Action plan: turn decisions into actions", [StageScreen, SummaryScreen, ActionPlanScreen]),
        ("Export: Word, Markdown, CSV, JSON", [StageScreen, SummaryScreen, ExportScreen]),
        ("Help: every key", [StageScreen, SummaryScreen, HelpScreen]),
        ("Readiness check: start of the workshop", [StageScreen, SummaryScreen, ReadinessScreen]),
        (
            "Vote: Final priorities (the decisions of every stage)",
            [StageScreen, SummaryScreen, VoteSetupScreen],
        ),
    ],
)
async def test_a_palette_command_elsewhere_reaches_its_screen(
    app: WorkshopApp, command: str, shown: list[type[Screen[Any]]]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.navigator.summary()
        await settle(pilot)
        palette(app)[command]()
        await settle(pilot)
        assert stack(app) == shown


async def test_the_palette_s_go_to_stage_from_the_summary_runs_that_stage(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.navigator.summary()
        await settle(pilot)
        palette(app)["Go to stage: Strategy"]()
        await settle(pilot)
        assert stack(app) == [StageScreen]
        assert session_of(app).stage().key == "strategy"


async def test_the_palette_s_final_priorities_vote_is_across_stages(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.navigator.summary()
        await settle(pilot)
        palette(app)["Vote: Final priorities (the decisions of every stage)"]()
        await settle(pilot)
        setup = app.screen
        assert isinstance(setup, VoteSetupScreen) and setup.stage_id is None


async def test_the_palette_s_end_round_switches_a_shown_readiness_check(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.navigator.readiness()
        await settle(pilot)
        first = app.screen
        assert isinstance(first, ReadinessScreen) and first.round == "start"
        palette(app)["Readiness check: end of the workshop, compared with the start"]()
        await settle(pilot)
        assert app.screen is first and first.round == "end"
        assert stack(app) == [StageScreen, ReadinessScreen]


async def test_the_palette_s_action_plan_is_not_stacked_twice(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.navigator.action_plan()
        await settle(pilot)
        palette(app)["Action plan: turn decisions into actions"]()
        palette(app)["Export: Word, Markdown, CSV, JSON"]()
        await settle(pilot)
        palette(app)["Export: Word, Markdown, CSV, JSON"]()
        await settle(pilot)
        assert stack(app) == [StageScreen, ActionPlanScreen, ExportScreen]


async def test_the_real_palette_goes_back_to_the_stage_from_the_summary(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await to_stage(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Back to the current stage")
        for _ in range(400):
            await pilot.pause(0.05)
            if "Back to the current stage" in screen_text(app):
                break
        await pilot.press("enter")
        await settle(pilot)
        assert stack(app) == [StageScreen]


# --- home ---------------------------------------------------------------------------------------------------------


async def test_home_opens_set_up_a_new_workshop_and_resumes_the_open_one(
    library: WorkshopLibrary, workshop_id: str
) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")  # set-up of the highlighted (the only) workshop
        await settle(pilot)
        setup = app.screen
        assert isinstance(setup, SetupScreen)
        assert stack(app) == [SetupScreen]
        assert session_of(app).workshop.id == workshop_id
        await pilot.press("escape")  # back home; the workshop stays open
        await settle(pilot)
        assert stack(app) == [HomeScreen]
        await pilot.press("enter")  # resume it
        await settle(pilot)
        assert stack(app) == [StageScreen]
        assert session_of(app).workshop.id == workshop_id
        app.navigator.home()
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        new = app.screen
        assert isinstance(new, NewWorkshopScreen)
        assert stack(app) == [HomeScreen, NewWorkshopScreen]
