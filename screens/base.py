"""What every workshop screen needs: the app as a ``WorkshopApp`` and the open session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.await_complete import AwaitComplete
from textual.message import Message

from workshop.session import Change, SessionError

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen

    from screens.app import WorkshopApp
    from workshop.session import WorkshopSession


class WorkshopChanged(Message, bubble=False):
    """A committed change of the open workshop (``workshop.session.Change``), relayed by the app to every screen
    on the stack; each screen hands it to its widgets, which update themselves for the kinds they show."""

    def __init__(self, change: Change) -> None:
        super().__init__()
        self.change = change


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


class WorkshopScreenMixin(DismissOnce):
    """Mix into a ``Screen`` or ``ModalScreen``: typed access to the app and to the open workshop."""

    _resumed_before: bool = False

    @property
    def workshop_app(self) -> WorkshopApp:
        return cast("WorkshopApp", self.app)

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

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first resume comes straight after the screen mounted and styled every widget; Textual would
        restyle them all again (a few milliseconds on the stage screen, at start-up). Later resumes, back
        from a dialog or after a change of theme, restyle as usual.

        Textual calls this before ``Screen._on_screen_resume``, with the same event."""
        if not self._resumed_before:
            self._resumed_before = True
            event.refresh_styles = False

    def settle_breakpoints(self) -> None:
        """Give the screen its breakpoint classes (``-wide``, ``-tall``...) before its first layout.

        Textual adds them in the screen's first ``Resize``, after it has laid out and drawn a frame without them;
        on a wide terminal the stage screen would then throw that frame away, re-measure every note and draw
        again. Call at the top of ``compose``, so children are styled for the real size from the start.
        """
        app = self.app
        classes: dict[str, bool] = {}
        for dimension, breakpoints in (
            (
                app.size.width,
                _pick(getattr(self, "HORIZONTAL_BREAKPOINTS", None), app.HORIZONTAL_BREAKPOINTS),
            ),
            (app.size.height, _pick(getattr(self, "VERTICAL_BREAKPOINTS", None), app.VERTICAL_BREAKPOINTS)),
        ):
            chosen = None
            for at, name in sorted(breakpoints):
                classes[name] = False
                if dimension >= at:
                    chosen = name
            if chosen is not None:
                classes[chosen] = True
        if classes:
            cast("DOMNode", self).update_classes(classes, animate=False)

    def _say(self, message: str, **kwargs: Any) -> None:
        """A notification; never markup, because titles and notes are the room's own text."""
        self.workshop_app.notify(message, markup=False, **kwargs)


def _pick(screen: list[tuple[int, str]] | None, app: list[tuple[int, str]] | None) -> list[tuple[int, str]]:
    """A screen's own breakpoints override the app's, as in Textual."""
    return (app if screen is None else screen) or []
