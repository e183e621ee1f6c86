"""The app as the facilitator feels it: key to durable, key to frame, stage switches, start-up and memory.

Run: ``python benchmarks/ui_bench.py`` (``--startup``: only the start-up rows). Drives the real app headless through Pilot on real workshop files.
Times are taken inside the app, as the issue asks: a timestamp as the Enter key event is posted to the app (as
the terminal driver posts it) and another in ``call_after_refresh`` once the frame showing the note is drawn —
never with ``pilot.pause()``, which costs about 45 ms by itself. The same measurement runs on a bare Textual app
(an ``OptionList`` of 10 options gaining one per Enter) in the same run, as the floor set by frame pacing.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input, OptionList

from benchmarks.workload import build_workshop, fresh_dir, percentile, spread_ms, summary_ms
from screens.app import make_app
from screens.stage import StageScreen
from workshop.session import Change, WorkshopLibrary, WorkshopSession
from workshop.session.listing import summary_of_tables
from workshop.session.preview import preview_of_tables
from workshop.store import Store

Row = tuple[str, str, str, bool | None]
NOTES_ADDED = 120
STARTUP_SIZES = ((300, 120), (2_000, 333), (20_000, 3_333))
"""Workshops started (notes, notes on the stage it opens on): the issue measures 300, 2,000 and 20,000."""
SWITCH_SIZES = (100, 500, 1_000, 3_333)
"""Notes on the stage switched to: a sweep, since the cost grows with the stage (3,333 is a sixth of 20,000)."""
SWITCH_WORKSHOP = 20_000
SWITCH_REPEATS = 20
SIZE = (120, 36)


class KeyClock:
    """Times each Enter from the key event to the frame that shows its result, inside the app.

    ``press_enter`` stamps the time and posts the key to the app, as the terminal driver does; whatever handles
    the submitted text calls ``shown`` once it has made its change, which stamps the next drawn frame.
    (``pilot.press`` would add its own waiting; and Enter is not always an ``action_submit``: the note field
    takes it in ``_on_key``, in key order.)"""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.starts: list[float] = []
        self.frames: list[float] = []

    def press_enter(self) -> None:
        self.starts.append(time.perf_counter())
        self.app.post_message(events.Key("enter", "\r"))

    def shown(self) -> None:
        started = self.starts[-1]
        self.app.call_after_refresh(lambda: self.frames.append(time.perf_counter() - started))


async def _type_notes(clock: KeyClock, field: Input, count: int) -> None:
    for i in range(count):
        field.value = f"Idea {i} from the room: customers answer each other first 🤝"
        field.focus()
        await asyncio.sleep(0.02)  # let the room breathe: keys arrive one by one, not in a burst
        clock.press_enter()
        while len(clock.frames) <= i:
            await asyncio.sleep(0.001)


class BareApp(App[None]):
    """The baseline: what Textual itself costs to show one more line after Enter."""

    def compose(self) -> ComposeResult:
        yield OptionList(*[f"Option {i}" for i in range(10)])
        yield Input()

    clock: KeyClock | None = None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(OptionList).add_option(event.value)
        event.input.clear()
        if self.clock is not None:
            self.clock.shown()


async def bare_add_line() -> list[float]:
    app = BareApp()
    clock = app.clock = KeyClock(app)
    async with app.run_test(size=SIZE):
        await _type_notes(clock, app.query_one(Input), NOTES_ADDED)
    return clock.frames


def _seed(root: Path, name: str, notes: int, current: int) -> tuple[Store, str]:
    """A workshop of ``notes`` notes, ``current`` of them on the stage it is on, written and closed as the
    ``workshop`` command's store does (its library summary and opening preview kept beside it)."""
    store = Store(fresh_dir(root, name), summarise=summary_of_tables, preview=preview_of_tables)
    session = WorkshopSession.import_workshop(store, build_workshop(notes, current_notes=current))
    workshop_id = session.workshop.id
    session.close()
    return store, workshop_id


async def app_add_note(store: Store, workshop_id: str) -> tuple[list[float], list[float], int]:
    """Type ``NOTES_ADDED`` notes on the stage screen: for each, Enter to durable with the list showing it (the
    stage's note list has taken the note's ``Change``, which is published only after its ``fdatasync``), and Enter
    to the frame drawn after that. Returns the two lists of seconds and the number of notes added."""
    work: list[float] = []
    app = make_app(WorkshopLibrary(store), workshop_id)
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, StageScreen):
            await pilot.pause()
        screen = app.screen
        field = screen.query_one("#note-input", Input)
        clock = KeyClock(app)
        note_list = screen.notes
        follow = note_list.follow
        typed = [0]

        def timed_follow(change: Change, *args: Any, **options: Any) -> None:
            follow(change, *args, **options)
            if change.kind == "note.added" and len(work) < typed[0]:
                note = change.changed[0]
                if note_list.has_note(note.id):  # the list shows it: durable (published) and listed
                    work.append(time.perf_counter() - clock.starts[-1])
                    clock.shown()  # ... and to the frame drawn once the list has it

        note_list.follow = timed_follow  # type: ignore[method-assign]
        press = clock.press_enter

        def press_enter() -> None:
            typed[0] += 1
            press()

        clock.press_enter = press_enter  # type: ignore[method-assign]
        assert app.session is not None
        before = len(app.session.workshop.notes)
        await _type_notes(clock, field, NOTES_ADDED)
        assert app.session is not None
        added = len(app.session.workshop.notes) - before
        app.close_session()
    return work, clock.frames, added


async def app_switch_stage(store: Store, workshop_id: str, repeats: int = 12) -> list[float]:
    """Strategy -> Vision (the stage seeded with the notes), to the frame that shows them."""
    frames: list[float] = []
    app = make_app(WorkshopLibrary(store), workshop_id)
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, StageScreen):
            await pilot.pause()
        screen = app.screen
        for _ in range(repeats):
            _go(screen, +1)
            await pilot.pause()
            started = time.perf_counter()
            _go(screen, -1)
            app.call_after_refresh(lambda s=started: frames.append(time.perf_counter() - s))
            while len(frames) < _ + 1:
                await asyncio.sleep(0.001)
        app.close_session()
    return frames


def _go(screen: Any, step: int) -> None:
    session = screen.session
    if step > 0:
        session.agenda.next()
    else:
        session.agenda.previous()
    screen._enter_stage()


class Startup(NamedTuple):
    """Medians of alternating starts (``startup``): seconds to READY and the CPU seconds the process had used by
    then, for the bare app and for ``workshop open``."""

    bare: float
    app: float
    bare_cpu: float
    app_cpu: float


def startup(root: Path, runs: int = 15, notes: int = 300, current: int = 120) -> Startup:
    """Median seconds to READY (and CPU seconds by then): the bare app, and ``workshop open`` on a workshop of
    ``notes`` notes, ``current`` of them on the stage it opens on.

    Runs alternate, so a noisy moment on the machine hits both. Single starts here vary by ±10 %; fifteen of
    each keep the ratio of the medians within about ±0.03 from one run of the benchmark to the next."""
    store, workshop_id = _seed(root, f"startup-{notes}", notes, current)
    once("bare")  # warm the disk cache for both
    once("open", str(store.data_dir), workshop_id)
    bare, app = [], []
    for _ in range(runs):
        bare.append(timed("bare"))
        app.append(timed("open", str(store.data_dir), workshop_id))
    return Startup(
        statistics.median(t for t, _ in bare),
        statistics.median(t for t, _ in app),
        statistics.median(c for _, c in bare),
        statistics.median(c for _, c in app),
    )


def once(*args: str, until: str = "READY") -> float:
    """Seconds from starting ``startup_probe.py ARGS`` to its line ``until`` (READY, or FULL with ``--full``)."""
    return timed(*args, until=until)[0]


def timed(*args: str, until: str = "READY") -> tuple[float, float]:
    """Seconds from starting ``startup_probe.py ARGS`` to its line ``until`` (READY, or FULL with ``--full``),
    and the CPU seconds the probe had used at READY (its ``CPU`` line)."""
    probe = Path(__file__).with_name("startup_probe.py")
    started = time.perf_counter()
    cpu = float("nan")
    with subprocess.Popen(
        [sys.executable, str(probe), *args], stdout=subprocess.PIPE, text=True, env=_user_env()
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("CPU "):
                cpu = float(line.split()[1]) / 1000
            if line.strip() == until:
                elapsed = time.perf_counter() - started
                break
        else:
            raise RuntimeError(f"probe {args} never printed {until}")
        child.wait(timeout=30)
    return elapsed, cpu


def whole_workshop_in(root: Path, runs: int = 5, notes: int = 300, current: int = 120) -> float:
    """Median seconds from starting ``workshop open`` to the whole workshop read and drawn under the stage screen
    that its opening preview drew first (``startup_probe.py --full``): what keys typed at once wait for."""
    store, workshop_id = _seed(root, f"startup-full-{notes}", notes, current)
    once("open", str(store.data_dir), workshop_id, "--full", until="FULL")
    return statistics.median(
        once("open", str(store.data_dir), workshop_id, "--full", until="FULL") for _ in range(runs)
    )


def _user_env() -> dict[str, str]:
    """The environment a user's shell would give: Python caches compiled modules (some sandboxes turn that off,
    which would make every start recompile the app while Textual's own modules stay precompiled)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def peak_rss(root: Path) -> float:
    store, workshop_id = _seed(root, "memory", 5_000, 500)
    probe = Path(__file__).with_name("startup_probe.py")
    out = subprocess.run(
        [sys.executable, str(probe), "open", str(store.data_dir), workshop_id, "--rss"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=_user_env(),
    ).stdout
    return float(next(line.split()[1] for line in out.splitlines() if line.startswith("RSS")))


def startup_rows(root: Path) -> list[Row]:
    """The start-up rows alone (``python benchmarks/ui_bench.py --startup``): each size, and when the whole
    workshop is in. The target is on wall time; the CPU times beside it say how much of it was the app's own work
    when the machine is busy with something else."""
    rows: list[Row] = []
    for notes, current in STARTUP_SIZES:
        start = startup(root, notes=notes, current=current)
        rows.append(
            (
                f"start-up: workshop open ID ({notes:,} notes, {current:,} on the stage) to stage screen ready",
                f"{start.app * 1000:.0f} ms (bare app {start.bare * 1000:.0f} ms, x{start.app / start.bare:.2f})",
                "<= 1.5 x bare app",
                start.app <= 1.5 * start.bare,
            )
        )
        rows.append(
            (
                "  the same, CPU time of the process to that point",
                f"{start.app_cpu * 1000:.0f} ms (bare app {start.bare_cpu * 1000:.0f} ms, "
                f"x{start.app_cpu / start.bare_cpu:.2f})",
                "(reported)",
                None,
            )
        )
        full = whole_workshop_in(root, notes=notes, current=current)
        rows.append(
            (
                "  the same, to the whole workshop read and drawn (keys typed meanwhile wait for it)",
                f"{full * 1000:.0f} ms (median of 5)",
                "(reported)",
                None,
            )
        )
    return rows


def run() -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        rows += startup_rows(root)
        bare_frames = asyncio.run(bare_add_line())
        bare_median, bare_p95 = summary_ms(bare_frames)
        rows.append(
            (
                "bare Textual app: Enter to frame showing the new line",
                f"median {bare_median:.1f} ms, p95 {bare_p95:.1f} ms",
                "(baseline)",
                None,
            )
        )

        store, workshop_id = _seed(root, "add", 2_000, 500)
        work, frames, added = asyncio.run(app_add_note(store, workshop_id))
        assert added == NOTES_ADDED, f"only {added} of {NOTES_ADDED} notes were added"
        work_p95 = percentile(work, 95) * 1000
        rows.append(
            (
                "add a note: Enter to durable + list updated (2,000 notes, 500 in stage)",
                spread_ms(work),
                "p95 < 8 ms",
                work_p95 < 8,
            )
        )
        frame_p95 = percentile(frames, 95) * 1000
        rows.append(
            (
                "add a note: Enter to the frame that shows it (2,000 notes)",
                spread_ms(frames, digits=1),
                f"p95 <= 1.5 x bare ({1.5 * bare_p95:.1f} ms)",
                frame_p95 <= 1.5 * bare_p95,
            )
        )

        for size in (5_000, 20_000):
            store, workshop_id = _seed(root, f"add-{size}", size, 500)
            work, _, added = asyncio.run(app_add_note(store, workshop_id))
            assert added == NOTES_ADDED, f"only {added} of {NOTES_ADDED} notes were added"
            p95 = percentile(work, 95) * 1000
            target = 12.0 if size == 5_000 else 25.0
            rows.append(
                (
                    f"add a note in the app: Enter to durable + list updated ({size:,} notes)",
                    spread_ms(work),
                    f"p95 < {target:g} ms",
                    p95 < target,
                )
            )

        for stage_notes in SWITCH_SIZES:
            store, workshop_id = _seed(root, f"switch-{stage_notes}", SWITCH_WORKSHOP, stage_notes)
            switch = asyncio.run(app_switch_stage(store, workshop_id, repeats=SWITCH_REPEATS))
            median, p95 = summary_ms(switch)
            worst = max(switch) * 1000
            rows.append(
                (
                    f"switch to a stage holding {stage_notes:,} notes ({SWITCH_WORKSHOP:,} in the workshop), "
                    "to the frame showing them",
                    f"median {median:.0f} ms, p95 {p95:.0f} ms, max {worst:.0f} ms",
                    "p95 < 100 ms",
                    p95 < 100,
                )
            )

        rss = peak_rss(root)
        rows.append(
            ("peak memory, 5,000-note workshop open in the app", f"{rss:.0f} MB RSS", "< 200 MB", rss < 200)
        )
    return rows


if __name__ == "__main__":
    from benchmarks.session_bench import print_rows

    if "--startup" in sys.argv[1:]:  # the start-up rows only
        with tempfile.TemporaryDirectory() as tmp:
            print_rows(startup_rows(Path(tmp)))
    else:
        print_rows(run())
