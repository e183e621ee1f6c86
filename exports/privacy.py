"""What an exported file may say about who did what: an anonymous vote and privately entered readiness answers are
attributed to nobody, in any export.

The JSON interchange file keeps everything else (every record, the full event log for audit), so this module
decides the few places where it must say less than the workshop holds, and how an import rebuilds a workshop
from what was said:

- **An anonymous vote** (``Ballot.anonymous`` with private ballots): its dots are written without
  ``participant_id`` and without ``cast_at``. Each dot carries ``voter``, a number that groups the dots of one
  person within that ballot (so the budget and the cap still hold after import) and says nothing about who it is:
  voters are numbered in the order of the notes they put dots on, never by participant id or time, and the
  ballot's dot ids are handed out again in that order, so neither the ids nor the times line up with the
  "has voted" lines of the log. The log's ``vote.cast``/``vote.retracted`` events of such a ballot lose their
  ``vote_id``, and ``vote.reset`` names no participant in what it cleared. Import gives voter ``k`` the
  participant id ``-k`` (negative ids are anonymous voters, never a person).
- **Readiness answers entered privately** (``ReadinessResponse.private``, the default): written as their
  distribution per round (``readiness_private``: how many answered, how many named each attitude, how many gave
  each score per discipline), never per person. Answers the facilitator entered for a person in the open
  (``private: false``) stay per person in ``readiness``. Import rebuilds one anonymous response per person who
  answered, with the same counts, so every chart, median and range is the same after a round trip.

- **The room's secrets**: the join code the facilitator's window logs in ``room.opened`` (so the projector window,
  another process following the journal, can show it) is left out of every event's data (``ROOM_SECRETS``), so no
  export carries it. Device tokens, their hashes and CSRF tokens are never written anywhere (``room/devices.py``
  keeps them in memory); a participant device's network address is never logged.

Who voted (``submitted``, "Ana has voted") and who answered the readiness check stay on file: the room saw that.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from facilitation import catalogue
from facilitation.models import Ballot, Event, ReadinessResponse, Vote, Workshop

ANONYMOUS_VOTE_EVENTS = ("vote.cast", "vote.retracted", "vote.reset")
"""Event kinds whose data could tie a dot of an anonymous ballot to a person; scrubbed in the JSON."""

SCORE_VALUES = (1, 2, 3, 4, 5)

ROOM_SECRETS = frozenset({"code", "join_code", "token", "token_hash", "csrf"})
"""Keys of a ``room.*`` event's data that no export writes: whoever reads the file could join a room still open
(the join code), or act as a device (tokens). The address the room listened on (``url``) stays: it was projected."""


def is_anonymous(ballot: Ballot) -> bool:
    """A ballot whose dots are attributed to nobody: anonymous, with private ballots (a room tally has no voters)."""
    return bool(ballot.anonymous) and ballot.mode == "private"


def anonymous_ballots(workshop: Workshop) -> set[int]:
    return {ballot.id for ballot in workshop.ballots.values() if is_anonymous(ballot)}


# --- votes -------------------------------------------------------------------------------------------------------


def _pseudonyms(votes: Iterable[Vote]) -> dict[int, int]:
    """Participant id → voter number (1, 2, …) within one ballot, ordered by the notes each voter chose (then by
    how many dots), which is what the file shows anyway; equal choices are interchangeable."""
    chosen: dict[int, list[int]] = defaultdict(list)
    for vote in votes:
        chosen[vote.participant_id].append(vote.note_id)
    order = sorted(chosen, key=lambda person: (sorted(chosen[person]), len(chosen[person])))
    return {person: number for number, person in enumerate(order, start=1)}


def vote_dicts(workshop: Workshop) -> list[dict[str, Any]]:
    """Every dot as the JSON file writes it, sorted by id; anonymous ballots' dots without their voter."""
    anonymous = anonymous_ballots(workshop)
    named: list[dict[str, Any]] = []
    by_ballot: dict[int, list[Vote]] = defaultdict(list)
    for vote in workshop.votes.values():
        if vote.ballot_id in anonymous:
            by_ballot[vote.ballot_id].append(vote)
        else:
            named.append(vote.to_dict())
    for ballot_id, votes in by_ballot.items():
        numbers = _pseudonyms(votes)
        ids = sorted(vote.id for vote in votes)
        dots = sorted((numbers[vote.participant_id], vote.note_id) for vote in votes)
        named += [
            {"id": vote_id, "ballot_id": ballot_id, "voter": voter, "note_id": note_id}
            for vote_id, (voter, note_id) in zip(ids, dots, strict=True)
        ]
    return sorted(named, key=lambda item: item["id"])


def event_dict(event: Event, anonymous: set[int]) -> dict[str, Any]:
    """An event as the JSON file writes it: whole, except what ties an anonymous ballot's dot to a person and the
    room's secrets (``ROOM_SECRETS``)."""
    data: dict[str, Any] = {
        "id": event.id,
        "at": event.at,
        "kind": event.kind,
        "summary": event.summary,
        "stage_id": event.stage_id,
        "data": event.data,
    }
    if event.kind in ANONYMOUS_VOTE_EVENTS and event.data.get("ballot_id") in anonymous:
        details = dict(data["data"])
        details.pop("vote_id", None)
        cleared = details.get("cleared")
        if isinstance(cleared, list):
            notes = sorted(pair[1] for pair in cleared if isinstance(pair, list | tuple) and len(pair) == 2)
            details["cleared"] = [[None, note] for note in notes]
        data["data"] = details
    if event.kind.startswith("room.") and ROOM_SECRETS & event.data.keys():
        data["data"] = {key: value for key, value in event.data.items() if key not in ROOM_SECRETS}
    return data


def voter_id(voter: int) -> int:
    """The participant id an import gives anonymous voter ``voter`` (1, 2, …): ``-voter``, never a person."""
    return -voter


# --- readiness -------------------------------------------------------------------------------------------------


def private_readiness(workshop: Workshop) -> tuple[list[ReadinessResponse], list[dict[str, Any]]]:
    """The responses written per person (entered in the open), and the distribution of the private ones per round.

    A distribution: ``{"round", "responses", "attitudes": {key: count}, "scores": {discipline: [n1, …, n5]}}``
    with attitudes and disciplines in catalogue order and only those someone gave.
    """
    named: list[ReadinessResponse] = []
    private: dict[str, list[ReadinessResponse]] = defaultdict(list)
    for response in sorted(workshop.readiness.values(), key=lambda r: r.id):
        if response.private:
            private[response.round].append(response)
        else:
            named.append(response)
    rounds = []
    for round_name in sorted(private, key=lambda r: (r != "start", r != "end", r)):
        responses = private[round_name]
        attitudes = Counter(r.attitude for r in responses if r.attitude is not None)
        scores: dict[str, list[int]] = {}
        for key in catalogue.DISCIPLINE_KEYS:
            given = Counter(r.scores[key] for r in responses if key in r.scores)
            if given:
                scores[key] = [given[value] for value in SCORE_VALUES]
        rounds.append(
            {
                "round": round_name,
                "responses": len(responses),
                "attitudes": {key: attitudes[key] for key in catalogue.ATTITUDE_BY_KEY if attitudes[key]},
                "scores": scores,
            }
        )
    return named, rounds


def rebuild_readiness(
    distribution: dict[str, Any], first_id: int, first_person: int
) -> list[ReadinessResponse]:
    """Anonymous responses with exactly the distribution's counts (checked beforehand), ids from ``first_id``,
    participant ids ``-first_person``, ``-first_person - 1`` …

    Each answer goes to a respondent who has no answer yet where there is one, so every rebuilt response holds
    something (as every real one did) and the round still counts ``responses`` answers.
    """
    count = distribution["responses"]
    attitudes: list[str | None] = [None] * count
    scores: list[dict[str, int]] = [{} for _ in range(count)]

    def empty(index: int) -> bool:
        return attitudes[index] is None and not scores[index]

    def targets(taken: set[int], needed: int) -> list[int]:
        free = [i for i in range(count) if i not in taken]
        free.sort(key=lambda i: not empty(i))
        return free[:needed]

    given = [key for key, n in distribution["attitudes"].items() for _ in range(n)]
    for index, key in zip(targets(set(), len(given)), given, strict=True):
        attitudes[index] = key
    for discipline, histogram in distribution["scores"].items():
        values = [value for value, n in zip(SCORE_VALUES, histogram, strict=True) for _ in range(n)]
        for index, value in zip(targets(set(), len(values)), values, strict=True):
            scores[index][discipline] = value
    return [
        ReadinessResponse(
            id=first_id + index,
            participant_id=-(first_person + index),
            round=distribution["round"],
            attitude=attitudes[index],
            scores=scores[index],
            private=True,
        )
        for index in range(count)
    ]
