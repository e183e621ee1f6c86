"""Dot-voting rules: how many dots each participant gets, where they may put them, and how the result ranks.

As in Parabol or scrumlr, every participant gets a *budget* of dots for one ballot and may stack up to a
*cap* of them on a single note. A vote is stored as one ``(participant_id, note_id)`` pair per dot, so
totals and limits are plain counts.

Tie-break: notes with the same number of dots share a rank (standard competition ranking: 1, 2, 2, 4) and
are listed in ballot order, which is the notes' order on the board, earlier notes first. Ranking is
therefore stable and deterministic: the same votes always give the same list, and a tie is shown as a tie,
not hidden by an arbitrary order. ``top`` never cuts through a tie.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

TIE_BREAK = (
    "Notes with the same number of dots share a rank and are listed in board order (earlier notes first)."
)
"""The tie-break rule in words, for the UI to show next to a result."""

MAX_DEFAULT_BUDGET = 10
"""More dots than this stops forcing a choice, which is the point of dot voting."""


class VotingError(ValueError):
    """A dot or a rule change the ballot cannot accept, worded for the facilitator."""


def _dots(n: int) -> str:
    return f"{n} dot" if n == 1 else f"{n} dots"


def default_budget(item_count: int) -> int:
    """Dots per participant for a ballot of ``item_count`` notes: a third of the notes, rounded up, 1..10.

    A third makes people choose (they cannot back everything) while leaving room to back a few; the cap of
    10 keeps long ballots quick. An empty ballot gets 0.
    """
    if item_count < 0:
        raise VotingError("A ballot cannot have fewer than 0 notes.")
    if item_count == 0:
        return 0
    return min(MAX_DEFAULT_BUDGET, max(1, math.ceil(item_count / 3)))


@dataclass(frozen=True)
class VotingRules:
    """The limits of one ballot run."""

    budget: int
    """Dots per participant."""
    cap: int
    """Most dots one participant may put on one note."""

    def validate(self) -> None:
        """Refuse rules no one could vote under."""
        if self.budget < 1:
            raise VotingError("Each participant needs at least 1 dot.")
        if self.cap < 1:
            raise VotingError("At least 1 dot must be allowed on a note.")
        if self.cap > self.budget:
            raise VotingError(
                f"The most dots on one note ({self.cap}) cannot be more than the dots each participant has "
                f"({self.budget})."
            )


def check_cast(rules: VotingRules, participant_votes: Mapping[int, int], note_id: int) -> None:
    """Raise if one more dot from this participant on ``note_id`` would break the budget or the cap.

    ``participant_votes`` is that participant's dots so far, per note id. The budget is checked first: when
    both are reached, "no dots left" is the more useful thing to hear.
    """
    used = sum(participant_votes.values())
    if used >= rules.budget:
        if rules.budget == 1:
            raise VotingError("You have used your only dot.")
        raise VotingError(f"You have used all {rules.budget} of your dots.")
    if participant_votes.get(note_id, 0) >= rules.cap:
        raise VotingError(f"At most {_dots(rules.cap)} on one note.")


def check_limits_change(new_rules: VotingRules, dots_by_participant: Mapping[int, Mapping[int, int]]) -> None:
    """Raise if the new rules are invalid or below what someone has already cast.

    Lowering limits under existing votes would leave ballots that break the rules; raising them is always
    fine.
    """
    new_rules.validate()
    most_cast = max((sum(d.values()) for d in dots_by_participant.values()), default=0)
    if most_cast > new_rules.budget:
        raise VotingError(
            f"Someone has already cast {_dots(most_cast)}: "
            f"the dots per participant cannot go below {most_cast}."
        )
    most_on_one = max((max(d.values(), default=0) for d in dots_by_participant.values()), default=0)
    if most_on_one > new_rules.cap:
        raise VotingError(
            f"Someone has already put {_dots(most_on_one)} on one note: the most per note cannot go below "
            f"{most_on_one}."
        )


def totals(votes: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Dots per note id from ``(participant_id, note_id)`` pairs, one pair per dot."""
    return dict(Counter(note_id for _participant_id, note_id in votes))


def dots_by_participant(votes: Iterable[tuple[int, int]]) -> dict[int, dict[int, int]]:
    """Each participant's dots per note id, from ``(participant_id, note_id)`` pairs."""
    result: dict[int, dict[int, int]] = {}
    for participant_id, note_id in votes:
        mine = result.setdefault(participant_id, {})
        mine[note_id] = mine.get(note_id, 0) + 1
    return result


@dataclass(frozen=True)
class RankedItem:
    """One note's place in a revealed vote."""

    note_id: int
    dots: int
    rank: int
    """Competition rank: 1, 2, 2, 4 …"""
    tied: bool
    """True when another note on the ballot has the same number of dots."""


def rank(totals: Mapping[int, int], order: Sequence[int]) -> list[RankedItem]:
    """Every note on the ballot, most dots first; ties share a rank and keep ballot order (``TIE_BREAK``).

    Notes in ``order`` with no dots are included with 0; dots on notes not in ``order`` (say a note taken
    off the ballot) are ignored; a note listed twice in ``order`` counts at its first place.
    """
    ballot = list(dict.fromkeys(order))
    position = {note_id: i for i, note_id in enumerate(ballot)}
    counts = {note_id: totals.get(note_id, 0) for note_id in ballot}
    ordered = sorted(ballot, key=lambda note_id: (-counts[note_id], position[note_id]))
    how_many = Counter(counts.values())
    result: list[RankedItem] = []
    current_rank = 0
    previous: int | None = None
    for index, note_id in enumerate(ordered, start=1):
        dots = counts[note_id]
        if dots != previous:
            current_rank = index
            previous = dots
        result.append(RankedItem(note_id=note_id, dots=dots, rank=current_rank, tied=how_many[dots] > 1))
    return result


def top(ranked: Sequence[RankedItem], n: int) -> list[RankedItem]:
    """The first ``n`` of a ranking, plus everyone tied with the ``n``-th, so a cut never splits a tie."""
    if n <= 0 or not ranked:
        return []
    if n >= len(ranked):
        return list(ranked)
    cut_dots = ranked[n - 1].dots
    end = n
    while end < len(ranked) and ranked[end].dots == cut_dots:
        end += 1
    return list(ranked[:end])


@dataclass(frozen=True)
class CarryOver:
    """What merging one note into another on an open ballot does to one participant's dots."""

    moved: int
    """Dots that move from the merged note onto the kept note."""
    returned: int
    """Dots that would break the cap on the kept note: taken off and given back to the participant."""


def carry_over(on_kept: int, on_merged: int, cap: int) -> CarryOver:
    """A participant's dots when the note with ``on_merged`` of their dots is merged into one with ``on_kept``.

    The dots move over within the cap: the kept note ends with ``min(cap, on_kept + on_merged)`` of theirs
    (never fewer than it had), the rest go back to the participant to place again. Raises ``VotingError`` for
    negative counts or a cap below 1.
    """
    if on_kept < 0 or on_merged < 0 or cap < 1:
        raise VotingError("Dot counts cannot be negative and the cap is at least 1.")
    after = max(on_kept, min(cap, on_kept + on_merged))
    moved = after - on_kept
    return CarryOver(moved=moved, returned=on_merged - moved)


def budget_warning(budget: int, cap: int, notes: int) -> str | None:
    """A warning when the dots each participant has cannot all be placed: ``notes × cap`` is fewer than ``budget``.

    ``None`` when every dot can be placed. Not an error: the room may decide to leave dots unused.
    """
    placeable = notes * cap
    if budget > placeable:
        return (
            f"Each participant has {_dots(budget)} but can place only {_dots(placeable)} "
            f"({notes} note{'s' if notes != 1 else ''}, at most {cap} on each)."
        )
    return None


def placeable_left(
    note_ids: Sequence[int], closed: Collection[int], mine: Mapping[int, int], budget: int, cap: int
) -> int:
    """Dots a participant can still place: the dots left of ``budget`` (``mine``: their dots per note, on any
    note, closed ones included), or fewer when the notes still open to dots (``note_ids`` not in ``closed``)
    cannot take them all under ``cap`` (each takes ``cap`` less what is on it already). Never below 0.

    One pass over the open notes; the room on them is ``cap`` per note less the dots already there (a note over
    the cap after the cap was lowered takes none, and counts as full)."""
    open_ids = [n for n in note_ids if n not in closed]
    room = cap * len(open_ids) - sum(min(cap, mine[n]) for n in open_ids if n in mine)
    return min(max(0, budget - sum(mine.values())), room)

