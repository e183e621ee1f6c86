"""The workshop session: the one API that screens and the CLI call for every change.

The class is assembled from one mixin per concern so each module stays small; ``SessionCore`` holds the state and
the single write path they all use.
"""

from workshop.session.actions import ActionsMixin
from workshop.session.agenda import AgendaMixin
from workshop.session.ballots import BallotResult, VotingMixin
from workshop.session.core import SessionCore, make_workshop_id
from workshop.session.library import BackupInfo, DamagedWorkshopError, WorkshopLibrary
from workshop.session.listing import WorkshopSummary, list_workshops, load_workshop, summarise
from workshop.session.notes import NotesMixin
from workshop.session.validation import MAX_PARTICIPANTS, MAX_STAGE_MINUTES, NotFoundError, SessionError


class WorkshopSession(AgendaMixin, NotesMixin, VotingMixin, ActionsMixin):
    """An open workshop. Every method that changes it returns only after the change is durable on disk."""


__all__ = [
    "MAX_PARTICIPANTS",
    "MAX_STAGE_MINUTES",
    "BackupInfo",
    "BallotResult",
    "DamagedWorkshopError",
    "NotFoundError",
    "SessionCore",
    "SessionError",
    "WorkshopLibrary",
    "WorkshopSession",
    "WorkshopSummary",
    "list_workshops",
    "load_workshop",
    "make_workshop_id",
    "summarise",
]
