"""SIGKILL a group-committing writer, above all between a group's journal write and its ``fdatasync``.

A writer process (``tests/group_writer.py``) writes groups of lines without waiting for the disk, prints ``held``
for each group, makes the group durable with one ``fdatasync`` in a second thread, and prints ``ack``. Half the
runs stall that ``fdatasync`` on a seeded round and are killed while it hangs (the kill lands exactly between
the write and the ``fdatasync``); the others are killed after a seeded number of acknowledgements, wherever the
writer is. On every reopen: every acknowledged note is there, exactly; a held note is there or not, but never
half (each line puts a note and its twin: both or neither); nothing nobody wrote appears.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path

from tests.group_writer import note_doc, twin_doc
from workshop.store import WorkshopFile, read_tables

WRITER = Path(__file__).with_name("group_writer.py")
RUNS = int(os.environ.get("GROUP_KILL_RUNS", "16"))
SEED = int(os.environ.get("GROUP_KILL_SEED", "20261129"))
STUCK_AFTER = 600.0
"""A safety net, not a measurement: a writer silent this long (seconds) is stuck."""


def _run(path: Path, seed: int, stall_at: int, kill_after: int, acked: set[int], held: set[int]) -> None:
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(seed), str(stall_at)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdout is not None
    stuck = threading.Timer(STUCK_AFTER, proc.kill)
    stuck.start()
    acks = 0
    killed = False
    try:
        for line in proc.stdout:
            word, _, rest = line.rstrip("\n").partition(" ")
            numbers = (
                {int(n) for n in rest.split()} if rest and all(n.isdigit() for n in rest.split()) else set()
            )
            if word == "held":
                held |= numbers
            elif word == "ack":
                acked |= numbers
                held -= numbers
                acks += 1
            if not killed and (word == "syncing" or (stall_at < 0 and acks >= kill_after)):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
                killed = True
        proc.wait()
    finally:
        stuck.cancel()
    stderr = proc.stderr.read() if proc.stderr else ""
    assert killed, f"the writer stopped by itself or was stuck:\n{stderr[-3000:]}"
    assert proc.returncode == -signal.SIGKILL, f"writer exited {proc.returncode}:\n{stderr[-3000:]}"


def _check(tables: dict[str, dict[int, dict]], acked: set[int], held: set[int], where: str) -> None:
    notes, twins = tables.get("notes", {}), tables.get("twins", {})
    for n in acked:
        assert notes.get(n) == note_doc(n), f"{where}: acknowledged note {n} is missing or differs"
        assert twins.get(n) == twin_doc(n), f"{where}: acknowledged note {n} lost its twin"
    unexpected = set(notes) - acked - held
    assert not unexpected, f"{where}: notes nobody wrote: {sorted(unexpected)[:10]}"
    for n in notes:
        assert notes[n] == note_doc(n), f"{where}: note {n} is corrupted"
    assert set(notes) == set(twins), (
        f"{where}: a line was half applied: {sorted(set(notes) ^ set(twins))[:10]}"
    )


def test_nothing_acknowledged_is_lost_and_nothing_is_half_applied(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    path = tmp_path / "group.json"
    acked: set[int] = set()
    held: set[int] = set()
    for run in range(RUNS):
        if run % 2 == 0:
            stall_at, kill_after = rng.randint(1, 40), 0
        else:
            stall_at, kill_after = -1, rng.randint(1, 60)
        _run(path, rng.randrange(2**31), stall_at, kill_after, acked, held)
        where = f"run {run + 1} (stalled at round {stall_at}, killed after {kill_after} acks)"
        _check(read_tables(path), acked, held, where + ", lock-free read")
        with WorkshopFile.open(path, mode="write") as wf:
            _check(wf.tables(), acked, held, where + ", writable open")
            # What the reopen shows is now what the next writer builds on: held notes it kept count as written.
            present = set(wf.table("notes"))
        acked |= present & held
        held -= present
        held.clear()
    assert acked, "the writers acknowledged nothing: the test proved nothing"
