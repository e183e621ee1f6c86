"""The plain data a workshop is made of.

Every record has an integer ``id`` that is unique within its kind and never reused, so the store can keep one
document per record and the event log can point at it. ``to_dict``/``from_dict`` give JSON-safe plain data
(the store and the JSON interchange both use them); ``from_dict`` ignores unknown keys so older code can read
files written by newer minor versions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Self, cast

from facilitation.text import close_bidi


class StageKind(StrEnum):
    """What a stage is for; what differs by kind is in ``facilitation.stage_kinds.STAGE_KINDS``."""

    READINESS = "readiness"
    DISCIPLINE = "discipline"
    ACTION_PLAN = "action_plan"
    CUSTOM = "custom"


class NoteMark(StrEnum):
    """What the facilitator can mark a note as: a decision, or a candidate action for the action plan."""

    DECISION = "decision"
    CANDIDATE = "candidate"


class BallotMode(StrEnum):
    """``private``: each participant casts their own dots; ``tally``: the facilitator types the room's counts."""

    PRIVATE = "private"
    TALLY = "tally"


class BallotStatus(StrEnum):
    """An ``open`` ballot takes dots; a ``closed`` one is revealed."""

    OPEN = "open"
    CLOSED = "closed"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in progress"
    DONE = "done"
    DROPPED = "dropped"


class CheckRound(StrEnum):
    """The readiness check runs at the start and again at the end of the workshop."""

    START = "start"
    END = "end"


NOTE_MARKS: tuple[NoteMark, ...] = tuple(NoteMark)
"""What the facilitator can mark a note as: a decision, or a candidate action for the action plan."""

ACTION_STATUSES: tuple[ActionStatus, ...] = tuple(ActionStatus)
PRIORITIES = {1: "high", 2: "medium", 3: "low"}

_UNKNOWN = object()


def _coerce(enum: type[StrEnum], value: Any, fallback: Any = _UNKNOWN) -> Any:
    """A stored value as its enum member; an unknown value (a newer version's) becomes ``fallback`` if given."""
    if value is None or isinstance(value, enum):
        return value
    try:
        return enum(value)
    except ValueError:
        if fallback is _UNKNOWN:
            raise
        return fallback


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _field_names(cls: type) -> frozenset[str]:
    """A record type's field names, worked out once: opening a workshop builds every record with ``from_dict``."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in dataclasses.fields(cls))
    return names


class Record:
    """Shared plain-data conversion for the dataclasses below."""

    id: int
    """Unique within its kind of record and never reused (each subclass declares it as its first field)."""
    INT_KEYED: ClassVar[tuple[str, ...]] = ()
    """Fields holding dicts keyed by int ids: JSON turns the keys into strings, ``from_dict`` turns them back."""
    ENUMS: ClassVar[dict[str, tuple[type[StrEnum], Any]]] = {}
    """Fields holding an enum: ``from_dict`` turns the stored string into the member; a value this version does
    not know becomes the fallback (or, with no fallback given, raises ``ValueError``)."""

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)  # type: ignore[call-overload]
        for name in self.INT_KEYED:
            data[name] = {str(k): v for k, v in data[name].items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """The record from plain data: unknown keys are ignored, missing ones take their defaults; int-keyed
        dicts and enums are converted (``TypeError`` for a missing required field, ``ValueError`` for an
        unknown enum value without a fallback)."""
        names = _field_names(cls)
        record: Self | None = None
        if data.keys() == names:
            # Every field, as ``to_dict`` stores them: set directly, which is all the generated ``__init__``
            # does (no record has a ``__post_init__``), at under half the cost. Opening a 20,000-note workshop
            # builds 40,000 records: 97 ms through ``__init__``, about 60 ms so (measured on the sandbox).
            record = cls.__new__(cls)
            values = record.__dict__
            values.update(data)
        else:
            values = {k: v for k, v in data.items() if k in names}
        for name in cls.INT_KEYED:
            if name in values and values[name] is not None:
                values[name] = {int(k): v for k, v in values[name].items()}
        for name, (enum, fallback) in cls.ENUMS.items():
            if name in values:
                values[name] = _coerce(enum, values[name], fallback)
        return record if record is not None else cls(**values)

    def replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


class ShownText(Record):
    """A record whose text every screen and page prints as it is (titles, names; a list of prompts): read from
    plain data, a right-to-left override or isolate left open in ``SHOWN_TEXT`` is closed (``text.close_bidi``),
    as text has been closed on the way in since 749a30b, so a workshop saved before then never turns round what is
    printed after its titles. Notes are not such records (20,000 of them are read at start-up, and this costs a
    call per record): screens show them through ``text.preview``, ``text.shown`` and the note list, which close
    them."""

    SHOWN_TEXT: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        record = super().from_dict(data)
        values = record.__dict__
        for name in cls.SHOWN_TEXT:
            value = values.get(name)
            if isinstance(value, str):
                values[name] = close_bidi(value)
            elif isinstance(value, list):
                values[name] = [close_bidi(v) if isinstance(v, str) else v for v in value]
        return record


@dataclass
class Participant(ShownText):
    """Someone in the room: an author of notes, a voter, an owner of actions."""

    SHOWN_TEXT: ClassVar[tuple[str, ...]] = ("name",)

    id: int
    name: str
    active: bool = True
    """False once removed from the workshop: kept so their notes and votes still name them."""


@dataclass
class Stage(ShownText):
    """One timed step of the agenda: a discipline, the readiness check, the action plan or a custom stage."""

    ENUMS: ClassVar[dict[str, tuple[type[StrEnum], Any]]] = {"kind": (StageKind, StageKind.CUSTOM)}
    SHOWN_TEXT: ClassVar[tuple[str, ...]] = ("title", "purpose", "prompts", "output")

    id: int
    key: str
    """Catalogue key (``readiness``, ``vision`` … ``adapt``, ``action_plan``) or ``custom``."""
    title: str
    minutes: int
    kind: StageKind = StageKind.DISCIPLINE
    """Decides what the stage screen offers (``facilitation.stage_kinds``); a kind from a newer version runs as
    ``custom``."""
    purpose: str = ""
    prompts: list[str] = field(default_factory=list)
    output: str = ""
    position: int = 0
    skipped: bool = False
    timer: dict[str, Any] = field(default_factory=dict)
    """The stage's ``StageTimer.to_dict()``; empty until the timer is first touched."""
    silent: bool = False
    """Silent brainstorming: while on, notes added to the stage stay hidden from the room (devices, projector)
    until the facilitator reveals them; the facilitator's own screen shows them."""


@dataclass
class Note(Record):
    """One contribution from the room, captured on a stage."""

    ENUMS: ClassVar[dict[str, tuple[type[StrEnum], Any]]] = {"mark": (NoteMark, None)}

    id: int
    stage_id: int
    text: str
    author_id: int | None = None
    """``None`` for an anonymous note."""
    created_at: float = 0.0
    updated_at: float = 0.0
    position: float = 0.0
    """Order within the stage; new notes go last. Floats so a move between two notes needs no renumbering."""
    mark: NoteMark | None = None
    """``None``, or what the facilitator marked it as (a mark a newer version added reads as ``None``)."""
    merged_from: list[int] = field(default_factory=list)
    """Ids of notes folded into this one by a merge; those notes are deleted."""
    co_author_ids: list[int] = field(default_factory=list)
    """Authors of notes merged into this one, besides ``author_id``: a merge keeps every author credited."""
    deleted_at: float | None = None
    """Soft delete: a deleted note stays on file so undo works after a restart and the minutes stay true."""
    hidden: bool = False
    """Not shown to the room (devices, projector) yet: added during silent brainstorming and not revealed."""
    withheld: bool = False
    """Hidden from the room by the facilitator (``session.notes.hide``), whatever silent brainstorming does: no
    device, not its author's, and not the projector shows it; it takes no dots and documents leave it out. The
    facilitator's own list shows it, marked, until they show it again (README, "Hiding a note")."""

    @property
    def for_the_room(self) -> bool:
        """Whether the room (every device, the projector) may see the note: live, revealed and not withheld."""
        return self.deleted_at is None and not self.hidden and not self.withheld

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def author_ids(self) -> list[int]:
        """Every participant credited with the note: its author, then the authors of notes merged into it."""
        first = [self.author_id] if self.author_id is not None else []
        return list(dict.fromkeys([*first, *self.co_author_ids]))


@dataclass
class Ballot(ShownText):
    """One run of a dot vote: which notes are on it, the rules, and whether it is open."""

    INT_KEYED: ClassVar[tuple[str, ...]] = ("tally",)
    SHOWN_TEXT: ClassVar[tuple[str, ...]] = ("title",)

    ENUMS: ClassVar[dict[str, tuple[type[StrEnum], Any]]] = {
        "mode": (BallotMode, _UNKNOWN),
        "status": (BallotStatus, _UNKNOWN),
    }

    id: int
    stage_id: int | None
    """``None`` for the cross-stage final-priorities vote."""
    title: str
    note_ids: list[int]
    budget: int
    """Dots per participant."""
    cap: int
    """Most dots one participant may put on one note."""
    anonymous: bool = True
    mode: BallotMode = BallotMode.PRIVATE
    status: BallotStatus = BallotStatus.OPEN
    """A closed ballot's result is revealed."""
    run: int = 1
    opened_at: float = 0.0
    closed_at: float | None = None
    eligible: list[int] = field(default_factory=list)
    """Participant ids who may vote in this run."""
    submitted: list[int] = field(default_factory=list)
    """Participant ids who have confirmed their ballot."""
    tally: dict[int, int] = field(default_factory=dict)
    """Room tally: dots per note id, typed by the facilitator (``tally`` mode only)."""
    revealed: dict[str, Any] | None = None
    """The result as the room saw it at the reveal (``facilitation.ballots.record``): what every screen and
    export shows for a closed vote, whatever happens to its notes later. ``None`` while open, and on ballots
    revealed before results were recorded (their result is computed from the dots)."""


@dataclass
class Vote(Record):
    """One dot: a participant's vote on a note in a ballot."""

    id: int
    ballot_id: int
    participant_id: int
    note_id: int
    cast_at: float = 0.0


@dataclass
class ActionItem(ShownText):
    """A priority turned into work: what, who owns it, by when, and how it stands."""

    ENUMS: ClassVar[dict[str, tuple[type[StrEnum], Any]]] = {"status": (ActionStatus, ActionStatus.OPEN)}
    SHOWN_TEXT: ClassVar[tuple[str, ...]] = ("title", "owner", "measure", "details")

    id: int
    title: str
    owner: str = ""
    """A participant's name or any name typed in; empty when nobody owns it yet."""
    owner_id: int | None = None
    due: str | None = None
    """ISO date (``YYYY-MM-DD``)."""
    measure: str = ""
    details: str = ""
    """The whole text of the note the action was made from (line breaks kept) when the title does not hold it
    all: the plan's one-line views show ``title``, the exports show both."""
    priority: int = 2
    """1 high, 2 medium, 3 low (see ``PRIORITIES``)."""
    status: ActionStatus = ActionStatus.OPEN
    source_note_id: int | None = None
    source_stage_id: int | None = None
    position: float = 0.0
    created_at: float = 0.0
    completed_at: float | None = None


@dataclass
class ReadinessResponse(Record):
    """One participant's answers in a readiness-check round."""

    INT_KEYED: ClassVar[tuple[str, ...]] = ()

    ENUMS: ClassVar[dict[str, tuple[type[StrEnum], Any]]] = {"round": (CheckRound, _UNKNOWN)}

    id: int
    participant_id: int
    round: CheckRound = CheckRound.START
    """``start`` or ``end``: the check can be re-run at the end and compared."""
    attitude: str | None = None
    """One of ``catalogue.ATTITUDES`` keys."""
    scores: dict[str, int] = field(default_factory=dict)
    """Discipline key → 1..5."""
    recorded_at: float = 0.0
    private: bool = True
    """Typed by the participant on their own form: exports show such answers only as a distribution. ``False``
    when the facilitator entered them for the person in the open (named answers)."""


@dataclass
class Event(Record):
    """One line of the minutes: what happened, when (wall-clock seconds), and the ids involved."""

    id: int
    at: float
    kind: str
    summary: str
    stage_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RecordKind:
    """One kind of record: the table (and ``Workshop`` attribute, and JSON section) it lives in, its class, and
    what one of them is called in messages."""

    table: str
    cls: type[Record]
    singular: str


RECORD_KINDS: tuple[RecordKind, ...] = (
    RecordKind("participants", Participant, "participant"),
    RecordKind("stages", Stage, "stage"),
    RecordKind("notes", Note, "note"),
    RecordKind("ballots", Ballot, "ballot"),
    RecordKind("votes", Vote, "vote"),
    RecordKind("actions", ActionItem, "action"),
    RecordKind("readiness", ReadinessResponse, "readiness response"),
    RecordKind("events", Event, "event"),
)
"""Every kind of record, in the order files hold them: the one list the store's tables
(``workshop.records``) and the JSON interchange (``exports.interchange``) are built from. ``events`` is a list on
``Workshop``; the others are dicts by id."""


class NoteTable(dict[int, Note]):
    """The workshop's notes by id (a ``dict``), which also knows which notes are on each stage.

    ``Workshop.stage_notes`` used to scan every note of the workshop (about 5 ms at 20,000 notes, on every open
    of a stage screen, issue #14). The index is built on the first ``on_stage`` call (one scan) and from then on
    kept up to date by every way a ``dict`` is changed (setting, deleting, popping, updating, clearing), so it
    always equals a scan. Notes are records: a note that changes stage is replaced by a new ``Note`` under its
    id (``Ledger``), never changed in place, which is what the index relies on.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._by_stage: dict[int, dict[int, None]] | None = None
        """Stage id -> the ids of its notes (deleted ones too), in no particular order; None until asked."""

    def on_stage(self, stage_id: int) -> list[Note]:
        """The notes whose ``stage_id`` is ``stage_id``, deleted ones included, in no particular order."""
        index = self._by_stage
        if index is None:
            index = self._by_stage = {}
            for note_id, note in self.items():
                index.setdefault(note.stage_id, {})[note_id] = None
        return [self[note_id] for note_id in index.get(stage_id, ())]

    def _unindex(self, note_id: int) -> None:
        index = self._by_stage
        if index is not None:
            old = dict.get(self, note_id)
            if old is not None:
                index.get(old.stage_id, {}).pop(note_id, None)

    def __setitem__(self, note_id: int, note: Note) -> None:
        index = self._by_stage
        if index is not None:
            self._unindex(note_id)
            index.setdefault(note.stage_id, {})[note_id] = None
        super().__setitem__(note_id, note)

    def __delitem__(self, note_id: int) -> None:
        self._unindex(note_id)
        super().__delitem__(note_id)

    def pop(self, note_id: int, *default: Any) -> Any:
        self._unindex(note_id)
        return super().pop(note_id, *default)

    def popitem(self) -> tuple[int, Note]:
        note_id, note = super().popitem()
        if self._by_stage is not None:
            self._by_stage.get(note.stage_id, {}).pop(note_id, None)
        return note_id, note

    def clear(self) -> None:
        super().clear()
        self._by_stage = None

    def setdefault(self, note_id: int, default: Note) -> Note:
        if note_id not in self:
            self[note_id] = default
        return self[note_id]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for note_id, note in dict(*args, **kwargs).items():
            self[note_id] = note

    def __ior__(self, other: Any) -> Self:  # type: ignore[override,misc]
        self.update(other)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        """Copied and pickled as its notes (the index is rebuilt when asked)."""
        return (type(self), (dict(self),))


def _display_order(note: Note) -> tuple[float, int]:
    """A note's place in its stage's list: position, then id (the order it was added)."""
    return (note.position, note.id)


@dataclass
class Workshop:
    """The whole state of one workshop, as the session holds it in memory."""

    id: str
    title: str
    organisation: str = ""
    facilitator: str = ""
    date: str = ""
    """ISO date the workshop runs on."""
    created_at: float = 0.0
    template: str = "six-disciplines"
    current_stage_id: int | None = None
    muted: bool = False
    anonymous_notes: bool = False
    """Notes typed on participants' own devices store no author (the room's credited/anonymous setting)."""
    participants: dict[int, Participant] = field(default_factory=dict)
    stages: dict[int, Stage] = field(default_factory=dict)
    notes: dict[int, Note] = field(default_factory=NoteTable)
    """Every note by id; always a ``NoteTable`` (a plain ``dict`` given or assigned is made one)."""
    ballots: dict[int, Ballot] = field(default_factory=dict)
    votes: dict[int, Vote] = field(default_factory=dict)
    actions: dict[int, ActionItem] = field(default_factory=dict)
    readiness: dict[int, ReadinessResponse] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)

    INFO_FIELDS: ClassVar[tuple[str, ...]] = (
        "id",
        "title",
        "organisation",
        "facilitator",
        "date",
        "created_at",
        "template",
        "current_stage_id",
        "muted",
        "anonymous_notes",
    )

    def info(self) -> dict[str, Any]:
        """The workshop's own fields, without its records."""
        return {name: getattr(self, name) for name in self.INFO_FIELDS}

    # --- views the screens and exports share -------------------------------------------------------------

    def agenda(self, *, include_skipped: bool = True) -> list[Stage]:
        """Stages in agenda order."""
        ordered = sorted(self.stages.values(), key=lambda s: (s.position, s.id))
        return [s for s in ordered if include_skipped or not s.skipped]

    @property
    def current_stage(self) -> Stage | None:
        return self.stages.get(self.current_stage_id) if self.current_stage_id is not None else None

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "notes" and not isinstance(value, NoteTable):
            value = NoteTable(value)
        super().__setattr__(name, value)

    def stage_notes(self, stage_id: int, *, include_deleted: bool = False) -> list[Note]:
        """A stage's notes in display order (position, then creation), from the notes' index by stage
        (``NoteTable``: the stage's notes only are read, not every note of the workshop)."""
        notes = cast(NoteTable, self.notes).on_stage(stage_id)
        if not include_deleted:  # ``deleted_at`` read directly: the ``deleted`` property costs a call per note
            notes = [n for n in notes if n.deleted_at is None]
        notes.sort(key=_display_order)
        return notes

    def live_notes(self) -> list[Note]:
        """Every note not deleted, in the order they were added."""
        return [n for n in self.notes.values() if n.deleted_at is None]

    def active_participants(self) -> list[Participant]:
        return sorted((p for p in self.participants.values() if p.active), key=lambda p: p.id)

    def participant_name(self, participant_id: int | None) -> str:
        if participant_id is None:
            return ""
        p = self.participants.get(participant_id)
        return p.name if p else f"participant {participant_id}"

    def credit(self, note: Note) -> str:
        """Who a note is by, as the room reads it: "Ana", "Ana and Ben", "Ana, Ben and Chloé"; "" if anonymous.
        A merged note credits every author (``Note.author_ids``): every list, page and document names them so."""
        if not note.co_author_ids:  # nearly every note: no list built (the note lists name thousands at once)
            return self.participant_name(note.author_id)
        names = [self.participant_name(i) for i in note.author_ids]
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]

    def ballot_votes(self, ballot_id: int) -> list[Vote]:
        return [v for v in self.votes.values() if v.ballot_id == ballot_id]

    def ordered_actions(self) -> list[ActionItem]:
        return sorted(self.actions.values(), key=lambda a: (a.position, a.id))
