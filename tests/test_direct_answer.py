"""A phone's answer is written as soon as its change is durable, in the callback that publishes it, never before.

``workshop.session.direct``: a coroutine run by ``drive`` resumes on the stack that settles the ``Prompt`` it awaits;
the group commit settles a request's prompt in the callback that publishes its round, and the room drives every
form post, so the 2xx goes out there, with no turn of a (possibly busy) loop in between (issue #11: 27.5 ms p95
from a round's end to the 2xx in the 06:30 run). The disk is a gate (``tests.test_group_commit.Disk``): the tests
decide when the ``fdatasync`` returns, with no sleep or wall-clock figure.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from benchmarks.room_devices import LiveReader, SimDevice
from room.server import RoomServer
from room.web import DEVICE_COOKIE
from tests.room_helpers import CODE, ORIGIN, make_room
from tests.test_group_commit import Disk
from workshop.session import WorkshopSession
from workshop.session.direct import Prompt, drive
from workshop.store import Store


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Disk]:
    gate = Disk()
    monkeypatch.setattr(os, "fdatasync", gate)
    yield gate
    gate.open()


@pytest.fixture
def on_stage(session: WorkshopSession) -> WorkshopSession:
    session.agenda.go_to(2)
    return session


# --- drive and Prompt ------------------------------------------------------------------------------------


async def test_a_driven_coroutine_resumes_on_the_stack_that_settles_its_prompt() -> None:
    loop = asyncio.get_running_loop()
    prompt: Prompt[str] = Prompt(loop=loop)
    seen: list[str] = []

    async def request() -> str:
        seen.append("asked")
        answer = await prompt
        seen.append(f"resumed with {answer}")
        return answer.upper()

    finished = drive(request())
    assert seen == ["asked"]  # the first step ran before drive returned
    prompt.set_result("saved")
    assert seen == ["asked", "resumed with saved"]  # before set_result returned: no turn of the loop
    assert await finished == "SAVED"


async def test_a_driven_coroutine_awaits_other_futures_and_sleeps_as_a_task_does() -> None:
    loop = asyncio.get_running_loop()
    plain: asyncio.Future[int] = loop.create_future()

    async def request() -> int:
        await asyncio.sleep(0)
        value = await plain
        await asyncio.sleep(0)
        return value + 1

    finished = drive(request())
    loop.call_soon(plain.set_result, 41)
    assert await finished == 42


async def test_a_driven_coroutines_error_is_its_futures_and_a_refusal_reaches_it() -> None:
    loop = asyncio.get_running_loop()
    prompt: Prompt[str] = Prompt(loop=loop)

    async def request() -> str:
        try:
            return await prompt
        except LookupError as error:
            raise ValueError(f"refused: {error}") from None

    finished = drive(request())
    prompt.set_exception(LookupError("disk full"))
    assert finished.done()
    with pytest.raises(ValueError, match="refused: disk full"):
        finished.result()


async def test_cancelling_a_driven_coroutine_cancels_what_it_awaits() -> None:
    loop = asyncio.get_running_loop()
    prompt: Prompt[str] = Prompt(loop=loop)
    seen: list[str] = []

    async def request() -> None:
        try:
            await prompt
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    finished = drive(request())
    finished.cancel()
    await asyncio.sleep(0)  # the future's done callbacks run on the next turn
    assert seen == ["cancelled"] and prompt.cancelled() and finished.cancelled()


async def test_a_prompt_awaited_by_a_plain_task_is_an_ordinary_future() -> None:
    loop = asyncio.get_running_loop()
    prompt: Prompt[str] = Prompt(loop=loop)
    task = asyncio.create_task(asyncio.wait_for(prompt, 30))
    await asyncio.sleep(0)
    prompt.set_result("fine")
    assert not task.done()  # a task resumes on a later turn
    assert await task == "fine"


# --- the group commit and the room ----------------------------------------------------------------------


async def test_a_driven_commit_resumes_inside_the_callback_that_publishes_it(
    on_stage: WorkshopSession, disk: Disk
) -> None:
    """What a change's listener queues on the loop runs after the driven caller has resumed (a plain task would
    resume after it): the answer needs no turn of the loop once the change is durable and published."""
    loop = asyncio.get_running_loop()
    order: list[str] = []
    on_stage.subscribe(lambda change: loop.call_soon(order.append, "the loop's next turn"))
    disk.close()

    async def request(text: str) -> None:
        await on_stage.group.commit(lambda: on_stage.notes.add(text))
        order.append(f"answered {text}")

    answered = [drive(request(f"idea {i}")) for i in range(3)]
    await disk.busy()
    assert order == [] and not any(a.done() for a in answered)  # nothing answered before its fdatasync
    disk.open()
    await asyncio.gather(*answered)
    await on_stage.group.flush()
    answers = [i for i, what in enumerate(order) if what.startswith("answered")]
    turns = [i for i, what in enumerate(order) if what == "the loop's next turn"]
    assert len(answers) == len(turns) == 3, order
    assert all(a < t for a, t in zip(answers, turns, strict=True)), (
        order
    )  # each before what its publication queued


def _post(web: Any, path: str, token: str, **form: str) -> tuple[dict[str, Any], Any]:
    """An ASGI scope and ``receive`` for a form post from a joined phone (its cookie, Host and Origin)."""
    body = urlencode(form).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "client": ("10.0.0.7", 50000),
        "server": ("127.0.0.1", 8765),
        "headers": [
            (b"host", b"127.0.0.1:8765"),
            (b"origin", ORIGIN.encode()),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
            (b"cookie", f"{DEVICE_COOKIE}={token}".encode()),
        ],
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # no disconnect while the test runs
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return scope, receive


async def test_a_phones_2xx_is_written_once_durable_in_the_publishing_callback_even_with_a_slow_disk(
    on_stage: WorkshopSession, store: Store, disk: Disk
) -> None:
    """A note posted while the disk is slow gets no answer until its fdatasync returns; then its 303 is written in
    the callback that publishes the note, before anything that callback queued on the loop."""
    room, web, _ = make_room(on_stage)
    joined = room.join(CODE, 1, "10.0.0.7")
    loop = asyncio.get_running_loop()
    order: list[object] = []
    on_stage.subscribe(lambda change: loop.call_soon(order.append, "the loop's next turn"))

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            order.append(message["status"])
            headers = dict(message["headers"])
            order.append(headers.get(b"location", b"").decode())

    disk.close()
    scope, receive = _post(web, "/notes", joined.token, csrf=joined.device.csrf, text="Ask the customers")
    answering = asyncio.create_task(web.app(scope, receive, send))
    await disk.busy()
    assert order == [] and not answering.done(), "answered before its fdatasync returned"
    assert [n.text for n in on_stage.workshop.notes.values()] == [
        "Ask the customers"
    ]  # held, not yet durable
    disk.open()
    await answering
    assert order[:3] == [303, "/?saved=note", "the loop's next turn"], order
    with WorkshopSession.open(store, on_stage.workshop.id, mode="read") as reader:
        assert [n.text for n in reader.workshop.notes.values()] == ["Ask the customers"]


async def test_over_a_real_server_every_change_reaches_every_phone_and_each_answer_follows_its_fdatasync(
    on_stage: WorkshopSession, store: Store, disk: Disk
) -> None:
    """Three phones on a real server with their live pages open: notes posted while the disk is held are not
    answered until it returns; then each is answered 303, durable, and every phone's live page shows all."""
    server = RoomServer(on_stage, "127.0.0.1", 0)
    await server.start()
    phones = [SimDevice(server.url) for _ in range(3)]
    readers: list[LiveReader] = []
    try:
        for i, phone in enumerate(phones):
            assert (await phone.join(server.room.join_code, i + 1)).status_code == 303
            readers.append(LiveReader(phone))
            readers[-1].start()
        for reader in readers:
            await reader.wait_for("Add a note")
        disk.close()
        posts = [asyncio.create_task(phone.note(f"Idea {i} from the room")) for i, phone in enumerate(phones)]
        await disk.busy()
        assert not any(p.done() for p in posts), "answered before its fdatasync returned"
        disk.open()
        answers = await asyncio.gather(*posts)
        assert [a.status_code for a in answers] == [303, 303, 303]
        with WorkshopSession.open(store, on_stage.workshop.id, mode="read") as stored:
            assert sorted(n.text for n in stored.workshop.notes.values()) == [
                f"Idea {i} from the room" for i in range(3)
            ]
        for reader in readers:
            for i in range(3):
                await reader.wait_for(f"Idea {i} from the room")
    finally:
        for reader in readers:
            await reader.stop()
        for phone in phones:
            await phone.http.aclose()
        await server.stop()


def test_the_sync_thread_shortens_the_interpreters_switch_interval(session: WorkshopSession) -> None:
    """The sync thread gives up the GIL in every write and fdatasync; at Python's 5 ms switch interval it waited up
    to that long each time to get it back from a busy loop (SyncThread.SWITCH_INTERVAL), so starting it shortens
    the interval, and never lengthens one already shorter."""
    import sys

    from workshop.session.group import SyncThread

    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        session.warm()
        assert session.group.sync_thread.running
        assert sys.getswitchinterval() == pytest.approx(SyncThread.SWITCH_INTERVAL)
        session.group.close()
        sys.setswitchinterval(SyncThread.SWITCH_INTERVAL / 2)
        other = SyncThread(lambda: False)
        other.start()
        other.stop()
        assert sys.getswitchinterval() == pytest.approx(SyncThread.SWITCH_INTERVAL / 2)
    finally:
        sys.setswitchinterval(before)


async def test_a_rounds_end_runs_before_what_the_loop_queued_while_its_fdatasync_ran(
    on_stage: WorkshopSession, disk: Disk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop is busy (a frame being drawn) when the fdatasync returns, and has more queued behind that: the
    round's end, which answers the phones, runs first once the busy callback returns (group._call_first)."""
    import threading

    from workshop.session import group as group_module

    loop = asyncio.get_running_loop()
    handed_over = threading.Event()
    call_first = group_module._call_first

    def watched(*args: Any) -> None:
        call_first(*args)
        handed_over.set()

    monkeypatch.setattr(group_module, "_call_first", watched)
    order: list[str] = []
    disk.close()

    async def request() -> None:
        await on_stage.group.commit(lambda: on_stage.notes.add("from a phone"))
        order.append("answered")

    answered = drive(request())
    await disk.busy()

    def drawing() -> None:  # a long callback, with more queued behind it, while the round ends
        loop.call_soon(order.append, "queued before the round ended")
        disk.open()
        assert handed_over.wait(30), "the sync thread did not hand the round's end over"

    loop.call_soon(drawing)
    await answered
    await asyncio.sleep(0)
    assert order == ["answered", "queued before the round ended"]


async def test_a_rounds_end_on_a_loop_in_debug_mode_still_arrives(on_stage: WorkshopSession) -> None:
    """Where the loop's ready queue is not used (debug mode checks which thread calls), the round's end is
    handed over with call_soon_threadsafe: the phone is answered all the same."""
    loop = asyncio.get_running_loop()
    debug = loop.get_debug()
    loop.set_debug(True)
    try:
        note = await on_stage.group.commit(lambda: on_stage.notes.add("from a phone"))
    finally:
        loop.set_debug(debug)
    assert on_stage.note(note.id).text == "from a phone"


async def test_rounds_ends_handed_over_together_run_in_the_order_the_rounds_ended(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two rounds end while the loop is busy: both ends go before what the loop had queued, and the first round's
    end runs first (a refusal of the first round must be handled before the second's)."""
    import threading

    from workshop.session import group as group_module

    gate, entered, handed = threading.Event(), threading.Semaphore(0), threading.Semaphore(0)
    call_first = group_module._call_first

    def watched(*args: Any) -> None:
        call_first(*args)
        handed.release()

    monkeypatch.setattr(group_module, "_call_first", watched)

    def sync() -> bool:
        entered.release()
        gate.wait()
        return True

    thread = group_module.SyncThread(sync)
    loop = asyncio.get_running_loop()
    order: list[object] = []
    both = asyncio.Event()

    def ended(round_: int) -> Any:
        return lambda error: (order.append(round_), round_ == 2 and both.set())

    try:
        thread.ask_then(ended(1))
        await asyncio.to_thread(entered.acquire)  # round 1 runs
        thread.ask_then(ended(2))  # round 2 is asked meanwhile

        def busy() -> None:
            loop.call_soon(order.append, "queued before")
            gate.set()
            assert handed.acquire(timeout=30) and handed.acquire(timeout=30), "the rounds did not end"

        loop.call_soon(busy)
        async with asyncio.timeout(30):
            await both.wait()
        assert order == [1, 2, "queued before"], order
    finally:
        gate.set()
        thread.stop()
