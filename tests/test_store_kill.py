"""THE durability test: SIGKILL a writer at random moments; every acknowledged change must survive.

A writer process (``tests/store_writer.py``) commits notes (one at a time, and in groups that share one
``fdatasync``), deletes and checkpoints flat out, printing an acknowledgement after each commit returns. We kill it as soon as it has printed a seeded random number of
acknowledgements (zero kills it while it opens the file), so where the kill lands depends on the seed and on
what the writer happens to be doing, never on how fast this machine is. Then we check the file the way another
window would (lock-free ``read_tables``) and, every few runs, the way the next writer would (a writable open).
Runs continue on the same files, so later runs also start from a crashed state. Only durability is asserted:
what was acknowledged is there, exactly; nothing unacknowledged appears. ``STORE_KILL_RUNS`` sets the number of
kills (default 50; use 300+ for a heavy manual run, ideally with another CPU-heavy job running).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.store_writer import note_doc
from workshop.store import WorkshopFile, read_tables

WRITER = Path(__file__).with_name("store_writer.py")
RUNS = int(os.environ.get("STORE_KILL_RUNS", "50"))
LANES = 2
"""Independent files killed in parallel."""
SEED = int(os.environ.get("STORE_KILL_SEED", "20240607"))
STUCK_AFTER = 600.0
"""A safety net, not a measurement: a writer silent this long (seconds) is stuck, and the test says so."""


@dataclass
class Expected:
    """What must be on disk: acknowledged notes, acknowledged deletes, and ids whose fate is open."""

    notes: set[int] = field(default_factory=set)
    gone: set[int] = field(default_factory=set)
    maybe: set[int] = field(default_factory=set)
    """Ids with an operation in flight when a writer was killed: present or absent are both correct."""
    acks: int = 0
    pending: tuple[str, list[int]] | None = None

    def feed(self, line: str) -> None:
        """One line of the writer's output, in order."""
        word, _, numbers = line.partition(" ")
        ids = numbers.split(",")
        if not all(n.isdigit() for n in ids):
            return  # "open", "opened", or a line cut off by the kill
        if word.endswith("?"):
            self.pending = (word, [int(n) for n in ids])
            return
        self.pending = None
        self.acks += 1
        for n in map(int, ids):
            if word in ("ack", "group"):
                self.notes.add(n)
                self.gone.discard(n)
                self.maybe.discard(n)
            elif word == "del":
                self.notes.discard(n)
                self.maybe.discard(n)
                self.gone.add(n)

    def killed(self) -> None:
        """The writer is dead: an operation it announced but never acknowledged may or may not have landed."""
        for n in self.pending[1] if self.pending is not None else []:
            self.notes.discard(n)
            self.gone.discard(n)
            self.maybe.add(n)
        self.pending = None

    def check(self, tables: dict[str, dict[int, dict]], where: str) -> None:
        notes = tables.get("notes", {})
        for n in self.notes:
            assert n in notes, f"{where}: acknowledged note {n} is missing"
            assert notes[n] == note_doc(n), f"{where}: note {n} differs from what was acknowledged"
        for n in self.gone:
            assert n not in notes, f"{where}: note {n} came back after its delete was acknowledged"
        unexpected = set(notes) - self.notes - self.maybe
        assert not unexpected, f"{where}: notes nobody committed: {sorted(unexpected)[:10]}"
        for n in notes:
            assert notes[n] == note_doc(n), f"{where}: note {n} is corrupted"


def _run_and_kill(path: Path, seed: int, kill_after: int, expected: Expected) -> None:
    """Start a writer, feed its output to ``expected`` and SIGKILL it once it has printed ``kill_after``
    acknowledgements (0: as soon as it starts opening the file). Lines it printed before dying are read to the
    end: each is a promise."""
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdout is not None
    stuck = threading.Timer(STUCK_AFTER, proc.kill)
    stuck.start()
    target = expected.acks + kill_after
    killed = False
    try:
        for line in proc.stdout:
            expected.feed(line.rstrip("\n"))
            if not killed and (expected.acks >= target or (kill_after == 0 and line.startswith("open"))):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
                killed = True
        proc.wait()
    finally:
        stuck.cancel()
    expected.killed()
    stderr = proc.stderr.read() if proc.stderr else ""
    # The only acceptable end is our SIGKILL; a writer that died of an exception is a failure of its own.
    assert killed, f"the writer stopped by itself or was stuck for {STUCK_AFTER:g} s:\n{stderr[-3000:]}"
    assert proc.returncode == -signal.SIGKILL, f"writer exited {proc.returncode}:\n{stderr[-3000:]}"


def _lane(folder: Path, lane: int, runs: int) -> Expected:
    rng = random.Random(SEED * 100 + lane)
    path = folder / f"kill-{lane}.json"
    expected = Expected()
    for run in range(runs):
        # None at all (the kill lands while the file is opened and recovered), a few, or a long stream.
        kill_after = rng.choice([0, rng.randint(1, 20), rng.randint(20, 400)])
        _run_and_kill(path, rng.randrange(2**31), kill_after, expected)
        where = f"lane {lane} run {run + 1} (killed after {kill_after} more acknowledgements)"
        if not expected.acks:
            continue  # no promise made yet: the file may not even exist, and nothing is owed
        expected.check(read_tables(path), where + ", lock-free read")
        if run % 5 == 4:
            with WorkshopFile.open(path, mode="write") as wf:
                expected.check(wf.tables(), where + ", writable open")
                assert not [p for p in folder.iterdir() if p.name.startswith(f".{path.name}.tmp-")]
            expected.check(read_tables(path), where + ", after recovery")
    return expected


def test_acknowledged_changes_survive_sigkill(tmp_path: Path) -> None:
    lanes = min(LANES, RUNS)
    per_lane = [RUNS // lanes + (1 if i < RUNS % lanes else 0) for i in range(lanes)]
    with ThreadPoolExecutor(lanes) as pool:
        results = list(pool.map(lambda i: _lane(tmp_path, i, per_lane[i]), range(lanes)))
    for lane, expected in enumerate(results):
        if not expected.acks:
            continue
        path = tmp_path / f"kill-{lane}.json"
        with WorkshopFile.open(path, mode="write") as wf:
            expected.check(wf.tables(), f"lane {lane} final")
            assert len(wf.backups()) <= 5
