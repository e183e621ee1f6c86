"""Session and store costs on real files: add a note (durable) at growing sizes, cast a vote on a large ballot.

Run: ``python benchmarks/session_bench.py``. Prints a table of medians and p95s against the issue's targets.
These figures are the work from the key press to "durable on disk, in-memory state updated"; the app's
key-to-frame figures are in ``ui_bench.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.workload import build_workshop, fresh_dir, summary_ms
from workshop.session import WorkshopSession
from workshop.store import Store

SIZES = (500, 2_000, 5_000, 10_000, 20_000)
TARGETS = {2_000: 8.0, 5_000: 12.0, 20_000: 25.0}
ADDS = 300


def time_add_note(root: Path, notes: int) -> tuple[float, float]:
    store = Store(fresh_dir(root, f"notes-{notes}"))
    seeded = WorkshopSession.import_workshop(store, build_workshop(notes, current_notes=min(500, notes // 4)))
    workshop_id = seeded.workshop.id
    seeded.close()
    session = WorkshopSession.open(store, workshop_id)
    durations = []
    for i in range(ADDS):
        started = time.perf_counter()
        session.notes.add(f"A new idea from the room, number {i}: customers answer each other first 🤝")
        durations.append(time.perf_counter() - started)
    session.close()
    return summary_ms(durations)


def time_cast_vote(root: Path) -> tuple[float, float]:
    store = Store(fresh_dir(root, "votes"))
    seeded = WorkshopSession.import_workshop(store, build_workshop(2_000, current_notes=200))
    workshop_id = seeded.workshop.id
    seeded.close()
    session = WorkshopSession.open(store, workshop_id)
    stage = session.stage()
    ballot = session.votes.open(stage.id, budget=10, cap=3)
    durations = []
    people = [p.id for p in session.workshop.active_participants()]
    for person in people:
        for k in range(10):
            note_id = ballot.note_ids[(person * 7 + k * 13) % len(ballot.note_ids)]
            started = time.perf_counter()
            try:
                session.votes.cast(ballot.id, person, note_id)
            except ValueError:
                continue
            durations.append(time.perf_counter() - started)
    session.close()
    return summary_ms(durations)


def run() -> list[tuple[str, str, str, bool | None]]:
    """Rows of (what, figure, target, passed) for ``benchmarks/run.py``."""
    rows: list[tuple[str, str, str, bool | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for size in SIZES:
            median, p95 = time_add_note(root, size)
            target = TARGETS.get(size)
            rows.append(
                (
                    f"add a note, durable ({size:,} notes in the workshop)",
                    f"median {median:.2f} ms, p95 {p95:.2f} ms",
                    f"p95 < {target:g} ms" if target else "(curve)",
                    p95 < target if target else None,
                )
            )
        median, p95 = time_cast_vote(root)
        rows.append(
            (
                "cast a vote, durable (20 participants, 200-note ballot)",
                f"median {median:.2f} ms, p95 {p95:.2f} ms",
                "p95 < 8 ms (with redraw: ui_bench)",
                p95 < 8,
            )
        )
    return rows


def print_rows(rows: list[tuple[str, str, str, bool | None]]) -> None:
    width = max(len(r[0]) for r in rows)
    for what, figure, target, passed in rows:
        verdict = "" if passed is None else ("pass" if passed else "FAIL")
        print(f"{what:<{width}}  {figure:<32}  {target:<34}  {verdict}")


if __name__ == "__main__":
    print_rows(run())
