"""Killing the app loses nothing a phone was told was saved: a room server in its own process, phones posting
notes over HTTP on 127.0.0.1, SIGKILL at a random moment, then every acknowledged note is in the workshop file."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import httpx2 as httpx

from workshop.session import WorkshopSession
from workshop.store import Store

SERVER = textwrap.dedent(
    """
    import asyncio, sys
    from workshop.session import WorkshopSession
    from workshop.store import Store
    from room.security import RoomLimits
    from room.server import RoomServer

    async def main(data_dir, workshop_id):
        session = WorkshopSession.open(Store(data_dir), workshop_id)
        server = RoomServer(session, "127.0.0.1", 0, limits=RoomLimits(notes_per_window=100_000))
        await server.start()
        print(server.url, server.room.join_code, flush=True)
        await asyncio.Event().wait()

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


def test_acknowledged_notes_survive_sigkill(store: Store, data_dir: Path) -> None:
    session = WorkshopSession.create(store, "Kill test", participants=["Ana", "Ben"])
    session.agenda.go_to(2)
    workshop_id = session.workshop.id
    session.close()
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(data_dir), workshop_id],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    acknowledged: list[str] = []
    try:
        assert process.stdout is not None
        url, code = process.stdout.readline().split()
        assert url.startswith("http://127.0.0.1:")
        origin = url.rstrip("/")
        with httpx.Client(base_url=origin, headers={"Origin": origin}, timeout=10) as phone:
            page = phone.get("/").text
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
            assert phone.post("/join", data={"csrf": csrf, "code": code, "participant": "1"}).status_code == 303
            csrf = re.search(r'name="csrf" value="([^"]+)"', phone.get("/").text).group(1)  # type: ignore[union-attr]
            for i in range(20):  # some notes before the kill is armed
                text = f"note {i}"
                if phone.post("/notes", data={"csrf": csrf, "text": text}).status_code == 303:
                    acknowledged.append(text)
            killer = threading.Timer(random.uniform(0.05, 0.5), lambda: process.send_signal(signal.SIGKILL))
            killer.start()
            for i in range(20, 5000):
                text = f"note {i}"
                try:
                    answer = phone.post("/notes", data={"csrf": csrf, "text": text})
                except httpx.TransportError:
                    break  # killed mid-request: this one was never acknowledged
                if answer.status_code == 303:
                    acknowledged.append(text)
            killer.join()
    finally:
        process.kill()
        process.wait(10)
    assert len(acknowledged) >= 20
    with WorkshopSession.open(Store(data_dir), workshop_id) as reopened:
        stored = {n.text for n in reopened.workshop.notes.values()}
    missing = [t for t in acknowledged if t not in stored]
    assert not missing, f"{len(missing)} acknowledged notes lost, first {missing[:3]}"
