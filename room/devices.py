"""Who is in the room: joined devices and requests to join under a new name. Kept in memory only.

A device is known by the SHA-256 hash of its cookie token. Nothing here is written to the workshop file: closing
the room forgets every device, which is what ends their sessions. One device per participant name.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from facilitation import names
from room.security import RoomLimits, Window, new_token, token_hash


@dataclass
class Device:
    """One phone or laptop in the room."""

    id: int
    token_hash: str
    csrf: str
    """The CSRF token every form of this device carries (random, 256 bits)."""
    address: str
    joined_at: float
    notes_window: Window
    participant_id: int | None = None
    """``None`` while a request to join under a new name waits for the facilitator."""
    requested_name: str = ""
    note_ids: set[int] = field(default_factory=set)
    """Notes this device added: how an anonymous note (which stores no author) stays its author's to edit."""
    streams: int = 0
    """Live-update connections open now."""
    withheld_seen: set[int] = field(default_factory=set)
    """This device's notes it has been shown as hidden by the facilitator (``views.device_view``)."""
    drawn: dict[str, Any] = field(default_factory=dict)
    """The parts of its live page as last drawn, by part, with what each was drawn from (``room.pages``)."""

    @property
    def pending(self) -> bool:
        return self.participant_id is None


class Devices:
    """The room's device registry: join, approve, release; look up by cookie token."""

    def __init__(self, limits: RoomLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self._clock = clock
        self._by_hash: dict[str, Device] = {}
        self._ids = itertools.count(1)
        self._farewells: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._by_hash)

    def all(self) -> list[Device]:
        return sorted(self._by_hash.values(), key=lambda d: d.id)

    def joined(self) -> list[Device]:
        return [d for d in self.all() if not d.pending]

    def pending(self) -> list[Device]:
        return [d for d in self.all() if d.pending]

    def by_token(self, token: str | None) -> Device | None:
        if not token or len(token) > 200:
            return None
        return self._by_hash.get(token_hash(token))

    def by_id(self, device_id: int) -> Device | None:
        return next((d for d in self._by_hash.values() if d.id == device_id), None)

    def holder(self, participant_id: int) -> Device | None:
        """The device that has joined as this participant, if any (one device per name)."""
        return next((d for d in self._by_hash.values() if d.participant_id == participant_id), None)

    def pending_named(self, name: str) -> Device | None:
        return next(
            (d for d in self._by_hash.values() if d.pending and names.same_name(d.requested_name, name)), None
        )

    def add(
        self, address: str, *, participant_id: int | None, requested_name: str = ""
    ) -> tuple[Device, str]:
        """A new device; returns it and the cookie token (the only time the token exists in clear)."""
        token = new_token()
        device = Device(
            id=next(self._ids),
            token_hash=token_hash(token),
            csrf=secrets.token_urlsafe(32),
            address=address,
            joined_at=self._clock(),
            notes_window=Window(self.limits.notes_per_window, self.limits.note_window, self._clock),
            participant_id=participant_id,
            requested_name=requested_name,
        )
        self._by_hash[device.token_hash] = device
        return device, token

    def remove(self, device: Device, *, farewell: str = "") -> None:
        """Forget ``device``; ``farewell`` is what its next page says (why the facilitator signed it out), once."""
        self._by_hash.pop(device.token_hash, None)
        if farewell:
            if len(self._farewells) > 10_000:  # a room of phones never comes near: forget rather than grow
                self._farewells.clear()
            self._farewells[device.token_hash] = farewell

    def farewell(self, token: str | None) -> str:
        """Why the device with cookie ``token`` was signed out by the facilitator ("" if it was not), said once."""
        if not token or len(token) > 200:
            return ""
        return self._farewells.pop(token_hash(token), "")

    def clear(self) -> None:
        self._by_hash.clear()
