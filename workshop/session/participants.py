"""``session.participants``: who is in the room — add, rename, remove."""

from __future__ import annotations

from facilitation import names, text
from facilitation.models import BallotMode, Participant, Record
from workshop.session.part import Part
from workshop.session.validation import MAX_PARTICIPANTS, check, checked_text


class Participants(Part):
    """The workshop's participants (authors of notes, voters, owners of actions)."""

    def get(self, participant_id: int, *, allow_inactive: bool = False) -> Participant:
        """A participant by id; ``NotFoundError`` when unknown or (unless allowed) removed."""
        return self._ledger.participant(participant_id, allow_inactive=allow_inactive)

    def add(self, name: str) -> Participant:
        """Add a participant; an open private vote takes them on as a voter.

        Refuses (``SessionError``) an empty or too long name, a name already present (ignoring case), more than
        ``MAX_PARTICIPANTS``, and a read-only workshop. Durable on return; publishes ``participant.added`` (the
        open private ballots they joined are in ``changed`` too).
        """
        name = checked_text(text.single_line, name, "participant's name", limit=text.MAX_NAME_CHARS)
        active = self._ws.active_participants()
        check(len(active) < MAX_PARTICIPANTS, f"A workshop holds at most {MAX_PARTICIPANTS} participants.")
        same = names.clash(name, [names.Person(p.id, p.name) for p in active])
        check(same is None, f"{name} cannot be told apart from {same.name if same else ''}, who is already here.")
        participant = Participant(id=self._ledger.new_id("participants"), name=name)
        changed: list[Record] = [participant]
        for ballot in self._ledger.open_ballots():
            if ballot.mode == BallotMode.PRIVATE:
                changed.append(ballot.replace(eligible=[*ballot.eligible, participant.id]))
        self._ledger.commit(
            "participant.added", f"{name} joined", changed, data={"participant_id": participant.id}
        )
        return participant

    def rename(self, participant_id: int, name: str) -> Participant:
        """Rename a participant (their notes, votes and actions follow the id).

        Refuses an unknown or removed participant (``NotFoundError``), a bad or taken name (``SessionError``) and
        a read-only workshop. Durable on return; publishes ``participant.renamed``.
        """
        current = self._ledger.participant(participant_id)
        name = checked_text(text.single_line, name, "participant's name", limit=text.MAX_NAME_CHARS)
        others = [p for p in self._ws.active_participants() if p.id != participant_id]
        same = names.clash(name, [names.Person(p.id, p.name) for p in others])
        check(same is None, f"{name} cannot be told apart from {same.name if same else ''}, who is already here.")
        renamed = current.replace(name=name)
        self._ledger.commit(
            "participant.renamed",
            f"{current.name} renamed to {name}",
            [renamed],
            data={"participant_id": participant_id},
        )
        return renamed

    def remove(self, participant_id: int) -> Participant:
        """Remove a participant. Their notes, votes and answers stay and keep their name (see docs/VOTING.md).

        Refuses an unknown or already removed participant (``NotFoundError``) and a read-only workshop. Durable on
        return; publishes ``participant.removed``.
        """
        current = self._ledger.participant(participant_id)
        removed = current.replace(active=False)
        self._ledger.commit(
            "participant.removed", f"{current.name} left", [removed], data={"participant_id": participant_id}
        )
        return removed
