"""The facilitator's side of the room: open it on an address, see who joined, let people in, lock and close it.

The web server lives in ``room/`` and runs in this app's event loop; it and its libraries (uvicorn, Starlette,
Jinja2, segno) are imported here only when the facilitator opens the room, so start-up does not pay for them.
Silent brainstorming and the reveal are session calls like any other key on the stage screen.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from facilitation.entry import EntryError, parse_count
from facilitation.text import plural
from screens.base import WorkshopScreenMixin
from screens.widgets.text_field import TextField

if TYPE_CHECKING:
    from room.server import RoomServer
    from screens.base import WorkshopAppAPI


def current_room(app: WorkshopAppAPI) -> RoomServer | None:
    room: RoomServer | None = getattr(app, "room", None)
    return room


async def open_room(app: WorkshopAppAPI, address: str | None = None, port: int = 0) -> RoomServer | None:
    """Start the room's server for the open workshop (``address`` None: this machine's default) and show the
    room screen. Returns the server, or None after telling the facilitator why it could not start."""
    from room.addresses import check_address, default_address
    from room.server import RoomServer, RoomStartError

    session = app.session
    if session is None:
        return None
    existing = current_room(app)
    if existing is not None:
        show_room(app)
        return existing
    if session.read_only:
        app.show_error("This workshop is open read-only in this window: open the room from the other window.")
        return None
    try:
        chosen = check_address(address) if address else default_address()
        server = RoomServer(session, chosen, port)
        await server.start()
    except (RoomStartError, ValueError) as error:
        app.show_error(str(error))
        return None
    attach(app, server)
    _log_room(app, "room.opened", f"Room opened for participants' phones at {server.url}", server)
    if not isinstance(app.screen, RoomScreen):
        await app.push_screen(RoomScreen())
    return server


def attach(app: WorkshopAppAPI, server: RoomServer) -> None:
    """Make ``server`` the app's room. A device's change reaches the facilitator's screens like any other: the
    session publishes it and the app relays it to every screen (``WorkshopApp._relay``); a note from a phone
    joins the stage's list without taking the highlight from the note being read (``NoteList.follow``)."""
    app.room = server


async def close_room(app: WorkshopAppAPI) -> None:
    """Stop the server: every device is signed out and its page says the room is closed."""
    server = current_room(app)
    if server is None:
        return
    app.room = None
    _log_room(app, "room.closed", "Room closed: every device signed out", None)
    await server.stop()
    app.notify("The room is closed: devices are signed out.", title="Room", timeout=5)


def show_room(app: WorkshopAppAPI) -> None:
    if not isinstance(app.screen, RoomScreen):
        app.push_screen(RoomScreen())


def ask_open_room(app: WorkshopAppAPI) -> None:
    """The "Open the room" dialog: pick an address (and a port), then open; with a room open, show it."""
    if current_room(app) is not None:
        show_room(app)
        return
    if app.session is None:
        return

    async def chosen(answer: tuple[str, int] | None) -> None:
        if answer is None:
            return
        opened = await open_room(app, *answer)
        if opened is None and app.session is not None and not app.session.read_only:
            # it could not start there (a port in use, an address gone): asked again as chosen, to mend it
            app.push_screen(OpenRoomScreen(*answer), chosen)

    app.push_screen(OpenRoomScreen(), chosen)


def _log_room(app: WorkshopAppAPI, kind: str, summary: str, server: RoomServer | None) -> None:
    """Note the room in the minutes; the projector window (another process following the journal) shows the
    QR code and join code from ``room.opened`` until ``room.locked`` or ``room.closed``."""
    from workshop.session import SessionError

    if app.session is None:
        return
    data = {"url": server.url, "code": server.room.join_code} if server is not None else {}
    try:
        app.session.log(kind, summary, data=data)
    except SessionError as error:
        app.show_error(error)


def toggle_lock(app: WorkshopAppAPI) -> None:
    """Lock the room (no new devices; joined ones carry on) or open it again."""
    server = current_room(app)
    if server is not None:
        server.room.set_locked(not server.room.locked)
        if server.room.locked:
            _log_room(app, "room.locked", "Room locked: no new devices", None)
        else:
            _log_room(app, "room.opened", f"Room open again to new devices at {server.url}", server)
        app.notify(
            "Room locked: no new devices." if server.room.locked else "Room open to new devices.",
            title="Room",
        )


def toggle_end_readiness(app: WorkshopAppAPI) -> None:
    """Ask the phones for the end-of-workshop readiness check (compared with the start), or stop asking."""
    server = current_room(app)
    if server is None:
        return
    server.web.readiness_round = None if server.web.readiness_round == "end" else "end"
    server.changed()
    for screen in app.screen_stack:
        if isinstance(screen, RoomScreen):
            screen.refresh_room()
    app.notify(
        "Phones show the end-of-workshop readiness check."
        if server.web.readiness_round
        else "Phones show the current stage again.",
        title="Room",
    )


def ask_close_room(app: WorkshopAppAPI) -> None:
    """Confirm, then close the room (every device signed out) and leave the room screen."""
    from screens.dialogs import ConfirmScreen

    if current_room(app) is None:
        return

    async def answered(yes: bool | None) -> None:
        if yes:
            if isinstance(app.screen, RoomScreen):
                app.screen.dismiss(None)
            await close_room(app)  # devices are signed out at once; the server may take a moment to stop

    app.push_screen(
        ConfirmScreen("Close the room? Every device is signed out.", yes="Close the room", no="Keep it open"),
        answered,
    )


def _session_call(app: WorkshopAppAPI, call: Any) -> Any:
    from workshop.session import SessionError

    try:
        return call()
    except SessionError as error:
        app.show_error(error)
        return None


def _confirm(app: WorkshopAppAPI, question: str, yes: str, then: Any) -> None:
    """Ask first (No focused): a stray key must not do what cannot be undone (docs/KEYS.md)."""
    from screens.dialogs import ConfirmScreen

    def answered(answer: bool | None) -> None:
        if answer:
            then()

    app.push_screen(ConfirmScreen(question, yes=yes, no="No", safe_default=True), answered)


def toggle_silent(app: WorkshopAppAPI) -> None:
    """Silent brainstorming on the current stage: on, or off (which reveals what it hid: asks first then)."""
    session = app.session
    stage = session.workshop.current_stage if session is not None else None
    if session is None or stage is None:
        return
    hidden = sum(1 for n in session.workshop.stage_notes(stage.id) if n.hidden and not n.withheld)
    if stage.silent and hidden:
        _confirm(
            app,
            f"End silent brainstorming and show the room all {plural(hidden, 'hidden note')}?",
            "Reveal them",
            lambda: _set_silent(app, False),
        )
        return
    _set_silent(app, not stage.silent)


def _set_silent(app: WorkshopAppAPI, silent: bool) -> None:
    session = app.session
    stage = session.workshop.current_stage if session is not None else None
    if session is None or stage is None:
        return
    updated = _session_call(app, lambda: session.notes.set_silent(silent, stage_id=stage.id))
    if updated is not None:
        app.notify(
            f"Silent brainstorming {'on' if updated.silent else 'off'}: "
            + (
                "the room sees no one else's notes until you reveal them."
                if updated.silent
                else "notes are shown."
            ),
            title=stage.title,
        )


def reveal(app: WorkshopAppAPI) -> None:
    """Show the room every hidden note of the current stage at once (asks first: it cannot be undone)."""
    session = app.session
    stage = session.workshop.current_stage if session is not None else None
    if session is None or stage is None:
        return
    hidden = sum(1 for n in session.workshop.stage_notes(stage.id) if n.hidden and not n.withheld)
    if not hidden:
        app.notify("No note of this stage is hidden from the room.", title="Reveal")
        if stage.silent:
            _set_silent(app, False)
        return
    _confirm(app, f"Show the room all {plural(hidden, 'hidden note')} now?", "Reveal them", lambda: _reveal(app))


def _reveal(app: WorkshopAppAPI) -> None:
    session = app.session
    if session is None:
        return
    revealed = _session_call(app, lambda: session.notes.reveal())
    if revealed is not None:
        app.notify(f"{plural(len(revealed), 'note')} revealed to the room.", title="Reveal")


def toggle_anonymous(app: WorkshopAppAPI) -> None:
    session = app.session
    if session is None:
        return
    anonymous = not session.workshop.anonymous_notes
    _session_call(app, lambda: session.notes.set_anonymous(anonymous))
    app.notify(
        "Notes from devices are anonymous: no author is stored."
        if anonymous
        else "Notes from devices carry their author's name.",
        title="Room",
    )


class OpenRoomScreen(WorkshopScreenMixin, ModalScreen[tuple[str, int] | None]):
    """Where participants will find the room: one of this machine's addresses and a port."""

    DEFAULT_CSS = """
    OpenRoomScreen { align: center middle; }
    OpenRoomScreen > Vertical { width: 72; max-width: 100%; height: auto; border: thick $primary; padding: 1 2;
                                background: $surface; }
    OpenRoomScreen Input, OpenRoomScreen Select { margin-bottom: 1; }
    OpenRoomScreen Label { width: 100%; }
    OpenRoomScreen .hint { color: $text-muted; }
    OpenRoomScreen Horizontal { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, address: str | None = None, port: int = 0) -> None:
        """``address``, ``port``: the choice to show again (a room that could not start there); by default this
        machine's first network address and any free port."""
        super().__init__()
        self._address = address
        self._port = port

    def compose(self) -> ComposeResult:
        from room.addresses import default_address, machine_addresses

        addresses = machine_addresses()
        address = self._address if self._address in {a.ip for a in addresses} else default_address(addresses)
        with Vertical():
            yield Label("[b]Open the room[/b]: participants join from their phones on this network")
            yield Label("Address (phones must reach it; 127.0.0.1 is for a rehearsal on this laptop)")
            yield Select(
                [(a.label, a.ip) for a in addresses],
                value=address,
                allow_blank=False,
                id="address",
            )
            yield Label("Port (empty: any free port)")
            yield TextField(
                str(self._port) if self._port else "", placeholder="any free port", id="port", restrict=r"\d{0,5}"
            )
            with Horizontal():
                yield Button("Open the room", variant="primary", id="open")
                yield Button("Cancel", id="cancel")

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#open")
    def _open(self) -> None:
        raw = self.query_one("#port", Input).value
        try:
            port = parse_count(raw, "A port", low=1, high=65535) if raw.strip() else 0
        except EntryError as error:
            self.workshop_app.show_error(error)
            return
        self.dismiss((str(self.query_one("#address", Select).value), port))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class RoomScreen(WorkshopScreenMixin, Screen[None]):
    """The open room: QR code, address and join code; who joined, who waits; the stage's silent brainstorming."""

    DEFAULT_CSS = """
    RoomScreen #room-top { height: 1fr; }
    RoomScreen #qr { width: auto; height: auto; margin: 0 1 0 0; }
    RoomScreen #room-info { height: 1fr; width: 1fr; }
    RoomScreen #code { text-style: bold; color: $accent; }
    RoomScreen .heading { text-style: bold; margin-top: 1; width: 100%; }
    RoomScreen OptionList { height: auto; max-height: 8; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("l", "lock", "Lock/unlock", tooltip="Stop (or allow again) new devices joining"),
        Binding("s", "silent", "Silent", tooltip="Silent brainstorming on this stage: on or off"),
        Binding("v", "reveal", "Reveal", tooltip="Show the room every note silent brainstorming hid"),
        Binding("t", "anonymous", "Credited/anon", tooltip="Notes from devices: credited or anonymous"),
        Binding("a", "approve", "Let in", tooltip="Let the highlighted request in (adds the name)"),
        Binding("x", "decline", "Decline", show=False, tooltip="Decline the highlighted request to join"),
        Binding("r", "release", "Release name", tooltip="Sign out the highlighted name's device"),
        Binding("c", "close_room", "Close room", tooltip="Stop the server; every device is signed out"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._stop_listening: Any = None

    @property
    def server(self) -> RoomServer | None:
        return current_room(self.workshop_app)

    def compose(self) -> ComposeResult:
        from room.qr import QR_STYLE, qr_lines

        server = self.server
        qr = Text("\n".join(qr_lines(server.url)), style=QR_STYLE) if server is not None else ""
        # Who joined and who asks sit beside the QR code, not under it: under it they were below the edge of an
        # 80x24 terminal, and ``a``, ``x`` and ``r`` act on entries the facilitator could not see.
        with Horizontal(id="room-top"):
            yield Static(qr, id="qr")
            with VerticalScroll(id="room-info"):
                yield Static(id="address")
                yield Static(id="code")
                yield Static(id="status")
                yield Static(id="stage-room")
                yield Label("Asking to join under a new name (a: let in, x: decline)", classes="heading")
                yield OptionList(id="pending")
                yield Label("Joined (r: release the name for another device)", classes="heading")
                yield OptionList(id="joined")
        yield Footer()

    def on_mount(self) -> None:
        server = self.server
        if server is None:
            return
        self._stop_listening = server.room.listen(self._refresh_later)
        self.refresh_room()

    def on_unmount(self) -> None:
        if self._stop_listening is not None:
            self._stop_listening()

    def _refresh_later(self) -> None:
        self.call_later(self.refresh_room)

    def on_workshop_changed(self, _message: object) -> None:
        """The session published a change (a note from a device, the reveal): redraw the counts, once for changes
        published together (``more_changes_coming``: the last of a burst of phones' notes redraws for all)."""
        if not self.more_changes_coming():
            self.refresh_room()

    def refresh_room(self) -> None:
        with contextlib.suppress(NoMatches):  # not composed yet: on_mount draws it
            self._draw_room()

    def _draw_room(self) -> None:
        server = self.server
        if server is None:
            return
        room = server.room
        ws = self.session.workshop
        code = room.join_code
        self.query_one("#address", Static).update(Text.assemble(("Open ", ""), (server.url, "bold")))
        self.query_one("#code", Static).update(f"Join code: {code[:3]} {code[3:]}")
        joined, pending = room.devices.joined(), room.devices.pending()
        state = "LOCKED: no new devices" if room.locked else "open to new devices"
        self.query_one("#status", Static).update(
            f"Room {state} · {plural(len(joined), 'device')} joined · {len(pending)} waiting\n"
            f"Notes from devices are {'anonymous' if ws.anonymous_notes else 'credited'}"
        )
        stage = ws.current_stage
        asked = server.web.readiness_round  # the end-of-workshop check, asked on any stage (ctrl+p)
        if stage is not None and (asked or stage.kind == "readiness"):
            round_ = asked or "start"
            answered = sum(1 for r in ws.readiness.values() if r.round == round_)
            what = "the end-of-workshop readiness check" if round_ == "end" else "the readiness check"
            self.query_one("#stage-room", Static).update(
                f"{stage.title}: phones show {what} · {answered} answered"
            )
        elif stage is not None:
            notes = ws.stage_notes(stage.id)
            hidden = sum(1 for n in notes if n.hidden and not n.withheld)
            if stage.silent:
                line = f"{stage.title}: silent brainstorming ON · {plural(hidden, 'note')} in, hidden from the room"
            else:
                line = f"{stage.title}: notes are shown to the room" + (
                    f" · {hidden} still hidden (v reveals)" if hidden else ""
                )
            self.query_one("#stage-room", Static).update(line)
        pending_list = self.query_one("#pending", OptionList)
        pending_list.set_options(
            [Option(f"{d.requested_name}  (device {d.id})", id=str(d.id)) for d in pending]
            or [Option("nobody is waiting", disabled=True)]
        )
        joined_list = self.query_one("#joined", OptionList)
        joined_list.set_options(
            [
                Option(f"{ws.participant_name(d.participant_id)}  (device {d.id})", id=str(d.participant_id))
                for d in joined
            ]
            or [Option("no device has joined yet", disabled=True)]
        )

    # --- actions ------------------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_lock(self) -> None:
        toggle_lock(self.workshop_app)

    def action_silent(self) -> None:
        toggle_silent(self.workshop_app)
        self.refresh_room()

    def action_reveal(self) -> None:
        reveal(self.workshop_app)
        self.refresh_room()

    def action_anonymous(self) -> None:
        toggle_anonymous(self.workshop_app)
        self.refresh_room()

    def _highlighted(self, list_id: str) -> int | None:
        """The highlighted entry's id; the first entry when none is highlighted (one request waiting)."""
        option_list = self.query_one(list_id, OptionList)
        if not option_list.option_count:
            return None
        option = option_list.get_option_at_index(option_list.highlighted or 0)
        return int(option.id) if option.id is not None and not option.disabled else None

    def action_approve(self) -> None:
        server, device_id = self.server, self._highlighted("#pending")
        device = server.room.devices.by_id(device_id) if server is not None and device_id is not None else None
        if server is None or device is None or not device.pending:
            return

        def approve() -> None:
            with self._guard():
                name = server.room.approve(device.id)
                self.notify(f"{name} joined the workshop.")

        _confirm(self.workshop_app, f"Let {device.requested_name} join as a participant?", "Let them in", approve)

    def action_decline(self) -> None:
        server, device_id = self.server, self._highlighted("#pending")
        device = server.room.devices.by_id(device_id) if server is not None and device_id is not None else None
        if server is None or device is None or not device.pending:
            return
        _confirm(
            self.workshop_app,
            f"Decline {device.requested_name}'s request to join?",
            "Decline",
            lambda: server.room.deny(device.id),
        )

    def action_release(self) -> None:
        server, participant_id = self.server, self._highlighted("#joined")
        if server is None or participant_id is None:
            return
        name = self.session.workshop.participant_name(participant_id)

        def release() -> None:
            if server.room.release(participant_id):
                self.notify(f"{name}'s name is free again: their device is signed out.")

        _confirm(self.workshop_app, f"Sign out {name}'s device so the name is free for another?", "Release", release)

    def action_close_room(self) -> None:
        ask_close_room(self.workshop_app)
