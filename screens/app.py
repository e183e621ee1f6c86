"""The Textual app: holds the library and the open session, and moves between screens. Kept small on purpose.

Screens live in their own modules and do the work; they reach data only through ``app.library`` (the workshops in
the data folder) and ``app.session`` (the open workshop). Errors a user can cause arrive as ``SessionError`` and
are shown with ``app.show_error``: no traceback reaches the screen for a user action.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import re
import time
import weakref
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.actions import SkipAction
from textual.app import App, CSSPathType
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.driver import Driver
from textual.geometry import Size
from textual.message import Message
from textual.notifications import Notification, Notify, SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import Worker

from facilitation.clock import Clock
from screens.base import Exporter, ReadOnlyChanged, WorkshopAppAPI, WorkshopChanged, WorkshopScreenMixin
from screens.internals import (
    ClosedCutsApp,
    ScreenCssLoader,
    close_overrides_at_cuts,
    drop_closed_watchers,
    forget_shown_twins,
    inside_handler,
)
from screens.navigation import AppNavigator
from screens.private_notices import PrivateNotices
from screens.text_input import UndecodableInput, pasted_text, typed_key
from screens.theme import DEFAULT_THEME, THEMES
from screens.type_ahead import TYPED, TypeAhead
from workshop.memory import collect_ahead, collect_garbage, keep_out_of_collections
from workshop.memory import tune as tune_collections
from workshop.session import Change, SessionError, WorkshopLibrary, WorkshopSession

if TYPE_CHECKING:
    from room.server import RoomServer
    from workshop.follow import Follower, FollowStatus
    from workshop.session.preview import FullOpen

log = logging.getLogger(__name__)
MIN_WIDTH, MIN_HEIGHT = 60, 20
KEYS_WHILE_TOO_SMALL = frozenset({"ctrl+q"})
"""The only keys that act while the terminal is too small: anything else would act on a screen nobody can see."""
KEYS_WHILE_OPENING = frozenset({"ctrl+q"})
"""The only keys that act at once while the workshop is still being read after its first frame (quitting); every
other key, paste and click waits and is handled, in order, once the whole workshop is in (``WorkshopApp.on_event``)."""
HELD_WHILE_OPENING = (events.Key, events.Paste, events.MouseDown, events.MouseUp, events.Click)


class WorkshopRead(Message):
    """Posted from the thread that read the whole workshop (``workshop.session.preview.FullOpen``): swap it in."""


class TooSmall(Static):
    """Shown instead of a screen's widgets when the terminal is smaller than the layouts can draw."""

    def __init__(self) -> None:
        super().__init__(
            f"Terminal too small —\nmake it at least {MIN_WIDTH}×{MIN_HEIGHT}.", classes="too-small-message"
        )


def _stage_commands() -> type[Provider]:
    """The stage's command-palette entries, imported when the palette first opens rather than at start-up."""
    from screens.commands import StageCommands

    return StageCommands


class BaseScreen(WorkshopScreenMixin, Screen[None]):
    """The empty screen every other screen is pushed above (see ``WorkshopApp.get_default_screen``)."""


class WorkshopApp(ClosedCutsApp, ScreenCssLoader, WorkshopAppAPI):
    """Six Disciplines Workshop. Screens see it as ``screens.base.WorkshopAppAPI`` and reach one another through
    ``navigator`` (``screens.navigation``)."""

    TITLE = "Six Disciplines Workshop"
    CSS_PATH: ClassVar[CSSPathType | None] = ["app.tcss", "stage.tcss"]
    """The stage screen's stylesheet is loaded with the app's, though ``StageScreen.CSS_PATH`` names it too: a
    screen's own CSS file is read when the screen is first pushed, and Textual then re-parses every stylesheet
    loaded so far (about 5 ms on the way to the first frame of ``workshop open``)."""
    COMMANDS = App.COMMANDS | {_stage_commands}
    read_only_text: reactive[str] = reactive("", init=False)
    """What the read-only banner says while the open workshop is read-only: who writes it (this window follows
    them), that they stopped, or why it cannot be changed; empty when it can be. Every screen on the stack is told
    of a change (``ReadOnlyChanged``)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority keys: dialogs (modal screens) hide the app's other keys. F1 is help everywhere; ? is help
        # wherever it is not text being typed (``action_help_unless_typing``).
        Binding("f1", "help", "Help", show=True, priority=True),
        Binding("question_mark", "help_unless_typing", "Help", show=False, priority=True),
        Binding("ctrl+q", "quit", "Quit", show=True, priority=True),
    ]

    def __init__(
        self,
        library: WorkshopLibrary,
        *,
        workshop_id: str | None = None,
        exporter: Exporter | None = None,
        clock: Clock | None = None,
        room: tuple[str | None, int] | None = None,
        quick_start: bool = False,
    ) -> None:
        """``quick_start``: open ``workshop_id`` from its opening preview when one is fresh (its first frame
        from a small file, the whole workshop read after it; see ``_show_preview``), as ``workshop open`` does;
        without it the workshop is read in full before its first frame."""
        super().__init__()
        self.library = library
        self.quick_start = quick_start
        self._full_open: FullOpen | None = None
        """The whole workshop being read after a first frame drawn from its preview, or None."""
        self._held_input: list[events.Event] = []
        """Keys, pastes and clicks that arrived while the whole workshop was being read, in order."""
        self._replaying: events.Event | None = None
        self._type_ahead = TypeAhead(self)
        """Keys that arrive while another is still on its way wait their turn (``screens.type_ahead``)."""
        """The held event posted again (``_release_input``) and not yet back in ``on_event``."""
        self.navigator = AppNavigator(self)
        self.exporter = exporter
        self.clock = clock or library.clock
        self._session: WorkshopSession | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.follower: Follower | None = None
        """Keeps a read-only session current while another window writes the workshop (``_follow_instead``)."""
        self._initial_workshop = workshop_id
        self._too_small = False
        self._focus_while_small: weakref.WeakKeyDictionary[Screen[Any], Widget | None] = (
            weakref.WeakKeyDictionary()
        )
        """Each screen's focused widget when the terminal got too small, given back when it is large enough."""
        self._frozen_screens: weakref.WeakSet[Screen[Any]] = weakref.WeakSet()
        """The screens on the stack at a freeze (``gc.freeze``: start-up's, then each idle freeze's) and still shown
        (see ``frozen_screens_dismissed``)."""
        self.room: RoomServer | None = None
        """The open room (participants' devices), or None: it is off until the facilitator opens it."""
        self.room_request: tuple[str | None, int] | None = room
        """``workshop open ID --room``: open the room on this address (None: the default) and port once the
        workshop is shown."""
        self._checkpoint_asked = 0.0
        """When ``on_idle`` last started a checkpoint worker (``time.monotonic``)."""
        self._checkpointing: Worker[bool] | None = None
        self._warmed: WorkshopSession | None = None
        """The session ``on_idle`` last prepared for its first key (``WorkshopSession.warm``)."""
        self.timer_alerts: set[tuple[object, ...]] = set()
        self.last_workshop_id: str | None = None
        """The workshop last closed in this window: home highlights it, so Enter reopens it."""
        self.private_notices = PrivateNotices()
        """Notices raised during a participant's private ballot or form, cleared when it is handed back."""
        """Stage runs whose time's-up bell has rung, so it rings once per run, not on every redraw."""
        for theme in THEMES:
            self.register_theme(theme)
        saved = library.settings.get("theme")
        # set_reactive, not assignment: Textual applies the theme when the app starts; assigning here as well
        # would make it re-parse every stylesheet and lay out the first screen twice.
        self.set_reactive(App.theme, saved if saved in self.available_themes else DEFAULT_THEME)
        self.stylesheet.set_variables(self.get_css_variables())
        dark = self.current_theme.dark
        classes = {name: False for name in self.classes if name.startswith("-theme-")}
        classes |= {f"-theme-{self.theme}": True, "-dark-mode": dark, "-light-mode": not dark}
        self.update_classes(classes, update=False)

    # --- the open workshop and its changes ----------------------------------------------------------

    @property
    def session(self) -> WorkshopSession | None:
        """The open workshop, or ``None`` (home). Setting it subscribes the app to its changes."""
        return self._session

    @session.setter
    def session(self, session: WorkshopSession | None) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._session = session
        if session is not None:
            unsubscribe = session.subscribe(self._relay)
            unrefuse = session.group.on_refused(self.show_error)

            def both() -> None:
                unsubscribe()
                unrefuse()

            self._unsubscribe = both

    def _relay(self, change: Change) -> None:
        """Every committed change, whoever made it (a key, the palette, another process through a follower),
        reaches every screen on the stack as one ``WorkshopChanged`` message: covered screens stay current, so
        none needs to redraw when it is shown again (a workshop screen is handed it by ``hear_change``, which
        posts that message or, on the stage screen, gathers it). Each says whether the change was made inside
        one of the app's handlers (``WorkshopChanged.here``)."""
        here = inside_handler()
        for screen in self.screen_stack:
            if isinstance(screen, WorkshopScreenMixin):
                screen.hear_change(change, here=here)  # a message, or gathered (the stage screen)
            else:
                screen.post_message(WorkshopChanged(change, here=here))

    def watch_read_only_text(self, text: str) -> None:
        """Tell every screen on the stack the new read-only text (a stage screen shows it in its banner)."""
        for screen in self.screen_stack:
            screen.post_message(ReadOnlyChanged(text))

    # --- input ---------------------------------------------------------------------------------------

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this platform; on Linux, the one that survives bytes that are not UTF-8 and keeps
        a pasted colour code inside its paste (``screens.internals.WorkshopLinuxDriver``)."""
        driver = super().get_driver_class()
        if driver.__module__ == "textual.drivers.linux_driver" and driver.__name__ == "LinuxDriver":
            from screens.internals import WorkshopLinuxDriver

            return WorkshopLinuxDriver
        return driver

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes reach the fields as the README promises text is kept (``screens.text_input``). While
        the workshop is still being read after a first frame drawn from its preview (``opening``), keys, pastes
        and clicks wait, and are handled in order once it is in (``on_workshop_read``); ctrl+q quits at once."""
        if isinstance(event, (events.Key, events.Paste)) and not self.screen_stack:
            return  # the app is closing and no screen is left to act on it (``App.focused`` would raise)
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and self._too_small
            and event.key not in KEYS_WHILE_TOO_SMALL
        ):
            return  # nothing on screen to act on; the focus comes back with the size (_guard_size)
        if event is self._replaying:
            self._replaying = None
            if self._held_input:
                self.set_timer(self.REPLAY_PACE, self._release_input)
        elif (
            (self.opening or self._replaying is not None or self._held_input)
            and isinstance(event, HELD_WHILE_OPENING)
            and not event.is_forwarded
            and not (isinstance(event, events.Key) and event.key in KEYS_WHILE_OPENING)
        ):
            self._held_input.append(event)  # handled once the whole workshop is in (on_workshop_read)
            return
        typed = isinstance(event, TYPED) and not event.is_forwarded
        quits = isinstance(event, events.Key) and event.key in KEYS_WHILE_OPENING
        if typed and not quits and self._type_ahead.wait_turn(event):
            return  # a key before it is still on its way (screens.type_ahead): it comes back in its turn
        if isinstance(event, events.Key) and not event.is_forwarded:
            event = typed_key(event)
        elif isinstance(event, events.Paste) and not event.is_forwarded:
            focused = self.focused
            one_line = isinstance(focused, Input) and not getattr(focused, "KEEPS_PASTED_LINES", False)
            event = events.Paste(pasted_text(event.text, one_line=one_line))
        if not typed:
            await super().on_event(event)
            return
        if isinstance(event, events.Key) and event.key == "enter" and self._enter_taken():
            self.app_focus = True
            self._type_ahead.handed_over(event, None)  # its way ends here: the next key goes on
            return
        target = self.focused or (self.screen if self.screen_stack else None)
        await super().on_event(event)
        self._type_ahead.handed_over(event, target)

    def _enter_taken(self) -> bool:
        """Whether the current screen took an Enter itself (``WorkshopScreenMixin.take_enter``), here in the app's
        handler of the key: handed to the focused field, the key waited for the field's turn of the loop behind
        the frames, live page slices and requests queued meanwhile (in a busy room, a large part of the
        facilitator's Enter to its note listed). No priority binding of the app is on Enter."""
        screen = self.screen if self.screen_stack else None
        return isinstance(screen, WorkshopScreenMixin) and screen.take_enter()

    def on_undecodable_input(self, message: UndecodableInput) -> None:
        """Say why a character showed up as U+FFFD, and how to avoid it."""
        count = message.count
        self.notify(
            f"The terminal sent {count} character{'s' if count != 1 else ''} that {'are' if count != 1 else 'is'} "
            "not UTF-8 text, shown as “\ufffd”. Set the terminal's character encoding to UTF-8 "
            "(an 8-bit Alt or Meta key sends such bytes too).",
            title="Unreadable input",
            severity="warning",
            timeout=10,
            markup=False,
        )

    # --- screens -------------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """An empty base that is never seen: home or a stage screen is always pushed above it.

        So ``workshop open ID`` builds only the stage screen (not the home screen first, then covering it), and
        every screen is pushed, which is how Textual loads a screen's ``CSS_PATH``.
        """
        return close_overrides_at_cuts(BaseScreen())

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._guard_size)
        self.screen_change_signal.subscribe(self, self._collect_after_screen_change)
        self._guard_size()
        if self._initial_workshop is None:
            self.call_after_refresh(self._started)
            self.navigator.home()
            return
        if self.quick_start and self._show_preview(self._initial_workshop):
            return  # _started once the whole workshop is in (on_workshop_read)
        self.call_after_refresh(self._started)
        try:
            session = self.library.open(self._initial_workshop)
        except SessionError as error:
            self.navigator.home()
            self._report_open_problem(error)
            return
        self.use_session(session)
        if self.room_request is not None:
            self.call_after_refresh(self._open_requested_room)

    # --- start-up: the current stage first, the rest after the first frame ----------------------------

    FULL_READ_AFTER = 0.02
    """Seconds between the first frame drawn from a preview and the start of the whole workshop's read. Parsing a
    large workshop holds Python's lock for a long call (about 110 ms at 20,000 notes), which would keep Textual's
    writer thread from putting the first frame on the terminal; this lets it write the frame first."""

    def _show_preview(self, workshop_id: str) -> bool:
        """Show the workshop's current stage from its opening preview (``workshop.session.preview``) and read
        the whole workshop in a thread once the first frame is drawn; False (nothing done) when there is no fresh
        preview. Until the whole workshop is in, the session refuses changes and keys wait (``on_event``)."""
        preview = self.library.preview(workshop_id)
        if preview is None:
            return False
        self.session = preview
        self.navigator.stage()
        self.call_after_refresh(self.set_timer, self.FULL_READ_AFTER, partial(self._read_in_full, workshop_id))
        return True

    @property
    def opening(self) -> bool:
        """True from a first frame drawn from the workshop's preview until the whole workshop is in."""
        return self._session is not None and self._session.opening

    def _read_in_full(self, workshop_id: str) -> None:
        from workshop.session.preview import FullOpen  # imported after the first frame

        if self.session is None or not self.session.opening:
            return  # closed meanwhile (quit)
        self._full_open = FullOpen(self.library, workshop_id, lambda: self._post_safely(WorkshopRead()))
        self._full_open.start()

    def _post_safely(self, message: Message) -> None:
        """``post_message`` from another thread, which may run after the app's loop has closed."""
        with contextlib.suppress(RuntimeError):
            self.post_message(message)

    def on_workshop_read(self, _message: WorkshopRead) -> None:
        """The whole workshop is in: it replaces the preview under the screens, which redraw from it (one
        ``follow.reloaded`` change); then the keys that waited are handled, in order. A workshop another window
        holds opens read-only as usual (a fresh stage screen that follows that window); one that cannot be read
        goes home with the reason (and its backups, for a damaged file), as a full read at start-up does."""
        from workshop.session.preview import read_in_full

        opening, self._full_open = self._full_open, None
        result = opening.take() if opening is not None else None
        if result is None:
            return  # abandoned: the window closed the workshop meanwhile
        # Only now: the collector stays off while the workshop is read, and what start-up built, the whole
        # workshop included, is kept out of later collections, as when it is read before the first frame.
        self.call_after_refresh(self._started)
        preview = self.session
        if isinstance(result, SessionError):
            self.session = None
            self.navigator.home()
            self._report_open_problem(result)
        elif result.read_only:
            self.use_session(result)
        else:
            self.session = result
            self._relay(read_in_full(result))
            if self.room_request is not None:
                self.call_after_refresh(self._open_requested_room)
        if preview is not None:
            preview.close()
        self._release_input()

    REPLAY_PACE = 0.02
    """Seconds between two held keys handled after the whole workshop is in (``_release_input``)."""

    def _release_input(self) -> None:
        """Handle the next key, paste or click that waited while the workshop was read, in the order they came.

        One at a time, ``REPLAY_PACE`` apart, as typed at 50 keys a second: a key that moves the focus (``i``
        on the notes list) or opens a screen has done so before the next arrives, as it would have for keys
        typed at a person's pace (handed over all at once, "ia" would put the ``a`` on the notes list, which
        opens the agenda). Keys typed meanwhile wait behind them (``on_event``)."""
        while self._held_input:
            event = self._held_input.pop(0)
            if self.post_message(event):
                self._replaying = event  # on_event lets it through and asks for the next
                return

    async def _open_requested_room(self) -> None:
        from screens.room import open_room

        if self.room_request is not None and self.session is not None and not self.session.opening:
            address, port = self.room_request
            self.room_request = None
            await open_room(self, address, port)

    def _started(self) -> None:
        """After the first frame with the whole workshop in memory (after ``on_workshop_read`` when the first frame
        came from the preview): keep start-up's objects out of future collections, and collect again (the console
        script holds the collector during start-up; see ``workshop.cli.main``)."""
        gc.freeze()
        self._frozen_screens.update(self.screen_stack)
        tune_collections()
        gc.enable()
        self._collecting = True

    _collecting = False
    """Whether start-up is over (``_started``): from then on, a screen change is followed by a full collection."""

    @property
    def started(self) -> bool:
        """True once start-up is over: the first frame with the whole workshop drawn, start-up's objects frozen
        out of collections and the collector's thresholds set (``_started``); no key typed before it has acted."""
        return self._collecting
    _collection_asked = 0
    """Counts the collections asked for; only the latest is run (``_collect_garbage``)."""
    frozen_screens_dismissed = 0
    """Screens frozen while shown (``gc.freeze``) and dismissed since, counted as the collection after the screen
    change that dismissed them runs (``_collect_garbage``). Frozen objects are never collected, so such a screen's
    cycles stay until the app exits: one screen per freeze at most (start-up's, and each idle freeze's after a
    checkpoint), never growing with opens. Unfreezing to collect them walks every object of the workshop
    (measured at 12:24 UTC on a quiet machine: 43 ms of CPU at 300 notes, 67 ms at 2,000, 221 ms at 20,000) and a
    key pressed meanwhile waits that long, which issue #14 forbids ("no key handler longer than one frame"); so
    the app keeps them, and only counts them."""
    _dismissed = False
    _stack_shown: frozenset[int] | set[int] = frozenset()
    """The ids of the screens on the stack at the last screen change."""

    def _collect_after_screen_change(self, screen: Screen[Any]) -> None:
        """A screen was pushed, popped or switched. If one was dismissed since the last collection, collect the
        garbage of every generation (``workshop.memory.collect_garbage``) once the screen now shown has drawn
        its frame: the callback waits in that screen's own queue, behind its compose and mount, then for a
        refresh, and then the collection waits in the app's queue behind what came meanwhile.

        A dismissed screen's widgets are cycles that only a full collection frees; left to CPython's own
        schedule, that collection came inside a later screen's open or a key handler and walked every screen
        dismissed since (150-165 ms at 2,000 notes, issue #14). Here it runs between the two, each time with one
        screen's garbage to free. A push alone asks for none (nothing was dismissed); several changes at once (a
        stage switch pops, then pushes) ask for one, after the last screen's frame."""
        stack = {id(shown) for shown in self.screen_stack}
        if not self._stack_shown <= stack:
            self._dismissed = True
        self._stack_shown = stack
        if self._collecting and self._dismissed:
            self._collection_asked += 1  # a collection asked before this change waits for this screen instead
            screen.call_after_refresh(self.call_later, self._collect_garbage, self._collection_asked)

    def _collect_garbage(self, asked: int) -> None:
        if asked == self._collection_asked and self._dismissed:
            self._dismissed = False
            drop_closed_watchers(self, *self.screen_stack)  # Textual keeps them until the value next changes
            stack = set(self.screen_stack)
            dismissed = sum(1 for frozen in self._frozen_screens if frozen not in stack)
            if dismissed:  # kept for good: unfreezing to collect them would stall keys (``frozen_screens_dismissed``)
                self.frozen_screens_dismissed += dismissed
                self._frozen_screens = weakref.WeakSet(frozen for frozen in self._frozen_screens if frozen in stack)
            collect_garbage()

    def on_resize(self, event: events.Resize) -> None:
        self._guard_size(size=event.size)

    def _guard_size(self, _screen: object = None, *, size: Size | None = None) -> None:
        """Below the minimum size every screen shows one clear message instead of a squashed layout.

        Hiding a screen's widgets takes the focus away from them (Textual blurs a hidden widget), so each screen's
        focused widget is remembered as the terminal gets too small and given the focus back when it is large
        enough again: the facilitator goes on typing in the note field, instead of the letters running as
        commands. Keys pressed meanwhile are ignored (``on_event``).
        """
        width, height = size or self.size
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        if small:
            self.clear_notifications()  # toasts float above every widget and would cover the message
        for screen in self.screen_stack:
            if small and screen not in self._focus_while_small and not screen.has_class("-too-small"):
                self._focus_while_small[screen] = screen.focused
            if small and not screen.query_children(TooSmall):
                screen.mount(TooSmall())
            screen.set_class(small, "-too-small")
        if self._too_small and not small:
            self.call_after_refresh(self._restore_focus)
        self._too_small = small

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """While the terminal is too small, a screen that sets its focus (a dialog opening) has it remembered:
        hiding its widgets takes it away again at once."""
        if self._too_small:
            widget = event.widget
            self._focus_while_small[widget.screen] = widget

    def _restore_focus(self) -> None:
        """Give each screen back the widget that had the focus before the terminal got too small."""
        if self._too_small:
            return  # small again already; the next enlargement restores it
        remembered, self._focus_while_small = dict(self._focus_while_small), weakref.WeakKeyDictionary()
        for screen, widget in remembered.items():
            if widget is not None and widget.is_attached and widget.screen is screen and widget.focusable:
                # A return, not a new focus: an Input keeps its text and cursor instead of selecting it all
                # (Textual's select_on_focus), which made the next key replace what was typed before.
                screen.set_focus(widget, from_app_focus=True)

    def open_workshop(self, workshop_id: str) -> None:
        """Open a workshop and show the stage it is on; a damaged file offers its backups instead."""
        try:
            session = self.library.open(workshop_id)
        except SessionError as error:
            self._report_open_problem(error)
            return
        self.use_session(session)

    def _report_open_problem(self, error: SessionError) -> None:
        from screens.dialogs import BackupsScreen
        from workshop.session import DamagedWorkshopError

        if isinstance(error, DamagedWorkshopError):
            self.push_screen(BackupsScreen(error))
        else:
            self.show_error(error)

    def _say_read_only(self) -> None:
        self.notify(self.read_only_text, title="Read-only", severity="warning", timeout=10, markup=False)

    def use_session(self, session: WorkshopSession) -> None:
        """Make ``session`` the open workshop (closing any other) and go to its current stage."""
        self.close_session()
        if session.read_only and session.path is not None:
            session = self._follow_instead(session)
        self.session = session
        if session.read_only:
            follower = self.follower
            self.read_only_text = (
                follower.status.window_message if follower is not None else session.read_only_reason
            )
            self._say_read_only()
        self.navigator.stage()

    def _follow_instead(self, session: WorkshopSession) -> WorkshopSession:
        """A window that opened a workshop read-only, because another window holds it, follows that window: a
        follower reads the workshop's journal in a thread and publishes each change to this session's subscribers,
        the same path as this window's own changes (``workshop.follow``). If the files cannot be followed the
        plain read-only copy stays."""
        try:
            following = self.library.follow(session.workshop.id)
        except SessionError:
            return session
        session.close()
        follower = self.follower = following.follower
        follower.on_status = self._follow_status
        self.run_worker(
            partial(follower.run, self.call_from_thread), thread=True, name="follow", exit_on_error=False
        )
        return following.session

    def _follow_status(self, status: FollowStatus) -> None:
        """Say when the followed window closes, comes back (naming the window that writes now), or the
        workshop goes away; the stage's read-only banner says it too, until the next change."""
        self.read_only_text = status.window_message
        self._say_read_only()

    def switch_to(self, screen: Screen[Any]) -> None:
        """Show ``screen`` as the one screen above the base (a stage, home, set-up opened from home)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)

    # --- the journal, folded into the workshop file when nothing else happens ------------------------

    CHECKPOINT_EVERY = 1.0
    """Seconds between two idle checks of whether the journal has grown enough to fold it in."""

    def on_idle(self) -> None:
        """Nothing left to do for now: if the open workshop's journal has grown past the store's threshold, fold
        it into the workshop file in a worker thread, so no key handler ever waits on a checkpoint. First, when the
        collector's next automatic collection would be a middle or full one, run it now rather than inside the next
        key handler (``workshop.memory.collect_ahead``; the app is idle after every key it forwards, before the
        focused widget handles it)."""
        collect_ahead()
        session = self.session
        if session is None or session.read_only or session.opening:
            return
        if session is not self._warmed:  # the first idle moment with this workshop: before its first key
            self._warmed = session
            session.warm()
        if self._checkpointing is not None and not self._checkpointing.is_finished:
            return
        if self._checkpointing is not None and self._checkpointing.result:
            keep_out_of_collections()  # the new notes stay out of full collections (workshop.memory)
            self._frozen_screens.update(self.screen_stack)
        self._checkpointing = None
        now = time.monotonic()
        if now - self._checkpoint_asked < self.CHECKPOINT_EVERY:
            return
        self._checkpoint_asked = now
        self._checkpointing = self.run_worker(
            partial(self._checkpoint, session), thread=True, group="checkpoint", exit_on_error=False
        )

    @staticmethod
    def _checkpoint(session: WorkshopSession) -> bool:
        """In the worker thread; True if a snapshot was written. A failure loses nothing (the journal holds every
        change): logged, retried."""
        try:
            return session.checkpoint(only_if_due=True)
        except SessionError as error:
            log.warning("could not fold the journal into the workshop file (changes are safe): %s", error)
            return False

    def close_session(self) -> None:
        if self._full_open is not None:  # quit while the whole workshop was still being read
            self._full_open.abandon()
            self._full_open = None
            self._held_input, self._replaying = [], None
        if self.room is not None:  # closing the workshop closes its room: every device is signed out
            room, self.room = self.room, None
            room.stop_soon()
        if self.follower is not None:
            self.follower.stop()
            self.follower = None
        self._warmed = None
        self.read_only_text = ""
        if self.session is not None:
            session, self.session = self.session, None
            self.last_workshop_id = session.workshop.id
            try:
                session.close()
            except SessionError as error:
                self.show_error(error)

    # --- shared behaviour ----------------------------------------------------------------------------

    def show_error(self, error: Exception | str) -> None:
        """A user-caused problem as a notification, never a traceback."""
        self.notify(str(error), title="Not done", severity="error", timeout=8, markup=False)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Textual's ``notify`` (thread-safe), remembering which notices a private screen raised
        (``screens.private_notices``)."""
        notification = Notification(
            message, title, severity, self.NOTIFICATION_TIMEOUT if timeout is None else timeout, markup=markup
        )
        self.private_notices.raised(notification)
        self.post_message(Notify(notification))

    def on_notify(self, event: Notify) -> None:
        """A private screen's notice that arrives after the keyboard was handed back is never shown. A notice the
        same as one still on screen (message, title and severity) takes its place rather than stacking below it:
        a key pressed again and again ("-" with no time left to take off) showed a column of identical notices
        over the screen; now one shows, its time to go starting again."""
        new = event.notification
        if not self.private_notices.admit(new):
            event.prevent_default()
            return
        forget_shown_twins(self, new)  # Textual's own handler then adds the new one and redraws

    def get_key_display(self, binding: Binding) -> str:
        """Function keys as printed on the keyboard (F5, not f5)."""
        shown = super().get_key_display(binding)
        if not binding.key_display and re.fullmatch(r"f\d{1,2}", shown):
            return shown.upper()
        return shown

    def action_help(self) -> None:
        """The help for the screen shown; on the help itself, F1 closes it (its own keys are not reached first)."""
        from screens.help import HelpScreen  # imported with the first frame's sections anyway

        if isinstance(self.screen, HelpScreen):
            self.screen.action_close()
        else:
            self.navigator.help()

    def action_help_unless_typing(self) -> None:
        """``?``: the help, as F1, on every screen and dialog; but where ``?`` is text being typed it goes on to be
        typed (``SkipAction``: Textual then hands the key to the focused widget): in a focused text field
        (``Input``, ``TextArea``) and on a screen that passes typed keys on to one (``PASSES_TYPING_ON``)."""
        if self._typing_here():
            raise SkipAction()
        self.action_help()

    def _typing_here(self) -> bool:
        from textual.widgets import Input, TextArea  # imported with the screens that show them

        screen = self.screen
        return isinstance(screen.focused, Input | TextArea) or getattr(screen, "PASSES_TYPING_ON", False)

    def watch_theme(self, theme: str) -> None:
        """Remember the facilitator's theme for next time."""
        if self.library.settings.get("theme") != theme:
            try:
                self.library.settings.set("theme", theme)
            except OSError as error:
                self.show_error(f"Could not save the theme choice: {error.strerror or error}")

    async def action_quit(self) -> None:
        self.close_session()
        self.exit()

    def on_unmount(self) -> None:
        """However the app ends, the follower's thread ends with it."""
        if self.follower is not None:
            self.follower.stop()


def make_app(
    library: WorkshopLibrary,
    workshop_id: str | None = None,
    *,
    exporter: Exporter | None = None,
    clock: Clock | None = None,
    room: tuple[str | None, int] | None = None,
    quick_start: bool = False,
) -> WorkshopApp:
    """The factory shared by the CLI, the Pilot tests and the snapshot tests. ``room``: open the room at start
    (address or None for the default, port or 0 for any free one). ``quick_start``: draw the first frame from the
    workshop's opening preview and read the rest after it, as ``workshop open`` does (``WorkshopApp``)."""
    return WorkshopApp(
        library, workshop_id=workshop_id, exporter=exporter, clock=clock, room=room, quick_start=quick_start
    )


def run_app(
    library: WorkshopLibrary,
    workshop_id: str | None = None,
    *,
    exporter: Exporter | None = None,
    room: tuple[str | None, int] | None = None,
) -> None:
    app = make_app(library, workshop_id, exporter=exporter, room=room, quick_start=True)
    try:
        app.run()
    finally:
        app.close_session()
