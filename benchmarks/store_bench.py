"""The store at its worst moments: the key path past where a checkpoint used to run, opening after a crash, and
listing a big library.

Run: ``python benchmarks/store_bench.py`` (about a minute and a half). Targets are issue #14's:

* the key path (add a note as the stage screen's Enter does: group commit, the disk's ``fdatasync`` in a worker
  thread) over 4,600 changes at 20,000 notes, with the app's idle checkpoint running in a worker thread meanwhile:
  the longest key handler under one frame (16 ms), p95 and p99 beside it; Enter to durable reported beside it;
* opening a workshop of 20,000 notes after a crash that left 1,999 journal entries not yet checkpointed: at most
  1.2x opening it after a clean checkpoint (medians of alternating runs);
* ``workshop list`` at 10, 100 and 500 workshops: at most 1.5x the wall time of ``workshop --version`` (both
  as whole commands, medians of alternating runs).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import gc
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.workload import build_workshop, fresh_dir, percentile
from facilitation.models import Note
from workshop.memory import collect_ahead, keep_out_of_collections
from workshop.memory import tune as tune_collections
from workshop.session import Change, WorkshopSession
from workshop.store import Store, WorkshopFile

Row = tuple[str, str, str, bool | None]
NOTES = 20_000
CHANGES = 4_600
KEY_GAP = 0.002
"""Seconds between two Enters in ``key_path``: 500 notes a second, far faster than a facilitator types or 40 phones
post, yet with the idle moments an app always has. Typed with no gap at all, the loop never sleeps, and the
checkpoint's worker (whose chunks each wait for the interpreter lock) never finished: 90,000 notes and counting."""
PENDING = 1_999
FRAME_MS = 16.0
OPEN_RATIO = 1.2
LIST_RATIO = 1.5
LIBRARY_SIZES = (10, 100, 500)
NOTES_PER_LISTED_WORKSHOP = 150


def _thread_sched() -> tuple[float, int]:
    """The calling thread's seconds on the run queue so far (runnable, waiting for a CPU: another process or
    thread had it) and its voluntary context switches (it slept: a lock, the interpreter lock, a timed wait, the
    disk), from ``/proc/thread-self/schedstat`` and ``getrusage(RUSAGE_THREAD)``; (0.0, 0) where Linux does not
    give them. Tells a key that waited for something of ours (it slept) from one the machine kept off its CPU."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as f:
            queued = int(f.read().split()[1]) / 1e9
        return queued, resource.getrusage(resource.RUSAGE_THREAD).ru_nvcsw
    except (OSError, AttributeError, ValueError, IndexError):
        return 0.0, 0


def _seed(folder: Path, notes: int) -> str:
    """A workshop of ``notes`` notes, checkpointed and closed: the state after a clean close and an idle app."""
    session = WorkshopSession.import_workshop(Store(folder), build_workshop(notes, current_notes=500))
    session.checkpoint()
    workshop_id: str = session.workshop.id
    session.close()
    return workshop_id


@dataclass
class KeyPath:
    """What ``key_path`` measured, in seconds."""

    handlers: list[float]
    """Each key handler's own duration: ``session.group.soon(lambda: session.notes.add(...))`` as the stage
    screen's Enter calls it (validation, the new records, the journal line queued, memory updated)."""
    handler_cpu: list[float]
    """The CPU time of each (its own thread's): what the code costs, whatever else the machine runs."""
    handler_process_cpu: list[float]
    """The CPU time of the whole process during each (every thread's): above ``handler_cpu`` when another
    thread of the app ran meanwhile (the checkpoint's worker, the sync thread, a collection in either); both
    far below the wall time when the machine ran something else (another process, the disk)."""
    collections: list[list[tuple[int, str, float]]]
    """The collections (any generation, any thread) that overlapped each handler: (generation, thread name, its
    seconds)."""
    handler_during: list[bool]
    """Whether each handler ran while a checkpoint was being written."""
    handler_queued: list[float]
    """Seconds each handler's thread spent on the run queue (runnable, kept off a CPU by the machine's load)."""
    handler_slept: list[int]
    """How many times each handler's thread slept (voluntary context switches): 0 for a handler that waited for
    nothing; the interpreter lock handed to the sync thread, or any lock or wait, shows here."""
    durable: list[float]
    """From the handler's start to its ``Change`` being published, i.e. durable (the disk's share included)."""
    durable_during: list[bool]
    """Whether each of ``durable`` was typed while a checkpoint was being written."""
    checkpoints: int
    during_checkpoint: int
    """Key handlers that ran while a checkpoint was being written in the worker thread."""
    syncs: int
    """``fdatasync`` calls the group commit made for the ``CHANGES`` notes."""
    longest_sync: float
    """The longest of those rounds (write + ``fdatasync``, in the sync thread), in seconds."""
    wall: float
    cpu: float
    """Wall and CPU (process) seconds of the whole run, to tell a loaded machine from slow code."""


def key_path(root: Path) -> KeyPath:
    """At least ``CHANGES`` note additions at ``NOTES`` notes, each as the stage screen's Enter makes it (group
    commit in the app's event loop), while an idle-time checkpoint worker runs as the app's ``on_idle`` starts it.
    Typing goes on past ``CHANGES`` until a checkpoint has been written (the issue: "over enough changes to pass a
    checkpoint"), and stops with ``RuntimeError`` if none started within three times as many (or none ended
    within twenty times as many).

    Each key handler is timed on its own (issue #14: "no key handler longer than one frame, as a maximum"); the
    loop then sleeps ``KEY_GAP`` before the next, so the group's sync thread and the checkpoint's worker run in
    the idle moments an app has between keys.
    """
    folder = fresh_dir(root, "key-path")
    workshop_id = _seed(folder, NOTES)
    session = WorkshopSession.open(Store(folder), workshop_id)
    gc.freeze()  # as the app does after its first frame (WorkshopApp._started)
    session.warm()  # as the app's on_idle does before the first key
    thresholds = gc.get_threshold()
    tune_collections()
    stop = threading.Event()
    written = [0]

    loops: list[asyncio.AbstractEventLoop] = []

    def idle_worker() -> None:  # what WorkshopApp.on_idle starts, checking about as often
        while not stop.wait(0.25):
            if session.checkpoint(only_if_due=True):
                written[0] += 1
                if loops and not loops[0].is_closed():  # then, on the loop, what the app's on_idle does after
                    with contextlib.suppress(RuntimeError):  # a checkpoint (unless typing has just ended)
                        loops[0].call_soon_threadsafe(keep_out_of_collections)

    started_at: dict[int, tuple[float, bool]] = {}
    published_at: dict[int, float] = {}
    durable: list[float] = []
    durable_during: list[bool] = []

    def published(change: Change) -> None:
        # A note is published either inside its own handler (its fdatasync came within the group's inline wait,
        # before the handler knows the note's id) or later from the loop: both are timed from the handler's start.
        now = time.perf_counter()
        for record in change.changed:
            if isinstance(record, Note):
                began = started_at.pop(record.id, None)
                if began is None:
                    published_at[record.id] = now
                else:
                    durable.append(now - began[0])
                    durable_during.append(began[1])

    session.subscribe(published)
    handlers: list[float] = []
    handler_cpu: list[float] = []
    handler_process_cpu: list[float] = []
    handler_during: list[bool] = []
    handler_queued: list[float] = []
    handler_slept: list[int] = []
    collected: list[tuple[float, float, int, str]] = []
    collecting = threading.local()

    def collection(phase: str, info: dict[str, int]) -> None:
        # Every generation, in every thread, with its end: a collection that started in another thread just
        # before a handler (the checkpoint's worker) holds the interpreter lock into it, and a young one can be
        # long when it walks a big young container (the checkpoint's copies of the tables).
        if phase == "start":
            collecting.began = time.perf_counter()
        elif getattr(collecting, "began", None) is not None:
            collected.append(
                (collecting.began, time.perf_counter(), info["generation"], threading.current_thread().name)
            )
            collecting.began = None

    gc.callbacks.append(collection)
    windows: list[tuple[float, float]] = []
    during = [0]
    group = session.group

    async def typing() -> None:
        loops.append(asyncio.get_running_loop())
        i = 0
        while i < CHANGES or not written[0]:
            # A checkpoint written while keys keep coming spans thousands of them (its chunks yield to the keys):
            # typing goes on until it is in; only none starting at all, or one never ending, is an error.
            if (i >= 3 * CHANGES and not during[0]) or i >= 20 * CHANGES:
                raise RuntimeError(f"no idle checkpoint ran in {i:,} notes ({during[0]:,} keys during one)")
            text = f"A new idea from the room, number {i}: customers answer each other first 🤝"
            checkpointing = session.checkpointing
            queued_began, slept_began = _thread_sched()
            began, cpu_began, process_began = time.perf_counter(), time.thread_time(), time.process_time()
            note = group.soon(lambda text=text: session.notes.add(text))
            ended = time.perf_counter()
            handler_cpu.append(time.thread_time() - cpu_began)
            handler_process_cpu.append(time.process_time() - process_began)
            handlers.append(ended - began)
            queued_ended, slept_ended = _thread_sched()
            handler_queued.append(queued_ended - queued_began)
            handler_slept.append(slept_ended - slept_began)
            windows.append((began, ended))
            checkpointing = checkpointing or session.checkpointing
            handler_during.append(checkpointing)
            during[0] += checkpointing
            if note.id in published_at:
                durable.append(published_at.pop(note.id) - began)
                durable_during.append(checkpointing)
            else:
                started_at[note.id] = (began, checkpointing)
            i += 1
            collect_ahead()  # what the app's on_idle runs between keys (WorkshopApp.on_idle)
            await asyncio.sleep(KEY_GAP)
        await group.flush()
        stop.set()
        await asyncio.to_thread(worker.join)

    worker = threading.Thread(target=idle_worker)
    wall, cpu = time.perf_counter(), time.process_time()
    worker.start()
    try:
        asyncio.run(typing())
    finally:
        stop.set()
        worker.join()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        syncs, longest_sync = group.syncs, group.sync_thread.longest
        session.close()
        gc.callbacks.remove(collection)
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    collections: list[list[tuple[int, str, float]]] = [[] for _ in windows]
    starts = [began for began, _ in windows]
    for began, ended, generation, thread in collected:  # each handler gets every collection it overlapped
        index = max(0, bisect.bisect_right(starts, began) - 1)
        while index < len(windows) and windows[index][0] <= ended:
            if windows[index][1] >= began:
                collections[index].append((generation, thread, ended - began))
            index += 1
    return KeyPath(
        handlers,
        handler_cpu,
        handler_process_cpu,
        collections,
        handler_during,
        handler_queued,
        handler_slept,
        durable,
        durable_during,
        written[0],
        during[0],
        syncs,
        longest_sync,
        wall,
        cpu,
    )


def _slowest(keys: KeyPath) -> str:
    """The slowest key handler, as evidence of what it waited for: its wall time beside its own thread's CPU time
    and the rest of the process's (another thread holding the interpreter lock shows there; the machine or the
    disk shows as wall time no thread of ours spent), its time on the run queue and how often it slept (see
    ``KeyPath.handler_queued`` and ``handler_slept``: sleeping means it waited for something of ours), whether a
    checkpoint was being written, and every collection that overlapped it (any generation, any thread)."""
    index = max(range(len(keys.handlers)), key=keys.handlers.__getitem__)
    own = keys.handler_cpu[index]
    others = max(0.0, keys.handler_process_cpu[index] - own)
    collections = (
        ", ".join(f"gen {g} in {t} {d * 1000:.1f} ms" for g, t, d in keys.collections[index]) or "no collection"
    )
    return (
        f"key {index + 1:,}: {keys.handlers[index] * 1000:.1f} ms, own CPU {own * 1000:.1f}, others {others * 1000:.1f}"
        f", on the run queue {keys.handler_queued[index] * 1000:.1f}, slept {keys.handler_slept[index]}x"
        f" ({'during' if keys.handler_during[index] else 'outside'} a checkpoint; {collections})"
    )


def _open_seconds(folder: Path, workshop_id: str) -> tuple[float, float]:
    """Wall and process CPU seconds of one ``WorkshopSession.open``."""
    started, cpu = time.perf_counter(), time.process_time()
    session = WorkshopSession.open(Store(folder), workshop_id)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    session.close()
    return elapsed, cpu


def crash_open(root: Path, runs: int = 7) -> tuple[float, float, float]:
    """Median seconds to open after a clean checkpoint, and after a crash with ``PENDING`` journal entries; and
    the ratio of their median CPU times (the same without the machine's other load)."""
    clean = fresh_dir(root, "clean")
    workshop_id = _seed(clean, NOTES)
    crashed = fresh_dir(root, "crashed")
    session = WorkshopSession.open(Store(clean), workshop_id)
    for i in range(PENDING):
        session.notes.add(f"typed before the crash, number {i}")
    for name in (f"{workshop_id}.json", f"{workshop_id}.journal"):
        shutil.copy2(clean / name, crashed / name)  # what SIGKILL leaves: the snapshot and the journal
    session.close()
    WorkshopSession.open(Store(clean), workshop_id).checkpoint()  # and fold the same notes in for "clean"
    Store(clean).open(workshop_id).close()
    clean_times, crash_times = [], []
    for _ in range(runs):
        clean_times.append(_open_seconds(clean, workshop_id))
        crash_times.append(_open_seconds(crashed, workshop_id))
    cpu_ratio = statistics.median(c for _, c in crash_times) / statistics.median(c for _, c in clean_times)
    return statistics.median(w for w, _ in clean_times), statistics.median(w for w, _ in crash_times), cpu_ratio


def _command() -> list[str]:
    script = Path(sys.executable).with_name("workshop")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from workshop.cli import main; main()"]


def _wall(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def library_listing(root: Path, runs: int = 9) -> list[tuple[int, float, float]]:
    """(workshops, median ``list`` seconds, median ``--version`` seconds) per library size."""
    folder = fresh_dir(root, "library")
    store = Store(folder)
    template = build_workshop(NOTES_PER_LISTED_WORKSHOP, current_notes=50)
    made = 0
    results = []
    for size in LIBRARY_SIZES:
        while made < size:
            template.title = f"Workshop number {made + 1}"
            WorkshopSession.import_workshop(store, template).close()
            made += 1
        listing = [*_command(), "--data-dir", str(folder), "list"]
        version = [*_command(), "--version"]
        _wall(listing)  # warm the file cache, as a facilitator's second look would be
        lists, versions = [], []
        for _ in range(runs):
            versions.append(_wall(version))
            lists.append(_wall(listing))
        results.append((size, statistics.median(lists), statistics.median(versions)))
    return results


def run() -> list[Row]:
    """Rows of (what, figure, target, passed) for ``benchmarks/run.py``."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        keys = key_path(root)
        ms = [d * 1000 for d in keys.handlers]
        rows.append(
            (
                f"add a note: the key handler, {len(ms):,} in a row at {NOTES:,} notes "
                f"({keys.checkpoints} idle checkpoints, {keys.during_checkpoint:,} keys during one)",
                f"p95 {percentile(ms, 95):.1f}, p99 {percentile(ms, 99):.1f}, max {max(ms):.1f} ms",
                f"max < {FRAME_MS:g} ms (one frame)",
                max(ms) < FRAME_MS,
            )
        )
        cpu_ms = [d * 1000 for d in keys.handler_cpu]
        rows.append(
            (
                "  the same, each handler's own CPU time (the machine's other load left out)",
                f"p95 {percentile(cpu_ms, 95):.1f}, p99 {percentile(cpu_ms, 99):.1f}, max {max(cpu_ms):.1f} ms",
                f"(run: {keys.wall:.1f} s wall, {keys.cpu:.1f} s CPU)",
                None,
            )
        )
        rows.append(
            (
                "  the same, the slowest handler: its wall time, its own CPU, the other threads' CPU meanwhile",
                _slowest(keys),
                "(where a wait came from)",
                None,
            )
        )
        slept = [d * 1000 for d, n in zip(keys.handlers, keys.handler_slept, strict=True) if n]
        queued = [q * 1000 for q in keys.handler_queued]
        rows.append(
            (
                "  the same, handlers that slept (waited for a lock, the interpreter lock, the disk), and run queue",
                f"{len(slept):,} of {len(ms):,} slept, the longest of them {max(slept, default=0.0):.1f} ms; "
                f"on the run queue max {max(queued, default=0.0):.1f} ms",
                "(a key that never sleeps waits for nothing of ours)",
                None,
            )
        )
        for during, label in ((False, "outside checkpoints"), (True, "typed during a checkpoint")):
            saved = [d * 1000 for d, w in zip(keys.durable, keys.durable_during, strict=True) if w is during]
            if not saved:
                continue
            rows.append(
                (
                    f"  the same, Enter to durable (published after its group's fdatasync), {label}",
                    f"median {statistics.median(saved):.1f}, p95 {percentile(saved, 95):.1f}, "
                    f"max {max(saved):.1f} ms ({len(saved):,} notes)",
                    f"({keys.syncs:,} fdatasyncs, the longest {keys.longest_sync * 1000:.1f} ms; "
                    f"typed at {1 / KEY_GAP:,.0f} notes a second)",
                    None,
                )
            )
        clean, crashed, cpu_ratio = crash_open(root)
        rows.append(
            (
                f"open after a crash, {PENDING:,} journal entries, {NOTES:,} notes",
                f"{crashed * 1000:.0f} ms vs {clean * 1000:.0f} ms clean = {crashed / clean:.2f}x "
                f"(CPU {cpu_ratio:.2f}x)",
                f"<= {OPEN_RATIO:g}x a clean open",
                crashed / clean <= OPEN_RATIO,
            )
        )
        for size, listing, version in library_listing(root):
            rows.append(
                (
                    f"workshop list, {size} workshops of {NOTES_PER_LISTED_WORKSHOP} notes",
                    f"{listing * 1000:.0f} ms vs --version {version * 1000:.0f} ms = {listing / version:.2f}x",
                    f"<= {LIST_RATIO:g}x workshop --version",
                    listing / version <= LIST_RATIO,
                )
            )
    return rows


if __name__ == "__main__":
    from benchmarks.session_bench import print_rows

    print_rows(run())
    print(
        f"(checkpoint thresholds: {WorkshopFile.CHECKPOINT_ENTRIES} entries or {WorkshopFile.CHECKPOINT_BYTES} bytes)"
    )
