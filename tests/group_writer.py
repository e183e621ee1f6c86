"""Helper process for ``test_group_commit_kill.py``: group commits until it is SIGKILLed.

Usage: ``python tests/group_writer.py <workshop.json> <seed> <stall_at>``

Each round writes a group of 1-6 journal lines without waiting for the disk (``WorkshopFile.write``), prints
``held N M ...`` (the notes of the group), then makes them durable with one ``sync`` (in a second thread, as the
app's flush task does) and prints ``ack N M ...``: a promise that those notes are on disk. Each line puts a note
and its "twin" in one batch, so a half-applied line would show as a note without its twin. On round
``stall_at`` the ``fdatasync`` never returns: it prints ``syncing`` and waits to be killed, so the kill lands
exactly between a group's write and its ``fdatasync``. Checkpoints run meanwhile in a third thread.
"""

from __future__ import annotations

import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop.store import Op, WorkshopFile


def note_doc(n: int) -> dict[str, Any]:
    return {"id": n, "text": f"note {n} " + "✓" * (n % 17), "position": n / 2}


def twin_doc(n: int) -> dict[str, Any]:
    return {"id": n, "of": n}


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    path = Path(sys.argv[1])
    rng = random.Random(int(sys.argv[2]))
    stall_at = int(sys.argv[3])
    wf = WorkshopFile.open(path, mode="write", create=not path.exists())
    counter = wf.table("counter").get(1, {}).get("next", 1)
    real_sync = os.fdatasync
    rounds = [0]

    def gated(fd: int) -> None:
        if rounds[0] == stall_at and threading.current_thread().name == "syncer":
            say("syncing")
            while True:
                time.sleep(60)
        real_sync(fd)

    os.fdatasync = gated

    def checkpoints() -> None:
        while True:
            time.sleep(rng.choice([0, 0.001, 0.005]))
            wf.checkpoint()

    threading.Thread(target=checkpoints, daemon=True).start()
    while True:
        rounds[0] += 1
        group = []
        for _ in range(rng.randint(1, 6)):
            n = counter
            counter += 1
            wf.write(
                [
                    Op.put("notes", n, note_doc(n)),
                    Op.put("twins", n, twin_doc(n)),
                    Op.put("counter", 1, {"id": 1, "next": counter}),
                ]
            )
            group.append(n)
        say("held " + " ".join(map(str, group)))
        syncer = threading.Thread(target=wf.sync, name="syncer")
        syncer.start()
        syncer.join()
        say("ack " + " ".join(map(str, group)))


if __name__ == "__main__":
    main()
