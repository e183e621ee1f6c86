"""What one device may see: the plain data its page is drawn from, never more.

A device sees the current stage, its own notes, other notes only once they are revealed, its own dots on an open
ballot (never anyone else's), a ballot's result only after the reveal, and its own readiness answers. The page is
drawn from this and nothing else, so a template cannot leak what the view left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from facilitation import catalogue
from facilitation.models import Ballot, Note, Workshop
from room.devices import Device
from workshop.session import WorkshopSession


def note_editable(ws: Workshop, note: Note) -> bool:
    """Whether the device that wrote ``note`` may still edit or withdraw it: only until it is revealed, and
    never once the facilitator has hidden it."""
    return not note.deleted and note.hidden and not note.withheld


def note_visible(note: Note) -> bool:
    """Whether the room (every device, the projector) may see a note (``Note.for_the_room``)."""
    return note.for_the_room


@dataclass(frozen=True)
class NoteView:
    id: int
    text: str
    author: str
    """The author's name on a credited note, empty for an anonymous one."""
    mine: bool = False
    editable: bool = False
    my_dots: int = 0
    total: int = 0
    rank: int = 0
    tied: bool = False
    """In a result: another note has the same rank (shown "1=", as on the facilitator's screen)."""


@dataclass(frozen=True)
class BallotView:
    """What a page shows of a ballot: only what the template uses, so two views compare equal when the pages would
    (``Ballot.submitted`` changing as others finish must not redraw everyone's page)."""

    id: int
    title: str
    budget: int
    cap: int

    @classmethod
    def of(cls, ballot: Ballot) -> BallotView:
        return cls(ballot.id, ballot.title, ballot.budget, ballot.cap)


@dataclass
class DeviceView:
    """Everything on one device's page, and nothing else: equal views draw the same page (``live`` relies on it)."""

    name: str
    workshop_title: str
    stage_id: int | None = None
    stage_title: str = ""
    stage_purpose: str = ""
    prompts: list[str] = field(default_factory=list)
    mode: str = "notes"
    """``notes``, ``vote``, ``tally``, ``readiness`` or ``waiting`` (joined under a new name, not yet let in)."""
    silent: bool = False
    anonymous: bool = False
    my_notes: list[NoteView] = field(default_factory=list)
    """This device's notes the room does not see yet (silent brainstorming): it may still change them."""
    set_aside: list[NoteView] = field(default_factory=list)
    """This device's notes on the stage that the facilitator has hidden from the room (its author is told why its
    note went; nobody else learns of it)."""
    shown_again: list[NoteView] = field(default_factory=list)
    """This device's notes on the stage that were hidden while it looked and are shown to the room again."""
    ballot: BallotView | None = None
    ballot_notes: tuple[NoteView, ...] = ()
    """The open ballot's notes, the same objects for every device (``Shared``); this device's dots are in
    ``my_dots``."""
    my_dots: dict[int, int] = field(default_factory=dict)
    """This device's dots on the open ballot, by note id."""
    dots_left: int = 0
    done: bool = False
    result: BallotView | None = None
    result_notes: tuple[NoteView, ...] = ()
    """The revealed result's notes with their totals and ranks, the same for every device (``Shared``)."""
    result_dots: dict[int, int] = field(default_factory=dict)
    """This device's own dots on the result (a private vote), by note id."""
    readiness_round: str = "start"
    attitudes: list[tuple[str, str, str]] = field(default_factory=list)
    disciplines: list[tuple[str, str]] = field(default_factory=list)
    my_attitude: str | None = None
    my_scores: dict[str, int] = field(default_factory=dict)
    readiness_saved: bool = False


def open_ballot(ws: Workshop, stage_id: int | None) -> Ballot | None:
    """The open ballot a device should vote on: this stage's, else the cross-stage final-priorities one."""
    open_ = [b for b in ws.ballots.values() if b.status == "open"]
    for wanted in (stage_id, None):
        found = [b for b in open_ if b.stage_id == wanted]
        if found:
            return max(found, key=lambda b: b.id)
    return None


def _latest_result(ws: Workshop, stage_id: int | None) -> Ballot | None:
    """The latest revealed ballot of the stage, unless a newer run of it is open again."""
    ballots = [b for b in ws.ballots.values() if b.stage_id == stage_id]
    if not ballots:
        return None
    latest = max(ballots, key=lambda b: b.id)
    return latest if latest.status == "closed" else None


def visible_notes(ws: Workshop) -> list[Note]:
    """The current stage's notes the whole room may see, in display order."""
    stage = ws.current_stage
    if stage is None:
        return []
    return [n for n in ws.stage_notes(stage.id) if note_visible(n)]


def room_notes(ws: Workshop) -> list[NoteView]:
    """The current stage's notes the whole room may see: the same for every device (drawn once per change)."""
    return [NoteView(n.id, n.text, ws.credit(n)) for n in visible_notes(ws)]


class Shared:
    """What every device's view has in common at one moment, worked out once for all of them: the stage's notes,
    who wrote which, an open ballot's notes and a result's ranking. Valid only while the workshop does not change
    (the live hub makes a new one for each round of offers).

    ``previous``: the one before it (the round before). An open ballot's notes or a result worked out again and
    equal to what ``previous`` had are ``previous``'s objects, so devices' views, compared at every round, find
    them equal by identity: during a vote each dot is a round, and comparing 40 phones' views compared the
    ballot's 400 notes one by one for each phone."""

    def __init__(self, session: WorkshopSession, previous: Shared | None = None) -> None:
        self.session = session
        self.ws = session.workshop
        self._stage_notes: dict[int, list[Note]] = {}
        self._by_author: dict[int, dict[int, list[Note]]] = {}
        self._ballots: dict[int, tuple[NoteView, ...]] = {}
        self._results: dict[int, tuple[NoteView, ...]] = {}
        self._before: tuple[dict[int, tuple[NoteView, ...]], dict[int, tuple[NoteView, ...]]] = (
            (previous._ballots, previous._results) if previous is not None else ({}, {})
        )
        """``previous``'s ballots' and results' notes (only those: no chain of rounds is kept)."""

    @staticmethod
    def _same(views: tuple[NoteView, ...], before: tuple[NoteView, ...] | None) -> tuple[NoteView, ...]:
        """``before`` when it equals ``views`` (the same objects as the round before), else ``views``."""
        return before if before is not None and before == views else views

    def stage_notes(self, stage_id: int) -> list[Note]:
        """``Workshop.stage_notes(stage_id)``, listed once."""
        found = self._stage_notes.get(stage_id)
        if found is None:
            found = self._stage_notes[stage_id] = self.ws.stage_notes(stage_id)
        return found

    def own_notes(self, stage_id: int, device: Device, me: int) -> list[Note]:
        """The stage's notes ``device`` wrote (``Device.note_ids``: an anonymous note stores no author) or that
        are credited to its participant ``me``, in display order."""
        by_author = self._by_author.get(stage_id)
        if by_author is None:
            by_author = self._by_author[stage_id] = {}
            for note in self.stage_notes(stage_id):
                if note.author_id is not None:
                    by_author.setdefault(note.author_id, []).append(note)
        mine = {note.id: note for note in by_author.get(me, ())}
        for note_id in device.note_ids:
            written = self.ws.notes.get(note_id)
            if written is not None and written.stage_id == stage_id and not written.deleted:
                mine[note_id] = written
        return sorted(mine.values(), key=lambda n: (n.position, n.id))

    def ballot_notes(self, ballot: Ballot) -> tuple[NoteView, ...]:
        """An open ballot's notes as every device sees them (without anyone's dots)."""
        found = self._ballots.get(ballot.id)
        if found is None:
            views = []
            for note_id in ballot.note_ids:
                note = self.ws.notes.get(note_id)
                if note is None or note.deleted or note.withheld:
                    continue
                views.append(NoteView(note.id, note.text, self.ws.credit(note)))
            found = self._ballots[ballot.id] = self._same(tuple(views), self._before[0].get(ballot.id))
        return found

    def result_notes(self, result: Ballot) -> tuple[NoteView, ...]:
        """A revealed ballot's notes in rank order, with their totals (``facilitation.ballots.ranking``).

        The result as recorded at the reveal, as the facilitator's screen and the exports show it: every note with
        its text as the room voted on it, also one merged, deleted or edited since; only a note hidden from the
        room (``Note.withheld``) is left out."""
        from facilitation import ballots as ballot_rules

        found = self._results.get(result.id)
        if found is None:
            views = []
            for item in ballot_rules.ranking(self.ws, result):
                note = self.ws.notes.get(item.note_id)
                if note is not None and note.withheld:
                    continue
                name = self.ws.credit(note) if note is not None else ""
                shown = item.text or (note.text if note is not None else "")
                views.append(
                    NoteView(item.note_id, shown, name, total=item.dots, rank=item.rank, tied=item.tied)
                )
            found = self._results[result.id] = self._same(tuple(views), self._before[1].get(result.id))
        return found


def device_view(
    session: WorkshopSession,
    device: Device,
    *,
    shared: Shared | None = None,
) -> DeviceView:
    """The page data for ``device`` now. The readiness form is for the round the session asks devices for
    (``session.readiness.asked_round``: the end-of-workshop round while the facilitator asks the room for it, the
    start round on the readiness stage), the only round it accepts from a device. ``shared`` is what every
    device's view has in common, when the caller draws many at one moment (else it is worked out here).

    Records on ``device`` which of its notes it has seen hidden by the facilitator (``Device.withheld_seen``), so
    that its page can say so when such a note is shown again."""
    ws = session.workshop
    shared = shared or Shared(session)
    if device.participant_id is None:
        return DeviceView(name=device.requested_name, workshop_title=ws.title, mode="waiting")
    me = device.participant_id
    stage = ws.current_stage
    view = DeviceView(name=ws.participant_name(me), workshop_title=ws.title, anonymous=ws.anonymous_notes)
    if stage is None:
        return view
    view.stage_id = stage.id
    view.stage_title, view.stage_purpose, view.prompts = stage.title, stage.purpose, list(stage.prompts)
    view.silent = stage.silent

    def credited(note: Note) -> str:
        return ws.credit(note)

    for note in shared.own_notes(stage.id, device, me):
        if note.withheld:  # hidden by the facilitator: gone from every device; its author is told, nobody else
            device.withheld_seen.add(note.id)
            view.set_aside.append(NoteView(note.id, note.text, credited(note), mine=True))
            continue
        if note.id in device.withheld_seen:
            view.shown_again.append(NoteView(note.id, note.text, credited(note), mine=True))
        if note.hidden:
            view.my_notes.append(
                NoteView(
                    note.id,
                    note.text,
                    credited(note),
                    mine=True,
                    editable=note_editable(ws, note) and note.id in device.note_ids,
                )
            )

    ballot = open_ballot(ws, stage.id)
    if ballot is not None and ballot.mode == "tally":
        view.mode, view.ballot = "tally", BallotView.of(ballot)
    elif ballot is not None and me in ballot.eligible:
        view.mode, view.ballot = "vote", BallotView.of(ballot)
        view.ballot_notes = shared.ballot_notes(ballot)
        mine_dots = session.votes.participant_dots(ballot.id, me)
        view.my_dots = {note_id: dots for note_id, dots in mine_dots.items() if dots}
        view.dots_left = ballot.budget - sum(mine_dots.values())
        view.done = me in ballot.submitted
    elif (asked := session.readiness.asked_round()) is not None:
        view.mode = "readiness"
        view.readiness_round = asked
        view.attitudes = [(a.key, a.name, a.looks_like) for a in catalogue.ATTITUDES]
        view.disciplines = [(d.key, d.title) for d in catalogue.DISCIPLINES]
        answer = next(
            (r for r in ws.readiness.values() if r.participant_id == me and r.round == view.readiness_round),
            None,
        )
        if answer is not None:
            view.my_attitude, view.my_scores, view.readiness_saved = (
                answer.attitude,
                dict(answer.scores),
                True,
            )

    result = _latest_result(ws, stage.id) if view.mode == "notes" else None
    if result is not None:
        view.result = BallotView.of(result)
        view.result_notes = shared.result_notes(result)
        if result.mode == "private":
            mine_dots = session.votes.participant_dots(result.id, me)
            view.result_dots = {note_id: dots for note_id, dots in mine_dots.items() if dots}
    return view
