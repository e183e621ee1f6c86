"""The room in a real browser: Debian's headless Chromium driven by selenium, against a real server on 127.0.0.1.

Skips (and says why) where Chromium, its driver or selenium are missing; ``.ci/run`` installs them where apt exists.
The server runs in its own event loop on a thread here, and the facilitator's calls are sent into that loop, so
only that loop ever touches the session (as in the app).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from room.server import RoomServer
from workshop.session import WorkshopSession

T = TypeVar("T")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
try:
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # pragma: no cover - selenium is a test extra
    webdriver = None  # type: ignore[assignment]

pytestmark = pytest.mark.skipif(
    webdriver is None or CHROMIUM is None or DRIVER is None,
    reason="needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver) and selenium",
)
SCREENSHOT = os.environ.get("ROOM_SCREENSHOT")
"""Where to save a phone-sized screenshot (the README's picture is made with this)."""


class ServerThread:
    """A room server in its own event loop on a thread; ``call`` runs a function in that loop and waits."""

    def __init__(self, session: WorkshopSession) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.session = session
        self.server: RoomServer = self.call(lambda: RoomServer(session, "127.0.0.1", 0))
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(30)

    def call(self, fn: Callable[[], T]) -> T:
        async def run() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(30)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture
def room_thread(session: WorkshopSession) -> Iterator[ServerThread]:
    session.agenda.go_to(2)
    running = ServerThread(session)
    yield running
    running.stop()


@pytest.fixture
def browsers() -> Iterator[Callable[[], Any]]:
    made: list[Any] = []
    folders: list[str] = []

    def make() -> Any:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM  # type: ignore[assignment]
        folder = tempfile.mkdtemp(prefix="room-chromium-")
        folders.append(folder)
        for flag in (
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={folder}",
        ):
            options.add_argument(flag)
        # a phone's screen: 360 CSS pixels wide (headless windows are at least 500 px wide without this)
        options.add_experimental_option(
            "mobileEmulation", {"deviceMetrics": {"width": 360, "height": 740, "pixelRatio": 2.0}}
        )
        service = webdriver.ChromeService(executable_path=DRIVER)
        driver = webdriver.Chrome(options=options, service=service)
        made.append(driver)
        return driver

    yield make
    for driver in made:
        driver.quit()
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _join(driver: Any, url: str, code: str, name: str) -> None:
    driver.get(url)
    driver.find_element(By.ID, "code").send_keys(code)
    for label in driver.find_elements(By.CSS_SELECTOR, "label.choice"):
        if label.text.strip().startswith(name):
            label.find_element(By.TAG_NAME, "input").click()
            break
    else:
        raise AssertionError(f"{name} is not on the join page")
    driver.find_element(By.CSS_SELECTOR, "form[action='/join'] button[type=submit]").click()
    WebDriverWait(driver, 20).until(lambda d: "Add a note" in d.page_source)


def test_two_phones_silent_brainstorm_reveal_live(
    room_thread: ServerThread, browsers: Callable[[], Any]
) -> None:
    server, session = room_thread.server, room_thread.session
    ana, ben = browsers(), browsers()
    _join(ana, server.url, server.room.join_code.lower(), "Ana")
    _join(ben, server.url, server.room.join_code, "Ben")
    room_thread.call(lambda: session.notes.set_silent(True))
    WebDriverWait(ana, 20).until(lambda d: "Silent brainstorming" in d.page_source)  # live, no reload

    field = ana.find_element(By.ID, "note-text")
    field.send_keys("Customers answer each other first <b>")
    ana.find_element(By.CSS_SELECTOR, "form[action='/notes'] button").click()
    WebDriverWait(ana, 20).until(lambda d: "Saved: your note is in." in d.page_source)
    assert "Customers answer each other first <b>" in ana.find_element(By.ID, "live").text
    assert "Customers answer" not in ben.find_element(By.ID, "live").text

    ben.find_element(By.ID, "note-text").send_keys("Half-typed idea")  # Ben is typing when the reveal arrives
    room_thread.call(lambda: session.notes.reveal())
    WebDriverWait(ben, 20).until(
        lambda d: "Customers answer each other first" in d.find_element(By.ID, "live").text
    )
    assert ben.find_element(By.ID, "note-text").get_attribute("value") == "Half-typed idea"
    assert not ben.find_elements(By.TAG_NAME, "b")  # the note's markup arrived as text
    width = ben.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] == 360, width  # readable at phone width, no sideways scrolling
    if SCREENSHOT:
        Path(SCREENSHOT).parent.mkdir(parents=True, exist_ok=True)
        ben.save_screenshot(SCREENSHOT)

    room_thread.call(lambda: server.room.close())
    room_thread.call(server.web.hub.close)
    WebDriverWait(ana, 20).until(lambda d: "The room is closed" in d.page_source)


def _wait(driver: Any, seconds: float) -> Any:
    """A wait that reads again when the page was swapped under it (a form's answer loads the page anew)."""
    return WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,))


def _live_text(driver: Any) -> str:
    return str(driver.find_element(By.ID, "live").text)


def test_changes_arrive_as_patches_a_hidden_note_is_explained_and_a_page_out_of_step_heals(
    room_thread: ServerThread, browsers: Callable[[], Any]
) -> None:
    """The page applies each change's operations in place (room/live.py, room.js): a note added, hidden (its
    author gets a polite line, the other phone just loses it), shown again, a ballot losing a hidden note; a page
    whose list went missing starts again from the whole page."""
    server, session = room_thread.server, room_thread.session
    ana, ben = browsers(), browsers()
    _join(ana, server.url, server.room.join_code, "Ana")
    _join(ben, server.url, server.room.join_code, "Ben")
    ben.find_element(By.ID, "note-text").send_keys("Ben is typing")
    ben.execute_script("window.sameDocument = true")  # gone if the page were loaded again

    ana.find_element(By.ID, "note-text").send_keys("Ana: more <i>coffee</i> breaks")
    ana.find_element(By.CSS_SELECTOR, "form[action='/notes'] button").click()
    _wait(ana, 20).until(lambda d: "Saved: your note is in." in d.page_source)
    _wait(ben, 20).until(lambda d: "Ana: more <i>coffee</i> breaks" in _live_text(d))
    note_id = max(session.workshop.notes)
    assert not ben.find_elements(By.TAG_NAME, "i")

    room_thread.call(lambda: session.notes.hide(note_id))
    _wait(ana, 20).until(lambda d: "set your note" in _live_text(d))
    line = ana.find_element(By.ID, f"aside-{note_id}").text
    assert "The facilitator has set your note “Ana: more <i>coffee</i> breaks” aside" in line
    assert ana.find_element(By.ID, "live-notices").get_attribute("role") == "status"
    _wait(ben, 20).until(lambda d: "coffee" not in _live_text(d))
    assert "set your note" not in _live_text(ben) and "coffee" not in ben.page_source

    room_thread.call(lambda: session.notes.hide(note_id, False))
    _wait(ana, 20).until(lambda d: "shown your note" in _live_text(d))
    assert not ana.find_elements(By.ID, f"aside-{note_id}")
    _wait(ben, 20).until(lambda d: "coffee" in _live_text(d))

    ben.execute_script("document.getElementById('live-room').remove()")  # out of step with the server
    room_thread.call(lambda: session.notes.add("Said after Ben's page lost its list"))
    _wait(ben, 20).until(lambda d: "Said after Ben's page lost its list" in _live_text(d))
    assert "coffee" in _live_text(ben)

    ballot = room_thread.call(lambda: session.votes.open(session.workshop.current_stage_id, budget=2, cap=1))
    _wait(ben, 20).until(lambda d: "Vote:" in _live_text(d))
    assert len(ben.find_elements(By.CSS_SELECTOR, "#live-ballot > li")) == 2
    room_thread.call(lambda: session.notes.hide(note_id))
    _wait(ben, 20).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#live-ballot > li")) == 1)
    assert ben.execute_script("return window.sameDocument === true"), "every change arrived without a reload"
    ben.find_element(By.CSS_SELECTOR, "#live-ballot button[aria-label^='Put a dot']").click()
    _wait(ben, 20).until(lambda d: "1 dot left of 2" in _live_text(d))
    assert room_thread.call(lambda: session.votes.participant_dots(ballot.id, 2)) != {}

    # "I'm done" answers with a thanks that belongs to the open vote: the reveal's new page takes it away
    ben.find_element(By.CSS_SELECTOR, "#live-vote-done button").click()
    _wait(ben, 20).until(lambda d: "the facilitator sees that you are done" in d.page_source)
    room_thread.call(lambda: session.votes.close(ballot.id))
    _wait(ben, 20).until(lambda d: "Vote:" not in _live_text(d) or "Result" in _live_text(d))
    _wait(ben, 20).until(lambda d: "the facilitator sees that you are done" not in d.page_source)


def test_a_refused_note_keeps_its_message_while_the_page_follows_the_room(
    room_thread: ServerThread, browsers: Callable[[], Any]
) -> None:
    """A note of spaces only passes the field's ``required`` and is refused by the room: the page says why, the
    text stays in the field, and the message stays while changes arrive live (it went at once: the refused page,
    with its text in the field, was taken for a new page)."""
    server, session = room_thread.server, room_thread.session
    ana = browsers()
    _join(ana, server.url, server.room.join_code, "Ana")
    ana.find_element(By.ID, "note-text").send_keys("   ")
    ana.find_element(By.CSS_SELECTOR, "form[action='/notes'] button").click()
    _wait(ana, 20).until(lambda d: "A note cannot be empty" in d.page_source)
    room_thread.call(lambda: session.notes.add("Said while Ana reads the message"))
    _wait(ana, 20).until(lambda d: "Said while Ana reads the message" in _live_text(d))
    alerts = [e.text for e in ana.find_elements(By.CSS_SELECTOR, "[role=alert]")]
    assert any("A note cannot be empty" in a for a in alerts), alerts
    assert ana.find_element(By.ID, "note-text").get_attribute("value") == "   "


def test_closing_the_room_says_so_on_every_phone_once_the_server_has_stopped(
    room_thread: ServerThread, browsers: Callable[[], Any]
) -> None:
    """Closing the room stops its server: the phones' pages say the room is closed (they reloaded into a server
    that was gone and showed the browser's "This site can't be reached")."""
    server = room_thread.server
    ana, ben = browsers(), browsers()
    _join(ana, server.url, server.room.join_code, "Ana")
    _join(ben, server.url, server.room.join_code, "Ben")
    for phone in (ana, ben):
        phone.execute_script("window.sameDocument = true")  # gone if the page were loaded again
    asyncio.run_coroutine_threadsafe(server.stop(), room_thread.loop).result(30)
    for phone in (ana, ben):
        _wait(phone, 20).until(lambda d: "The room is closed" in d.find_element(By.TAG_NAME, "main").text)
        # said in place: a reload would race the server's stop (here it may win; in the app it lost)
        assert phone.execute_script("return window.sameDocument === true"), "the page was loaded again"
        assert not phone.find_elements(By.CSS_SELECTOR, "form"), "nothing left to send to a server that is gone"
        assert "reached" not in phone.find_element(By.TAG_NAME, "body").text


def test_a_new_name_let_in_gets_the_whole_participant_page_with_its_name_and_leave(
    room_thread: ServerThread, browsers: Callable[[], Any]
) -> None:
    """A phone waiting under a new name moves on by itself once let in, to the page a participant has: its name
    and "Leave" at the top, no "Cancel my request" left over from the waiting page (only the live part changed,
    so the waiting page's title and button stayed, and "Cancel my request" then signed the participant out)."""
    server = room_thread.server
    zoe = browsers()
    zoe.get(server.url)
    zoe.find_element(By.ID, "code").send_keys(server.room.join_code)
    zoe.find_element(By.NAME, "new_name").send_keys("Zoë 🎉")
    zoe.find_element(By.CSS_SELECTOR, "form[action='/join'] button[type=submit]").click()
    _wait(zoe, 20).until(lambda d: "Waiting for the facilitator" in d.page_source)
    (waiting,) = room_thread.call(lambda: server.room.devices.pending())
    room_thread.call(lambda: server.room.approve(waiting.id))
    _wait(zoe, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "header .me"))
    assert zoe.find_element(By.CSS_SELECTOR, "header .me").text == "Zoë 🎉"
    assert "Cancel my request" not in zoe.find_element(By.TAG_NAME, "body").text
    assert not zoe.title.startswith("Waiting")
    assert zoe.find_elements(By.ID, "note-text")


def test_the_top_of_a_phone_s_page_follows_a_rename_and_a_new_title(
    room_thread: ServerThread, browsers: Callable[[], Any]
) -> None:
    """The name at the top of a participant's page ("Ana  Leave") and the workshop's title follow the facilitator's
    changes live, as the rest of the page does: a participant renamed (a typo fixed) kept the old name at the top
    until they reloaded."""
    server, session = room_thread.server, room_thread.session
    ana = browsers()
    _join(ana, server.url, server.room.join_code, "Ana")
    ana.execute_script("window.sameDocument = true")
    room_thread.call(lambda: session.participants.rename(1, "Ana María"))
    _wait(ana, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "header .me").text == "Ana María")
    room_thread.call(lambda: session.agenda.update_details(title="Offsite, day 2"))
    _wait(ana, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "header .workshop").text == "Offsite, day 2")
    assert ana.title == "Offsite, day 2"
    assert ana.execute_script("return window.sameDocument === true"), "followed live, without a reload"
