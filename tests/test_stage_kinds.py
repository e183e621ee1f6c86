"""The stage-kind table and the enums: every kind has its rules, stored values are unchanged, old files open."""

from __future__ import annotations

import json

import pytest

from facilitation import catalogue
from facilitation.models import (
    ActionItem,
    ActionStatus,
    Ballot,
    BallotMode,
    BallotStatus,
    CheckRound,
    Note,
    NoteMark,
    ReadinessResponse,
    Stage,
    StageKind,
)
from facilitation.stage_kinds import STAGE_KINDS, rules_of
from workshop.session import WorkshopSession
from workshop.store import Store


def test_every_stage_kind_has_one_row_of_rules() -> None:
    assert set(STAGE_KINDS) == set(StageKind)
    for kind, rules in STAGE_KINDS.items():
        assert rules.kind is kind and rules.label


def test_every_built_in_stage_has_a_known_kind() -> None:
    for template in catalogue.BUILTIN_TEMPLATES.values():
        for stage in template.stages:
            assert isinstance(stage.kind, StageKind)


@pytest.mark.parametrize(
    ("enum", "values"),
    [
        (StageKind, ["readiness", "discipline", "action_plan", "custom"]),
        (NoteMark, ["decision", "candidate"]),
        (BallotMode, ["private", "tally"]),
        (BallotStatus, ["open", "closed"]),
        (ActionStatus, ["open", "in progress", "done", "dropped"]),
        (CheckRound, ["start", "end"]),
    ],
)
def test_stored_values_are_the_strings_files_already_hold(enum: type, values: list[str]) -> None:
    assert [member.value for member in enum] == values


def test_records_read_their_strings_as_members_and_write_them_back_unchanged() -> None:
    stage = Stage.from_dict({"id": 1, "key": "vision", "title": "Vision", "minutes": 10, "kind": "discipline"})
    assert stage.kind is StageKind.DISCIPLINE
    assert json.loads(json.dumps(stage.to_dict()))["kind"] == "discipline"
    note = Note.from_dict({"id": 1, "stage_id": 1, "text": "x", "mark": "candidate"})
    assert note.mark is NoteMark.CANDIDATE
    ballot = Ballot.from_dict(
        {"id": 1, "stage_id": 1, "title": "t", "note_ids": [1], "budget": 3, "cap": 3, "mode": "tally",
         "status": "closed"}
    )
    assert (ballot.mode, ballot.status) == (BallotMode.TALLY, BallotStatus.CLOSED)
    assert ActionItem.from_dict({"id": 1, "title": "t", "status": "in progress"}).status is ActionStatus.IN_PROGRESS
    response = ReadinessResponse.from_dict({"id": 1, "participant_id": 1, "round": "end"})
    assert response.round is CheckRound.END


def test_a_kind_or_mark_from_a_newer_version_is_read_safely() -> None:
    stage = Stage.from_dict({"id": 1, "key": "x", "title": "X", "minutes": 5, "kind": "energiser"})
    assert stage.kind is StageKind.CUSTOM and rules_of("energiser") is STAGE_KINDS[StageKind.CUSTOM]
    assert Note.from_dict({"id": 1, "stage_id": 1, "text": "x", "mark": "question"}).mark is None


def test_a_workshop_written_with_enums_reopens_with_the_same_members(store: Store) -> None:
    session = WorkshopSession.create(store, "Enums", participants=["Ana"])
    note = session.notes.add("Decide")
    session.notes.mark(note.id, "decision")
    ballot = session.votes.open(session.stage().id, mode="tally")
    session.votes.close(ballot.id)
    workshop_id = session.workshop.id
    session.checkpoint()  # into the snapshot, as the app's idle worker does (closing leaves the journal)
    session.close()
    raw = json.loads((store.data_dir / f"{workshop_id}.json").read_text(encoding="utf-8"))
    assert "decision" in json.dumps(raw) and "NoteMark" not in json.dumps(raw)
    again = WorkshopSession.open(store, workshop_id)
    assert again.workshop.notes[note.id].mark is NoteMark.DECISION
    assert again.workshop.ballots[ballot.id].mode is BallotMode.TALLY
    assert again.workshop.ballots[ballot.id].status is BallotStatus.CLOSED
    again.close()
