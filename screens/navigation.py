"""The app's way between screens: ``AppNavigator`` implements ``screens.base.Navigator``.

This module and ``screens.app`` are the top of the UI: they alone import the screens (each screen module imports
only ``screens.base``, the dialogs, widgets and helpers below it; ``pyproject.toml`` has the contract). Screens ask
``self.navigator.summary()`` instead of building a ``SummaryScreen``.

Each screen module is imported on first use, inside the method that shows it: start-up then loads only the screen it
shows first (the stage, or home), as it did when each screen imported the next lazily.

Why not Textual's named screens (``App.SCREENS`` / ``install_screen``): an installed screen is built once and kept
for the app's lifetime, and pushing its name again shows that same instance. These screens take arguments (a stage,
a ballot, a round) and belong to one open workshop; a kept one would show the previous workshop's data and, while
off the stack, miss the changes the app relays only to the screens on the stack. Modes (``App.MODES``) keep one
stack per mode, which the facilitator's back-and-forth between the stage and its views does not have.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from workshop.session import SessionError

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen

    from screens.base import WorkshopAppAPI
    from screens.help import HelpScreen
    from workshop.session import WorkshopSession


def first_help_screens(app_class: type[DOMNode]) -> list[tuple[str, type[DOMNode]]]:
    """The start of ``help_screens``: the sections that fill the help's first frame (the app's own keys and the
    stage's), without importing the other screens."""
    from screens.stage import StageScreen
    from screens.widgets.note_list import NoteList

    return [
        ("Everywhere", app_class),
        ("Stage (notes list)", StageScreen),
        ("Stage (notes list)", NoteList),
    ]


def help_screens(app_class: type[DOMNode]) -> list[tuple[str, type[DOMNode]]]:
    """(heading, class) of every screen and widget whose keys the help lists, in its order (``screens.help``);
    ``app_class`` (the app's own keys) comes first, as "Everywhere", then ``first_help_screens``'s others.

    This imports every screen module (about 100 ms the first time): the help calls it after its first frame."""
    from screens import action_plan, agenda_overview, dialogs, home, readiness, room, setup, summary
    from screens.export_dialog import ExportScreen
    from screens.help import HelpScreen
    from screens.projector.app import ProjectorApp
    from screens.voting.ballot import ParticipantBallotScreen
    from screens.voting.board import VoteBoardScreen
    from screens.voting.results import VoteResultsScreen
    from screens.voting.setup import LimitsScreen, VoteSetupScreen

    return [
        *first_help_screens(app_class),
        ("Workshops (home)", home.HomeScreen),
        ("New workshop (set-up)", setup.NewWorkshopScreen),
        ("Workshop setup", setup.SetupScreen),
        ("Agenda overview", agenda_overview.AgendaOverviewScreen),
        ("Summary", summary.SummaryScreen),
        ("Action plan", action_plan.ActionPlanScreen),
        ("Action plan: the action form", action_plan.ActionFormScreen),
        ("Export", ExportScreen),
        ("Vote: set-up", VoteSetupScreen),
        ("Vote: change limits", LimitsScreen),
        ("Vote: board", VoteBoardScreen),
        ("Vote: a participant's ballot", ParticipantBallotScreen),
        ("Vote: result", VoteResultsScreen),
        ("Readiness check", readiness.ReadinessScreen),
        ("Readiness check: answers", readiness.ReadinessEntryScreen),
        ("The room (participants' phones)", room.RoomScreen),
        ("Dialogs: confirm", dialogs.ConfirmScreen),
        ("Dialogs: text entry", dialogs.TextEntryScreen),
        ("Dialogs: choose", dialogs.ChooseScreen),
        ("Help", HelpScreen),
        ("Projector window (workshop present)", ProjectorApp),
    ]


def help_screen(app_class: type[DOMNode]) -> HelpScreen:
    """The help as F1 opens it: the first sections at once, every other section after its first frame."""
    from screens.help import HelpScreen

    return HelpScreen(first_help_screens(app_class), later=partial(help_screens, app_class))


class AppNavigator:
    """``screens.base.Navigator`` for one app: every method builds a fresh screen and shows it on ``app``."""

    def __init__(self, app: WorkshopAppAPI) -> None:
        self.app = app

    def _session(self) -> WorkshopSession | None:
        """The open workshop; without one, an error notification and None."""
        session = self.app.session
        if session is None:
            self.app.show_error("Open a workshop first.")
        return session

    def _show(self, screen: Screen[Any], *, replace: bool = False) -> None:
        if replace:
            self.app.switch_screen(screen)
        else:
            self.app.push_screen(screen)

    def _showing(self, cls: type[Screen[Any]]) -> bool:
        return isinstance(self.app.screen, cls)

    # --- the one screen above the base ----------------------------------------------------------------

    def stage(self, stage_id: int | None = None) -> None:
        from screens.stage import StageScreen

        session = self._session()
        if session is None:
            return
        if stage_id is not None:
            try:
                session.agenda.go_to(stage_id)
            except SessionError as error:
                self.app.show_error(error)
                return
        self.app.switch_to(StageScreen())

    def home(self) -> None:
        from screens.home import HomeScreen

        self.app.switch_to(HomeScreen())

    def back(self) -> None:
        from screens.home import HomeScreen

        stack = self.app.screen_stack
        if len(stack) > 2 and not isinstance(stack[-2], HomeScreen):
            self.app.pop_screen()
        elif self.app.session is not None:
            self.stage()
        else:
            self.home()

    def new_workshop(self) -> None:
        from screens.setup import NewWorkshopScreen

        self.app.push_screen(NewWorkshopScreen())

    def setup(self) -> None:
        from screens.setup import SetupScreen

        if self._session() is not None:
            self.app.switch_to(SetupScreen())

    # --- views pushed above the stage -------------------------------------------------------------------

    def agenda(self) -> None:
        from screens.agenda_overview import AgendaOverviewScreen

        if self._session() is not None:
            self.app.push_screen(AgendaOverviewScreen())

    def summary(self) -> None:
        from screens.summary import SummaryScreen

        if self._session() is not None:
            self.app.push_screen(SummaryScreen())

    def action_plan(self) -> None:
        from screens.action_plan import ActionPlanScreen

        if self._session() is not None and not self._showing(ActionPlanScreen):
            self.app.push_screen(ActionPlanScreen())

    def export(self) -> None:
        from screens.export_dialog import ExportScreen

        if self._session() is not None and not self._showing(ExportScreen):
            self.app.push_screen(ExportScreen())

    def help(self) -> None:
        from screens.help import HelpScreen

        if not self._showing(HelpScreen):
            self.app.push_screen(help_screen(type(self.app)))

    def readiness(self, round: str = "start") -> None:
        from screens.readiness import ReadinessScreen

        if self._session() is None:
            return
        screen = self.app.screen
        if isinstance(screen, ReadinessScreen):
            screen.round = round
            screen.redraw()
        else:
            self.app.push_screen(ReadinessScreen(round))

    def room(self) -> None:
        from screens.room import ask_open_room

        if self._session() is not None:
            ask_open_room(self.app)

    # --- dot voting ---------------------------------------------------------------------------------------

    def vote(self, stage_id: int | None) -> None:
        session = self._session()
        if session is None:
            return
        ballot = session.votes.latest(stage_id)
        if ballot is None:
            self.vote_setup(stage_id)
        elif ballot.status == "open":
            self.vote_board(ballot.id)
        else:
            self.vote_results(ballot.id)

    def vote_setup(self, stage_id: int | None, *, replace: bool = False) -> None:
        from screens.voting.setup import VoteSetupScreen

        session = self._session()
        if session is None:
            return
        if stage_id is None:
            has_notes = bool(session.votes.final_priority_notes(include_candidates=True))
            empty = (
                "No decisions yet: mark notes as decisions (x) in the stages, then vote on the final priorities."
            )
        else:
            has_notes = bool(session.workshop.stage_notes(stage_id))
            empty = f"{session.stage(stage_id).title} has no notes to vote on yet."
        if not has_notes:
            self.app.show_error(empty)
            return

        def opened(ballot_id: int | None) -> None:
            if ballot_id is not None:
                self.vote_board(ballot_id, replace=replace)

        self.app.push_screen(VoteSetupScreen(stage_id), opened)

    def vote_board(self, ballot_id: int, *, replace: bool = False) -> None:
        from screens.voting.board import VoteBoardScreen

        if self._session() is not None:
            self._show(VoteBoardScreen(ballot_id), replace=replace)

    def vote_results(self, ballot_id: int, *, replace: bool = False) -> None:
        from screens.voting.results import VoteResultsScreen

        if self._session() is not None:
            self._show(VoteResultsScreen(ballot_id), replace=replace)
