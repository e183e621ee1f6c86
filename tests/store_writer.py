"""Helper process for ``test_store_kill.py``: commits notes as fast as it can until it is SIGKILLed.

Usage: ``python tests/store_writer.py <workshop.json> <seed>``

Protocol on stdout (one flushed line each): ``open`` before opening the file and ``opened`` after; ``put? N`` before committing note N and ``ack N`` after the commit
returned; ``del? N`` / ``del N`` likewise for deletes; ``group? N,M,..`` before queueing notes N, M, ... one
journal line each (``WorkshopFile.write``, the group commit the app and the room use) and ``group N,M,..`` after
the one ``sync`` that made them all durable returned. An ``ack``/``del``/``group`` line is a promise: the change
is on disk. Note ids come from a counter stored in the same batch, so an id is never reused after a delete.
Checkpoints run in a second thread while the main thread commits (as the app's idle worker runs them), so kills
land in snapshot writes, backup rotations and journal compactions too, not only in journal appends.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop.store import Op, WorkshopFile

SNIPPETS = (
    "naïve café",
    "🎉👩‍👩‍👧 emoji",
    "שלום עולם",
    "مرحبا",
    "\x00nul",
    "\x1b[31mred\x1b[0m",
    "line\u2028sep",
    "tab\tand\nnewline",
    '"quoted"',
    "back\\slash",
    "\ufeffbom",
    "zero\u200bwidth",
    "plain words here",
)
LIVE_TARGET = 1500
"""Deletes become likelier as the live note count approaches this, so the file stays a few MB at most."""


def note_doc(n: int) -> dict[str, Any]:
    """The exact document of note ``n``: the test recomputes it to check what survived."""
    rng = random.Random(n * 7919 + 17)
    parts = [rng.choice(SNIPPETS) for _ in range(rng.randint(1, 12))]
    if rng.random() < 0.05:
        parts *= 150  # now and then a big note, so snapshots take a while to write
    return {
        "id": n,
        "stage_id": n % 7,
        "text": " ".join(parts),
        "position": n / 3,
        "merged_from": [rng.randint(1, 10**12) for _ in range(rng.randint(0, 3))],
        "extra": {"flag": n % 2 == 0, "none": None, "nested": [[n, -n], {"k": "v"}]},
    }


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def checkpoints(wf: WorkshopFile, rng: random.Random) -> None:
    """What the app's idle worker does, but often: checkpoints in another thread while the main thread commits,
    so kills land in snapshot writes, backup rotations and journal compactions made under concurrent commits."""
    while True:
        time.sleep(rng.choice([0, 0.001, 0.005, 0.02]))
        wf.checkpoint()


def main() -> None:
    path = Path(sys.argv[1])
    rng = random.Random(int(sys.argv[2]))
    say("open")
    wf = WorkshopFile.open(path, mode="write", create=not path.exists())
    say("opened")
    counter = wf.table("counter").get(1, {}).get("next", 1)
    threading.Thread(target=checkpoints, args=(wf, random.Random(rng.random())), daemon=True).start()
    while True:
        notes = wf.table("notes")
        roll = rng.random()
        if notes and roll < min(0.9, len(notes) / LIVE_TARGET):
            victim = rng.choice(list(notes))
            say(f"del? {victim}")
            wf.commit([Op.delete("notes", victim)])
            say(f"del {victim}")
        elif roll > 0.95:
            group = list(range(counter, counter + rng.randint(2, 6)))
            numbers = ",".join(map(str, group))
            say(f"group? {numbers}")
            for n in group:
                last = wf.write([Op.put("notes", n, note_doc(n)), Op.put("counter", 1, {"id": 1, "next": n + 1})])
            counter = group[-1] + 1
            if wf.sync() < last:
                raise RuntimeError(f"sync returned before line {last} was durable")
            say(f"group {numbers}")
        else:
            n = counter
            say(f"put? {n}")
            wf.commit([Op.put("notes", n, note_doc(n)), Op.put("counter", 1, {"id": 1, "next": n + 1})])
            counter = n + 1
            say(f"ack {n}")


if __name__ == "__main__":
    main()
