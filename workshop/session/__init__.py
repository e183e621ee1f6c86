"""The workshop session: the one API that screens and the CLI call for every change.

``WorkshopSession`` is composed of parts (``session.notes``, ``session.votes`` …) over one ``Ledger`` that holds
the state, the ids and the single write path, and publishes a ``Change`` per commit to the listeners of ``session.subscribe``.
"""

from workshop.session.actions import KEEP, ActionChange
from workshop.session.ballots import BallotResult
from workshop.session.changes import Change, Listener
from workshop.session.ledger import EXTERNAL_RELOAD
from workshop.session.library import BackupInfo, DamagedWorkshopError, WorkshopLibrary
from workshop.session.listing import WorkshopSummary, list_workshops, load_workshop, summarise
from workshop.session.session import WorkshopSession, make_workshop_id
from workshop.session.validation import (
    MAX_PARTICIPANTS,
    MAX_STAGE_MINUTES,
    MAX_TALLY,
    NotFoundError,
    SessionError,
)

__all__ = [
    "EXTERNAL_RELOAD",
    "KEEP",
    "MAX_PARTICIPANTS",
    "MAX_STAGE_MINUTES",
    "MAX_TALLY",
    "ActionChange",
    "BackupInfo",
    "BallotResult",
    "Change",
    "DamagedWorkshopError",
    "Listener",
    "NotFoundError",
    "SessionError",
    "WorkshopLibrary",
    "WorkshopSession",
    "WorkshopSummary",
    "list_workshops",
    "load_workshop",
    "make_workshop_id",
    "summarise",
]
