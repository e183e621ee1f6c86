"""A ballot's result: the one function every screen and export ranks a vote with, and the record kept at reveal.

A revealed result is a record. When a vote is revealed the session stores ``record(workshop, ballot)`` in the
ballot (``Ballot.revealed``): every note's text, author, stage, dots and rank as the room saw them. From then
on ``outcome`` reads that record, so the result screen, the summary, the minutes and every export say what was
revealed, whatever happens to the notes afterwards (merged, deleted, moved, edited). Only re-opening the vote
drops the record (the next reveal writes a new one). Ballots revealed by earlier versions have no record: their
result is computed from the dots on file, the same way for every caller.

Works on (participant id, note id) pairs, one per dot, so callers can pass votes from the workshop or any other
source without building ``Vote`` objects. The rules for notes changed during a vote are in docs/VOTING.md.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from facilitation import voting
from facilitation.models import Ballot, Event, Note, Workshop

RECORD_VERSION = 1
"""Version of the ``Ballot.revealed`` shape."""


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
    people = {participant for participant, _ in dots}
    named = {person for person in people if person >= 0} | set(ballot.submitted)
    # Negative ids are the anonymous voters of an imported anonymous vote (exports.privacy): each is one of those
    # who confirmed without a dot on file, or someone more.
    anonymous = sum(1 for person in people if person < 0)
    unplaced = len(set(ballot.submitted) - people)
    return len(named) + max(0, anonymous - unplaced)


@dataclass(frozen=True)
class Progress:
    """Where each voter of an open private ballot stands, in the order of the ``voters`` given to ``progress``.

    ``done``: confirmed their ballot (Enter at the keyboard, "I'm done" on a phone). ``placing``: placed at least
    one dot without confirming (those dots count if the vote is revealed now). ``waiting``: no dot, not confirmed.
    ``voted`` (done + placing) is what the revealed result counts as "participants voted" (``voters``).
    """

    done: list[int]
    placing: list[int]
    waiting: list[int]

    @property
    def voted(self) -> int:
        """How many took part so far: confirmed, or placed a dot (the result's count of voters)."""
        return len(self.done) + len(self.placing)

    @property
    def counted(self) -> int:
        """How many the "N of M" counts as M: everyone in one of the three groups."""
        return len(self.done) + len(self.placing) + len(self.waiting)


def progress(
    ballot: Ballot, dots: Iterable[tuple[int, int]], voters: Sequence[int], left: Sequence[int] = ()
) -> Progress:
    """Split ``voters`` (participant ids still on the list) by how far they are on ``ballot``, given its
    (participant, note) dots; ``left``: eligible participants removed from the list since the vote opened.

    The same rule as ``voters``: a participant took part once they confirmed or cast a dot, so what the board says
    before the reveal and what the result says after it never disagree. Someone who left after taking part is
    ``done`` (their dots are kept and count; they can no longer change them); someone who left without taking part
    is in no group, as in ``eligible_count``.
    """
    placed = {participant for participant, _ in dots}
    submitted = set(ballot.submitted)
    done = [p for p in voters if p in submitted]
    done += [p for p in left if p in submitted or p in placed]
    placing = [p for p in voters if p not in submitted and p in placed]
    waiting = [p for p in voters if p not in submitted and p not in placed]
    return Progress(done, placing, waiting)


def eligible_count(ballot: Ballot, dots: Iterable[tuple[int, int]], on_the_list: Callable[[int], bool]) -> int:
    """How many a vote's "N of M participants voted" counts as M: every eligible participant still on the list
    (``on_the_list``), and anyone removed since who had cast a dot or confirmed (their dots are kept and count in
    ``voters``). Someone removed without taking part is not counted, so the board before the reveal
    (``progress``) and the result after it say the same "N of M"."""
    placed = {participant for participant, _ in dots}
    submitted = set(ballot.submitted)
    return sum(1 for p in ballot.eligible if on_the_list(p) or p in placed or p in submitted)


def dots_of(workshop: Workshop, ballot: Ballot) -> list[tuple[int, int]]:
    """The ballot's dots as (participant id, note id) pairs, in the order they were cast."""
    return [
        (v.participant_id, v.note_id) for v in sorted(workshop.ballot_votes(ballot.id), key=lambda v: v.id)
    ]


@dataclass(frozen=True)
class ResultItem(voting.RankedItem):
    """One note's line in a result, with the note as it read when the result was revealed (or now, if open)."""

    text: str = ""
    author_id: int | None = None
    """The note's author; ``None`` for an anonymous note (who voted is never here)."""
    stage_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    """A ballot's result: every note on it ranked, how many took part, and whether it is the revealed record."""

    ballot: Ballot
    ranked: list[ResultItem]
    voters: int
    total_dots: int
    recorded: bool
    """True when read from the record kept at reveal; False for an open vote (or a pre-record ballot)."""

    def item(self, note_id: int) -> ResultItem | None:
        return next((i for i in self.ranked if i.note_id == note_id), None)


def counted_notes(workshop: Workshop, ballot: Ballot) -> list[int]:
    """The notes of ``ballot`` whose dots count, in ballot order.

    A note deleted while the vote was open, or (on a stage's vote) moved to another stage while it was open, has
    left the ballot: its dots went back to the voters (docs/VOTING.md); so has a note hidden from the room while
    the vote is open (shown again, it is back with no dots). For a ballot closed before results were
    recorded, a note deleted after the reveal still counts (it was revealed), one deleted before does not.
    """
    closed_at = ballot.closed_at if ballot.status == "closed" else None
    kept = []
    for note_id in ballot.note_ids:
        note = workshop.notes.get(note_id)
        if note is None:
            continue
        if note.deleted_at is not None and (closed_at is None or note.deleted_at <= closed_at):
            continue
        if closed_at is None and ballot.stage_id is not None and note.stage_id != ballot.stage_id:
            continue
        if closed_at is None and note.withheld:  # hidden from the room while the vote is open: off the ballot
            continue
        kept.append(note_id)
    return kept


def _live(workshop: Workshop, ballot: Ballot) -> Outcome:
    dots = dots_of(workshop, ballot)
    counted = totals(ballot, dots)
    ranked = []
    for item in voting.rank(counted, counted_notes(workshop, ballot)):
        note: Note | None = workshop.notes.get(item.note_id)
        ranked.append(
            ResultItem(
                note_id=item.note_id,
                dots=item.dots,
                rank=item.rank,
                tied=item.tied,
                text=note.text if note else "",
                author_id=note.author_id if note else None,
                stage_id=note.stage_id if note else ballot.stage_id,
            )
        )
    return Outcome(ballot, ranked, voters(ballot, dots), sum(i.dots for i in ranked), recorded=False)


def record(workshop: Workshop, ballot: Ballot) -> dict[str, Any]:
    """The plain-data record of the ballot's result now, to keep in ``Ballot.revealed`` at reveal.

    ``{"version": 1, "voters": int, "total_dots": int, "ranked": [{"note_id", "dots", "rank", "tied", "text",
    "author_id", "stage_id"}, …]}``, most dots first (``voting.TIE_BREAK``). Names no voter.
    """
    live = _live(workshop, ballot)
    return {
        "version": RECORD_VERSION,
        "voters": live.voters,
        "total_dots": live.total_dots,
        "ranked": [
            {
                "note_id": i.note_id,
                "dots": i.dots,
                "rank": i.rank,
                "tied": i.tied,
                "text": i.text,
                "author_id": i.author_id,
                "stage_id": i.stage_id,
            }
            for i in live.ranked
        ],
    }


def _from_record(ballot: Ballot, saved: Mapping[str, Any]) -> Outcome:
    ranked = [
        ResultItem(
            note_id=int(line["note_id"]),
            dots=int(line["dots"]),
            rank=int(line["rank"]),
            tied=bool(line["tied"]),
            text=str(line.get("text", "")),
            author_id=line.get("author_id"),
            stage_id=line.get("stage_id"),
        )
        for line in saved.get("ranked", [])
    ]
    return Outcome(
        ballot,
        ranked,
        int(saved.get("voters", 0)),
        int(saved.get("total_dots", sum(i.dots for i in ranked))),
        recorded=True,
    )


def reveal_events(workshop: Workshop) -> dict[Hashable, Event]:
    """The latest ``vote.revealed`` event of each ballot in the event log, by the ``ballot_id`` it names: one pass
    over the log for every ballot revealed before records were kept (``outcome``'s ``reveals``)."""
    found: dict[Hashable, Event] = {}
    for event in workshop.events:
        if event.kind == "vote.revealed":
            named = event.data.get("ballot_id")
            if isinstance(named, Hashable):
                found[named] = event
    return found


def _from_reveal_event(
    workshop: Workshop, ballot: Ballot, reveals: Mapping[Hashable, Event] | None = None
) -> Outcome | None:
    """A ballot revealed before records were kept: the ranking its ``vote.revealed`` event logged (note, dots,
    rank per line), with the notes' texts as they are now; ``None`` without a readable event. ``reveals``:
    ``reveal_events(workshop)`` when the caller has it (the log is searched otherwise)."""
    if reveals is not None:
        event = reveals.get(ballot.id)
    else:
        event = next(
            (
                e
                for e in reversed(workshop.events)
                if e.kind == "vote.revealed" and e.data.get("ballot_id") == ballot.id
            ),
            None,
        )
    rows = event.data.get("result") if event is not None else None
    if not isinstance(rows, list) or not all(
        isinstance(r, list) and len(r) >= 3 and all(isinstance(x, int) for x in r[:3]) for r in rows
    ):
        return None
    live = _live(workshop, ballot)
    counts = [r[1] for r in rows]
    ranked = []
    for note_id, dots, rank, *_ in rows:
        note = workshop.notes.get(note_id)
        ranked.append(
            ResultItem(
                note_id=note_id,
                dots=dots,
                rank=rank,
                tied=counts.count(dots) > 1,
                text=note.text if note else "",
                author_id=note.author_id if note else None,
                stage_id=note.stage_id if note else ballot.stage_id,
            )
        )
    return Outcome(ballot, ranked, live.voters, sum(counts), recorded=True)


def outcome(
    workshop: Workshop, ballot: Ballot, *, reveals: Mapping[Hashable, Event] | None = None
) -> Outcome:
    """The result of ``ballot`` as every screen and export shows it.

    A revealed ballot gives its record. One revealed before records were kept gives the ranking its reveal event
    logged (texts as they are now), else, like an open vote, the count of the dots on file over the notes that
    count (``counted_notes``). ``reveals``: ``reveal_events(workshop)``, for a caller counting several such
    ballots (each otherwise searches the whole event log: about 2 ms at 20,000 entries).
    """
    if ballot.status == "closed":
        if ballot.revealed:
            return _from_record(ballot, ballot.revealed)
        logged = _from_reveal_event(workshop, ballot, reveals)
        if logged is not None:
            return logged
    return _live(workshop, ballot)


def ranking(workshop: Workshop, ballot: Ballot) -> list[ResultItem]:
    """Every note on the ballot ranked by dots (see ``voting.TIE_BREAK``): ``outcome(...).ranked``."""
    return outcome(workshop, ballot).ranked


# --- notes that changed since the vote opened --------------------------------------------------------------


@dataclass(frozen=True)
class LeftOut:
    """A note of an earlier run that a re-run does not include, and why, in words for the facilitator."""

    note_id: int
    reason: str


def rerun_notes(workshop: Workshop, ballot: Ballot) -> tuple[list[int], list[LeftOut]]:
    """The notes a re-run of ``ballot`` votes on, and the ones it leaves out with the reason.

    A re-run keeps the earlier run's notes that are still in its stage (any stage, for the cross-stage
    final-priorities vote), in the same order. A note merged since is replaced by the note it was merged into,
    in its place, when that note is in the stage and not already on the ballot; a deleted note, or one moved
    to another stage, is left out.
    """
    titles = {s.id: s.title for s in workshop.stages.values()}
    merged_into = {
        gone: note.id for note in workshop.notes.values() if not note.deleted for gone in note.merged_from
    }
    kept: list[int] = []
    left_out: list[LeftOut] = []
    for note_id in ballot.note_ids:
        note = workshop.notes.get(note_id)
        target = note_id
        if note is not None and note.deleted and note_id in merged_into:
            target = merged_into[note_id]
            note = workshop.notes.get(target)
            left_out.append(LeftOut(note_id, f"merged into #{target}"))
        elif note is None or note.deleted:
            left_out.append(LeftOut(note_id, "deleted"))
            continue
        assert note is not None
        if ballot.stage_id is not None and note.stage_id != ballot.stage_id:
            if target == note_id:
                left_out.append(LeftOut(note_id, f"moved to {titles.get(note.stage_id, 'another stage')}"))
            continue
        if target not in kept:
            kept.append(target)
    return kept, left_out


def describe_left_out(left_out: Sequence[LeftOut]) -> str:
    """``"#4 (moved to Strategy), #7 (deleted)"``: the re-run's notice."""
    return ", ".join(f"#{item.note_id} ({item.reason})" for item in left_out)
