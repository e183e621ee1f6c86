"""Workshops built in memory for tests that need many notes (imported with ``WorkshopSession.import_workshop``)."""

from __future__ import annotations

from collections.abc import Callable

from facilitation import catalogue
from facilitation.models import Note, Participant, Stage, Workshop

CREATED_AT = 1_800_000_000.0
"""When the workshop and its notes were made (seconds since the epoch; note ``n`` one second after each other)."""


def agenda_workshop(workshop_id: str, title: str, notes: int, text: Callable[[int], str]) -> Workshop:
    """A workshop ``workshop_id`` with three participants (Ana, Ben, Chloé; ids 1-3), the default agenda (stage
    ids 1-6, the second current) and ``notes`` notes on the second stage, ids 1 to ``notes``, note ``n`` holding
    ``text(n)``, anonymous, made ``CREATED_AT + n`` and placed at ``n``."""
    ws = Workshop(id=workshop_id, title=title, created_at=CREATED_AT)
    for i, name in enumerate(("Ana", "Ben", "Chloé"), start=1):
        ws.participants[i] = Participant(i, name)
    for i, st in enumerate(catalogue.default_agenda(), start=1):
        ws.stages[i] = Stage(
            i, st.key, st.title, st.minutes, st.kind, st.purpose, list(st.prompts), st.output, position=i
        )
    ws.current_stage_id = 2
    for n in range(1, notes + 1):
        ws.notes[n] = Note(n, 2, text(n), None, CREATED_AT + n, CREATED_AT + n, float(n))
    return ws
