"""The room under load: 40 simulated phones on 127.0.0.1 while the facilitator types, then 40 idle live pages.

Run: ``python benchmarks/room_bench.py`` (about a minute). The real app runs headless (Pilot) with the room open on
127.0.0.1; the phones are HTTP clients in their own process (as phones are), so only the app's own work counts
against it. Figures:

- request to durable: from a phone sending a note or a dot to its 2xx answer, which the room sends only after
  the session's commit is on disk (so this bounds request-to-durable from above);
- note on the facilitator's screen: from the phone sending the note to the first frame drawn after the stage
  screen's note list holds it;
- the facilitator's own Enter-to-durable and Enter-to-frame while the room is busy (as ``ui_bench`` measures them);
- idle live pages: the app's CPU time with 40 phones holding a live connection open, minus the same app idle
  with none (the phones run in another process, so only the server's cost is counted). Windows with and without
  the pages come in turn (alone, pages, alone, pages, alone: ``IDLE_ROUNDS``), each with its wake-ups counted
  (``benchmarks.loop_probe.WakeWatch``): on this kind of virtual machine an idle process's CPU is its wake-ups
  times a cost the host sets, which moves over minutes, so a row lists every window and the pages' cost is taken
  against the lower alone window beside each (never understated);
- the live pages while busy: every phone holds its live page open while it writes and votes, and the row counts
  what the app queued for them (bytes, patches, whole pages) and the CPU of its rounds, cut into slices that
  yield to the loop (the longest slice is the longest the pages held the loop); ``ROOM_BENCH_LIVE=0``: no live
  pages while busy, as in runs before 30 November 02:30 UTC.

Every step has a bounded time (``STEP_SECONDS``) and so has the whole run (``ROOM_BENCH_SECONDS``, default 600):
a step that does not finish stops the run with a message naming it (``Stuck``), never a silent hang.

Only 127.0.0.1 is ever contacted. The note rate limit is raised for the run (40 phones × 10 notes in seconds is
faster than any room types); every other limit is the room's default.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.widgets import Input

from benchmarks.loop_probe import LoopProbe, WakeWatch, report
from benchmarks.ui_bench import KeyClock
from benchmarks.workload import spread_ms, summary_ms
from facilitation.models import Note
from screens.app import make_app
from screens.room import attach
from screens.stage import StageScreen
from workshop.session import Change, WorkshopLibrary, WorkshopSession
from workshop.store import Store

Row = tuple[str, str, str, bool | None]
DEVICES = 40
NOTES_EACH = 10
DOTS_EACH = 3
FACILITATOR_NOTES = 40
IDLE_SECONDS = float(os.environ.get("ROOM_IDLE_SECONDS", "15"))
BUSY_LIVE = os.environ.get("ROOM_BENCH_LIVE", "1") != "0"
PROBE = os.environ.get("ROOM_BENCH_PROBE", "0") == "1"
"""Whether to time the loop's callbacks while busy (``benchmarks.loop_probe``) and print what the phones' requests
and the facilitator's Enter waited behind (extra rows, no target)."""
"""Whether the phones hold their live pages open while they write and vote (as real phones do; ``0`` measures
the requests alone, as runs before the live pages sent only what changed did)."""
STEP_SECONDS = 120.0
"""The longest one step (joining, writing, voting, one facilitator note, opening the idle pages) may take."""
TOTAL_SECONDS = float(os.environ.get("ROOM_BENCH_SECONDS", "600"))
"""The longest the whole run may take (about a minute on a quiet machine)."""
SIZE = (120, 36)


def _seed(root: Path) -> tuple[Store, str]:
    store = Store(root)
    session = WorkshopSession.create(
        store, "Room benchmark", participants=[f"Person {i:02d}" for i in range(1, 2 * DEVICES + 1)]
    )
    session.agenda.go_to(2)
    workshop_id = session.workshop.id
    session.close()
    return store, workshop_id


PHONES_SCRIPT = """
import asyncio, json, random, sys, time
from benchmarks.room_devices import LiveReader, SimDevice

async def phone(url, code, pid, index, notes, acks, rng):
    device = SimDevice(url)
    answer = await device.join(code, pid)
    assert answer.status_code == 303, answer.text
    return device

async def write(device, index, notes, acks, rng):
    for n in range(NOTES_EACH):
        await asyncio.sleep(rng.uniform(0.05, 0.4))  # people type at different speeds
        text = f"Phone {index} idea {n}: customers answer each other first"
        started = time.monotonic()
        answer = await device.note(text)
        acks.append(time.monotonic() - started)
        assert answer.status_code == 303, answer.text
        notes[text] = started

async def vote(device, ballot_id, note_ids, acks, rng):
    for note_id in rng.sample(note_ids, DOTS_EACH):
        started = time.monotonic()
        answer = await device.dot(ballot_id, note_id)
        acks.append(time.monotonic() - started)
        assert answer.status_code == 303, answer.text
    await device.done(ballot_id)

async def main(url, code, ids):
    rng = random.Random(11)
    devices = [await phone(url, code, pid, i, None, None, rng) for i, pid in enumerate(ids)]
    # every phone holds its live page open while it writes and votes (ROOM_BENCH_LIVE=0: none do)
    readers = [LiveReader(d) for d in devices] if LIVE else []
    for r in readers:
        r.start()
    await asyncio.wait_for(asyncio.gather(*(r.connected.wait() for r in readers)), 60)
    print("joined", flush=True)
    sys.stdin.readline()
    notes, acks = {}, []
    await asyncio.gather(*(write(d, i, notes, acks, rng) for i, d in enumerate(devices)))
    print(json.dumps({"notes": notes, "acks": acks}), flush=True)
    ballot_id, note_ids = sys.stdin.readline().split()
    dot_acks = []
    note_ids = [int(n) for n in note_ids.split(",")]
    await asyncio.gather(*(vote(d, int(ballot_id), note_ids, dot_acks, rng) for d in devices))
    received = sum(len(r.events) for r in readers)
    for r in readers:
        await r.stop()
    print(json.dumps({"dot_acks": dot_acks, "events": received}), flush=True)
    for d in devices:
        await d.http.aclose()

NOTES_EACH, DOTS_EACH, LIVE = int(sys.argv[3]), int(sys.argv[4]), sys.argv[6] == "1"
asyncio.run(main(sys.argv[1], sys.argv[2], [int(i) for i in sys.argv[5].split(",")]))
"""


def _phones(url: str, code: str, ids: list[int]) -> subprocess.Popen[str]:
    """The simulated phones, in their own process (as phones are): only the server's work counts in the app."""
    root = str(Path(__file__).resolve().parent.parent)
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            PHONES_SCRIPT,
            url,
            code,
            str(NOTES_EACH),
            str(DOTS_EACH),
            ",".join(map(str, ids)),
            "1" if BUSY_LIVE else "0",
        ],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": root},
    )


class Stuck(Exception):
    """A step of the benchmark did not finish in its time: the message says which, instead of hanging."""


async def _line(process: subprocess.Popen[str], what: str, seconds: float) -> str:
    """The next line the phones' process prints, within ``seconds``; ``Stuck`` (and the process killed) when it
    does not come, or when the process ended without it (its error is printed above)."""
    assert process.stdout is not None
    reading = asyncio.get_running_loop().run_in_executor(None, process.stdout.readline)
    try:
        line = await asyncio.wait_for(asyncio.shield(reading), seconds)
    except TimeoutError:
        process.kill()  # the reading thread returns once the pipe closes
        await reading
        raise Stuck(f"the phones did not finish {what} within {seconds:.0f} s") from None
    if not line:
        process.wait()
        raise Stuck(f"the phones' process ended (exit {process.returncode}) before {what}; see its error above")
    return line


async def _ended(process: subprocess.Popen[str], what: str, seconds: float) -> None:
    """Wait (off the loop) for a phones' process to end; kill it after ``seconds``."""
    try:
        await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(None, process.wait), seconds)
    except TimeoutError:
        process.kill()
        raise Stuck(f"the phones' process did not end after {what} within {seconds:.0f} s") from None


async def _facilitator_types(
    app: Any, screen: StageScreen, work: list[float], clock: KeyClock, windows: list[tuple[float, float]]
) -> None:
    """The facilitator types ``FACILITATOR_NOTES`` notes: Enter to durable with the stage's list showing the note
    (its ``Change`` is published only once durable, and the list takes it), then to the frame drawn after that."""
    field = screen.query_one("#note-input", Input)
    notes = screen.notes
    follow = notes.follow

    def timed_follow(change: Change, *args: Any, **options: Any) -> None:
        follow(change, *args, **options)
        typed = [n for n in change.records_of(Note) if n.text.startswith("Facilitator note ")]
        if change.kind == "note.added" and typed and notes.has_note(typed[0].id):
            now = time.perf_counter()
            work.append(now - clock.starts[-1])
            windows.append((clock.starts[-1], now))
            clock.shown()

    notes.follow = timed_follow  # type: ignore[method-assign]
    for i in range(FACILITATOR_NOTES):
        field.value = f"Facilitator note {i}: what the room said out loud"
        field.focus()
        await asyncio.sleep(0.05)
        clock.press_enter()
        waited = 0
        while len(clock.frames) <= i:
            await asyncio.sleep(0.001)
            waited += 1
            if waited > STEP_SECONDS * 1000:  # counted sleeps: at least this long, however busy the machine
                raise Stuck(f"the facilitator's note {i} was not durable and on screen after {STEP_SECONDS:.0f} s")


def _idle_phones(url: str, code: str, first_id: int, seconds: float) -> subprocess.Popen[str]:
    script = (
        "import asyncio, sys\n"
        "from benchmarks.room_devices import SimDevice, LiveReader\n"
        "async def main(url, code, first, n, seconds):\n"
        "    phones = [SimDevice(url) for _ in range(n)]\n"
        "    for i, p in enumerate(phones):\n"
        "        assert (await p.join(code, first + i)).status_code == 303\n"
        "    readers = [LiveReader(p) for p in phones]\n"
        "    for r in readers: r.start()\n"
        "    await asyncio.wait_for(asyncio.gather(*(r.connected.wait() for r in readers)), 60)\n"
        "    print('connected', flush=True)\n"
        "    await asyncio.sleep(seconds)\n"
        "    for r in readers: await r.stop()\n"
        "asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])))\n"
    )
    root = str(Path(__file__).resolve().parent.parent)
    return subprocess.Popen(
        [sys.executable, "-c", script, url, code, str(first_id), str(DEVICES), str(seconds)],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": root},
    )


def _time_syncs(session: WorkshopSession) -> list[tuple[float, float]]:
    """Record when each of the group commit's ``fdatasync`` rounds starts and ends (``perf_counter`` seconds),
    by wrapping the sync thread's call (a benchmark's probe: the thread calls it with nothing else changed)."""
    rounds: list[tuple[float, float]] = []
    thread = session.group.sync_thread
    sync = thread._sync

    def timed() -> bool:
        started = time.perf_counter()
        try:
            return sync()
        finally:
            rounds.append((started, time.perf_counter()))

    thread._sync = timed
    return rounds


def _time_key_steps(session: WorkshopSession, clock: KeyClock, steps: list[dict[str, float]]) -> None:
    """Record, for each facilitator's note, when its key handler called ``group.soon``, when that returned and
    whether the note was published inside it, and when its ``Change`` was published (``perf_counter`` seconds)."""
    group = session.group
    soon = group.soon

    def timed_soon(call: Any, **options: Any) -> Any:
        step = {"enter": clock.starts[-1] if clock.starts else 0.0, "soon": time.perf_counter()}
        steps.append(step)
        try:
            return soon(call, **options)
        finally:
            step["returned"] = time.perf_counter()

    def published(change: Change) -> None:
        typed = [n for n in change.records_of(Note) if n.text.startswith("Facilitator note ")]
        if change.kind == "note.added" and typed and steps and "published" not in steps[-1]:
            steps[-1]["published"] = time.perf_counter()

    group.soon = timed_soon  # type: ignore[method-assign]
    session.subscribe(published)


def _key_steps(steps: list[dict[str, float]], windows: list[tuple[float, float]]) -> str:
    """Where the facilitator's Enter waited (p95s, ms): to its handler, in it, from it to the publish, from the
    publish to the list showing the note; and how many were published inside the handler."""
    shown = {start: end for start, end in windows}
    parts: dict[str, list[float]] = {"to the handler": [], "in it": [], "to the publish": [], "to the list": []}
    inline = 0
    for step in steps:
        if "published" not in step or step["enter"] not in shown:
            continue
        parts["to the handler"].append(step["soon"] - step["enter"])
        parts["in it"].append(step["returned"] - step["soon"])
        parts["to the publish"].append(max(0.0, step["published"] - step["returned"]))
        parts["to the list"].append(shown[step["enter"]] - step["published"])
        inline += step["published"] <= step["returned"]
    return ", ".join(f"{name} {summary_ms(v)[1]:.1f}" for name, v in parts.items() if v) + (
        f"; published inside the handler {inline} of {len(parts['in it'])}"
    )


async def _loop_lag(lags: list[float], period: float = 0.005) -> None:
    """How late the loop wakes a task that sleeps ``period`` seconds: what anything ready waits at most."""
    loop = asyncio.get_running_loop()
    while True:
        asked = loop.time()
        await asyncio.sleep(period)
        lags.append(loop.time() - asked - period)


def _breakdown(
    commits: list[tuple[float | None, float, float]], rounds: list[tuple[float, float]], lags: list[float]
) -> tuple[dict[str, list[float]], list[tuple[float, float]]]:
    """Where a device's change waited, in seconds: from its request's arrival to its session call (reading the
    request's body), from that call to the start of the ``fdatasync`` round that covered it, the ``fdatasync``
    itself, from that round's end to the request hearing it durable; and the loop's lag over the busy phase; and
    the (round end, heard) windows."""
    starts = [start for start, _ in rounds]
    parts: dict[str, list[float]] = {
        "to the call": [],
        "to the round": [],
        "fdatasync": [],
        "round end to 2xx": [],
        "lag": lags,
    }
    waits: list[tuple[float, float]] = []
    for arrived, made, heard in commits:
        index = bisect.bisect_left(starts, made)  # the first round started after the change was made covers it
        if index >= len(rounds) or rounds[index][1] > heard:
            continue  # (not seen: a change is heard only after the round that covers it has ended)
        start, end = rounds[index]
        if arrived is not None:
            parts["to the call"].append(made - arrived)
        parts["to the round"].append(start - made)
        parts["fdatasync"].append(end - start)
        parts["round end to 2xx"].append(heard - end)
        waits.append((end, heard))
    return parts, waits


IDLE_ROUNDS = int(os.environ.get("ROOM_IDLE_ROUNDS", "2"))
"""How many windows with the idle live pages open; each lies between two windows of the app alone."""
SETTLE_SECONDS = 2.0
"""The pause before each idle window (pages joined or gone, the room's rounds over)."""


class IdleWindow:
    """One window of the idle phase: whether the 40 pages were open, how many live connections the hub held, and
    what the app's process did (``benchmarks.loop_probe.WakeWatch``: CPU, loop and thread wake-ups)."""

    def __init__(self, pages: bool, connections: int, watch: WakeWatch) -> None:
        self.pages = pages
        self.connections = connections
        self.watch = watch

    @property
    def percent(self) -> float:
        return self.watch.percent

    def __str__(self) -> str:
        w = self.watch
        threads = sum(w.thread_wakes.values())
        return (
            f"{'pages' if self.pages else 'alone'} {w.percent:.2f} % ({w.loop_wakes} loop + {threads} thread "
            "wake-ups)"
        )


async def _idle_windows(server: Any, code: str, first_id: int) -> list[IdleWindow]:
    """Windows of ``IDLE_SECONDS`` in turn: the app alone, with ``DEVICES`` idle live pages, alone, … (``IDLE_ROUNDS``
    with pages, each between two alone), so that a moving cost of the host shows as a difference between the
    alone windows instead of hiding in the pages' figure. Each window counts its wake-ups (``WakeWatch``); its own
    sleep's end is one of its loop wake-ups. The phones are a process of their own, joined anew for each window and
    signed out after it."""
    windows: list[IdleWindow] = []

    async def window(pages: bool) -> None:
        await asyncio.sleep(SETTLE_SECONDS)
        connections = len(server.web.hub)
        with WakeWatch() as watch:
            await asyncio.sleep(IDLE_SECONDS)
        windows.append(IdleWindow(pages, connections, watch))

    for phone_device in list(server.room.devices.joined()):
        server.room.leave(phone_device)
    await window(False)
    for _ in range(IDLE_ROUNDS):
        idle = _idle_phones(server.url, code, first_id, STEP_SECONDS)
        line = await _line(idle, "opening 40 idle live pages", STEP_SECONDS)
        assert line.strip() == "connected", line
        await window(True)
        idle.terminate()
        await _ended(idle, "the idle phase", 10)
        for phone_device in list(server.room.devices.joined()):
            server.room.leave(phone_device)
        await window(False)
    return windows


def idle_cost(windows: list[IdleWindow]) -> tuple[float, float]:
    """The pages' cost in % of one core, never understated: for each window with pages, its CPU minus the lower of
    the two alone windows around it; the largest of those. And the app alone: the lowest alone window."""
    costs = []
    for i, w in enumerate(windows):
        if w.pages:
            around = [windows[j].percent for j in (i - 1, i + 1) if 0 <= j < len(windows) and not windows[j].pages]
            costs.append(w.percent - min(around))
    alone = min(w.percent for w in windows if not w.pages)
    return max(costs), alone



async def busy_room(store: Store, workshop_id: str) -> dict[str, Any]:
    from room.security import RoomLimits
    from room.server import RoomServer

    results: dict[str, Any] = {}
    app = make_app(WorkshopLibrary(store), workshop_id)
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, StageScreen):
            await pilot.pause()
        screen = app.screen
        session = app.session
        assert session is not None
        server = RoomServer(session, "127.0.0.1", 0, limits=RoomLimits(notes_per_window=1000))
        await server.start()
        attach(app, server)
        server.web.timings = []
        server.room.commit_times = []
        code = server.room.join_code
        syncs = _time_syncs(session)
        lag = asyncio.create_task(_loop_lag(lags := []))

        shown: dict[str, float] = {}
        notes = screen.notes
        append_note = notes.append_note

        def watched_append(note: Any, workshop: Any, **kw: Any) -> None:
            append_note(note, workshop, **kw)
            if note.text.startswith("Phone "):
                app.call_after_refresh(lambda: shown.setdefault(note.text, time.monotonic()))

        notes.append_note = watched_append  # type: ignore[method-assign]

        work: list[float] = []
        clock = KeyClock(app)
        ids = [p.id for p in session.workshop.active_participants()]
        phones = _phones(server.url, code, ids[:DEVICES])
        assert phones.stdin is not None and phones.stdout is not None
        line = await _line(phones, "joining and opening their live pages", STEP_SECONDS)
        assert line.strip() == "joined", line
        probe = LoopProbe()
        key_steps: list[dict[str, float]] = []
        if PROBE:
            probe.install()
            _time_key_steps(session, clock, key_steps)
        enter_windows: list[tuple[float, float]] = []
        cpu_before = time.process_time()
        phones.stdin.write("go\n")
        phones.stdin.flush()
        typing = asyncio.create_task(_facilitator_types(app, screen, work, clock, enter_windows))
        written = json.loads(await _line(phones, "writing their notes", STEP_SECONDS))
        await asyncio.wait_for(typing, STEP_SECONDS)
        for _ in range(200):
            if len(shown) >= len(written["notes"]):
                break
            await pilot.pause(0.02)
        results["device_notes_missing_on_screen"] = len(set(written["notes"]) - set(shown))
        results["seen"] = [shown[t] - sent for t, sent in written["notes"].items() if t in shown]
        stage_id = session.workshop.current_stage_id
        device_notes = [n for n in session.workshop.stage_notes(stage_id) if n.text.startswith("Phone ")]
        results["device_notes_stored"] = len(device_notes)
        ballot = session.votes.open(stage_id, note_ids=[n.id for n in device_notes], budget=DOTS_EACH, cap=2)
        phones.stdin.write(f"{ballot.id} {','.join(map(str, ballot.note_ids))}\n")
        phones.stdin.flush()
        voted = json.loads(await _line(phones, "voting", STEP_SECONDS))
        results["busy_cpu"] = time.process_time() - cpu_before
        probe.uninstall()
        await _ended(phones, "voting", 30)
        results["dots_stored"] = len(session.workshop.ballot_votes(ballot.id))
        hub = server.web.hub
        results["live"] = {
            "rounds": hub.rounds,
            "drawn": hub.drawn,
            "pages": hub.pages,
            "patches": hub.patches,
            "bytes": hub.queued_bytes,
            "cpu": hub.cpu,
            "slices": hub.slices,
            "longest": hub.longest_slice,
            "received": voted["events"],
        }
        results["server"] = list(server.web.timings)
        lag.cancel()
        results["breakdown"], request_windows = _breakdown(server.room.commit_times or [], syncs, lags)
        if PROBE:
            results["probe"] = {
                "key steps": _key_steps(key_steps, enter_windows),
                "requests": report(probe, request_windows),
                "enter": report(probe, enter_windows),
                "longest": ", ".join(f"{name} {s * 1000:.1f}" for s, name in probe.longest(8)),
                "callbacks": len(probe.spans),
            }
        results |= {
            "acks": written["acks"],
            "dot_acks": voted["dot_acks"],
            "work": work,
            "frames": clock.frames,
        }

        # idle live pages: windows of the app alone and with 40 phones holding a live connection open, in turn
        results["idle"] = await _idle_windows(server, code, ids[DEVICES])
        results["live_connections"] = max((w.connections for w in results["idle"]), default=0)
        await server.stop()
        app.room = None
        app.close_session()
    return results


async def _bounded(store: Store, workshop_id: str) -> dict[str, Any]:
    try:
        async with asyncio.timeout(TOTAL_SECONDS):
            return await busy_room(store, workshop_id)
    except TimeoutError:
        raise Stuck(
            f"room_bench did not finish within {TOTAL_SECONDS:.0f} s (ROOM_BENCH_SECONDS); a machine this busy "
            "cannot give its figures"
        ) from None


def run() -> list[Row]:
    """The room's rows. Raises ``Stuck`` with the step that did not finish (each has ``STEP_SECONDS``, the whole
    run ``TOTAL_SECONDS``) rather than waiting for ever."""
    with tempfile.TemporaryDirectory() as tmp:
        store, workshop_id = _seed(Path(tmp))
        r = asyncio.run(_bounded(store, workshop_id))
    rows: list[Row] = []
    total = DEVICES * NOTES_EACH
    rows.append(
        (
            f"room: {DEVICES} phones x {NOTES_EACH} notes, all stored and on screen",
            f"{r['device_notes_stored']} stored, {total - r['device_notes_missing_on_screen']} shown",
            f"{total} and {total}",
            r["device_notes_stored"] == total and r["device_notes_missing_on_screen"] == 0,
        )
    )
    median, p95 = summary_ms(r["server"])
    rows.append(
        (
            "room: request to durable 2xx, in the server (notes, dots)",
            spread_ms(r["server"], 1),
            "p95 < 20 ms",
            p95 < 20,
        )
    )
    parts = r["breakdown"]
    if all(parts.values()):
        rows.append(
            (
                "room: where a device's change waits (p95s, ms)",
                ", ".join(f"{name} {summary_ms(values)[1]:.1f}" for name, values in parts.items())
                + f" (loop lag max {max(parts['lag']) * 1000:.1f})",
                "(to the call + to the round + fdatasync + round end to 2xx: the wait in the server; lag: the "
                "loop's)",
                None,
            )
        )
    if "probe" in r:
        probe = r["probe"]
        rows.append(("room probe: facilitator's Enter, p95s (ms)", probe["key steps"], "(where the key waits)", None))
        for label, key in (("round end to 2xx", "requests"), ("facilitator's Enter to list", "enter")):
            rows.append((f"room probe: {label}", probe[key], "(what the loop ran meanwhile)", None))
        rows.append(
            (
                "room probe: loop callbacks taking the most CPU (ms)",
                f"{probe['longest']} ({probe['callbacks']} callbacks)",
                "(while busy)",
                None,
            )
        )
    median, p95 = summary_ms(r["acks"] + r["dot_acks"])
    rows.append(
        (
            "room: the same as the phone sees it (with its wait)",
            f"median {median:.1f} ms, p95 {p95:.1f} ms",
            "(no target)",
            None,
        )
    )
    median, p95 = summary_ms(r["seen"])
    rows.append(
        (
            "room: phone's note on the facilitator's screen",
            spread_ms(r["seen"], 1),
            "p95 < 250 ms",
            p95 < 250,
        )
    )
    median, p95 = summary_ms(r["work"])
    rows.append(
        (
            "room busy: facilitator's Enter to durable + list",
            spread_ms(r["work"]),
            "p95 < 8 ms",
            p95 < 8,
        )
    )
    median, p95 = summary_ms(r["frames"])
    rows.append(
        (
            "room busy: facilitator's Enter to frame",
            f"median {median:.1f} ms, p95 {p95:.1f} ms",
            "(ui_bench: p95 <= 1.5 x bare)",
            None,
        )
    )
    cost, alone = idle_cost(r["idle"])
    pages_windows = [w for w in r["idle"] if w.pages]
    rows.append(
        (
            f"room: {r['live_connections']} idle live pages, CPU of one core",
            f"{cost:.2f} % (app alone {alone:.2f} %)",
            "< 3 %",
            cost < 3 and all(w.connections == DEVICES for w in pages_windows),
        )
    )
    rows.append(
        (
            f"  the same, each {IDLE_SECONDS:.0f} s window in turn (the app's CPU and its wake-ups)",
            ", ".join(map(str, r["idle"])),
            "(a window's own end is one loop wake-up)",
            None,
        )
    )
    rows.append(
        (
            "  the same, what woke the app in the windows with pages",
            "; ".join(w.watch.summary() for w in pages_windows),
            "(reported)",
            None,
        )
    )
    requests = len(r["server"])
    rows.append(
        (
            "room busy: the app's CPU per phone request (all its work: server, session, screen, typing)",
            f"{r['busy_cpu'] * 1000 / max(requests, 1):.2f} ms ({r['busy_cpu']:.2f} s for {requests} requests)",
            "(lower is better; CPU time, not wall time)",
            None,
        )
    )
    live = r["live"]
    rounds = max(live["rounds"], 1)
    rows.append(
        (
            f"room busy: live pages of {DEVICES} phones, sent per round of changes",
            f"{live['bytes'] / rounds / 1024:.1f} KB in all ({live['patches']} patches, {live['pages']} whole pages, "
            f"{live['drawn']} drawn, {live['rounds']} rounds, {live['cpu'] * 1000 / rounds:.1f} ms CPU per round "
            f"in {live['slices']} slices, the longest {live['longest'] * 1000:.1f} ms; "
            f"phones got {live['received']} events)",
            "(only what changed: fewer bytes are cheaper)",
            None,
        )
    )
    rows.append(
        (
            f"room: dots stored ({DEVICES} phones x {DOTS_EACH})",
            str(r["dots_stored"]),
            str(DEVICES * DOTS_EACH),
            r["dots_stored"] == DEVICES * DOTS_EACH,
        )
    )
    return rows


if __name__ == "__main__":
    from benchmarks.session_bench import print_rows

    try:
        print_rows(run())
    except Stuck as stuck:
        sys.exit(f"room_bench: {stuck}")
