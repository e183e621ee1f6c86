"""The room while it is open: its join code, its devices, and what a device may ask of the workshop.

Every change a device asks for is one call on the workshop session, made on the app's event loop through its group
commit (``session.group.commit``), so the session's rules and durability apply unchanged: the call is checked and
held at once, requests in flight together share one ``fdatasync`` off the loop, and only when the change is on disk
(and published) does the await return and the device hear it is saved; when the session refuses, or the disk
refuses the group, the device gets the session's own message. What the room adds is only who a device is
(its joined name, its own notes) and the limits that keep a room of phones polite.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from facilitation import names, text
from room.devices import Device, Devices
from room.security import RoomLimits, Window, code_matches, new_join_code, room_url
from workshop.session import SessionError, WorkshopSession


class Refused(Exception):
    """A request the room turns down, with an HTTP status (4xx) and a message for the participant's screen."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


RoomListener = Callable[[], None]
T = TypeVar("T")

REQUEST_ARRIVED: contextvars.ContextVar[float | None] = contextvars.ContextVar("request_arrived", default=None)
"""When the request being served arrived (``time.perf_counter`` seconds), set by the web layer while it times
requests (``RoomWeb.timings``); None otherwise. ``Room.commit_times`` records it beside its change's times."""


@dataclass(frozen=True)
class JoinResult:
    device: Device
    token: str
    """The cookie value: shown to nobody, kept only as its hash."""


class Room:
    """An open room over one workshop session.

    ``address`` and ``port`` are where the server listens; ``clock`` is a monotonic clock in seconds (injected by
    tests). Room listeners are called (on the event loop) whenever who is in the room changes, so the facilitator's
    screen can show joins and requests; workshop changes reach screens through the session's own change events.
    """

    def __init__(
        self,
        session: WorkshopSession,
        address: str,
        port: int,
        *,
        limits: RoomLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
        join_code: str | None = None,
    ) -> None:
        self.session = session
        self.address = address
        self.port = port
        self.limits = limits or RoomLimits()
        self.clock = clock
        self.join_code = join_code or new_join_code()
        self.locked = False
        self.closed = False
        self.devices = Devices(self.limits, clock)
        self._tries: dict[str, Window] = {}
        self._listeners: list[RoomListener] = []
        self.commit_times: list[tuple[float | None, float, float]] | None = None
        """Set to a list to collect, for each device's change, when its request arrived (None: not known, as for
        a call not made by a request the web layer timed; ``REQUEST_ARRIVED``), when its session call was made
        and when the request heard it durable (``time.perf_counter`` seconds; the benchmark's breakdown of a
        request: from arrival to the call is reading the request's body)."""

    # --- the facilitator's side ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return room_url(self.address, self.port)

    def listen(self, listener: RoomListener) -> Callable[[], None]:
        """Call ``listener()`` whenever devices join, leave or ask to join; returns the unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def set_locked(self, locked: bool) -> None:
        """A locked room lets in no new device; joined devices carry on."""
        self.locked = locked
        self._changed()

    def release(self, participant_id: int) -> bool:
        """Free a name for another device (a phone was lost or swapped): its device is signed out."""
        device = self.devices.holder(participant_id)
        if device is None:
            return False
        name = self.session.workshop.participant_name(participant_id)
        self.leave(
            device,
            farewell=f"The facilitator signed this device out, so the name {name} is free for another device. "
            "Join again if the facilitator asks you to.",
        )
        return True

    def approve(self, device_id: int) -> str:
        """Let a device that asked to join under a new name in: the name becomes a workshop participant.

        Returns the name. Raises ``SessionError`` (the session's message) when the name cannot be added, for
        instance because someone of that name joined meanwhile.
        """
        device = self.devices.by_id(device_id)
        if device is None or not device.pending:
            raise SessionError("That request to join is no longer waiting.")
        participant = self.session.participants.add(device.requested_name)  # the facilitator's own call
        device.participant_id = participant.id
        self.session.votes.claim_device(participant.id)
        self._changed()
        return participant.name

    def deny(self, device_id: int) -> None:
        device = self.devices.by_id(device_id)
        if device is not None and device.pending:
            self.devices.remove(
                device,
                farewell=f"The facilitator did not let this device in as {device.requested_name}. "
                "Pick your name from the list, or ask the facilitator.",
            )
            self._changed()

    def close(self) -> None:
        """End every device's session: tokens are forgotten, the next room gets a new code and asks for no
        end-of-workshop readiness round until the facilitator asks again."""
        self.closed = True
        self.session.readiness.ask_end(False)
        for device in self.devices.joined():
            self.session.votes.release_device(device.participant_id)  # type: ignore[arg-type]
        self.devices.clear()
        self._changed()

    # --- joining -----------------------------------------------------------------------------------------

    def _tries_for(self, address: str) -> Window:
        window = self._tries.get(address)
        if window is None:
            if len(self._tries) > 10_000:  # forget idle addresses rather than grow without bound
                self._tries = {a: w for a, w in self._tries.items() if w.full()}
            window = self._tries[address] = Window(
                self.limits.join_tries, self.limits.join_window, self.clock
            )
        return window

    def check_code(self, typed: str, address: str) -> None:
        """Refuse a wrong code; after ``join_tries`` wrong codes in ``join_window`` seconds the address waits."""
        tries = self._tries_for(address)
        wait = tries.wait()
        if wait:
            raise Refused(429, f"Too many wrong codes from this device. Wait {wait} seconds and try again.")
        if not code_matches(typed, self.join_code):
            tries.add()
            raise Refused(403, "That join code is not right. Check the code shown on the screen.")

    def _admit(self) -> None:
        if self.closed:
            raise Refused(410, "The room is closed.")
        if self.locked:
            raise Refused(403, "The room is locked: the facilitator is not letting new devices in.")
        if len(self.devices) >= self.limits.max_devices:
            raise Refused(429, f"The room is full ({self.limits.max_devices} devices).")

    def join(self, typed_code: str, participant_id: int, address: str) -> JoinResult:
        """Join as one of the workshop's participants (one device per name)."""
        self.check_code(typed_code, address)
        self._admit()
        try:
            person = self.session.participant(participant_id)
        except SessionError:
            raise Refused(404, "That name is not on this workshop's list. Pick another.") from None
        if self.devices.holder(person.id) is not None:
            raise Refused(
                409,
                f"{person.name} has already joined on another device. Ask the facilitator to release the name.",
            )
        device, token = self.devices.add(address, participant_id=person.id)
        self.session.votes.claim_device(person.id)
        self._changed()
        return JoinResult(device, token)

    def request(self, typed_code: str, name: str, address: str) -> JoinResult:
        """Ask to join under a name that is not on the list; the facilitator approves or declines."""
        self.check_code(typed_code, address)
        self._admit()
        try:
            name = text.single_line(name, "name", limit=text.MAX_NAME_CHARS)
        except text.TextError as error:
            raise Refused(400, str(error)) from None
        here = next((p for p in self.session.workshop.active_participants() if names.same_name(p.name, name)), None)
        if here is not None:  # case, accents and spacing aside (facilitation.names)
            raise Refused(409, f"{here.name} is already on the list: pick it there instead.")
        if self.devices.pending_named(name) is not None:
            raise Refused(409, f"Someone has already asked to join as {name}.")
        if len(self.devices.pending()) >= self.limits.max_pending:
            raise Refused(429, "Too many requests are waiting for the facilitator. Try again in a minute.")
        device, token = self.devices.add(address, participant_id=None, requested_name=name)
        self._changed()
        return JoinResult(device, token)

    def leave(self, device: Device, *, farewell: str = "") -> None:
        """Sign a device out (it left, or the facilitator released its name): its name is free again.
        ``farewell``: what its next page says (the facilitator's doing; nothing when it left itself)."""
        self.devices.remove(device, farewell=farewell)
        if device.participant_id is not None:
            self.session.votes.release_device(device.participant_id)
        self._changed()

    # --- what a joined device asks of the workshop ---------------------------------------------------------

    async def _as_device(self, call: Callable[[], T]) -> T:
        """Run a device's session call in the session's group commit: returns once its change is durable and
        published (``SessionError``: the session's refusal, or the disk's)."""
        times = self.commit_times
        if times is None:
            return await self.session.group.commit(call)
        arrived, started = REQUEST_ARRIVED.get(), time.perf_counter()
        try:
            return await self.session.group.commit(call)
        finally:
            times.append((arrived, started, time.perf_counter()))

    def participant_of(self, device: Device) -> int:
        if device.participant_id is None:
            raise Refused(403, "The facilitator has not let you in yet.")
        try:
            return self.session.participant(device.participant_id).id
        except SessionError:
            raise Refused(403, "Your name was removed from this workshop. Ask the facilitator.") from None

    def _own_note(self, device: Device, note_id: int) -> int:
        """A note this device added and may still change: not yet revealed (see ``views.note_editable``)."""
        from room.views import note_editable

        ws = self.session.workshop
        note = ws.notes.get(note_id)
        if note is None or note.deleted or note.withheld or note_id not in device.note_ids:
            raise Refused(404, "There is no such note of yours.")
        if not note_editable(ws, note):
            raise Refused(409, "That note has been revealed to the room: ask the facilitator to change it.")
        return note_id

    async def add_note(self, device: Device, body: str) -> int:
        """Add a note to the current stage; returns its id once it is durable."""
        participant_id = self.participant_of(device)
        wait = device.notes_window.wait()
        if wait:
            raise Refused(
                429, f"That is a lot of notes at once. Wait {wait} seconds, then send the next one."
            )
        stage = self.session.workshop.current_stage
        if stage is None:
            raise Refused(409, "The workshop has no current stage.")
        author = None if self.session.workshop.anonymous_notes else participant_id
        device.notes_window.add()  # counted before the wait: requests sent at once cannot slip past the limit
        note = await self._as_device(
            lambda: self.session.notes.add(body, stage_id=stage.id, author_id=author, device=True)
        )
        device.note_ids.add(note.id)
        return note.id

    async def edit_note(self, device: Device, note_id: int, body: str) -> None:
        self.participant_of(device)
        own = self._own_note(device, note_id)
        await self._as_device(lambda: self.session.notes.edit(own, body, device=True))

    async def withdraw_note(self, device: Device, note_id: int) -> None:
        self.participant_of(device)
        own = self._own_note(device, note_id)
        await self._as_device(lambda: self.session.notes.delete(own, device=True))

    async def cast(self, device: Device, ballot_id: int, note_id: int) -> None:
        voter = self.participant_of(device)
        await self._as_device(lambda: self.session.votes.cast(ballot_id, voter, note_id, device=True))

    async def retract(self, device: Device, ballot_id: int, note_id: int) -> None:
        voter = self.participant_of(device)
        await self._as_device(lambda: self.session.votes.retract(ballot_id, voter, note_id, device=True))

    async def done(self, device: Device, ballot_id: int, done: bool) -> None:
        participant_id = self.participant_of(device)
        if done:
            await self._as_device(lambda: self.session.votes.submit(ballot_id, participant_id, device=True))
        else:
            await self._as_device(lambda: self.session.votes.unsubmit(ballot_id, participant_id, device=True))

    async def readiness(
        self, device: Device, attitude: str | None, scores: dict[str, int], round: str
    ) -> None:
        voter = self.participant_of(device)
        await self._as_device(
            lambda: self.session.readiness.record(voter, attitude=attitude, scores=scores, round=round, device=True)
        )
