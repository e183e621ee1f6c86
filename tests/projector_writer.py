"""Helper process for the two-process projector test: the facilitator's window, driven line by line on stdin.

Usage: ``python tests/projector_writer.py <data dir> <workshop id>``. It opens the workshop for writing (taking
the lock) and answers every command with one flushed line ``ok <seq>`` once the change is durable, or
``error <message>``. Commands:

``next`` go to the next stage · ``note TEXT`` add a note to the current stage · ``start`` start the stage's timer · ``extend MINUTES``
``vote`` open a private dot vote on the stage's notes · ``cast PARTICIPANT NOTE`` one dot · ``submit PARTICIPANT``
``reveal`` close the vote and reveal it · ``quit`` close the workshop and exit.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop.session import SessionError, WorkshopSession
from workshop.store import Store


def main() -> None:
    store = Store(Path(sys.argv[1]))
    session = WorkshopSession.open(store, sys.argv[2], mode="write")
    ballot_id = 0
    done = 0
    print("ready", flush=True)
    for line in sys.stdin:
        command, _, rest = line.strip().partition(" ")
        try:
            if command == "note":
                session.notes.add(rest)
            elif command == "next":
                session.agenda.next()
            elif command == "start":
                session.timer.start()
            elif command == "extend":
                session.timer.extend(float(rest))
            elif command == "vote":
                ballot_id = session.votes.open(session.workshop.current_stage_id, budget=3, cap=2).id
            elif command == "cast":
                participant, note = (int(x) for x in rest.split())
                session.votes.cast(ballot_id, participant, note)
            elif command == "submit":
                session.votes.submit(ballot_id, int(rest))
            elif command == "reveal":
                session.votes.close(ballot_id)
            elif command == "quit":
                break
            else:
                raise SessionError(f"unknown command {command!r}")
        except SessionError as error:
            print(f"error {error}", flush=True)
            continue
        done += 1
        print(f"ok {done}", flush=True)
    session.close()
    print("closed", flush=True)


if __name__ == "__main__":
    main()
