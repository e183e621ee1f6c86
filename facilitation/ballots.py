"""A ballot's result from its records: the same arithmetic for the app's reveal, the action plan and the exports.

Works on (participant id, note id) pairs, one per dot, so callers can pass votes from the workshop or any other
source without building ``Vote`` objects.
"""

from __future__ import annotations

from collections.abc import Iterable

from facilitation import voting
from facilitation.models import Ballot, Workshop


def latest_closed(ballots: Iterable[Ballot]) -> Ballot | None:
    """The most recently revealed run among ``ballots`` (re-runs supersede earlier runs)."""
    closed = [b for b in ballots if b.status == "closed"]
    return max(closed, key=lambda b: (b.closed_at or 0.0, b.id)) if closed else None


def totals(ballot: Ballot, dots: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Dots per note: the typed counts of a room tally, else the participants' dots."""
    if ballot.mode == "tally":
        return {note_id: count for note_id, count in ballot.tally.items() if count}
    return voting.totals(dots)


def voters(ballot: Ballot, dots: Iterable[tuple[int, int]]) -> int:
    """How many participants took part: cast a dot or confirmed a ballot (a room tally has no voters on file)."""
    if ballot.mode == "tally":
        return 0
    return len({participant for participant, _ in dots} | set(ballot.submitted))


def dots_of(workshop: Workshop, ballot: Ballot) -> list[tuple[int, int]]:
    return [(v.participant_id, v.note_id) for v in workshop.ballot_votes(ballot.id)]


def ranking(workshop: Workshop, ballot: Ballot) -> list[voting.RankedItem]:
    """Every note on the ballot ranked by dots (see ``voting.TIE_BREAK``)."""
    return voting.rank(totals(ballot, dots_of(workshop, ballot)), ballot.note_ids)
