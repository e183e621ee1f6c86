"""Helpers for the room's tests: a room over a session, and a device that joins it through its pages."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from room.room import Room
from room.security import RoomLimits
from room.web import RoomWeb
from workshop.session import WorkshopSession

CODE = "K7PQ3X"
ADDRESS, PORT = "127.0.0.1", 8765
ORIGIN = f"http://{ADDRESS}:{PORT}"


class FakeMonotonic:
    """A monotonic clock the tests move by hand (rate limits count seconds)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_room(session: WorkshopSession, **limits: Any) -> tuple[Room, RoomWeb, FakeMonotonic]:
    clock = FakeMonotonic()
    room = Room(session, ADDRESS, PORT, limits=RoomLimits(**limits), clock=clock, join_code=CODE)
    return room, RoomWeb(room), clock


def ana_on_a_silent_stage(session: WorkshopSession) -> Phone:
    """The room open on the workshop's third stage with silent brainstorming on (phones may change their notes
    until the reveal), and Ana (participant 1) joined on her phone."""
    session.agenda.go_to(2)
    session.notes.set_silent(True)
    _room, web, _ = make_room(session)
    ana = Phone(web)
    ana.join(1)
    return ana


def client(web: RoomWeb, **headers: str) -> TestClient:
    """A browser on the room's own address: Host and Origin as a phone's browser sends them."""
    return TestClient(web.app, base_url=ORIGIN, headers={"Origin": ORIGIN, **headers})


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def alerts(html: str) -> list[str]:
    return re.findall(r'role="alert">([^<]*)<', html)


class Phone:
    """One participant's device: a client with its own cookies."""

    def __init__(self, web: RoomWeb, **headers: str) -> None:
        self.web = web
        self.http = client(web, **headers)
        self.csrf = ""

    def join(self, participant_id: int | str, code: str = CODE, new_name: str = "") -> Any:
        page = self.http.get("/")
        answer = self.http.post(
            "/join",
            data={
                "csrf": csrf_of(page.text),
                "code": code,
                "participant": str(participant_id),
                "new_name": new_name,
            },
            follow_redirects=False,
        )
        if answer.status_code == 303:
            self.refresh()
        return answer

    def refresh(self) -> str:
        page = self.http.get("/")
        self.csrf = csrf_of(page.text)
        return page.text

    def post(self, path: str, **data: str) -> Any:
        return self.http.post(path, data={"csrf": self.csrf, **data}, follow_redirects=False)

    def note(self, text: str) -> Any:
        return self.post("/notes", text=text)
