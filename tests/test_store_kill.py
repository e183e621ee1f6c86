"""THE durability test: SIGKILL a writer at random moments; every acknowledged change must survive.

A writer process (``tests/store_writer.py``) commits notes, deletes and checkpoints flat out, printing an
acknowledgement after each commit returns. We kill it after a random (seeded) delay, then check the file the way
another window would (lock-free ``read_tables``) and, every few runs, the way the next writer would (a writable
open, which recovers and checkpoints). Runs continue on the same files, so later runs also start from a crashed
state. ``STORE_KILL_RUNS`` sets the number of kills (default 50; use 300+ for a heavy manual run).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.store_writer import note_doc, tiny_doc
from workshop.store import WorkshopFile, read_tables

WRITER = Path(__file__).with_name("store_writer.py")
RUNS = int(os.environ.get("STORE_KILL_RUNS", "50"))
LANES = 2
"""Independent files killed in parallel, to keep the default run well under 30 s."""
SEED = int(os.environ.get("STORE_KILL_SEED", "20240607"))


@dataclass
class Expected:
    """What must be on disk: acknowledged notes, acknowledged deletes, and ids whose fate is open."""

    notes: set[int] = field(default_factory=set)
    gone: set[int] = field(default_factory=set)
    maybe: set[int] = field(default_factory=set)
    """Ids with an operation in flight when a writer was killed: present or absent are both correct."""
    tiny: set[int] = field(default_factory=set)
    acks: int = 0

    def feed(self, lines: list[str]) -> None:
        pending: tuple[str, int] | None = None
        for line in lines:
            word, _, number = line.partition(" ")
            if not number.isdigit():
                continue  # a line cut off by the kill
            n = int(number)
            if word.endswith("?"):
                pending = (word, n)
                continue
            pending = None
            self.acks += 1
            if word == "ack":
                self.notes.add(n)
                self.gone.discard(n)
                self.maybe.discard(n)
            elif word == "del":
                self.notes.discard(n)
                self.maybe.discard(n)
                self.gone.add(n)
            elif word == "tiny":
                self.tiny.add(n)
        if pending is not None and pending[0] in ("put?", "del?"):
            self.notes.discard(pending[1])
            self.gone.discard(pending[1])
            self.maybe.add(pending[1])

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
        tiny = tables.get("tiny", {})
        for n in self.tiny:
            assert tiny.get(n) == tiny_doc(n), f"{where}: acknowledged TinyDB insert {n} is missing"


def _run_and_kill(path: Path, seed: int, delay: float) -> list[str]:
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    lines: list[str] = []
    reader = threading.Thread(
        target=lambda: lines.extend(line.rstrip("\n") for line in proc.stdout), daemon=True
    )
    reader.start()
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reader.join(timeout=10)
    stderr = proc.stderr.read() if proc.stderr else ""
    # The only acceptable end is our SIGKILL; a writer that died of an exception is a failure of its own.
    assert proc.returncode == -signal.SIGKILL, f"writer exited {proc.returncode}:\n{stderr[-3000:]}"
    return lines


def _lane(folder: Path, lane: int, runs: int) -> Expected:
    rng = random.Random(SEED * 100 + lane)
    path = folder / f"kill-{lane}.json"
    expected = Expected()
    for run in range(runs):
        # Short delays kill during start-up and the open-time recovery checkpoint; long ones mid-stream.
        delay = rng.choice([rng.uniform(0.05, 0.3), rng.uniform(0.2, 0.6)])
        lines = _run_and_kill(path, rng.randrange(2**31), delay)
        expected.feed(lines)
        where = f"lane {lane} run {run + 1} (delay {delay:.3f}s)"
        if path.exists():
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
        path = tmp_path / f"kill-{lane}.json"
        with WorkshopFile.open(path, mode="write") as wf:
            expected.check(wf.tables(), f"lane {lane} final")
            assert len(wf.backups()) <= 5
        # The writers really worked: plenty of acknowledged commits, and deletes among them.
        assert expected.acks > 20 * per_lane[lane], f"lane {lane}: only {expected.acks} acknowledgements"
        assert expected.gone, f"lane {lane}: no acknowledged deletes were exercised"
