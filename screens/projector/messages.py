"""The one message the projector's screen handles: a change to the followed workshop."""

from __future__ import annotations

from textual.message import Message

from workshop.session import Change


class WorkshopChanged(Message):
    """A ``Change`` the follower's session published, relayed to the screen."""

    def __init__(self, change: Change) -> None:
        super().__init__()
        self.change = change
