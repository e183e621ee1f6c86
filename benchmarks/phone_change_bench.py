"""What the facilitator's screen costs for each change a phone makes: CPU and counts, at 300 and 2,000 notes.

Run: ``python benchmarks/phone_change_bench.py [SIZE ...]``. The real app runs headless (Pilot) on a real
workshop file with the stage screen open; notes are added as the room adds a phone's note (one
``session.group.commit`` per note, from the loop, durable before it is published), in two rhythms:

- one at a time: ``SINGLES`` notes, each in its own frame (a phone every so often);
- bursts: ``BURSTS`` bursts of ``BURST`` notes committed together (one group round, so all are published in
  one turn of the loop: twenty phones sending within one frame);
- one at a time while the facilitator reads: the highlight on the stage's first note, so each note lands below
  the view and the highlight stays (only the scrollbar changes on screen).

The figure is the process's CPU time for those notes with the screens following them, minus the same run of
notes with the app's relay of changes to its screens turned off (the session's own work: checks, journal,
``fdatasync`` round), divided by the notes: the CPU the facilitator's screens spend on one phone change. Each
run waits the same fixed time after each note or burst, so the clock's own redraws cost both runs alike.
The counts are per note: Textual layouts of the screen (``Screen._refresh_layout``), frames drawn
(``Screen._compositor_refresh``), lines of the note list drawn anew (``render_line``: not from Textual's line
cache) and note prompts drawn (``render_strips``).
Every note of every run is checked to be in the stage's list at the end.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.screen import Screen
from textual.widgets import OptionList

from benchmarks.workload import build_workshop, fresh_dir
from screens.app import WorkshopApp, make_app
from screens.stage import StageScreen
from screens.widgets.note_list import LaterNotePrompt, NoteList
from workshop.session import WorkshopLibrary, WorkshopSession
from workshop.store import Store

Row = tuple[str, str, str, bool | None]
SIZES = (300, 2_000)
"""Notes on the stage the screen shows (the workshop holds six times as many, over the six disciplines)."""
SINGLES = 40
BURSTS = 6
BURST = 20
PAUSE = 0.06
"""Seconds waited after each note or burst (a few frames), in both runs alike."""
REPEATS = 3
"""Each run is repeated; the figures are the medians."""
SIZE = (120, 36)


def seed(root: Path, stage_notes: int) -> tuple[Store, str]:
    store = Store(fresh_dir(root, f"phones-{stage_notes}"))
    workshop = build_workshop(stage_notes * 6, current_notes=stage_notes)
    session = WorkshopSession.import_workshop(store, workshop)
    workshop_id = session.workshop.id
    session.close()
    return store, workshop_id


@contextmanager
def counted() -> Iterator[Counter[str]]:
    """Count layouts, frames of the top screen, note list lines drawn anew and note prompts drawn while inside
    (class methods wrapped)."""
    counts: Counter[str] = Counter()
    wrapped: list[tuple[type, str, Callable[..., Any] | None]] = []

    def wrap(cls: type, name: str, key: str, only: Callable[[Any], bool] = lambda _self: True) -> None:
        original = getattr(cls, name)
        own = cls.__dict__.get(name)

        def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
            if only(self):
                counts[key] += 1
            return original(self, *args, **kwargs)

        setattr(cls, name, counting)
        wrapped.append((cls, name, own))

    wrap(Screen, "_refresh_layout", "layouts")
    wrap(Screen, "_compositor_refresh", "frames", lambda screen: screen is screen.app.screen)
    wrap(OptionList, "render_line", "list lines drawn", lambda widget: isinstance(widget, NoteList))
    wrap(LaterNotePrompt, "render_strips", "prompts drawn")
    try:
        yield counts
    finally:
        for cls, name, own in wrapped:
            if own is None:
                delattr(cls, name)
            else:
                setattr(cls, name, own)


async def _add(app: WorkshopApp, count: int, first: int) -> None:
    """``count`` notes committed as the room commits a phone's note, all at once (one group round)."""
    session = app.session
    assert session is not None
    stage_id = session.workshop.current_stage_id
    people = [p.id for p in session.workshop.active_participants()]

    def add(i: int) -> Callable[[], Any]:
        text = f"Phone {i}: customers answer each other first, then the field engineers step in"
        return lambda: session.notes.add(text, stage_id=stage_id, author_id=people[i % len(people)])

    await asyncio.gather(*(session.group.commit(add(i)) for i in range(first, first + count)))


async def _run(
    store: Store, workshop_id: str, *, follow: bool, burst: int, rounds: int, reading: bool = False
) -> dict[str, Any]:
    """One app: ``rounds`` times ``burst`` notes, the screens following them (``follow``) or not; ``reading``:
    the highlight on the stage's first note."""
    app = make_app(WorkshopLibrary(store), workshop_id)
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, StageScreen) or not app.started:
            await pilot.pause()
        screen = app.screen
        session = app.session
        assert session is not None
        await _add(app, 1, 0)  # the first commit starts the sync thread; the list takes its first phone note
        if reading:
            screen.notes.focus()
            screen.notes.action_first()
        await pilot.pause(0.2)
        highlighted = screen.notes.selected_note_id
        if not follow:
            app.session = None  # unsubscribes the relay (``WorkshopApp.session``); the session stays open
            app._session = session
        before = len(screen.notes.note_ids)
        with counted() as counts:
            started = time.process_time()
            for r in range(rounds):
                await _add(app, burst, 1 + r * burst)
                await asyncio.sleep(PAUSE)
            cpu = time.process_time() - started
        added = rounds * burst
        shown = len(screen.notes.note_ids) - before
        stage_id = session.workshop.current_stage_id
        assert stage_id is not None
        in_list = screen.notes.note_ids == [n.id for n in session.workshop.stage_notes(stage_id)]
        if reading and follow:
            in_list = in_list and screen.notes.selected_note_id == highlighted
        if not follow:
            app.session = session
        app.close_session()
    return {"cpu": cpu, "counts": dict(counts), "added": added, "shown": shown, "in order": in_list}


def measure(store: Store, workshop_id: str, *, burst: int, rounds: int, reading: bool) -> dict[str, Any]:
    """Median over ``REPEATS`` of the screens' CPU per note (ms) and their counts per note."""
    per_note: list[float] = []
    counts: list[dict[str, int]] = []
    shown_all = True
    for _ in range(REPEATS):
        on = asyncio.run(_run(store, workshop_id, follow=True, burst=burst, rounds=rounds, reading=reading))
        off = asyncio.run(_run(store, workshop_id, follow=False, burst=burst, rounds=rounds, reading=reading))
        per_note.append((on["cpu"] - off["cpu"]) * 1000 / on["added"])
        counts.append(on["counts"])
        shown_all = shown_all and on["shown"] == on["added"] and on["in order"]
    notes = rounds * burst
    keys = ("layouts", "frames", "list lines drawn", "prompts drawn")
    return {
        "ms": statistics.median(per_note),
        "spread": (min(per_note), max(per_note)),
        "per note": {k: statistics.median(c.get(k, 0) for c in counts) / notes for k in keys},
        "shown": shown_all,
    }


def run(sizes: tuple[int, ...] = SIZES) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for stage_notes in sizes:
            store, workshop_id = seed(Path(tmp), stage_notes)
            rhythms = (
                (1, SINGLES, "one at a time", False),
                (BURST, BURSTS, f"in bursts of {BURST}", False),
                (1, SINGLES, "one at a time, the facilitator reading the first", True),
            )
            for burst, rounds, how, reading in rhythms:
                r = measure(store, workshop_id, burst=burst, rounds=rounds, reading=reading)
                low, high = r["spread"]
                per = ", ".join(f"{k} {v:.2f}" for k, v in r["per note"].items())
                rows.append(
                    (
                        f"room: the facilitator's screen per phone note, {how} ({stage_notes:,} on the stage)",
                        f"{r['ms']:.2f} ms CPU ({low:.2f}-{high:.2f}); per note: {per}",
                        "(lower is better; CPU, not wall time)",
                        None,
                    )
                )
                rows.append(
                    (
                        f"  the same, every note in the stage's list in order, the highlight kept ({how}, "
                        f"{stage_notes:,})",
                        "yes" if r["shown"] else "NO",
                        "yes",
                        bool(r["shown"]),
                    )
                )
    return rows


if __name__ == "__main__":
    from benchmarks.session_bench import print_rows

    chosen = tuple(int(a) for a in sys.argv[1:]) or SIZES
    print_rows(run(chosen))
