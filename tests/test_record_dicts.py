"""``Record.from_dict`` on a complete stored document (the way every record is read when a workshop opens)
gives the same record as on a partial one: enums and int-keyed dicts converted, the record equal to the one
written."""

from __future__ import annotations

import dataclasses
import json

import pytest

from facilitation.models import (
    RECORD_KINDS,
    ActionItem,
    ActionStatus,
    Ballot,
    BallotMode,
    BallotStatus,
    CheckRound,
    Event,
    Note,
    NoteMark,
    Participant,
    ReadinessResponse,
    Record,
    Stage,
    StageKind,
    Vote,
)

SAMPLES: list[Record] = [
    Participant(3, "Ana", active=False),
    Stage(
        2, "vision", "Vision", 15, StageKind.DISCIPLINE, "why", ["q1", "q2"], "a vision", 2, timer={"a": 1}
    ),
    Note(7, 2, "Customers answer first", 3, 1.0, 2.0, 7.5, NoteMark.DECISION, [5, 6], [4], None, True),
    Ballot(4, 2, "Vote", [7, 8], 5, 3, mode=BallotMode.TALLY, status=BallotStatus.CLOSED, tally={7: 3, 8: 1}),
    Vote(9, 4, 3, 7, 12.0),
    ActionItem(5, "Launch", owner="Ana", status=ActionStatus.IN_PROGRESS, priority=1),
    ReadinessResponse(6, 3, CheckRound.END, scores={"vision": 4}),
    Event(11, 1.5, "note.added", "note #7", 2, {"note_id": 7}),
]


def stored(record: Record) -> dict[str, object]:
    """The document as the store keeps it: through JSON, so enums are strings and int keys are strings."""
    doc: dict[str, object] = json.loads(json.dumps(record.to_dict()))
    return doc


def test_every_kind_of_record_is_sampled() -> None:
    assert {type(r) for r in SAMPLES} == {kind.cls for kind in RECORD_KINDS}


@pytest.mark.parametrize("record", SAMPLES, ids=lambda r: type(r).__name__)
def test_a_complete_document_reads_back_as_the_record(record: Record) -> None:
    back = type(record).from_dict(stored(record))
    assert back == record
    for name, (enum, _) in type(record).ENUMS.items():
        value = getattr(back, name)
        assert value is None or type(value) is enum, f"{name} is the enum member, not a string"
    for name in type(record).INT_KEYED:
        assert all(type(key) is int for key in getattr(back, name)), f"{name} has int keys"


@pytest.mark.parametrize("record", SAMPLES, ids=lambda r: type(r).__name__)
def test_an_extra_or_missing_key_reads_the_same_way(record: Record) -> None:
    doc = stored(record)
    assert type(record).from_dict({**doc, "added_by_a_newer_version": 1}) == record
    fields = list(doc)
    last = fields[-1]
    shorter = {k: v for k, v in doc.items() if k != last}
    default = type(record).from_dict(shorter)
    declared = next(f for f in dataclasses.fields(record) if f.name == last)  # type: ignore[arg-type]
    factory = declared.default_factory
    expected = factory() if callable(factory) else declared.default
    assert getattr(default, last) == expected, "a missing field takes its default"
    assert default.replace(**{last: getattr(record, last)}) == record


def test_an_unknown_mark_in_a_complete_document_reads_as_no_mark() -> None:
    doc = stored(SAMPLES[2])
    doc["mark"] = "question"
    note = Note.from_dict(doc)
    assert note.mark is None


def test_records_read_from_one_document_do_not_share_state_with_each_other() -> None:
    doc = stored(SAMPLES[2])
    first, second = Note.from_dict(dict(doc)), Note.from_dict(dict(doc))
    first.text = "changed"
    assert second.text == "Customers answer first"
