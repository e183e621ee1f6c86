"""``session.participants``: who is in the room — add, rename, remove, and come back.

A participant is one person for the whole workshop, whatever happens to their name: notes, dots, readiness
answers and owned actions point at the participant's id, never at the name. Someone who left and is added again
under the same name (any case or accents, ``facilitation.names.name_key``) gets their own id back, and with it
everything they did; a rename changes the name everywhere it is shown, because everything follows the id.
"""

from __future__ import annotations

from facilitation import names, text
from facilitation.models import ActionItem, BallotMode, Participant, Record
from workshop.session.part import Part
from workshop.session.validation import MAX_PARTICIPANTS, check, checked_text


class Participants(Part):
    """The workshop's participants (authors of notes, voters, owners of actions)."""

    def get(self, participant_id: int, *, allow_inactive: bool = False) -> Participant:
        """A participant by id; ``NotFoundError`` when unknown or (unless allowed) removed."""
        return self._ledger.participant(participant_id, allow_inactive=allow_inactive)

    def departed(self, name: str) -> Participant | None:
        """The participant who left and whose name cannot be told apart from ``name`` (the latest to leave, if
        several did), or ``None``: adding ``name`` brings them back."""
        gone = [p for p in self._ws.participants.values() if not p.active and names.same_name(p.name, name)]
        return max(gone, key=lambda p: p.id, default=None)

    def add(self, name: str) -> Participant:
        """Add a participant, or bring back one who left under the same name (case, accents and spacing aside).

        A returning participant keeps their id, so their notes, dots (on open and closed votes), readiness answers
        and actions are theirs again, and keeps the name as it was on file (``Bjorn`` typed brings back Björn).
        Open private votes take them on as a voter if they are not on them yet; actions whose owner was typed as
        this name (not picked) become theirs. Refuses (``SessionError``) an empty or too long name, a name
        present people cannot be told apart from, more than ``MAX_PARTICIPANTS``, and a read-only workshop.
        Durable on return; publishes ``participant.added`` (``data["returned"]`` is true for a return; the open
        ballots and actions they joined are in ``changed`` too).
        """
        name = checked_text(text.single_line, name, "participant's name", limit=text.MAX_NAME_CHARS)
        active = self._ws.active_participants()
        check(len(active) < MAX_PARTICIPANTS, f"A workshop holds at most {MAX_PARTICIPANTS} participants.")
        same = names.clash(name, [names.Person(p.id, p.name) for p in active])
        check(
            same is None,
            f"{name} cannot be told apart from {same.name if same else ''}, who is already here.",
        )
        returning = self.departed(name)
        if returning is not None:
            participant = returning.replace(active=True)
            summary = f"{participant.name} came back"
        else:
            participant = Participant(id=self._ledger.new_id("participants"), name=name)
            summary = f"{name} joined"
        changed: list[Record] = [participant]
        for ballot in self._ledger.open_ballots():
            if ballot.mode == BallotMode.PRIVATE and participant.id not in ballot.eligible:
                changed.append(ballot.replace(eligible=[*ballot.eligible, participant.id]))
        changed += self._owned_by_name(participant)
        data: dict[str, object] = {"participant_id": participant.id}
        if returning is not None:
            data["returned"] = True
        self._ledger.commit("participant.added", summary, changed, data=data)
        return participant

    def _owned_by_name(self, participant: Participant) -> list[ActionItem]:
        """Actions whose owner is ``participant``: by id (their owner text follows their name), or typed as their
        name before they were on the list (linked to them now)."""
        owned = []
        for action in self._ws.actions.values():
            if action.owner_id == participant.id and action.owner != participant.name:
                owned.append(action.replace(owner=participant.name))
            elif action.owner_id is None and action.owner and names.same_name(action.owner, participant.name):
                owned.append(action.replace(owner=participant.name, owner_id=participant.id))
        return owned

    def rename(self, participant_id: int, name: str) -> Participant:
        """Rename a participant: their notes, votes, answers and actions follow the id, so every screen and
        export shows the new name (the owner text of their actions is rewritten in the same change).

        Refuses an unknown or removed participant (``NotFoundError``), a bad name or one that cannot be told
        apart from another participant's, present or departed (``SessionError``: a departed namesake could never
        come back as themselves), and a read-only workshop. Durable on return; publishes ``participant.renamed``.
        """
        current = self._ledger.participant(participant_id)
        name = checked_text(text.single_line, name, "participant's name", limit=text.MAX_NAME_CHARS)
        others = [p for p in self._ws.participants.values() if p.id != participant_id]
        same = names.clash(name, [names.Person(p.id, p.name, p.active) for p in others])
        if same is not None:
            where = "who is already here" if same.active else "who left and would come back under that name"
            check(False, f"{name} cannot be told apart from {same.name}, {where}.")
        renamed = current.replace(name=name)
        changed: list[Record] = [renamed, *self._owned_by_name(renamed)]
        self._ledger.commit(
            "participant.renamed",
            f"{current.name} renamed to {name}",
            changed,
            data={"participant_id": participant_id},
        )
        return renamed

    def remove(self, participant_id: int) -> Participant:
        """Remove a participant (they left). Everything they did stays theirs and keeps their name: notes, dots
        (which count, docs/VOTING.md), answers and actions; adding the same name again brings them back.

        Refuses an unknown or already removed participant (``NotFoundError``) and a read-only workshop. Durable on
        return; publishes ``participant.removed``.
        """
        current = self._ledger.participant(participant_id)
        removed = current.replace(active=False)
        self._ledger.commit(
            "participant.removed", f"{current.name} left", [removed], data={"participant_id": participant_id}
        )
        return removed
