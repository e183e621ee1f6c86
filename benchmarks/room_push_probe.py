"""What one change costs the room's live pages: bytes sent to each phone and the app's CPU, counted per change.

Run: ``python benchmarks/room_push_probe.py`` (under a minute). 40 phones hold a live page open on a stage whose
room already shows 400 revealed notes; then each kind of change is made once and every phone's stream is read
until it has what the change sent it. Reported per change: the bytes queued for all phones together and for one
phone, the app's CPU time (``time.process_time``, the hub's round plus writing every stream; counts and CPU,
never wall time) and how many live parts were drawn.

The streams are read in-process (``LiveHub.stream``), so no socket or client cost is counted: this is the app's
own work per change, the work that delays the facilitator's screen.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from room.room import Room
from room.security import RoomLimits
from room.web import RoomWeb
from workshop.session import WorkshopSession
from workshop.store import Store

PHONES = 40
ROOM_NOTES = 400
CODE = "K7PQ3X"


async def _drain(stream: AsyncIterator[bytes]) -> str:
    """Everything a stream has queued: its events up to the next keep-alive comment (the hub's keep-alive is
    made short here, so a stream with nothing to send says so at once)."""
    got = []
    while True:
        chunk = (await stream.__anext__()).decode()
        if chunk.startswith(":"):
            return "".join(got)
        if not chunk.startswith("retry:"):
            got.append(chunk)


async def probe() -> list[tuple[str, int, int, float, int]]:
    rows: list[tuple[str, int, int, float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp))
        names = [f"Person {i:02d}" for i in range(1, PHONES + 1)]
        session = WorkshopSession.create(store, "Push probe", participants=names)
        try:
            session.agenda.go_to(2)
            stage_id = session.workshop.current_stage_id
            for i in range(ROOM_NOTES):
                session.notes.add(f"Room note {i}: customers answer each other first, then the team follows")
            room = Room(session, "127.0.0.1", 8765, limits=RoomLimits(max_devices=100), join_code=CODE)
            web = RoomWeb(room)
            web.hub.keepalive = 0.01
            unsubscribe = session.subscribe(lambda _change: web.hub.changed())
            devices = [room.join(CODE, p.id, "127.0.0.1").device for p in session.workshop.active_participants()]
            streams = [web.hub.stream(d) for d in devices]
            for s in streams:
                await _drain(s)  # the page as it is now
            first = devices[0]

            async def change(label: str, make: Callable[[], Any]) -> None:
                await asyncio.sleep(0.1)  # let any round already scheduled pass
                for s in streams:  # drain what earlier rounds queued
                    await _drain(s)
                drawn = web.hub.drawn
                cpu = time.process_time()
                result = make()
                if asyncio.iscoroutine(result):
                    await result
                web.hub._flush()
                sizes = []
                for s in streams:
                    sizes.append(len((await _drain(s)).encode()))
                cpu = time.process_time() - cpu
                rows.append((label, sum(sizes), max(sizes), cpu * 1000, web.hub.drawn - drawn))

            await change("a note added (facilitator)", lambda: session.notes.add("A new idea from the keyboard"))
            await change("a note added (phone)", lambda: room.add_note(first, "Phone note: one of mine"))
            last = max(session.workshop.notes)
            await change("a note edited (facilitator)", lambda: session.notes.edit(last, "Phone note: reworded"))
            await change("a note hidden (z)", lambda: session.notes.hide(last))
            await change("a note shown again (z)", lambda: session.notes.hide(last, False))
            await change("silent brainstorming on", lambda: session.notes.set_silent(True))
            await change("silent: a note added (phone)", lambda: room.add_note(first, "Silent note"))
            mine = max(session.workshop.notes)
            await change("silent: a note edited (phone)", lambda: room.edit_note(first, mine, "Silent, changed"))
            await change("silent: a note withdrawn (phone)", lambda: room.withdraw_note(first, mine))
            await change("silent: a note added (phone)", lambda: room.add_note(first, "Silent note again"))
            await change("the reveal", lambda: session.notes.reveal())
            await change("stage changed", lambda: session.agenda.go_to(3))
            await change("back to the stage", lambda: session.agenda.go_to(2))
            opened: list[Any] = []
            await change(
                "a vote opened (whole pages)", lambda: opened.append(session.votes.open(stage_id, budget=3, cap=2))
            )
            ballot = opened[0]
            await change("a dot (phone)", lambda: room.cast(first, ballot.id, ballot.note_ids[0]))
            for s in streams:
                await s.aclose()  # type: ignore[attr-defined]
            unsubscribe()
        finally:
            session.close()
    return rows


Row = tuple[str, str, str, bool | None]
RUN_ROWS = {
    "a note added (phone)": 1024,
    "a note edited (facilitator)": 1024,
    "a note hidden (z)": 1024,
    "a dot (phone)": 4096,
}
"""The changes ``run`` reports, with the most bytes one phone may be sent for each (only what changed)."""


def run() -> list[Row]:
    """Rows for ``benchmarks/run.py``: bytes to the phones and the app's CPU for a few changes."""
    rows: list[Row] = []
    for label, total, most, cpu, _drawn in asyncio.run(probe()):
        limit = RUN_ROWS.get(label)
        if limit is None:
            continue
        rows.append(
            (
                f"room live pages ({PHONES} phones, {ROOM_NOTES} notes): {label}",
                f"{most:,} B to one phone, {total / 1024:.1f} KB in all, {cpu:.1f} ms CPU",
                f"< {limit:,} B per phone (only what changed)",
                most < limit,
            )
        )
    return rows


def main() -> None:
    rows = asyncio.run(probe())
    print(f"{PHONES} phones with a live page, {ROOM_NOTES} notes on the room's list")
    print(f"{'change':32} {'bytes, all phones':>18} {'bytes, one phone':>17} {'CPU ms':>8} {'drawn':>6}")
    for label, total, most, cpu, drawn in rows:
        print(f"{label:32} {total:>18,} {most:>17,} {cpu:>8.1f} {drawn:>6}")


if __name__ == "__main__":
    main()
