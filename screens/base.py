"""What every workshop screen needs: the app as a ``WorkshopApp`` and the open session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from workshop.session import SessionError

if TYPE_CHECKING:
    from textual.app import App

    from screens.app import WorkshopApp
    from workshop.session import WorkshopSession


class WorkshopScreenMixin:
    """Mix into a ``Screen`` or ``ModalScreen``: typed access to the app and to the open workshop."""

    app: App[object]

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

    def _say(self, message: str, **kwargs: Any) -> None:
        """A notification; never markup, because titles and notes are the room's own text."""
        self.workshop_app.notify(message, markup=False, **kwargs)
