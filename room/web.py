"""The room's web pages: Starlette routes over a ``Room``, drawn with Jinja2 (autoescape on).

Every request is checked before it does anything: the Host header must be the room's own address and port, and a
form's Origin (or, without one, its Referer) too, which stops a page elsewhere from reaching the room through DNS
rebinding or a cross-site form. Every form carries the device's CSRF token. Forms are plain POSTs answered with a
redirect (they work without JavaScript); a refusal redraws the page with the message and a 4xx status, keeping
what was typed. Nothing a participant typed reaches a page unescaped.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from facilitation import text
from facilitation.entry import EntryError, parse_count
from room.devices import Device
from room.live import Block, Items, LiveHub, LivePage, page_digest
from room.pages import PageDrawer
from room.room import REQUEST_ARRIVED, Refused, Room
from room.security import host_header, tokens_equal
from room.views import BallotView, DeviceView, Shared, device_view, note_visible, open_ballot
from workshop.session import NotFoundError, SessionError
from workshop.session.direct import drive

HERE = Path(__file__).parent
DEVICE_COOKIE = "room_device"
JOIN_COOKIE = "room_join"
COOKIE_SECONDS = 12 * 3600
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


def shown_value(value: Any) -> Any:
    """Every value a page prints (Jinja's ``finalize``): stored text with a right-to-left override left open
    closed at the end of its line (``text.close_bidi``), so text saved before overrides were closed on the way
    in (749a30b) never turns round what the page prints after it. Other values (numbers, drawn ``Markup``) as
    they are."""
    return text.close_bidi(value) if type(value) is str else value


def make_environment() -> jinja2.Environment:
    """The templates, autoescaped (every page is HTML), undefined names an error rather than empty text."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=shown_value,
    )
    env.filters["plural"] = text.plural
    return env


class RoomWeb:
    """The routes of one open room."""

    def __init__(self, room: Room) -> None:
        self.room = room
        self.env = make_environment()
        self.drawer = PageDrawer(self.env)
        self._shared: Shared | None = None
        self._shared_before: Shared | None = None
        """The last ``Shared`` before the workshop changed, until the next is made from it (``Shared``'s
        ``previous``)."""
        self._shared_at: tuple[object, int, object] | None = None
        self.timings: list[float] | None = None
        """Set to a list to collect each POST's time in the server, from its arrival to the answer's start (in
        seconds; the benchmark's request-to-durable: the answer starts only after the session's commit)."""
        self.hub = LiveHub(
            self._render_live,
            self._known,
            inputs=self._live_inputs,
            fresh=self._fresh,
            prepare=self._prepare,
            finish=self.drawer.event_for_device,
        )
        self.host = host_header(room.address, room.port)
        self.origin = f"http://{self.host}"
        room.listen(self.hub.changed)
        self.app = Starlette(
            routes=[
                Route("/", self.home, methods=["GET"]),
                Route("/join", self.join, methods=["POST"]),
                Route("/leave", self.leave, methods=["POST"]),
                Route("/notes", self.add_note, methods=["POST"]),
                Route("/notes/{note_id:int}", self.show_note, methods=["GET"]),
                Route("/notes/{note_id:int}/edit", self.edit_note, methods=["GET", "POST"]),
                Route("/notes/{note_id:int}/withdraw", self.withdraw_note, methods=["POST"]),
                Route("/ballots/{ballot_id:int}/dots/{participant_id:int}", self.dots, methods=["GET"]),
                Route("/ballots/{ballot_id:int}/notes/{note_id:int}/{how:str}", self.vote, methods=["POST"]),
                Route("/ballots/{ballot_id:int}/done", self.done, methods=["POST"]),
                Route("/readiness", self.readiness, methods=["POST"]),
                Route("/events", self.events, methods=["GET"]),
                Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
            ],
        )
        self.app.add_middleware(_Guard, web=self)

    @property
    def readiness_round(self) -> str | None:
        """``"end"`` while the facilitator asks the room's devices for the end-of-workshop readiness check, else
        None; setting it asks or stops asking (the session holds it: ``session.readiness.ask_end``, the one rule
        for which round a device may answer)."""
        return "end" if self.room.session.readiness.end_asked else None

    @readiness_round.setter
    def readiness_round(self, round: str | None) -> None:
        self.room.session.readiness.ask_end(round == "end")

    # --- drawing --------------------------------------------------------------------------------------------

    def _known(self, device: Device) -> bool:
        return not self.room.closed and self.room.devices.by_id(device.id) is device

    def _fresh(self) -> None:
        """A slice of live pages begins: what every device's view shares is worked out again if the workshop
        changed since it was last worked out. Every change to the workshop appends one event (``Ledger.commit``),
        so the workshop, its number of events and its last event (held, so no other takes its identity) say
        whether it changed, also by a change still waiting for the disk or one the disk refused and undid."""
        ws = self.room.session.workshop
        events = ws.events
        at = (ws, len(events), events[-1] if events else None)
        known = self._shared_at
        if known is not None and known[0] is at[0] and known[1] == at[1] and known[2] is at[2]:
            return
        self._shared_at = at
        if self._shared is not None:
            self._shared_before = self._shared
        self._shared = None
        self.drawer.room.forget()

    def _shared_now(self) -> Shared:
        """What the devices' views share now (inside a round of live pages)."""
        if self._shared is None:
            self._shared = Shared(self.room.session, self._shared_before)
            self._shared_before = None
        return self._shared

    def _prepare(self, deadline: float) -> bool:
        """At each slice of a round (``LiveHub``'s ``prepare``): draw ahead, until ``deadline``, an open ballot's
        entries without dots, which every voter's page shows at the vote's opening, so that no phone's page draws
        the whole ballot in one piece. True once there is nothing (more) to draw."""
        ws = self.room.session.workshop
        stage = ws.current_stage
        ballot = open_ballot(ws, stage.id) if stage is not None else None
        if ballot is None or ballot.mode == "tally":
            return True
        notes = self._shared_now().ballot_notes(ballot)
        return self.drawer.draw_ahead(notes, BallotView.of(ballot), deadline)

    def view(self, device: Device) -> DeviceView:
        """``device``'s view now (inside a round of live pages, sharing what the devices have in common)."""
        shared = self._shared_now() if self.hub.offering else None
        return device_view(self.room.session, device, shared=shared)

    def _room_notes(self, view: DeviceView) -> tuple[Block, Items] | None:
        """The room's notes (the same objects for every device) for a notes page, the only one that shows them;
        None for any other (a vote, a tally, readiness, waiting), which does not work them out: during a vote
        every dot is a change, and each round listed the stage's 400 notes again for no page."""
        return self.drawer.room.parts(self.room.session.workshop) if view.mode == "notes" else None

    def _live_inputs(self, device: Device) -> tuple[DeviceView, tuple[Block, Items] | None]:
        """What a device's live part is drawn from: its view and, on a notes page, the room's notes; its CSRF
        token never changes."""
        view = self.view(device)
        return view, self._room_notes(view)

    def _render_live(self, device: Device, inputs: tuple[DeviceView, tuple[Block, Items] | None]) -> LivePage:
        view, room = inputs
        return self.drawer.page(device, view, room)

    def live_page(self, device: Device, *, typed: str = "") -> LivePage:
        """``device``'s live part now (``typed``: text to put back in the note field), as the hub keeps it: a
        ballot's entries carry the drawer's mark where the device's token goes (``PageDrawer.for_device``)."""
        view = self.view(device)
        return self.drawer.page(device, view, self._room_notes(view), typed=typed)

    def page(
        self,
        template: str,
        *,
        status: int = 200,
        device: Device | None = None,
        cookies: dict[str, str] | None = None,
        **values: Any,
    ) -> HTMLResponse:
        context: dict[str, Any] = {
            "error": "",
            "notice": "",
            "typed": "",
            "title": self.room.session.workshop.title,
        }
        if device is not None:
            context |= {"v": self.view(device), "csrf": device.csrf}
        context |= values
        if device is not None and template in ("stage.html", "waiting.html"):
            live = self.live_page(device, typed=context["typed"]).html
            # The digest is of the page as the hub has it, which never holds typed text: a refused note's page
            # (its text put back in the field) is still the page now, so the stream sends no whole page that
            # would take the refusal's message away (room.js drops a form's answer when a new page arrives).
            hub_has = self.live_page(device).html if context["typed"] else live
            context |= {
                "live_html": Markup(self.drawer.for_device(device, live)),
                "live_digest": page_digest(hub_has),
            }
        response = HTMLResponse(self.env.get_template(template).render(**context), status_code=status)
        for name, value in (cookies or {}).items():
            response.set_cookie(
                name, value, max_age=COOKIE_SECONDS, httponly=True, samesite="strict", path="/"
            )
        return response

    def message(self, status: int, message: str) -> HTMLResponse:
        return self.page("message.html", status=status, message=message)

    def join_page(
        self, request: Request, *, status: int = 200, error: str = "", typed: str = "", notice: str = ""
    ) -> HTMLResponse:
        join_token = request.cookies.get(JOIN_COOKIE) or ""
        cookies = {}
        if not (20 <= len(join_token) <= 100):
            join_token = secrets.token_urlsafe(32)
            cookies[JOIN_COOKIE] = join_token
        ws = self.room.session.workshop
        taken = {d.participant_id for d in self.room.devices.joined()}
        names = [(p.id, p.name, p.id in taken) for p in ws.active_participants()]
        return self.page(
            "join.html",
            status=status,
            cookies=cookies,
            csrf=join_token,
            names=names,
            locked=self.room.locked,
            error=error,
            notice=notice,
            typed=typed,
        )

    # --- the device behind a request --------------------------------------------------------------------

    def device(self, request: Request) -> Device | None:
        return self.room.devices.by_token(request.cookies.get(DEVICE_COOKIE))

    def joined(self, request: Request) -> Device:
        device = self.device(request)
        if device is None:
            raise Refused(
                401, "This device has not joined the room (or the facilitator signed it out). Join again."
            )
        return device

    @staticmethod
    async def form(request: Request, limit: int) -> dict[str, str]:
        """The urlencoded form of a POST, read up to ``limit`` bytes (``Refused`` 413 beyond, 415 for others)."""
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            raise Refused(415, "This page only accepts its own forms.")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise Refused(413, "That is too much text to send at once.")
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=100)
        except (UnicodeDecodeError, ValueError):
            raise Refused(400, "The form could not be read. Reload the page and try again.") from None
        return dict(pairs)

    async def posted(self, request: Request, device: Device) -> dict[str, str]:
        """A joined device's form, with its CSRF token checked."""
        form = await self.form(request, self.room.limits.max_body)
        if not tokens_equal(form.get("csrf", ""), device.csrf):
            raise Refused(403, "This form has expired. Reload the page and try again.")
        return form

    def refused(self, request: Request, refusal: Refused, device: Device | None, **values: Any) -> Response:
        """A refusal: the page the device was on, with the message, under the refusal's status."""
        if device is None or refusal.status in (401, 410):
            if refusal.status == 401 or device is None:
                farewell = self.room.devices.farewell(request.cookies.get(DEVICE_COOKIE))
                return self.join_page(request, status=refusal.status, error=refusal.message, notice=farewell)
            return self.message(refusal.status, refusal.message)
        template = "waiting.html" if device.pending else "stage.html"
        return self.page(template, status=refusal.status, device=device, error=refusal.message, **values)

    @staticmethod
    def saved(notice: str = "") -> RedirectResponse:
        return RedirectResponse("/" + (f"?saved={notice}" if notice else ""), status_code=303)

    # --- routes -----------------------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        device = self.device(request)
        if device is None:  # a device the facilitator signed out is told why, once (``Devices.farewell``)
            return self.join_page(request, notice=self.room.devices.farewell(request.cookies.get(DEVICE_COOKIE)))
        notice = {
            "note": "Saved: your note is in.",
            "edit": "Saved: your note is changed.",
            "withdrawn": "Your note is withdrawn.",
            "dot": "Saved.",
            "done": "Thanks: the facilitator sees that you are done.",
            "readiness": "Saved: your answers are in.",
            "joined": "",
        }.get(request.query_params.get("saved", ""), "")
        if device.pending:
            return self.page("waiting.html", device=device)
        return self.page("stage.html", device=device, notice=notice)

    async def join(self, request: Request) -> Response:
        address = request.client.host if request.client else "?"
        typed = ""
        try:
            form = await self.form(request, 16 * 1024)
            if not tokens_equal(form.get("csrf", ""), request.cookies.get(JOIN_COOKIE) or "\0"):
                raise Refused(403, "This form has expired. Try again.")
            typed = form.get("new_name", "")
            choice = form.get("participant", "").strip()
            if choice and choice != "new":
                try:
                    participant_id = int(choice)
                except ValueError:
                    raise Refused(400, "Pick your name from the list.") from None
                joined = self.room.join(form.get("code", ""), participant_id, address)
            elif typed.strip():
                joined = self.room.request(form.get("code", ""), typed, address)
            else:
                raise Refused(400, "Pick your name, or type a new one to ask the facilitator.")
        except Refused as refusal:
            return self.join_page(request, status=refusal.status, error=refusal.message, typed=typed)
        except SessionError as error:
            return self.join_page(request, status=409, error=str(error), typed=typed)
        response = self.saved("joined")
        response.set_cookie(
            DEVICE_COOKIE, joined.token, max_age=COOKIE_SECONDS, httponly=True, samesite="strict", path="/"
        )
        response.delete_cookie(JOIN_COOKIE, path="/")
        return response

    async def leave(self, request: Request) -> Response:
        device = self.device(request)
        try:
            if device is None:
                raise Refused(401, "This device is not in the room.")
            await self.posted(request, device)
        except Refused as refusal:
            return self.refused(request, refusal, device)
        self.room.leave(device)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(DEVICE_COOKIE, path="/")
        return response

    async def _act(self, request: Request, action: Any, notice: str, *, keep: str = "text") -> Response:
        """Await ``action(device, form)`` for a joined device; a 303 once the session's commit is durable."""
        device = self.device(request)
        form: dict[str, str] = {}
        try:
            if device is None:
                raise Refused(401, "This device has not joined the room (or was signed out). Join again.")
            form = await self.posted(request, device)
            await action(device, form)
        except Refused as refusal:
            return self.refused(request, refusal, device, typed=form.get(keep, ""))
        except NotFoundError as error:
            return self.refused(request, Refused(404, str(error)), device, typed=form.get(keep, ""))
        except SessionError as error:
            return self.refused(request, Refused(409, str(error)), device, typed=form.get(keep, ""))
        return self.saved(notice)

    async def add_note(self, request: Request) -> Response:
        return await self._act(request, lambda d, f: self.room.add_note(d, f.get("text", "")), "note")

    def _note_for(self, device: Device, note_id: int) -> Any:
        """A note this device may read: its own, or one revealed on the current stage. Else ``Refused`` 404."""
        note = self.room.session.workshop.notes.get(note_id)
        if (
            note is None or note.deleted or note.withheld
        ):  # hidden by the facilitator: not even for its author
            raise Refused(404, "There is no such note.")
        if note_id in device.note_ids or (note_visible(note) and device.participant_id is not None):
            return note
        raise Refused(404, "There is no such note.")

    async def show_note(self, request: Request) -> Response:
        device = self.device(request)
        try:
            if device is None:
                raise Refused(401, "This device has not joined the room. Join first.")
            self.room.participant_of(device)
            note = self._note_for(device, request.path_params["note_id"])
        except Refused as refusal:
            return self.refused(request, refusal, device)
        ws = self.room.session.workshop
        return self.page(
            "note.html", device=device, note=note, author=ws.credit(note), editing=False
        )

    async def edit_note(self, request: Request) -> Response:
        note_id = request.path_params["note_id"]
        if request.method == "POST":
            return await self._act(
                request, lambda d, f: self.room.edit_note(d, note_id, f.get("text", "")), "edit"
            )
        device = self.device(request)
        try:
            if device is None:
                raise Refused(401, "This device has not joined the room. Join first.")
            self.room.participant_of(device)
            note = self._note_for(device, note_id)
            if not any(n.id == note_id and n.editable for n in self.view(device).my_notes):
                raise Refused(409, "That note can no longer be changed from here: it has been revealed.")
        except Refused as refusal:
            return self.refused(request, refusal, device)
        return self.page("note.html", device=device, note=note, author="", editing=True)

    async def withdraw_note(self, request: Request) -> Response:
        note_id = request.path_params["note_id"]
        return await self._act(request, lambda d, f: self.room.withdraw_note(d, note_id), "withdrawn")

    async def dots(self, request: Request) -> Response:
        """A participant's own dots on a ballot: only ever their own."""
        device = self.device(request)
        try:
            if device is None:
                raise Refused(401, "This device has not joined the room. Join first.")
            me = self.room.participant_of(device)
            if request.path_params["participant_id"] != me:
                raise Refused(403, "A ballot is private: you can see only your own dots.")
            try:
                self.room.session.votes.ballot(request.path_params["ballot_id"])
            except SessionError:
                raise Refused(404, "There is no such vote.") from None
        except Refused as refusal:
            return self.refused(request, refusal, device)
        return self.page("stage.html", device=device)

    async def vote(self, request: Request) -> Response:
        ballot_id, note_id, how = (request.path_params[k] for k in ("ballot_id", "note_id", "how"))
        if how not in ("add", "remove"):
            return self.message(404, "There is no such page.")

        async def act(device: Device, form: dict[str, str]) -> None:
            if how == "add":
                await self.room.cast(device, ballot_id, note_id)
            else:
                await self.room.retract(device, ballot_id, note_id)

        return await self._act(request, act, "dot")

    async def done(self, request: Request) -> Response:
        ballot_id = request.path_params["ballot_id"]
        return await self._act(
            request, lambda d, f: self.room.done(d, ballot_id, f.get("done", "1") != "0"), "done"
        )

    async def readiness(self, request: Request) -> Response:
        async def act(device: Device, form: dict[str, str]) -> None:
            scores: dict[str, int] = {}
            for key, value in form.items():
                if key.startswith("score_") and value:
                    try:
                        # any whole number is read here; the session refuses one out of range with its own message
                        scores[key.removeprefix("score_")] = parse_count(value, "A score", high=999_999_999)
                    except EntryError:
                        raise Refused(400, "Scores are whole numbers from 1 to 5.") from None
            round_ = form.get("round", "start")
            await self.room.readiness(device, form.get("attitude") or None, scores, round_)

        return await self._act(request, act, "readiness")

    async def events(self, request: Request) -> Response:
        device = self.device(request)
        if device is None:
            return PlainTextResponse("This device has not joined the room.", status_code=401)
        if device.streams >= self.room.limits.max_streams_per_device:
            return PlainTextResponse("Too many live connections from this device.", status_code=429)
        have = request.query_params.get("have", "")[:64]
        return StreamingResponse(
            self.hub.stream(device, have=have),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )


class _Guard:
    """Pure ASGI middleware run before every route: Host, Origin, a closed room, the body-size header."""

    def __init__(self, app: Any, web: RoomWeb) -> None:
        self.app = app
        self.web = web

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        problem = self.check(request)
        if problem is not None:
            response = self.web.message(*problem)
            for name, value in SECURITY_HEADERS.items():
                response.headers[name] = value
            await response(scope, receive, send)
            return

        timings = self.web.timings if request.method == "POST" else None
        arrived = time.perf_counter()

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                if timings is not None:
                    timings.append(time.perf_counter() - arrived)
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        if request.method == "POST":
            if timings is not None:
                REQUEST_ARRIVED.set(arrived)  # (this request's task's own context; drive copies it)
            # a form post is answered by the callback that publishes its change, as soon as it is durable, not
            # on a later turn of the loop (workshop.session.direct); GET streams need a task of their own
            await drive(self.app(scope, receive, send_with_headers))
        else:
            await self.app(scope, receive, send_with_headers)

    def check(self, request: Request) -> tuple[int, str] | None:
        web = self.web
        if request.headers.get("host", "") != web.host:
            return (
                421,
                "This page answers only at the room's own address. Open the address shown on the screen.",
            )
        origin = request.headers.get("origin")
        if origin is not None and origin != web.origin:
            return 403, "This request came from another site, so the room refused it."
        if request.method == "POST":
            if origin is None:
                referer = request.headers.get("referer", "")
                if not (referer == web.origin or referer.startswith(web.origin + "/")):
                    return 403, "This request did not come from the room's own page, so it was refused."
            length = request.headers.get("content-length")
            if length is not None:
                with contextlib.suppress(ValueError):
                    if int(length) > web.room.limits.max_body:
                        return 413, "That is too much text to send at once."
        if web.room.closed and not request.url.path.startswith("/static/"):
            return 410, "The room is closed. Thank you for joining!"
        return None
