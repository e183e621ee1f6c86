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

import importlib
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from workshop.session import SessionError

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen

    from screens.base import WorkshopAppAPI
    from screens.help import HelpScreen
    from workshop.session import WorkshopSession


HELP_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Stage (notes list)", "screens.stage:StageScreen"),
    ("Stage (notes list)", "screens.widgets.note_list:NoteList"),
    ("Workshops (home)", "screens.home:HomeScreen"),
    ("New workshop (set-up)", "screens.setup.draft:NewWorkshopScreen"),
    ("Workshop setup", "screens.setup.live:SetupScreen"),
    ("Agenda overview", "screens.agenda_overview:AgendaOverviewScreen"),
    ("Summary", "screens.summary:SummaryScreen"),
    ("Action plan", "screens.action_plan:ActionPlanScreen"),
    ("Action plan: the action form", "screens.action_plan:ActionFormScreen"),
    ("Export", "screens.export_dialog:ExportScreen"),
    ("Vote: set-up", "screens.voting.setup:VoteSetupScreen"),
    ("Vote: change limits", "screens.voting.setup:LimitsScreen"),
    ("Vote: board", "screens.voting.board:VoteBoardScreen"),
    ("Vote: a participant's ballot", "screens.voting.ballot:ParticipantBallotScreen"),
    ("Vote: result", "screens.voting.results:VoteResultsScreen"),
    ("Readiness check", "screens.readiness:ReadinessScreen"),
    ("Readiness check: answers", "screens.readiness:ReadinessEntryScreen"),
    ("The room: opening it", "screens.room:OpenRoomScreen"),
    ("The room (participants' phones)", "screens.room:RoomScreen"),
    ("Dialogs: confirm", "screens.dialogs:ConfirmScreen"),
    ("Dialogs: text entry", "screens.dialogs:TextEntryScreen"),
    ("Dialogs: choose", "screens.dialogs:ChooseScreen"),
    ("Dialogs: a damaged workshop's backups", "screens.dialogs:BackupsScreen"),
    ("Help", "screens.help:HelpScreen"),
    ("Projector window (workshop present)", "screens.projector.app:ProjectorApp"),
)
"""(heading, ``module:Class``) of every screen and widget whose keys the help lists, in its order after the app's own
("Everywhere"). Named, not imported: the help opens on the shown screen's section without importing the others."""

STAGE_HEADING = HELP_SECTIONS[0][0]
"""The section the help opens on when the screen shown has none of its own (the base screen)."""


def _resolve(path: str) -> type[DOMNode]:
    module, name = path.split(":")
    return cast("type[DOMNode]", getattr(importlib.import_module(module), name))


def help_heading(screen_class: type[object]) -> str:
    """The help section of ``screen_class``: its own, else its nearest base's (``ChooseWhileTypingScreen`` is a
    choose dialog), else the stage's. Imports nothing."""
    headings = {path: heading for heading, path in HELP_SECTIONS}
    for klass in screen_class.__mro__:
        heading = headings.get(f"{klass.__module__}:{klass.__qualname__}")
        if heading is not None:
            return heading
    return STAGE_HEADING


def first_help_screens(app_class: type[DOMNode], heading: str = STAGE_HEADING) -> list[tuple[str, type[DOMNode]]]:
    """The start of ``help_screens``: the sections that fill the help's first frame, the app's own keys
    ("Everywhere") and those of ``heading`` (the screen the help was opened from), importing only their modules
    (already imported: that screen is shown)."""
    return [("Everywhere", app_class)] + [(h, _resolve(path)) for h, path in HELP_SECTIONS if h == heading]


def help_screens(app_class: type[DOMNode], heading: str = STAGE_HEADING) -> list[tuple[str, type[DOMNode]]]:
    """(heading, class) of every screen and widget whose keys the help lists, in its order (``screens.help``):
    ``first_help_screens`` (the app's own keys, then ``heading``'s), then every other section of
    ``HELP_SECTIONS`` in order.

    This imports every screen module (about 100 ms the first time): the help calls it after its first frame."""
    return first_help_screens(app_class, heading) + [
        (h, _resolve(path)) for h, path in HELP_SECTIONS if h != heading
    ]


def help_screen(app_class: type[DOMNode], context: type[object] | None = None) -> HelpScreen:
    """The help as F1 opens it over a screen of class ``context`` (None: the stage): that screen's keys after the
    app's own at once, every other section after its first frame."""
    from screens.help import HelpScreen

    heading = STAGE_HEADING if context is None else help_heading(context)
    return HelpScreen(
        first_help_screens(app_class, heading), later=partial(help_screens, app_class, heading), context=heading
    )


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
            self.app.push_screen(help_screen(type(self.app), type(self.app.screen)))

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
