"""``session.votes``: dot votes — open a ballot, cast and take back dots, room tallies, reveal, re-run."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from facilitation.models import (
    Ballot,
    BallotMode,
    BallotStatus,
    Event,
    Note,
    NoteMark,
    Record,
    Vote,
    Workshop,
)
from workshop.session.ledger import Ledger
from workshop.session.part import Part
from workshop.session.validation import (
    MAX_TALLY,
    NotFoundError,
    SessionError,
    check,
)

if TYPE_CHECKING:
    from facilitation import ballots


@dataclass(frozen=True)
class BallotResult:
    """A revealed (or, for the facilitator only, a running) result of a ballot: ``facilitation.ballots.outcome``.

    ``ranked`` items carry the note's text, author and stage as revealed (``ResultItem``); ``recorded`` is True
    when they come from the record kept at the reveal (docs/VOTING.md).
    """

    ballot: Ballot
    ranked: list[ballots.ResultItem]
    voters: int
    total_dots: int
    recorded: bool = False


@dataclass(slots=True)
class _KeptResult:
    """A ballot's result as counted from ``workshop`` after ``changes`` changes of the ledger (``Ledger.changes``),
    kept up to date change by change (``Votes._applied``) while no change can alter it."""

    workshop: Workshop
    changes: int
    ballot: Ballot
    """The ballot record counted (records are replaced, never changed in place: a new one is a new count)."""
    reads: frozenset[int]
    """The notes the result reads (the ballot's, and those its reveal event logged)."""
    result: BallotResult


@dataclass(slots=True)
class _KeptReveals:
    """``facilitation.ballots.reveal_events`` of ``workshop`` after ``changes`` changes, kept up to date."""

    workshop: Workshop
    changes: int
    events: dict[Hashable, Event]


class Votes(Part):
    """Dot votes. A private ballot's dots are only ever handed out per voter (``participant_dots``) until the
    reveal; ``named_dots`` refuses while a vote is open or anonymous (docs/VOTING.md)."""

    def __init__(self, ledger: Ledger) -> None:
        super().__init__(ledger)
        self._results: dict[int, _KeptResult] = {}
        """Each ballot's last result (``_result``), kept while no change can alter it (``_applied``)."""
        self._reveals: _KeptReveals | None = None
        ledger.on_applied(self._applied)

    def ballot(self, ballot_id: int) -> Ballot:
        """A ballot by id; ``NotFoundError`` when there is none."""
        found = self._ws.ballots.get(ballot_id)
        if found is None:
            raise NotFoundError(f"There is no vote #{ballot_id}.")
        return found

    def open(
        self,
        stage_id: int | None,
        *,
        note_ids: Sequence[int] | None = None,
        budget: int | None = None,
        cap: int | None = None,
        anonymous: bool = True,
        mode: BallotMode | str = BallotMode.PRIVATE,
        title: str | None = None,
        left_out: Sequence[Sequence[object]] = (),
    ) -> Ballot:
        """Open a dot vote on a stage's notes (or, with ``stage_id=None``, on the given cross-stage notes).

        ``mode`` is ``"private"`` (each participant casts their own dots) or ``"tally"`` (the facilitator types the
        room's counts); ``budget`` dots each (default from ``voting.default_budget``), at most ``cap`` per note.
        Refuses (``SessionError``) no notes, a note twice or from another stage, a second open vote on the same
        stage, rules ``voting.VotingRules`` rejects, unknown notes or stage (``NotFoundError``) and a read-only
        workshop. Durable on return; publishes ``vote.opened`` (``left_out``, for a re-run: the earlier run's notes
        not on this one, as ``[note id, reason]``, in ``data["left_out"]``).
        """
        from facilitation import voting  # on first use: opening a workshop skips the vote rules

        check(mode in tuple(BallotMode), "A vote is either private ballots or a room tally.")
        mode = BallotMode(mode)
        if stage_id is not None:
            stage = self._ledger.stage(stage_id)
            ids = (
                list(note_ids)
                if note_ids is not None
                else [n.id for n in self._ws.stage_notes(stage.id) if not n.withheld]
            )
            default_title = f"{stage.title} vote"
        else:
            check(note_ids is not None, "Choose the notes for a cross-stage vote.")
            ids = list(note_ids or [])
            default_title = "Final priorities"
        check(bool(ids), "There are no notes to vote on yet.")
        check(len(set(ids)) == len(ids), "A note appears twice on the ballot.")
        for note_id in ids:
            note = self._ledger.note(note_id)
            check(stage_id is None or note.stage_id == stage_id, f"Note #{note_id} is not in this stage.")
            check(not note.withheld, f"Note #{note_id} is hidden from the room: show it again to vote on it.")
        for other in self._ledger.open_ballots():
            check(other.stage_id != stage_id, "A vote is already open here; close it before opening another.")
        budget = budget if budget is not None else max(1, voting.default_budget(len(ids)))
        cap = cap if cap is not None else budget
        try:
            voting.VotingRules(budget, cap).validate()
        except voting.VotingError as error:
            raise SessionError(str(error)) from None
        runs = [b.run for b in self._ws.ballots.values() if b.stage_id == stage_id]
        ballot = Ballot(
            id=self._ledger.new_id("ballots"),
            stage_id=stage_id,
            title=title or default_title,
            note_ids=ids,
            budget=budget,
            cap=cap,
            anonymous=anonymous,
            mode=mode,
            status=BallotStatus.OPEN,
            run=max(runs, default=0) + 1,
            opened_at=self._ledger.clock.wall(),
            eligible=[p.id for p in self._ws.active_participants()],
        )
        self._ledger.commit(
            "vote.opened",
            f"{ballot.title} opened (run {ballot.run}, {budget} dots each, "
            f"at most {cap} per note, {len(ids)} notes)",
            [ballot],
            stage_id=stage_id,
            data={
                "ballot_id": ballot.id,
                "mode": mode,
                **({"left_out": [list(i) for i in left_out]} if left_out else {}),
            },
        )
        return ballot

    def _open_or_refuse(self, ballot_id: int) -> Ballot:
        ballot = self.ballot(ballot_id)
        check(ballot.status == BallotStatus.OPEN, "This vote is closed; re-open it to change votes.")
        return ballot

    # --- who votes where: a participant's own device or the facilitator's keyboard, never both ---------------

    @property
    def _device_state(self) -> tuple[set[int], set[int]]:
        """(participants voting on their own device now, ids of votes cast from a device), built on first use.

        Device votes are marked in their ``vote.cast`` event (``data["device"]``), so the rule holds after a
        restart and after the room closes."""
        state: tuple[set[int], set[int]] | None = getattr(self._ledger, "_device_votes", None)
        if state is None:
            cast = {
                int(e.data["vote_id"])
                for e in self._ws.events
                if e.kind == "vote.cast" and e.data.get("device") and "vote_id" in e.data
            }
            state = (set(), cast)
            self._ledger._device_votes = state  # type: ignore[attr-defined]
        return state

    @property
    def device_voters(self) -> frozenset[int]:
        """Participants who vote on their own device now (joined in the room)."""
        return frozenset(self._device_state[0])

    def claim_device(self, participant_id: int) -> None:
        """A participant now votes on their own device (they joined the room): the keyboard may not vote for
        them until ``release_device``. In memory only: the room's devices end when the app closes."""
        self._device_state[0].add(participant_id)

    def release_device(self, participant_id: int) -> None:
        self._device_state[0].discard(participant_id)

    def keyboard_voters(self, ballot_id: int) -> frozenset[int]:
        """Participants with a dot on this ballot placed at the facilitator's keyboard: the keyboard finishes
        their ballot, also if they have joined the room on a phone since (their phone is told to finish there)."""
        device_votes = self._device_state[1]
        return frozenset(v.participant_id for v in self._ws.ballot_votes(ballot_id) if v.id not in device_votes)

    def _check_channel(self, ballot: Ballot, participant_id: int, device: bool) -> None:
        """A device and the keyboard never both vote for the same person (refused with ``SessionError``). A ballot
        begun at the keyboard is finished there, even by someone who has joined on a phone since."""
        devices, device_votes = self._device_state
        name = self._ws.participant_name(participant_id)
        mine = [v.id for v in self._ws.ballot_votes(ballot.id) if v.participant_id == participant_id]
        if device:
            check(
                all(v in device_votes for v in mine),
                f"Dots for {name} were already placed at the facilitator's keyboard in this vote: "
                "finish the ballot there.",
            )
        else:
            check(
                participant_id not in devices or bool(mine),
                f"{name} votes on their own device. To vote for them here, release the name in the room first.",
            )
            check(
                not any(v in device_votes for v in mine),
                f"{name} voted on their own device in this vote; the keyboard cannot add to that ballot.",
            )

    def participant_dots(self, ballot_id: int, participant_id: int) -> dict[int, int]:
        """One participant's dots per note on a ballot: all a private ballot screen may show."""
        dots: dict[int, int] = {}
        for vote in self._ws.ballot_votes(ballot_id):
            if vote.participant_id == participant_id:
                dots[vote.note_id] = dots.get(vote.note_id, 0) + 1
        return dots

    def cast(self, ballot_id: int, participant_id: int, note_id: int, *, device: bool = False) -> Vote:
        """Put one of a participant's dots on a note of an open private ballot.

        ``device``: cast from the participant's own device (the room) rather than the facilitator's keyboard.
        Refuses (``SessionError``) a closed or tally vote, a participant who joined after it opened, a note not on
        the ballot or moved away, a dot over the budget or the per-note cap, a participant whose dots come from
        the other channel (device or keyboard), unknown ids (``NotFoundError``) and a read-only workshop. Durable
        on return; publishes ``vote.cast``.
        """
        from facilitation import voting  # on first use: opening a workshop skips the vote rules

        ballot = self._open_or_refuse(ballot_id)
        check(ballot.mode == BallotMode.PRIVATE, "This vote is a room tally: type the counts instead.")
        voter = self._ledger.participant(participant_id)
        check(
            participant_id in ballot.eligible, f"{voter.name} joined after this vote opened and is not on it."
        )
        self._check_channel(ballot, participant_id, device)
        check(note_id in ballot.note_ids, f"Note #{note_id} is not on this ballot.")
        note = self._ledger.note(note_id)
        check(
            ballot.stage_id is None or note.stage_id == ballot.stage_id,
            f"Note #{note_id} was moved to another stage after the vote opened.",
        )
        check(not note.withheld, f"Note #{note_id} is hidden from the room: it takes no dots.")
        try:
            voting.check_cast(
                voting.VotingRules(ballot.budget, ballot.cap),
                self.participant_dots(ballot_id, participant_id),
                note_id,
            )
        except voting.VotingError as error:
            raise SessionError(str(error)) from None
        vote = Vote(
            id=self._ledger.new_id("votes"),
            ballot_id=ballot_id,
            participant_id=participant_id,
            note_id=note_id,
            cast_at=self._ledger.clock.wall(),
        )
        data: dict[str, object] = {"ballot_id": ballot_id, "vote_id": vote.id}
        if device:
            data["device"] = True
        self._ledger.commit(
            "vote.cast", f"{ballot.title}: a dot cast", [vote], stage_id=ballot.stage_id, data=data
        )
        if device:
            self._device_state[1].add(vote.id)
        return vote

    def retract(self, ballot_id: int, participant_id: int, note_id: int, *, device: bool = False) -> Vote:
        """Take back a participant's latest dot on a note of an open vote; returns the vote removed.

        Refuses (``SessionError``) a closed vote, no dot there to take back, unknown ids (``NotFoundError``) and a
        read-only workshop. Durable on return; publishes ``vote.retracted`` (``removed`` holds ``("votes", id)``).
        """
        ballot = self._open_or_refuse(ballot_id)
        self._ledger.participant(participant_id, allow_inactive=True)
        self._check_channel(ballot, participant_id, device)
        mine = [
            v
            for v in self._ws.ballot_votes(ballot_id)
            if v.participant_id == participant_id and v.note_id == note_id
        ]
        check(bool(mine), "There is no dot on that note to take back.")
        vote = max(mine, key=lambda v: v.id)
        self._ledger.commit(
            "vote.retracted",
            f"{ballot.title}: a dot taken back",
            removed=("votes", [vote.id]),
            stage_id=ballot.stage_id,
            data={"ballot_id": ballot_id, "vote_id": vote.id},
        )
        return vote

    def submit(self, ballot_id: int, participant_id: int, *, device: bool = False) -> Ballot:
        """A participant confirms their ballot: the screen hides it and shows them as having voted.

        Refuses a closed vote (``SessionError``), an unknown ballot or participant (``NotFoundError``) and a
        read-only workshop; no change when already submitted. Durable on return; publishes ``vote.submitted``.
        """
        ballot = self._open_or_refuse(ballot_id)
        voter = self._ledger.participant(participant_id)
        self._check_channel(ballot, participant_id, device)
        if participant_id in ballot.submitted:
            return ballot
        updated = ballot.replace(submitted=[*ballot.submitted, participant_id])
        self._ledger.commit(
            "vote.submitted",
            f"{ballot.title}: {voter.name} has voted",
            [updated],
            stage_id=ballot.stage_id,
            data={"ballot_id": ballot_id, "participant_id": participant_id},
        )
        return updated

    def unsubmit(self, ballot_id: int, participant_id: int, *, device: bool = False) -> Ballot:
        """Let a participant change their submitted ballot until the vote closes.

        Refuses a closed vote (``SessionError``), unknown ids (``NotFoundError``) and a read-only workshop; no
        change when not submitted. Durable on return; publishes ``vote.unsubmitted``.
        """
        ballot = self._open_or_refuse(ballot_id)
        self._ledger.participant(participant_id)
        self._check_channel(ballot, participant_id, device)
        if participant_id not in ballot.submitted:
            return ballot
        updated = ballot.replace(submitted=[p for p in ballot.submitted if p != participant_id])
        self._ledger.commit(
            "vote.unsubmitted",
            f"{ballot.title}: {self._ws.participant_name(participant_id)} is changing their ballot",
            [updated],
            stage_id=ballot.stage_id,
            data={"ballot_id": ballot_id, "participant_id": participant_id},
        )
        return updated

    def tally(self, ballot_id: int, note_id: int, dots: int) -> Ballot:
        """Room tally: the facilitator types how many dots (0–10,000) the room put on a note.

        Refuses (``SessionError``) a closed or private vote, a note not on the ballot, a count out of range, an
        unknown note (``NotFoundError``) and a read-only workshop. Durable on return; publishes ``vote.tallied``.
        """
        ballot = self._open_or_refuse(ballot_id)
        check(
            ballot.mode == BallotMode.TALLY,
            "This vote uses private ballots; participants cast their own dots.",
        )
        check(note_id in ballot.note_ids, f"Note #{note_id} is not on this ballot.")
        check(
            isinstance(dots, int) and 0 <= dots <= MAX_TALLY,
            f"A tally is a whole number from 0 to {MAX_TALLY:,}.",
        )
        self._ledger.note(note_id)
        tally = {**ballot.tally, note_id: dots}
        updated = ballot.replace(tally=tally)
        self._ledger.commit(
            "vote.tallied",
            f"{ballot.title}: note #{note_id} has {dots} dots",
            [updated],
            stage_id=ballot.stage_id,
            data={"ballot_id": ballot_id, "note_id": note_id, "dots": dots},
        )
        return updated

    def set_limits(self, ballot_id: int, *, budget: int | None = None, cap: int | None = None) -> Ballot:
        """Change an open vote's dots per person and per-note cap (``None`` keeps one).

        Refuses (``SessionError``) a closed vote, rules ``voting.VotingRules`` rejects, limits below what someone
        already cast, and a read-only workshop. Durable on return; publishes ``vote.limits``.
        """
        from facilitation import voting  # on first use: opening a workshop skips the vote rules

        ballot = self._open_or_refuse(ballot_id)
        rules = voting.VotingRules(
            budget if budget is not None else ballot.budget, cap if cap is not None else ballot.cap
        )
        try:
            rules.validate()
            cast = voting.dots_by_participant(
                (v.participant_id, v.note_id) for v in self._ws.ballot_votes(ballot_id)
            )
            voting.check_limits_change(rules, cast)
        except voting.VotingError as error:
            raise SessionError(str(error)) from None
        updated = ballot.replace(budget=rules.budget, cap=rules.cap)
        self._ledger.commit(
            "vote.limits",
            f"{ballot.title}: {rules.budget} dots each, at most {rules.cap} per note",
            [updated],
            stage_id=ballot.stage_id,
            data={"ballot_id": ballot_id},
        )
        return updated

    def close(self, ballot_id: int) -> BallotResult:
        """Close the vote and reveal the result.

        The result is kept in the ballot (``Ballot.revealed``): from now on every screen and export shows it as
        revealed, whatever happens to its notes. Refuses a vote already closed (``SessionError``), an unknown ballot
        (``NotFoundError``) and a read-only workshop. Durable on return; publishes ``vote.revealed``
        (``data["result"]``: ``[note id, dots, rank]``).
        """
        from facilitation import ballots

        ballot = self._open_or_refuse(ballot_id)
        closed = ballot.replace(status=BallotStatus.CLOSED, closed_at=self._ledger.clock.wall())
        closed = closed.replace(revealed=ballots.record(self._ws, ballot))  # counted as it stood while open
        result = self._result(closed)
        top = ", ".join(f"#{r.note_id} ({r.dots})" for r in result.ranked[:3])
        self._ledger.commit(
            "vote.revealed",
            f"{ballot.title} revealed: {result.voters} voted; top: {top}",
            [closed],
            stage_id=ballot.stage_id,
            data={
                "ballot_id": ballot_id,
                "run": ballot.run,
                "result": [[r.note_id, r.dots, r.rank] for r in result.ranked],
            },
        )
        kept = self._ws.ballots[ballot_id]  # ``closed``, as the commit stored it: the result the screens will ask for
        self._keep(kept, result, frozenset())
        return result

    def reopen(self, ballot_id: int) -> Ballot:
        """Open a closed vote again, with its dots, to change votes.

        The notes changed since the reveal are treated as if they had changed while the vote was open
        (``_since_reveal``): a note merged into another carries its dots onto that note within the cap, one deleted,
        hidden from the room or moved out of the stage gives its dots back to their voters (``data["returned"]``:
        participant id, dots), so each dot left on file counts and every other can be placed again; a voter who
        got dots back is no longer counted as done.
        Refuses (``SessionError``) a vote already open or another open vote on the stage, an unknown ballot
        (``NotFoundError``) and a read-only workshop. Durable on return; publishes ``vote.reopened``.
        """
        ballot = self.ballot(ballot_id)
        check(ballot.status == BallotStatus.CLOSED, "This vote is already open.")
        for other in self._ledger.open_ballots():
            check(other.stage_id != ballot.stage_id, "Another vote is open here; close it first.")
        reopened, moved, returned = self._since_reveal(
            ballot.replace(status=BallotStatus.OPEN, closed_at=None, revealed=None)
        )
        counts: dict[int, int] = {}
        for vote in returned:
            counts[vote.participant_id] = counts.get(vote.participant_id, 0) + 1
        if counts:  # dots to place again: those voters are asked again, not counted as done
            reopened = reopened.replace(submitted=[p for p in reopened.submitted if p not in counts])
        given_back = sum(counts.values())
        words = f" ({given_back} dot{'s' if given_back != 1 else ''} given back to the voters)" if given_back else ""
        data: dict[str, object] = {"ballot_id": ballot_id}
        if counts:
            data["returned"] = [list(pair) for pair in sorted(counts.items())]
        self._ledger.commit(
            "vote.reopened",
            f"{ballot.title} re-opened{words}",
            [reopened, *moved],
            stage_id=ballot.stage_id,
            data=data,
            removed=("votes", [v.id for v in returned]) if returned else None,
        )
        return self._ws.ballots[ballot_id]

    def _since_reveal(self, ballot: Ballot) -> tuple[Ballot, list[Vote], list[Vote]]:
        """``ballot`` re-opened over its notes as they are now: the ballot (a note merged since replaced by the note
        it went into, when that one is not on it yet; tally counts carried over), the votes moved onto a kept note
        (``voting.carry_over``: within the cap), and the votes given back (over the cap, or on a note deleted,
        hidden from the room or, on a stage's vote, moved out of the stage)."""
        from facilitation import voting

        ws = self._ws
        votes = {v.id: v for v in sorted(ws.ballot_votes(ballot.id), key=lambda v: v.id)}
        moved: dict[int, Vote] = {}
        returned: list[Vote] = []

        def gone(note: Note | None) -> bool:
            return (
                note is None
                or note.deleted
                or note.withheld
                or (ballot.stage_id is not None and note.stage_id != ballot.stage_id)
            )

        for note_id in list(ballot.note_ids):
            note = ws.notes.get(note_id)
            if not gone(note):
                continue
            on_it = [v for v in votes.values() if v.note_id == note_id]
            keep = None
            if note is not None and note.deleted:
                keep = next(
                    (n for n in ws.notes.values() if not n.deleted and note_id in n.merged_from), None
                )
            if keep is None or gone(keep):
                returned += on_it
                for vote in on_it:
                    del votes[vote.id]
                continue
            if keep.id not in ballot.note_ids:
                ballot = ballot.replace(note_ids=[keep.id if i == note_id else i for i in ballot.note_ids])
            if ballot.mode == BallotMode.TALLY and note_id in ballot.tally:
                tally = dict(ballot.tally)
                tally[keep.id] = tally.get(keep.id, 0) + tally.pop(note_id)
                ballot = ballot.replace(tally=tally)
            for participant in dict.fromkeys(v.participant_id for v in on_it):
                mine = [v for v in votes.values() if v.participant_id == participant]
                on_other = [v for v in mine if v.note_id == note_id]
                carry = voting.carry_over(sum(v.note_id == keep.id for v in mine), len(on_other), ballot.cap)
                for vote in on_other[: carry.moved]:
                    votes[vote.id] = moved[vote.id] = vote.replace(note_id=keep.id)
                for vote in on_other[carry.moved :]:
                    returned.append(vote)
                    del votes[vote.id]
        return ballot, list(moved.values()), returned

    def reset(self, ballot_id: int) -> Ballot:
        """Clear every dot and tally of an open vote (the cleared run stays in the event log).

        Refuses a closed vote (``SessionError``), an unknown ballot (``NotFoundError``) and a read-only workshop.
        Durable on return; publishes ``vote.reset`` (the removed votes are in ``removed``).
        """
        ballot = self._open_or_refuse(ballot_id)
        vote_ids = [v.id for v in self._ws.ballot_votes(ballot_id)]
        cleared = ballot.replace(tally={}, submitted=[])
        self._ledger.commit(
            "vote.reset",
            f"{ballot.title}: all {len(vote_ids) + sum(ballot.tally.values())} dots cleared",
            [cleared],
            removed=("votes", vote_ids),
            stage_id=ballot.stage_id,
            data={
                "ballot_id": ballot_id,
                "cleared": [[self._ws.votes[i].participant_id, self._ws.votes[i].note_id] for i in vote_ids],
            },
        )
        return self._ws.ballots[ballot_id]

    def rerun_notes(self, ballot_id: int) -> tuple[list[int], list[ballots.LeftOut]]:
        """The notes a re-run of a vote would use (those still in its stage, in order) and the ones it leaves out,
        each with the reason (``facilitation.ballots.rerun_notes``)."""
        from facilitation import ballots

        return ballots.rerun_notes(self._ws, self.ballot(ballot_id))

    def rerun(self, ballot_id: int) -> Ballot:
        """Run a closed vote again as a new run on its notes still in the stage, same rules; the old run stays.

        Notes deleted or moved away since are left out (``rerun_notes`` says which, and the ``vote.opened`` event
        lists them in ``data["left_out"]``); a note merged since is replaced by the note it was merged into.
        Refuses an open vote, a vote none of whose notes are left (``SessionError``) and everything ``open``
        refuses. Durable on return; publishes ``vote.opened``.
        """
        from facilitation import ballots

        ballot = self.ballot(ballot_id)
        check(ballot.status == BallotStatus.CLOSED, "Close this vote before running it again.")
        kept, left_out = ballots.rerun_notes(self._ws, ballot)
        check(
            bool(kept),
            f"None of this vote's notes are still here ({ballots.describe_left_out(left_out)}): set up a new vote.",
        )
        return self.open(
            ballot.stage_id,
            note_ids=kept,
            budget=ballot.budget,
            cap=ballot.cap,
            anonymous=ballot.anonymous,
            mode=ballot.mode,
            title=ballot.title,
            left_out=[[item.note_id, item.reason] for item in left_out],
        )

    # --- results, counted once and kept while no change can alter them ----------------------------------

    def _applied(self, pairs: Sequence[tuple[Record | None, Record | None]]) -> None:
        """A commit's change was just shown in memory (``Ledger.on_applied``; ``changes`` counts it already). A kept
        result up to date before it stays kept unless the change wrote or removed a vote of its ballot (before or
        after), a note it reads (``_KeptResult.reads``), or logged a ``vote.revealed`` event naming it; a ballot
        written is a new record, which no kept result was counted from (``_valid``). A kept revealed result reads
        its record only and is kept while the record is the same object.
        Anything the ledger changes without telling its parts (an undo of refused changes, a batch followed from
        another window) moves ``changes`` on without a call here: everything kept is then counted afresh."""
        ledger = self._ledger
        now = ledger.changes
        ws = self._ws
        ballot_ids: set[object] = set()
        note_ids: set[int] = set()
        for before, after in pairs:
            for record in (before, after):
                if isinstance(record, Note):
                    note_ids.add(record.id)
                elif isinstance(record, Vote):
                    ballot_ids.add(record.ballot_id)
        event = ws.events[-1] if ws.events else None
        revealed = event is not None and event.kind == "vote.revealed"
        named = event.data.get("ballot_id") if revealed and event is not None else None
        if isinstance(named, Hashable):
            ballot_ids.add(named)
        for ballot_id, kept in self._results.items():
            if kept.workshop is not ws or kept.changes != now - 1:
                continue
            if ballot_id in ballot_ids or not kept.reads.isdisjoint(note_ids):
                continue
            kept.changes = now
        reveals = self._reveals
        if reveals is not None and reveals.workshop is ws and reveals.changes == now - 1:
            if event is not None and isinstance(named, Hashable):
                reveals.events[named] = event
            reveals.changes = now

    def _valid(self, kept: _KeptResult | None, ballot: Ballot) -> bool:
        """Whether ``kept`` is ``ballot``'s result now. A revealed vote's result is its record (``Ballot.revealed``,
        read by ``facilitation.ballots.outcome`` and nothing else): kept while the record is the same object.
        Any other (an open vote's live count, a vote revealed before records were kept) is kept while the
        ledger's changes since were all seen by ``_applied`` and none could alter it."""
        if kept is None or kept.workshop is not self._ws or kept.ballot is not ballot:
            return False
        if ballot.status == BallotStatus.CLOSED and ballot.revealed:
            return True
        return kept.changes == self._ledger.changes

    def _keep(self, ballot: Ballot, result: BallotResult, reads: frozenset[int]) -> None:
        self._results[ballot.id] = _KeptResult(self._ws, self._ledger.changes, ballot, reads, result)

    def _result(self, ballot: Ballot) -> BallotResult:
        """``facilitation.ballots.outcome`` of ``ballot``, counted once and kept while no change can alter it
        (``_valid``, ``_applied``): the results, the action plan, the summary and the projector all ask for the
        same ballots (a 3,333-note ballot took about 11 ms to rank, and every stage's latest closed vote is ranked
        to open the action plan). A vote revealed before records were kept (``Ballot.revealed`` empty) was
        counted again after any change at all: at 20,000 notes the action plan's first open after a reveal
        elsewhere re-ranked five of them."""
        from facilitation import ballots  # on first use: opening a workshop skips the vote rules

        kept = self._results.get(ballot.id)
        if kept is not None and self._valid(kept, ballot):
            return kept.result
        reveals = None
        reads: set[int] = set()
        if ballot.status == BallotStatus.CLOSED and not ballot.revealed:  # revealed before records were kept
            reveals = self._reveal_events()
            logged = reveals.get(ballot.id)
            rows = logged.data.get("result") if logged is not None else None
            if isinstance(rows, list):  # the notes its reveal logged: their texts are shown as they are now
                reads.update(r[0] for r in rows if isinstance(r, list) and r and isinstance(r[0], int))
        if not (ballot.status == BallotStatus.CLOSED and ballot.revealed):
            reads.update(ballot.note_ids)
        found = ballots.outcome(self._ws, ballot, reveals=reveals)
        result = BallotResult(ballot, found.ranked, found.voters, found.total_dots, found.recorded)
        self._keep(ballot, result, frozenset(reads))
        return result

    def _reveal_events(self) -> dict[Hashable, Event]:
        """``facilitation.ballots.reveal_events`` of the workshop: one pass over the event log, then kept up to date
        change by change (``_applied``). Each vote revealed before records were kept searched the whole log for
        its reveal (about 2 ms each at 20,000 entries)."""
        from facilitation import ballots

        kept = self._reveals
        if kept is None or kept.workshop is not self._ws or kept.changes != self._ledger.changes:
            kept = self._reveals = _KeptReveals(self._ws, self._ledger.changes, ballots.reveal_events(self._ws))
        return kept.events

    def result(self, ballot_id: int) -> BallotResult:
        """The ranking of a closed vote (the facilitator's screen shows it only after the reveal). The same
        object is returned until a change that can alter it (``_applied``): read it, do not change it."""
        return self._result(self.ballot(ballot_id))

    def ranking(self, workshop: Workshop, ballot: Ballot) -> list[ballots.ResultItem]:
        """``facilitation.ballots.ranking`` of one of this session's ballots, from the count kept by ``result``
        (the shape ``facilitation.plan.plan_candidates`` takes as its ``ranking``). Do not change the list."""
        assert workshop is self._ws, "a ranking of this session's workshop"
        return self._result(ballot).ranked

    def latest(self, stage_id: int | None) -> Ballot | None:
        """The most recent ballot of a stage (``None`` for the cross-stage votes), or ``None``."""
        found = [b for b in self._ws.ballots.values() if b.stage_id == stage_id]
        return max(found, key=lambda b: b.id) if found else None

    def final_priority_notes(self, *, include_candidates: bool = False) -> list[Note]:
        """The notes a final-priorities vote offers: every stage's decisions, in agenda order.

        Candidate actions join them when asked, for a room that marked few decisions. Deleted notes and notes hidden
        from the room never do.
        """
        marks = (NoteMark.DECISION, NoteMark.CANDIDATE) if include_candidates else (NoteMark.DECISION,)
        found: list[Note] = []
        for stage in self._ws.agenda():
            found += [n for n in self._ws.stage_notes(stage.id) if n.mark in marks and not n.withheld]
        return found

    def named_dots(self, ballot_id: int) -> dict[int, dict[int, int]]:
        """Who put how many dots on each note (note id → participant id → dots), for a named, revealed vote.

        Refused while the vote is open and for anonymous votes, so no screen can show a ballot early.
        """
        ballot = self.ballot(ballot_id)
        check(ballot.status == BallotStatus.CLOSED, "Votes stay hidden until the reveal.")
        check(not ballot.anonymous, "This vote is anonymous: who voted for what is not shown.")
        result: dict[int, dict[int, int]] = {}
        for vote in sorted(self._ws.ballot_votes(ballot_id), key=lambda v: v.id):
            mine = result.setdefault(vote.note_id, {})
            mine[vote.participant_id] = mine.get(vote.participant_id, 0) + 1
        return result
