"""Keys typed ahead are handled one after another, each once the one before it has finished its way.

Textual hands a key to the focused widget by posting it to that widget's queue and goes straight on to the next
key in its own queue; a key the widget does not use bubbles back up to the screen and the app, where the
bindings act. Keys that arrive together (typed ahead while the app was busy, or a terminal sending several at
once) were all handed to the widget focused when the first arrived: on the notes list, ``i`` (go to the note
field) followed by ``late bird`` and Enter put every letter on the list, where ``l``, ``a``, ``e`` … are commands
(``e`` opened the edit dialog of the last note, with the rest of the text typed into it), and the note was never
added. Typed one at a time, the same keys add the note.

``TypeAhead`` makes the app hand over a key only when the one before it has finished: stopped by the widget that
used it, or back at the app after its bindings ran. It follows each key up the nodes it bubbles through with one
callback queued behind it on each (``screens.internals.bubbled_on`` says where it went), so the next key reaches
whatever the previous one focused, in the order typed. A key that arrives while nothing is on its way is handed
over at once, as before: only keys that arrive while another is still on its way wait, and each waits for the
work of the keys before it, not for a clock. Pastes wait in the same line (a paste after ``i`` belongs in the
field). If a key's way is lost (the node it was on closed), the keys behind it go on after ``GIVE_UP`` seconds.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.timer import Timer

from screens.internals import bubbled_on

TYPED = (events.Key, events.Paste)
"""What waits its turn behind a key still on its way (mouse events act where they point, at once)."""


class TypeAhead:
    """One app's line of keys and pastes (``WorkshopApp.on_event``); used on the app's event loop only."""

    GIVE_UP = 1.0
    """Seconds after which keys waiting behind one whose way was lost (its node closed under it) go on."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._on_its_way: events.Event | None = None
        self._waiting: deque[events.Event] = deque()
        self._released: events.Event | None = None
        self._give_up: Timer | None = None

    @property
    def busy(self) -> bool:
        """True while a key is on its way or keys wait (tests)."""
        return self._on_its_way is not None or bool(self._waiting)

    def wait_turn(self, event: events.Event) -> bool:
        """Called with every key and paste that has not been handed to a widget yet. True: it waits its turn (the
        caller drops it now; it is posted to the app again when its turn comes); False: hand it over now."""
        if event is self._released:
            self._released = None
            return False
        if self._on_its_way is None and not self._waiting:
            return False
        self._waiting.append(event)
        if self._give_up is None:
            self._give_up = self._app.set_timer(self.GIVE_UP, self._gave_up, name="type-ahead give-up")
        return True

    def handed_over(self, event: events.Event, node: MessagePump | None) -> None:
        """``event`` was just handed to ``node`` (the focused widget or the screen), or handled by the app itself
        (``node`` None, or the event not forwarded): follow it until its way ends."""
        self._on_its_way = event
        if node is None or not event.is_forwarded:
            self._arrived(event)
        else:
            self._follow(event, node)

    def _follow(self, event: events.Event, node: MessagePump) -> None:
        if not node.call_later(self._step, event, node):  # that node is closing: the key's way ends there
            self._arrived(event)

    def _step(self, event: events.Event, node: MessagePump) -> None:
        """Runs on ``node`` just after it handled ``event``."""
        if event is not self._on_its_way:
            return  # given up on meanwhile
        following = bubbled_on(event, node)
        if following is None:
            self._arrived(event)
        else:
            self._follow(event, following)

    def _arrived(self, event: events.Event) -> None:
        if event is not self._on_its_way:
            return
        self._on_its_way = None
        self._next()

    def _next(self) -> None:
        if self._give_up is not None:
            self._give_up.stop()
            self._give_up = None
        while self._waiting:
            event = self._waiting.popleft()
            self._released = self._on_its_way = event  # keys arriving meanwhile wait behind it
            if self._app.post_message(event):
                if self._waiting:
                    self._give_up = self._app.set_timer(self.GIVE_UP, self._gave_up, name="type-ahead give-up")
                return
            self._released = self._on_its_way = None

    def _gave_up(self) -> None:
        self._give_up = None
        self._on_its_way = None
        self._next()
