"""What every workshop screen needs: the app (as ``WorkshopAppAPI``), the open session, and the way to other screens.

This is a bottom module of the UI: it imports no screen. Screens reach the app through ``WorkshopAppAPI`` and each
other through ``Navigator`` (``app.navigator``), which ``screens.app`` implements with ``screens.navigation``: no
screen module imports another screen module (an import-linter contract in ``pyproject.toml`` keeps it so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.app import App
from textual.await_complete import AwaitComplete
from textual.message import Message

from screens.internals import (
    FramesOnDemand,
    QuietFirstResume,
    QuietWhenCovered,
    SettledResize,
    inside_handler,
    next_message,
)
from workshop.session import Change, SessionError

if TYPE_CHECKING:
    from textual.screen import Screen

    from facilitation.clock import Clock
    from room.server import RoomServer
    from workshop.follow import Follower
    from workshop.session import WorkshopLibrary, WorkshopSession

Exporter = Callable[..., list[Path]]
"""Writes a workshop's files (``exports``), handed to the app by the CLI; screens never import ``exports``."""


class WorkshopChanged(Message, bubble=False):
    """A committed change of the open workshop (``workshop.session.Change``), relayed by the app to every screen
    on the stack; each screen hands it to its widgets, which update themselves for the kinds they show.

    ``here``: whether the change was published inside one of the app's handlers (the facilitator's key, the
    palette, a dialog, a timer; ``screens.internals.inside_handler``), False when a group commit round's end
    published it from the loop (the room's phones; a key's note whose disk took longer than the key's wait). The
    stage screen follows changes made here at once and may gather the others (``StageScreen.FOLLOW_PERIOD``)."""

    def __init__(self, change: Change, *, here: bool | None = None) -> None:
        super().__init__()
        self.change = change
        self.here = inside_handler() if here is None else here


class ReadOnlyChanged(Message, bubble=False):
    """The app's ``read_only_text`` changed (who writes the followed workshop now, or that they stopped), relayed by
    the app to every screen on the stack. A message, not ``Screen.watch(app, ...)``: Textual keeps a watcher of
    another object's reactive until that reactive next changes, and with it the whole dismissed screen."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class Navigator(Protocol):
    """How a screen shows another screen: by what it is, through the app (``app.navigator``).

    Screens never import one another; they ask for "the summary" or "the board of ballot 7" here. Every
    method acts at once (pushes or replaces screens); one that needs an open workshop says so with an error
    notification when none is open, and does nothing else. ``screens.navigation.AppNavigator`` implements it.
    """

    def stage(self, stage_id: int | None = None) -> None:
        """Make ``stage_id`` the current stage (if given; a refusal is shown, nothing moves) and show the stage
        screen as the one screen above the base."""

    def home(self) -> None:
        """A fresh home screen (the workshops as they are now) as the one screen; the open workshop stays open."""

    def back(self) -> None:
        """Leave the current screen: pop it when a screen other than home is below it, else show the open
        workshop's current stage, else home."""

    def new_workshop(self) -> None:
        """Push the set-up of a new workshop (a draft until created)."""

    def setup(self) -> None:
        """The open workshop's set-up (details, participants, agenda) as the one screen."""

    def agenda(self) -> None:
        """Push the agenda overview (planned against actual times)."""

    def summary(self) -> None:
        """Push the summary of the open workshop."""

    def action_plan(self) -> None:
        """Push the action plan, unless it is already the screen shown."""

    def export(self) -> None:
        """Push the export dialog, unless it is already shown (needs an open workshop)."""

    def help(self) -> None:
        """Push the help (every key of every screen), unless it is already shown."""

    def readiness(self, round: str = "start") -> None:
        """Show the readiness check of ``round`` ("start" or "end"): the shown readiness screen switches round,
        else one is pushed."""

    def vote(self, stage_id: int | None) -> None:
        """Where a vote on ``stage_id``'s notes (None: the final priorities, across stages) is: the board of the
        open vote, else the latest result, else a new vote's set-up."""

    def vote_setup(self, stage_id: int | None, *, replace: bool = False) -> None:
        """The set-up dialog of a new vote (refused with a message when there are no notes to vote on); once
        the vote opens its board is pushed, or replaces the calling screen when ``replace``."""

    def vote_board(self, ballot_id: int, *, replace: bool = False) -> None:
        """The facilitator's board of an open ballot: pushed, or replacing the current screen."""

    def vote_results(self, ballot_id: int, *, replace: bool = False) -> None:
        """The result of a closed ballot: pushed, or replacing the current screen."""

    def room(self) -> None:
        """The room (participants' devices): its screen when open, else the dialog that opens it."""


class WorkshopAppAPI(App[None]):
    """What screens may use of the app, declared below every screen so none needs to import ``screens.app``.

    ``screens.app.WorkshopApp`` is the one implementation (mypy checks it against these declarations); screens
    get it typed as this class from ``WorkshopScreenMixin.workshop_app``.
    """

    library: WorkshopLibrary
    """The workshops in the data folder."""
    session: WorkshopSession | None
    """The open workshop, or None (home). Setting it subscribes the app to the workshop's changes."""
    navigator: Navigator
    """The way to every other screen."""
    exporter: Exporter | None
    clock: Clock
    room: RoomServer | None
    """The open room (participants' devices), or None."""
    follower: Follower | None
    read_only_text: str
    """What the read-only banner says (empty when the workshop can be changed); changes come as ``ReadOnlyChanged``."""
    timer_alerts: set[tuple[object, ...]]
    """Stage runs whose time's-up bell has rung, so it rings once per run."""
    last_workshop_id: str | None
    """The workshop last closed in this window (``h`` closes it): home highlights it, so Enter reopens it."""

    def show_error(self, error: Exception | str) -> None:
        """A user-caused problem as a notification, never a traceback."""
        raise NotImplementedError

    def switch_to(self, screen: Screen[Any]) -> None:
        """Show ``screen`` as the one screen above the base."""
        raise NotImplementedError

    def open_workshop(self, workshop_id: str) -> None:
        """Open a workshop and show the stage it is on; a damaged file offers its backups instead."""
        raise NotImplementedError

    def use_session(self, session: WorkshopSession) -> None:
        """Make ``session`` the open workshop (closing any other) and go to its current stage."""
        raise NotImplementedError

    def close_session(self) -> None:
        """Close the open workshop (and its room), if any."""
        raise NotImplementedError


class DismissOnce:
    """Mix into a screen that dismisses itself (before ``Screen``): a second ``dismiss`` does nothing.

    Keys typed ahead reach a dialog after it has been answered: two Enters queued on a choice list select
    twice. Textual's ``dismiss`` would run the answer's callback again (move the note again, go on another
    stage) and pop whatever screen is on top by then, down to the empty base screen.
    """

    app: App[object]

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if cast("Screen[Any]", self).is_active:
            return super().dismiss(result)  # type: ignore[misc]
        return AwaitComplete.nothing()


class WorkshopScreenMixin(FramesOnDemand, QuietFirstResume, QuietWhenCovered, SettledResize, DismissOnce):
    """Mix into a ``Screen`` or ``ModalScreen``: typed access to the app and to the open workshop; its frames
    are drawn on demand (``screens.internals.FramesOnDemand``: the first as soon as the screen is laid out,
    not at the next slot of Textual's 60 Hz grid, up to 16 ms later with nothing to do meanwhile); the first
    resume after mounting does not restyle every widget again (``screens.internals.QuietFirstResume``), a change
    on a screen covered by an opaque one does not repaint the one above (``screens.internals.QuietWhenCovered``),
    and the screen is not laid out again for a resize to the size it already has
    (``screens.internals.SettledResize``)."""

    def same_size_resize(self) -> None:
        """The breakpoint classes for the size the screen has (Textual sets them in the handler skipped)."""
        self.settle_breakpoints()

    def hear_change(self, change: Change, *, here: bool) -> None:
        """The app's relay (``WorkshopApp._relay``) hands this screen a committed change, on the thread that
        published it; ``here`` as ``WorkshopChanged.here``. By default it is posted to the screen as one
        ``WorkshopChanged`` message; the stage screen gathers them instead (``StageScreen.hear_change``)."""
        cast("Screen[Any]", self).post_message(WorkshopChanged(change, here=here))

    def take_enter(self) -> bool:
        """The app's key handler offers an Enter typed while nothing before it is on its way (``screens.
        type_ahead``) to the current screen before handing it to the focused widget: True when the screen has
        done with it (the stage screen adds the note typed in its note field: ``StageScreen.take_enter``), so
        it goes no further. By default a screen takes none."""
        return False

    def more_changes_coming(self) -> bool:
        """Whether the message this screen handles next is another ``WorkshopChanged``: changes published
        together (one group commit round: several phones' notes or dots at once) arrive as consecutive messages,
        and a part of the screen drawn from the workshop as it is now can wait for the last of them (it sees them
        all: the workshop already holds every change it is told of)."""
        return isinstance(next_message(cast("Screen[Any]", self)), WorkshopChanged)

    @property
    def workshop_app(self) -> WorkshopAppAPI:
        return cast("WorkshopAppAPI", self.app)

    @property
    def navigator(self) -> Navigator:
        """The way to every other screen (``Navigator``)."""
        return self.workshop_app.navigator

    @property
    def session(self) -> WorkshopSession:
        """The open workshop. Screens that use it are only shown while one is open."""
        session = self.workshop_app.session
        if session is None:
            raise RuntimeError(f"{type(self).__name__} needs an open workshop session.")
        return session

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Run session calls; a refusal becomes a notification and skips the rest of the block."""
        try:
            yield
        except SessionError as error:
            self.workshop_app.show_error(error)

    def settle_breakpoints(self) -> None:
        """Give the screen its breakpoint classes (``-wide``, ``-tall``...) before its first layout
        (``settle_breakpoints``). Call at the top of ``compose``."""
        settle_breakpoints(cast("Screen[Any]", self))

    def _say(self, message: str, **kwargs: Any) -> None:
        """A notification; never markup, because titles and notes are the room's own text."""
        self.workshop_app.notify(message, markup=False, **kwargs)


def settle_breakpoints(screen: Screen[Any]) -> None:
    """Give ``screen`` its breakpoint classes (``-wide``, ``-tall``...) before its first layout.

    Textual adds them in the screen's first ``Resize``, after it has laid out and drawn a frame without them;
    on a wide terminal the stage screen would then throw that frame away, re-measure every note and draw
    again. ``SettledResize`` skips that same-size ``Resize`` altogether, so a screen using it gets its classes
    only from here. Call at the top of ``compose``, so children are styled for the real size from the start.
    """
    app = screen.app
    classes: dict[str, bool] = {}
    for dimension, breakpoints in (
        (
            app.size.width,
            _pick(getattr(screen, "HORIZONTAL_BREAKPOINTS", None), app.HORIZONTAL_BREAKPOINTS),
        ),
        (app.size.height, _pick(getattr(screen, "VERTICAL_BREAKPOINTS", None), app.VERTICAL_BREAKPOINTS)),
    ):
        chosen = None
        for at, name in sorted(breakpoints):
            classes[name] = False
            if dimension >= at:
                chosen = name
        if chosen is not None:
            classes[chosen] = True
    if classes:
        screen.update_classes(classes, animate=False)


def _pick(screen: list[tuple[int, str]] | None, app: list[tuple[int, str]] | None) -> list[tuple[int, str]]:
    """A screen's own breakpoints override the app's, as in Textual."""
    return (app if screen is None else screen) or []
