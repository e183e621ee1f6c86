"""Notices raised while a participant has the keyboard are theirs: they leave the screen when it is handed back.

A private ballot (or a privately entered readiness form) is filled by one participant on the facilitator's laptop,
which is often the projector as well. Every notice raised meanwhile says something about that person's choices
("You have used all 3 of your dots", "At most 2 dots on one note", "Scores go from 1 to 5"). ``PrivateNotices``
remembers each notice raised while such a screen is open; when the screen is left, whichever way (confirmed,
escape, switched away, closed under it), those notices are taken off the screen and any still on their way (a
notice is a message, so one raised by a key just before Enter arrives after it) are dropped, so the next person
and the projector never see them. Notices raised before the private screen opened stay, with the time they had
left.

``PrivateScreen`` is the mixin such a screen uses; ``WorkshopApp.notify`` and ``WorkshopApp.on_notify`` call
``raised`` and ``admit`` for every notice. Only public Textual API is used (``Notification``, ``Notify``,
``App.clear_notifications``, ``Message.prevent_default``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.notifications import Notification, Notify

if TYPE_CHECKING:
    from textual.app import App
    from textual.await_complete import AwaitComplete


class PrivateNotices:
    """Which notices belong to a private screen, and which of the room's notices to show again after it."""

    def __init__(self) -> None:
        self._owners: set[int] = set()
        """``id()`` of each private screen open now (a ballot can be opened over another, in principle)."""
        self._raised: set[str] = set()
        """Identities of the notices raised while a private screen was open."""
        self._withheld: set[str] = set()
        """Identities of private notices handed back before they reached the screen: dropped when they arrive."""
        self._shown: dict[str, Notification] = {}
        """Notices the app has shown, by identity (expired ones are forgotten when a private screen closes)."""

    @property
    def private(self) -> bool:
        """True while a private screen is open."""
        return bool(self._owners)

    def raised(self, notification: Notification) -> None:
        """A notice was just raised (any thread): it is private if a private screen is open."""
        if self._owners:
            self._raised.add(notification.identity)

    def admit(self, notification: Notification) -> bool:
        """A notice reached the app: False when it is a private notice whose screen has been left (drop it)."""
        if notification.identity in self._withheld:
            self._withheld.discard(notification.identity)
            return False
        self._shown[notification.identity] = notification
        return True

    def begin(self, owner: object) -> None:
        """A private screen opened: notices from now on are its own."""
        self._owners.add(id(owner))

    def end(self, owner: object) -> list[Notification] | None:
        """The private screen ``owner`` was left: ``None`` if it was not open (nothing to do), else the room's own
        notices to show again once the screen's notices are cleared (unexpired, raised outside any private screen).

        Its notices not yet shown are withheld from now on (``admit`` says False for them).
        """
        if id(owner) not in self._owners:
            return None
        self._owners.discard(id(owner))
        if self._owners:
            return None  # another private screen is still open: its notices stay until it is left
        private, self._raised = self._raised, set()
        self._withheld |= private - self._shown.keys()
        self._shown = {
            key: note for key, note in self._shown.items() if key not in private and not note.has_expired
        }
        return list(self._shown.values())


def hand_back(app: App[Any], notices: PrivateNotices, owner: object) -> None:
    """Take ``owner``'s notices off the screen (see ``PrivateNotices.end``); the room's own come back."""
    keep = notices.end(owner)
    if keep is None:
        return
    app.clear_notifications()
    for notification in keep:
        app.post_message(Notify(notification))


class PrivateScreen:
    """Mix into a screen (before ``Screen`` and the other mixins) that one participant fills in privately.

    ``is_private`` says whether this instance is private (a readiness form entered by the facilitator is not).
    Every notice raised while it is open leaves the screen when it is dismissed or removed in any way.
    """

    app: App[Any]

    @property
    def is_private(self) -> bool:
        return True

    def _private_notices(self) -> PrivateNotices | None:
        notices = getattr(self.app, "private_notices", None)
        return notices if isinstance(notices, PrivateNotices) else None

    def on_mount(self) -> None:
        notices = self._private_notices()
        if notices is not None and self.is_private:
            notices.begin(self)

    def hand_back(self) -> None:
        """Clear this screen's notices now (before the notice that says the keyboard can be passed back)."""
        notices = self._private_notices()
        if notices is not None:
            hand_back(self.app, notices, self)

    def dismiss(self, result: Any = None) -> AwaitComplete:
        self.hand_back()
        return cast("AwaitComplete", cast("Any", super()).dismiss(result))

    def on_unmount(self) -> None:
        self.hand_back()
