"""What a committed change tells its subscribers: the event-log entry, the records written and removed.

The session publishes one ``Change`` per commit, after the change is durable on disk and in memory, to every
listener registered with ``session.subscribe``. A follower that reads another process's journal publishes the
same objects (``session.apply_external``), so a screen, a projector window or a room server follow a workshop by
one path whoever made the change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from facilitation.models import Event, Record


@dataclass(frozen=True, slots=True)
class Change:
    """One committed change.

    ``event`` is the event-log entry the change was committed with (its ``kind``, such as ``"note.added"``, says
    what happened; ``stage_id`` and ``data`` name what it concerns). ``changed`` holds the records written, in their
    new state (the event itself is not repeated there); ``removed`` the ``(table name, record id)`` pairs deleted
    (tables as in ``workshop.records.RECORD_TABLES``: ``"votes"``, ``"actions"``); ``info`` the names of the
    workshop's own fields that changed (``"current_stage_id"``, ``"title"``, ``"muted"`` …).
    """

    event: Event
    changed: tuple[Record, ...] = ()
    removed: tuple[tuple[str, int], ...] = ()
    info: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """The event kind (``"note.added"``, ``"timer.start"`` …)."""
        return self.event.kind

    def records_of(self, cls: type[Record]) -> list[Record]:
        """The changed records of one type (``change.records_of(Note)``), in commit order."""
        return [r for r in self.changed if type(r) is cls]

    def removed_ids(self, table: str) -> list[int]:
        """The ids removed from one table (``change.removed_ids("votes")``)."""
        return [record_id for name, record_id in self.removed if name == table]


Listener = Callable[[Change], None]
"""A subscriber: called once per committed change, on the thread that made it."""


class Publisher:
    """The subscribers of one session, called in the order they subscribed.

    A change made by a listener while changes are being published is queued and published after the current one
    has reached every listener, so each listener sees changes in commit order. A listener that raises does not stop
    the others; the first error is raised again to the caller once every listener has run (the change itself is
    already durable).
    """

    __slots__ = ("_listeners", "_pending", "_publishing")

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._pending: list[Change] = []
        self._publishing = False

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every later change; returns a function that unsubscribes it (safe to call twice)."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    @property
    def listening(self) -> bool:
        return bool(self._listeners)

    def publish(self, change: Change) -> None:
        """Hand ``change`` to every listener (after any change already being published)."""
        if not self._listeners:
            return
        self._pending.append(change)
        if self._publishing:
            return
        self._publishing = True
        first_error: BaseException | None = None
        try:
            while self._pending:
                current = self._pending.pop(0)
                for listener in tuple(self._listeners):
                    try:
                        listener(current)
                    except Exception as error:  # the change is durable: tell everyone, then report
                        first_error = first_error or error
        finally:
            self._publishing = False
            self._pending.clear()
        if first_error is not None:
            raise first_error
