"""What every workshop screen needs: the app as a ``WorkshopApp`` and the open session."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

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
