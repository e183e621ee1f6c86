"""``workshop present``: the projector's window, a read-only follower of the facilitator's.

The app holds a ``Following`` (a read-only session and the follower that keeps it current, see
``workshop.follow``). The follower reads the workshop's files in a background thread and applies what it finds on
the app's thread; the session publishes each change, and the app relays it to the screen as one
``WorkshopChanged`` message (``screens.base``), the same message and path as the facilitator's window.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.screen import Screen

from screens.base import WorkshopChanged
from screens.internals import ClosedCutsApp, close_overrides_at_cuts
from screens.projector.screen import ProjectorScreen
from screens.theme import DEFAULT_THEME, THEMES
from workshop.follow import Following, FollowStatus
from workshop.session import Change, WorkshopSession


class ProjectorApp(ClosedCutsApp, App[None]):
    """Six Disciplines Workshop on the projector: one screen, no controls beyond quitting and the theme."""

    TITLE = "Six Disciplines Workshop · projector"
    CSS_PATH = "projector.tcss"
    """The screen's stylesheet, loaded with the app's: the one screen is the default screen, never pushed, and
    Textual reads a screen's own ``CSS_PATH`` only when it is pushed."""
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("t", "toggle_theme", "Light/dark", show=False),
    ]

    def __init__(self, following: Following, *, watch: bool = True) -> None:
        """``watch=False`` (tests, the benchmark): nothing reads the files unless ``following.follower.poll``
        is called."""
        super().__init__()
        self.following = following
        self._watch = watch
        self.follow_status: FollowStatus | None = following.follower.status
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = DEFAULT_THEME
        self._unsubscribe = following.session.subscribe(self._relay)
        following.follower.on_status = self._status_changed

    @property
    def session(self) -> WorkshopSession:
        return self.following.session

    def get_default_screen(self) -> Screen[None]:
        return close_overrides_at_cuts(ProjectorScreen())

    def on_mount(self) -> None:
        if self._watch:
            self._follow()

    @work(thread=True, exclusive=True, name="follow", exit_on_error=False)
    def _follow(self) -> None:
        self.following.follower.run(self.call_from_thread)

    def _relay(self, change: Change) -> None:
        self.screen.post_message(WorkshopChanged(change))

    def _status_changed(self, status: FollowStatus) -> None:
        self.follow_status = status
        screen = self.screen
        if isinstance(screen, ProjectorScreen):
            screen.show_follow_status(status)

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this platform; on Linux the app's own whose input thread sleeps while nobody types
        instead of waking ten times a second, writing its frames from the app's thread instead of waking Textual's
        writer thread for each (``screens.internals.DirectWriteDriver``)."""
        driver = super().get_driver_class()
        if driver.__module__ == "textual.drivers.linux_driver" and driver.__name__ == "LinuxDriver":
            from screens.internals import DirectWriteDriver

            return DirectWriteDriver
        return driver

    def action_toggle_theme(self) -> None:
        self.theme = "projector" if self.theme == "projector-dark" else "projector-dark"

    def on_unmount(self) -> None:
        self.following.follower.stop()
        self._unsubscribe()


def run_projector(following: Following) -> None:
    """Run the projector window until the user quits (Ctrl+Q)."""
    try:
        ProjectorApp(following).run()
    finally:
        following.follower.stop()
