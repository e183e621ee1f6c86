"""The JSON interchange format: what goes out comes back identical; every bad file gets a located message."""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports import interchange
from exports.interchange import (
    FORMAT_NAME,
    FORMAT_VERSION,
    ExportError,
    FormatError,
    dumps,
    from_interchange,
    loads,
    read_file,
    to_interchange,
    write_file,
)
from facilitation import ballots as ballot_rules
from facilitation.catalogue import default_agenda
from facilitation.clock import FakeClock
from facilitation.models import (
    ActionItem,
    Ballot,
    Event,
    Note,
    Participant,
    ReadinessResponse,
    Stage,
    Vote,
    Workshop,
)
from facilitation.readiness import readiness_rounds
from facilitation.text import close_bidi
from facilitation.timer import StageTimer

T0 = 1_800_000_000.0
EXPORTED_AT = 1_800_003_600.0
CONTROL = "tab\there\x00nul\x1b[31mred\x1b[0m\x07bell\x7f\u2028\ufeff\uffff"
RTL = "نريد أن يشعر كل موظف بأن صوته مسموع — שלום"
EMOJI = "🚫🙏 👩‍👩‍👧‍👦 🇧🇷"


def timer_dict(
    status: str, *, accumulated: float = 0.0, running_since: float | None = None
) -> dict[str, Any]:
    """What ``StageTimer.to_dict()`` produces (see tests/test_timer.py)."""
    return {
        "version": 1,
        "status": status,
        "planned_seconds": 1200.0,
        "extended_seconds": 120.0,
        "accumulated_seconds": accumulated,
        "running_since_wall": running_since,
        "started_at": T0 if status != "idle" else None,
        "finished_at": T0 + 1300 if status == "finished" else None,
    }


def rich_workshop() -> Workshop:
    """A workshop with one of everything, including the awkward cases."""
    ws = Workshop(
        id="leadership-offsite-2026",
        title="Leadership offsite — « collaboration » 2026",
        organisation="Acme Ltd",
        facilitator="Chloé Martin",
        date="2026-03-14",
        created_at=T0,
        template="six-disciplines",
        muted=True,
    )
    names = ["Ana Souza", "Ben Okafor", "Fatima Al-Sayed", "Emre Yılmaz", RTL, "Gone Person"]
    for i, name in enumerate(names, start=1):
        ws.participants[i] = Participant(id=i, name=name, active=name != "Gone Person")

    timers = {
        1: timer_dict("finished", accumulated=1300.0),
        2: timer_dict("finished", accumulated=1250.0),
        3: timer_dict("paused", accumulated=400.5),
        4: timer_dict("running", accumulated=60.0, running_since=T0 + 5000),
    }
    for i, template in enumerate(default_agenda(), start=1):
        # ids deliberately not in agenda order: positions decide the order of the stages list
        stage_id = 10 + (9 - i)
        ws.stages[stage_id] = Stage(
            id=stage_id,
            key=template.key,
            title=template.title,
            minutes=template.minutes,
            kind=template.kind,
            purpose=template.purpose,
            prompts=list(template.prompts),
            output=template.output,
            position=i,
            skipped=template.key == "adapt",
            timer=timers.get(i, {}),
        )
    assert len(ws.stages) == 8
    vision, strategy = 17, 16
    ws.current_stage_id = 15

    texts = [
        (vision, 1, "Customers answer each other's questions."),
        (vision, None, "Anonymous: we stop writing status reports."),
        (vision, 2, EMOJI),
        (vision, 5, RTL),
        (vision, 3, CONTROL),
        (strategy, 4, "x" * 100_000 + "é"),
        (strategy, 1, "Merged into #7"),
        (strategy, 2, "Survivor of the merge"),
        (strategy, 6, "Deleted, kept for undo"),
        (strategy, None, "line one\nline two\r\nline three"),
    ]
    for i, (stage_id, author, text) in enumerate(texts, start=1):
        ws.notes[i] = Note(
            id=i,
            stage_id=stage_id,
            text=text,
            author_id=author,
            created_at=T0 + i,
            updated_at=T0 + i + 0.25,
            position=float(i) + 0.5,
        )
    ws.notes[1] = ws.notes[1].replace(mark="decision")
    ws.notes[2] = ws.notes[2].replace(mark="candidate")
    ws.notes[7] = ws.notes[7].replace(deleted_at=T0 + 100)
    ws.notes[8] = ws.notes[8].replace(merged_from=[7], text="Survivor of the merge\n\nMerged into #7")
    ws.notes[9] = ws.notes[9].replace(deleted_at=T0 + 200)

    ws.ballots[1] = Ballot(
        id=1,
        stage_id=vision,
        title="Vision vote",
        note_ids=[1, 2, 3, 4, 5],
        budget=3,
        cap=2,
        status="closed",
        opened_at=T0 + 300,
        closed_at=T0 + 600,
        eligible=[1, 2, 3, 4, 5],
        submitted=[1, 2, 3],
    )
    ws.ballots[2] = Ballot(
        id=2,
        stage_id=None,
        title="Final priorities",
        note_ids=[1, 6, 8],
        budget=5,
        cap=5,
        anonymous=False,
        mode="tally",
        run=2,
        opened_at=T0 + 700,
        tally={8: 4, 1: 7, 6: 0},
    )
    dots = [(1, 1, 1), (2, 1, 1), (3, 2, 3), (4, 2, 1), (5, 3, 4), (6, 3, 4)]
    for vote_id, participant_id, note_id in dots:
        ws.votes[vote_id] = Vote(
            id=vote_id, ballot_id=1, participant_id=participant_id, note_id=note_id, cast_at=T0 + 400
        )

    ws.actions[1] = ActionItem(
        id=1,
        title="Name an owner for the customer community",
        owner="Ana Souza",
        owner_id=1,
        due="2026-04-30",
        measure="Owner named in the steering minutes",
        priority=1,
        status="in progress",
        source_note_id=1,
        source_stage_id=vision,
        position=1.0,
        created_at=T0 + 800,
    )
    ws.actions[2] = ActionItem(
        id=2,
        title="Pilot the field-engineer forum",
        owner="Someone from IT",
        status="done",
        position=0.5,
        created_at=T0 + 900,
        completed_at=T0 + 950,
    )
    ws.actions[3] = ActionItem(id=3, title=EMOJI, priority=3, status="dropped")

    ws.readiness[1] = ReadinessResponse(
        id=1, participant_id=1, attitude="fearful", scores={"vision": 2, "strategy": 1}, recorded_at=T0 + 10
    )
    ws.readiness[2] = ReadinessResponse(id=2, participant_id=6, attitude=None, scores={}, recorded_at=T0 + 11)
    ws.readiness[3] = ReadinessResponse(
        id=3, participant_id=1, round="end", attitude="formulating", scores={"adapt": 5, "launch": 3}
    )
    ws.readiness[4] = ReadinessResponse(
        id=4, participant_id=2, round="end", attitude="forging", scores={"adapt": 4}, private=False
    )

    ws.events = [
        Event(id=1, at=T0, kind="workshop.created", summary="Workshop created"),
        Event(id=2, at=T0 + 1, kind="note.added", summary="Note added", stage_id=vision, data={"note_id": 1}),
        Event(
            id=3,
            at=T0 + 2,
            kind="timer.extended",
            summary="Timer extended",
            stage_id=strategy,
            data={"minutes": 2, "remaining": 61.5, "nested": {"list": [1, "two", None, True]}},
        ),
        Event(id=4, at=T0 + 3, kind="stage.custom", summary="Event about a stage long gone", stage_id=999),
    ]
    return ws


def content(ws: Workshop) -> dict[str, Any]:
    """What must survive a round trip: everything but the export time and the workshop id."""
    data = to_interchange(ws, exported_at=EXPORTED_AT)
    data.pop("exported_at")
    data["workshop"].pop("id")
    return data


def valid_document() -> dict[str, Any]:
    return json.loads(dumps(rich_workshop(), exported_at=EXPORTED_AT))


# --- round trip --------------------------------------------------------------------------------------------


def test_round_trip_keeps_everything() -> None:
    original = rich_workshop()
    text = dumps(original, exported_at=EXPORTED_AT, app_version="0.1.0")
    restored = loads(text)
    assert content(restored) == content(original)
    assert restored.id == original.id
    # the rebuilt records are the same dataclasses, keyed the same way
    assert restored.participants == original.participants
    assert restored.stages == original.stages
    assert restored.notes == original.notes
    assert restored.ballots == original.ballots
    assert restored.ballots[2].tally == {1: 7, 6: 0, 8: 4}
    # the anonymous vote comes back counted, not attributed (exports.privacy): same totals, voters and rules
    assert {v.id for v in restored.votes.values()} == set(original.votes)
    assert all(v.participant_id < 0 and v.cast_at == 0 for v in restored.votes.values())
    for ballot in original.ballots.values():
        assert ballot_rules.totals(ballot, ballot_rules.dots_of(restored, ballot)) == ballot_rules.totals(
            ballot, ballot_rules.dots_of(original, ballot)
        )
        assert ballot_rules.voters(ballot, ballot_rules.dots_of(restored, ballot)) == ballot_rules.voters(
            ballot, ballot_rules.dots_of(original, ballot)
        )
    assert restored.actions == original.actions
    # privately entered readiness answers come back as the same distribution; named ones as they were
    assert readiness_rounds(restored) == readiness_rounds(original)
    assert restored.readiness[4] == original.readiness[4]
    assert restored.events == original.events
    assert restored.info() == original.info()
    assert restored.notes[9].deleted and not restored.participants[6].active
    assert restored.notes[6].text == "x" * 100_000 + "é"
    assert restored.notes[5].text == CONTROL


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    original = rich_workshop()
    target = write_file(original, tmp_path / "offsite.json", exported_at=EXPORTED_AT)
    assert target == tmp_path / "offsite.json"
    raw = target.read_bytes()
    assert raw.endswith(b"}\n")
    assert RTL.encode("utf-8") in raw, "non-ASCII text is written as is, not as \\u escapes"
    assert content(read_file(target)) == content(original)


def test_document_shape() -> None:
    data = to_interchange(rich_workshop(), exported_at=EXPORTED_AT, app_version="1.2.3")
    assert list(data) == [
        "format", "version", "exported_at", "app_version", "workshop",
        "participants", "stages", "notes", "ballots", "votes", "actions", "readiness", "events",
        "readiness_private",
    ]  # fmt: skip
    assert data["format"] == FORMAT_NAME == "six-disciplines-workshop"
    assert data["version"] == FORMAT_VERSION == 1
    assert data["exported_at"] == "2027-01-15T09:00:00Z"
    assert data["app_version"] == "1.2.3"
    assert set(data["workshop"]) == set(Workshop.INFO_FIELDS)
    assert [s["key"] for s in data["stages"]] == [t.key for t in default_agenda()], "agenda order"
    assert [s["position"] for s in data["stages"]] == list(range(1, 9))
    assert data["stages"][3]["timer"]["status"] == "running"
    assert [n["id"] for n in data["notes"]] == list(range(1, 11)), "deleted notes included, sorted by id"
    assert data["notes"][8]["deleted_at"] == T0 + 200
    assert list(data["ballots"][1]["tally"]) == ["1", "6", "8"], "int keys written as strings, in id order"


def test_output_is_deterministic() -> None:
    first = rich_workshop()
    second = rich_workshop()
    # the same content built in another order gives the same bytes
    second.notes = dict(reversed(second.notes.items()))
    second.events = list(reversed(second.events))
    second.events[0].data = dict(reversed(second.events[0].data.items()))
    second.ballots[2].tally = dict(reversed(second.ballots[2].tally.items()))
    assert dumps(first, exported_at=EXPORTED_AT) == dumps(second, exported_at=EXPORTED_AT)


def test_the_file_is_exactly_what_the_standard_encoder_writes() -> None:
    """The file is written a record at a time by its own pretty-printer (``json`` with ``indent`` is its slow
    pure-Python encoder): the bytes are the ones ``json.dumps`` writes for the whole document."""
    for ws in (rich_workshop(), Workshop(id="empty", title="")):
        document = to_interchange(ws, exported_at=EXPORTED_AT)
        expected = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        assert dumps(ws, exported_at=EXPORTED_AT) == expected


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(exclude_categories=("Cs",)))
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.dictionaries(st.text(max_size=6), json_values, max_size=5),
    prompts=st.lists(st.text(), max_size=3),
)
def test_any_free_form_data_is_written_as_the_standard_encoder_writes_it(
    data: dict[str, Any], prompts: list[str]
) -> None:
    """Events carry free-form data nested to any depth, empty or not: every shape comes out byte for byte as
    ``json.dumps(..., indent=2)`` writes it, and reads back the same. The prompts are what a workshop can hold:
    text is closed on the way in (``close_bidi``; hypothesis once drew a lone U+202A, which no way in keeps)."""
    ws = Workshop(id="w", title="t")
    held = [close_bidi(p) for p in prompts]
    ws.stages[1] = Stage(id=1, key="custom", title="t", minutes=5, kind="custom", prompts=held)
    ws.events = [Event(id=1, at=T0, kind="note.added", summary="s", data=data)]
    document = to_interchange(ws, exported_at=EXPORTED_AT)
    text = dumps(ws, exported_at=EXPORTED_AT)
    assert text == json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    assert content(loads(text)) == content(ws)


@pytest.mark.parametrize("opener", ["\u202a", "\u202b", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"])
def test_an_override_left_open_in_a_file_is_read_closed_and_stays_so(opener: str) -> None:
    """A file written by hand (or before text was closed on the way in) with an embedding, override or isolate
    left open in a prompt: it is read closed, as typed text is, and exporting and importing again changes nothing."""
    ws = Workshop(id="w", title="t")
    ws.stages[1] = Stage(id=1, key="custom", title="t", minutes=5, kind="custom", prompts=[opener, f"a{opener}b"])
    text = dumps(ws, exported_at=EXPORTED_AT)
    read = loads(text)
    assert read.stages[1].prompts == [close_bidi(opener), close_bidi(f"a{opener}b")]
    assert all(p != q for p, q in zip(read.stages[1].prompts, ws.stages[1].prompts, strict=True))
    assert content(loads(dumps(read, exported_at=EXPORTED_AT))) == content(read)


def test_export_does_not_share_objects_with_the_workshop() -> None:
    ws = rich_workshop()
    data = to_interchange(ws)
    data["stages"][0]["prompts"].append("changed")
    data["events"][2]["data"]["nested"]["list"].append("changed")
    assert content(ws) == content(rich_workshop())


def test_import_does_not_share_objects_with_the_data() -> None:
    data = valid_document()
    ws = from_interchange(data)
    data["stages"][0]["prompts"].append("changed")
    data["events"][2]["data"]["nested"]["list"].append("changed")
    data["stages"][3]["timer"]["status"] = "changed"
    assert content(ws) == content(rich_workshop())


def test_new_id_makes_a_new_workshop() -> None:
    ws = loads(dumps(rich_workshop()), new_id="imported-1")
    assert ws.id == "imported-1"
    assert content(ws) == content(rich_workshop())


def test_empty_workshop_round_trips() -> None:
    ws = Workshop(id="empty", title="")
    assert content(loads(dumps(ws))) == content(ws)


def test_missing_optional_fields_take_the_model_defaults() -> None:
    data = valid_document()
    data["participants"][0] = {"id": 1, "name": "Ana"}
    data["notes"][0] = {"id": 1, "stage_id": 17, "text": "short", "created_at": 5}
    data["workshop"] = {"id": "w", "title": "Minimal"}
    ws = from_interchange(data)
    assert ws.participants[1] == Participant(id=1, name="Ana", active=True)
    assert ws.notes[1] == Note(id=1, stage_id=17, text="short", created_at=5.0)
    assert isinstance(ws.notes[1].created_at, float), "whole numbers are accepted where floats are expected"
    assert ws.current_stage_id is None and ws.template == "six-disciplines"


def test_unknown_keys_are_ignored() -> None:
    data = valid_document()
    data["future_section"] = [{"anything": 1}]
    data["notes"][0]["colour"] = "yellow"
    data["workshop"]["theme"] = "dark"
    ws = from_interchange(data)
    assert content(ws) == content(rich_workshop())


# --- refusals ----------------------------------------------------------------------------------------------


def refusal(data: object) -> FormatError:
    with pytest.raises(FormatError) as caught:
        from_interchange(data)
    return caught.value


def changed(edit: Any) -> dict[str, Any]:
    data = valid_document()
    edit(data)
    return data


def test_not_an_object() -> None:
    error = refusal([1, 2, 3])
    assert "not a Six Disciplines Workshop file" in str(error)
    assert "got a list" in str(error)


def test_missing_format() -> None:
    error = refusal({"version": 1})
    assert str(error) == (
        'format: not a Six Disciplines Workshop file (missing "format": "six-disciplines-workshop")'
    )
    assert error.location == "format"


def test_wrong_format_name() -> None:
    error = refusal(changed(lambda d: d.update(format="some-other-app")))
    assert str(error).startswith("format: not a Six Disciplines Workshop file")
    assert '"some-other-app"' in str(error)


def test_newer_version() -> None:
    error = refusal(changed(lambda d: d.update(version=2)))
    assert str(error).startswith("version: this file is format version 2; this app reads version 1")
    assert "newer" in str(error)


@pytest.mark.parametrize(
    ("version", "message"),
    [("1", 'version: expected an integer, got "1"'), (1.0, "version: expected an integer, got 1.0")],
)
def test_version_must_be_an_integer(version: object, message: str) -> None:
    assert str(refusal(changed(lambda d: d.update(version=version)))) == message


def test_missing_version() -> None:
    assert str(refusal(changed(lambda d: d.pop("version")))) == "version: missing; this app reads version 1"


@pytest.mark.parametrize("section", ["workshop", "participants", "stages", "notes", "events"])
def test_missing_section(section: str) -> None:
    error = refusal(changed(lambda d: d.pop(section)))
    assert f'missing section "{section}"' in str(error)


def test_section_of_the_wrong_type() -> None:
    error = refusal(changed(lambda d: d.update(votes={"1": {}})))
    assert str(error) == "votes: expected a list of vote records, got an object"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["notes"][3].update(stage_id="abc"),
            'notes[3].stage_id: expected an integer, got "abc"',
        ),
        (lambda d: d["notes"][3].update(stage_id=True), "notes[3].stage_id: expected an integer, got true"),
        (lambda d: d["notes"][3].update(stage_id=17.0), "notes[3].stage_id: expected an integer, got 17.0"),
        (
            lambda d: d["notes"][2].update(author_id="1"),
            'notes[2].author_id: expected an integer or null, got "1"',
        ),
        (lambda d: d["notes"][0].update(text=None), "notes[0].text: expected a string, got null"),
        (lambda d: d["notes"][0].update(created_at="yesterday"), "notes[0].created_at: expected a number"),
        (
            lambda d: d["ballots"][0]["note_ids"].__setitem__(2, "3"),
            'ballots[0].note_ids[2]: expected an integer, got "3"',
        ),
        (
            lambda d: d["ballots"][0].update(note_ids="1,2"),
            'ballots[0].note_ids: expected a list of integers, got "1,2"',
        ),
        (
            lambda d: d["ballots"][1]["tally"].update(abc=1),
            'ballots[1].tally.abc: expected an id (a whole number) as the key, got "abc"',
        ),
        (
            lambda d: d["ballots"][1]["tally"].update({"1": "7"}),
            'ballots[1].tally["1"]: expected an integer, got "7"',
        ),
        (
            lambda d: d["ballots"][1]["tally"].update({"1": -1}),
            'ballots[1].tally["1"]: expected 0 or more dots, got -1',
        ),
        (
            lambda d: d["participants"][0].update(active="yes"),
            'participants[0].active: expected true or false, got "yes"',
        ),
        (lambda d: d["stages"][2].update(prompts=[1]), "stages[2].prompts[0]: expected a string, got 1"),
        (lambda d: d["stages"][2].update(timer=[]), "stages[2].timer: expected an object, got a list"),
        (lambda d: d["events"][1].update(data=None), "events[1].data: expected an object, got null"),
        (
            lambda d: d["readiness"][0]["scores"].update(vision="2"),
            'readiness[0].scores.vision: expected an integer, got "2"',
        ),
        (lambda d: d["workshop"].update(title=7), "workshop.title: expected a string, got 7"),
        (lambda d: d["workshop"].update(muted=0), "workshop.muted: expected true or false, got 0"),
        (lambda d: d["notes"].__setitem__(4, "a note"), 'notes[4]: expected an object, got "a note"'),
        (lambda d: d["notes"][4].pop("text"), 'notes[4]: missing field "text"'),
        (lambda d: d["workshop"].pop("title"), 'workshop: missing field "title"'),
        (lambda d: d.update(exported_at=12), "exported_at: expected a string, got 12"),
    ],
)
def test_wrong_types_are_located(edit: Any, message: str) -> None:
    assert str(refusal(changed(edit))).startswith(message)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["notes"][0].update(mark="maybe"),
            'notes[0].mark: expected "decision", "candidate" or null',
        ),
        (lambda d: d["ballots"][0].update(mode="secret"), 'ballots[0].mode: expected "private" or "tally"'),
        (lambda d: d["ballots"][0].update(run=0), "ballots[0].run: expected 1 or more, got 0"),
        (lambda d: d["actions"][0].update(priority=4), "actions[0].priority: expected 1, 2 or 3, got 4"),
        (
            lambda d: d["actions"][0].update(status="closed"),
            'actions[0].status: expected "open", "in progress"',
        ),
        (
            lambda d: d["actions"][0].update(due="next friday"),
            'actions[0].due: expected a date like 2026-12-15, got "next friday"',
        ),
        (
            lambda d: d["actions"][0].update(due="2026-02-30"),
            "actions[0].due: expected a date like 2026-12-15",
        ),
        (lambda d: d["workshop"].update(date="14/03/2026"), "workshop.date: expected a date like 2026-12-15"),
        (lambda d: d["stages"][0].update(kind="party"), 'stages[0].kind: expected "readiness", "discipline"'),
        (lambda d: d["stages"][0].update(key="lunch"), 'stages[0].key: expected "readiness", "vision"'),
        (lambda d: d["readiness"][0].update(round="middle"), 'readiness[0].round: expected "start" or "end"'),
        (lambda d: d["readiness"][0].update(attitude="frantic"), 'readiness[0].attitude: expected "folly"'),
        (
            lambda d: d["readiness"][0]["scores"].update(vision=6),
            "readiness[0].scores.vision: expected a score from 1 to 5, got 6",
        ),
        (
            lambda d: d["readiness"][0]["scores"].update(empathy=3),
            "readiness[0].scores.empathy: expected a discipline (vision, strategy",
        ),
        (
            lambda d: d["stages"][3]["timer"].update(status="sleeping"),
            "stages[3].timer: The saved stage timer is damaged: unknown status 'sleeping'",
        ),
        (
            lambda d: d["stages"][3]["timer"].update(version=2),
            "stages[3].timer: The saved stage timer was written",
        ),
    ],
)
def test_values_outside_the_model_are_located(edit: Any, message: str) -> None:
    assert str(refusal(changed(edit))).startswith(message)


def test_workshop_without_date_is_fine() -> None:
    ws = from_interchange(changed(lambda d: d["workshop"].update(date="")))
    assert ws.date == ""


def test_duplicate_id() -> None:
    def duplicate(data: dict[str, Any]) -> None:
        data["notes"][5]["id"] = 2

    error = refusal(changed(duplicate))
    assert str(error) == "notes[5].id: duplicate id 2 (notes[1] has it too)"


def test_ids_only_need_to_be_unique_within_their_kind() -> None:
    data = valid_document()
    assert any(p["id"] == 1 for p in data["participants"]) and any(n["id"] == 1 for n in data["notes"])
    from_interchange(data)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["notes"][3].update(stage_id=99), "notes[3].stage_id: no stage has id 99"),
        (lambda d: d["notes"][0].update(author_id=42), "notes[0].author_id: no participant has id 42"),
        (lambda d: d["notes"][7].update(merged_from=[7, 70]), "notes[7].merged_from[1]: no note has id 70"),
        (lambda d: d["votes"][2].update(ballot_id=9), "votes[2].ballot_id: no ballot has id 9"),
        (lambda d: d["votes"][2].update(note_id=99), "votes[2].note_id: no note has id 99"),
        (
            lambda d: d["votes"][2].update(participant_id=0),
            "votes[2].participant_id: no participant has id 0",
        ),
        (lambda d: d["ballots"][0]["note_ids"].append(11), "ballots[0].note_ids[5]: no note has id 11"),
        (lambda d: d["ballots"][0].update(stage_id=1), "ballots[0].stage_id: no stage has id 1"),
        (lambda d: d["ballots"][0]["eligible"].append(7), "ballots[0].eligible[5]: no participant has id 7"),
        (lambda d: d["ballots"][1]["tally"].update({"12": 1}), 'ballots[1].tally["12"]: no note has id 12'),
        (lambda d: d["actions"][0].update(owner_id=8), "actions[0].owner_id: no participant has id 8"),
        (lambda d: d["actions"][0].update(source_note_id=80), "actions[0].source_note_id: no note has id 80"),
        (
            lambda d: d["actions"][0].update(source_stage_id=2),
            "actions[0].source_stage_id: no stage has id 2",
        ),
        (
            lambda d: d["readiness"][0].update(participant_id=60),
            "readiness[0].participant_id: no participant has id 60",
        ),
        (lambda d: d["workshop"].update(current_stage_id=3), "workshop.current_stage_id: no stage has id 3"),
    ],
)
def test_dangling_references_are_located(edit: Any, message: str) -> None:
    assert str(refusal(changed(edit))) == message


def test_events_may_name_stages_that_are_gone() -> None:
    ws = from_interchange(valid_document())
    assert ws.events[3].stage_id == 999


def test_nothing_is_built_when_the_last_record_is_bad(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    original = Note.from_dict.__func__  # type: ignore[attr-defined]

    def spy(cls: type[Note], data: dict[str, Any]) -> Note:
        built.append(data)
        return original(cls, data)  # type: ignore[no-any-return]

    monkeypatch.setattr(Note, "from_dict", classmethod(spy))
    refusal(changed(lambda d: d["events"][-1].update(at="late")))
    assert built == []


# --- numbers, text and JSON syntax ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("literal", "shown"),
    [("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity"), ("1e999", "Infinity")],
)
def test_non_finite_numbers_are_refused(literal: str, shown: str) -> None:
    text = dumps(rich_workshop()).replace(f'"created_at": {T0 + 1}', f'"created_at": {literal}', 1)
    with pytest.raises(FormatError) as caught:
        loads(text)
    assert str(caught.value) == f"notes[0].created_at: expected a finite number, got {shown}"


def test_non_finite_numbers_in_free_form_data_are_refused() -> None:
    error = refusal(changed(lambda d: d["events"][2]["data"]["nested"]["list"].append(math.nan)))
    assert str(error) == "events[2].data.nested.list[4]: expected a finite number, got NaN"


def test_free_form_data_nested_too_deep_is_refused() -> None:
    deep: Any = 1
    for _ in range(200):
        deep = [deep]
    error = refusal(changed(lambda d: d["events"][0].update(data={"deep": deep})))
    assert "nested more than 64 levels deep" in str(error)
    assert str(error).startswith("events[0].data.deep" + "[0]" * 64)


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ('{"format": "six-disciplines-workshop",\n  "version": 1,,\n}', "line 2, column 16"),
        ("", "line 1, column 1"),
        ('{"format": "six-disciplines-workshop"', "line 1, column 38"),
    ],
)
def test_invalid_json_names_line_and_column(text: str, location: str) -> None:
    with pytest.raises(FormatError) as caught:
        loads(text)
    assert caught.value.location == location
    assert str(caught.value).startswith(f"{location}: not valid JSON: ")


def test_absurdly_long_integer_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="too many digits"):
        loads('{"version": ' + "9" * 5000 + "}")


def test_json_nested_too_deep_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="not valid JSON"):
        loads("[" * 100_000 + "]" * 100_000)


def test_escaped_lone_surrogate_in_a_file_is_refused() -> None:
    text = dumps(rich_workshop()).replace('"Ana Souza"', '"Ana \\ud800 Souza"', 1)
    with pytest.raises(FormatError) as caught:
        loads(text)
    assert str(caught.value).startswith(
        "participants[0].name: contains a lone surrogate (U+D800 at character 4)"
    )


def test_escaped_surrogate_pair_is_fine() -> None:
    text = dumps(rich_workshop()).replace('"Ana Souza"', '"Ana \\ud83d\\ude80"', 1)
    assert loads(text).participants[1].name == "Ana 🚀"


# --- files -------------------------------------------------------------------------------------------------


def test_write_refuses_an_existing_file_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(ExportError) as caught:
        write_file(rich_workshop(), target)
    assert str(caught.value) == f"{target} exists; use --force to overwrite"
    assert target.read_text(encoding="utf-8") == "keep me"
    write_file(rich_workshop(), target, force=True)
    assert content(read_file(target)) == content(rich_workshop())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"], "no temporary file left behind"


def test_written_file_has_ordinary_permissions(tmp_path: Path) -> None:
    target = write_file(rich_workshop(), tmp_path / "out.json")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_into_a_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "out.json"
    with pytest.raises(ExportError) as caught:
        write_file(rich_workshop(), target)
    assert str(caught.value) == f"cannot write {target}: the folder {target.parent} does not exist"


def test_write_onto_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="it is a folder"):
        write_file(rich_workshop(), tmp_path, force=True)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions, not root")
def test_write_into_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(ExportError) as caught:
            write_file(rich_workshop(), folder / "out.json")
        assert str(caught.value) == f"cannot write {folder / 'out.json'}: permission denied"
    finally:
        folder.chmod(0o755)


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(interchange.os, "fsync", full_disk)
    with pytest.raises(ExportError) as caught:
        write_file(rich_workshop(), target, force=True)
    assert str(caught.value) == f"cannot write {target}: no space left on device"
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_lone_surrogate_is_a_clear_export_error(tmp_path: Path) -> None:
    ws = rich_workshop()
    ws.notes[3] = ws.notes[3].replace(text="pasted \udc80 junk")
    target = tmp_path / "out.json"
    with pytest.raises(ExportError) as caught:
        write_file(ws, target)
    assert str(caught.value) == (
        "cannot export the workshop: notes[2].text contains a lone surrogate (U+DC80 at character 7), "
        "which is not valid text"
    )
    assert list(tmp_path.iterdir()) == [], "nothing written"
    with pytest.raises(ExportError, match=r"notes\[2\]\.text"):
        dumps(ws)


def test_non_finite_number_is_a_clear_export_error() -> None:
    ws = rich_workshop()
    ws.events[1].data["remaining"] = math.inf
    with pytest.raises(ExportError) as caught:
        dumps(ws)
    assert str(caught.value) == (
        "cannot export the workshop: events[1].data.remaining is Infinity, which a JSON file cannot hold"
    )


def test_read_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FormatError) as caught:
        read_file(tmp_path / "missing.json")
    assert str(caught.value) == f"{tmp_path / 'missing.json'}: cannot read the file: no such file or folder"


def test_read_a_folder(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="cannot read the file: it is a folder"):
        read_file(tmp_path)


def test_read_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    target = tmp_path / "latin1.json"
    target.write_bytes('{\n  "title": "Chlo\u00e9"\n}'.encode("latin-1"))
    with pytest.raises(FormatError) as caught:
        read_file(target)
    assert str(caught.value) == f"{target}: line 2, byte 17: not UTF-8 text (byte 0xe9)"


def test_read_file_errors_name_the_file(tmp_path: Path) -> None:
    target = tmp_path / "bad.json"
    target.write_text(json.dumps(changed(lambda d: d.update(version=2))), encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_file(target)
    assert str(caught.value).startswith(f"{target}: version: this file is format version 2")
    assert caught.value.file == target and caught.value.location == "version"


def test_read_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    target = tmp_path / "bom.json"
    target.write_bytes(b"\xef\xbb\xbf" + dumps(rich_workshop()).encode("utf-8"))
    assert content(read_file(target)) == content(rich_workshop())


def test_read_refuses_a_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = write_file(rich_workshop(), tmp_path / "big.json")
    monkeypatch.setattr(interchange, "MAX_FILE_BYTES", target.stat().st_size - 1)
    with pytest.raises(FormatError) as caught:
        read_file(target)
    assert str(caught.value).startswith(f"{target}: the file is larger than")


def test_the_size_limit_is_200_mb() -> None:
    assert interchange.MAX_FILE_BYTES == 200 * 1024 * 1024


def test_errors_are_value_errors() -> None:
    assert issubclass(FormatError, ValueError) and issubclass(ExportError, ValueError)


# --- arbitrary text ----------------------------------------------------------------------------------------

valid_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)))
"""Any Unicode text a JSON file in UTF-8 can hold: everything except lone surrogates."""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    note=valid_text,
    title=st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200),
    name=st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80),
    data_key=valid_text,
)
def test_arbitrary_text_round_trips(note: str, title: str, name: str, data_key: str) -> None:
    """Every text comes back as written, except that a right-to-left override or isolate left open in a title,
    name, prompt or action field comes back closed at the end of its line (``text.close_bidi``), as such text
    has been closed on the way in since 749a30b and as every record with text the screens print is read
    (``models.ShownText``). Notes, events and the workshop's own fields come back exactly."""
    ws = Workshop(id="w", title=title, organisation=name)
    ws.participants[1] = Participant(id=1, name=name)
    ws.stages[1] = Stage(id=1, key="custom", title=title, minutes=5, kind="custom", prompts=[note, name])
    ws.notes[1] = Note(id=1, stage_id=1, text=note, author_id=1)
    ws.actions[1] = ActionItem(id=1, title=title, owner=name, measure=note)
    ws.events = [Event(id=1, at=T0, kind="note.added", summary=note, data={data_key: [note, title]})]
    restored = loads(dumps(ws))
    expected = Workshop(id="w", title=title, organisation=name)
    expected.participants[1] = Participant(id=1, name=close_bidi(name))
    expected.stages[1] = Stage(
        id=1,
        key="custom",
        title=close_bidi(title),
        minutes=5,
        kind="custom",
        prompts=[close_bidi(note), close_bidi(name)],
    )
    expected.notes[1] = Note(id=1, stage_id=1, text=note, author_id=1)
    expected.actions[1] = ActionItem(
        id=1, title=close_bidi(title), owner=close_bidi(name), measure=close_bidi(note)
    )
    expected.events = [Event(id=1, at=T0, kind="note.added", summary=note, data={data_key: [note, title]})]
    assert content(restored) == content(expected)
    assert restored.notes[1].text == note
    assert restored.participants[1].name == close_bidi(name)
    assert restored.stages[1].title == close_bidi(title)
    assert content(loads(dumps(restored))) == content(restored)  # closed text round-trips exactly


def test_an_override_left_open_in_a_name_comes_back_closed() -> None:
    """The example hypothesis found (a name that is one LRE): a PDF is added, nothing else changes."""
    ws = Workshop(id="w", title="t")
    ws.participants[1] = Participant(id=1, name="\u202a")
    ws.participants[2] = Participant(id=2, name="Ana \u202eoiraM")
    restored = loads(dumps(ws))
    assert restored.participants[1].name == "\u202a\u202c"
    assert restored.participants[2].name == "Ana \u202eoiraM\u202c"


@settings(max_examples=50, deadline=None)
@given(before=valid_text, surrogate=st.characters(categories=("Cs",)), after=valid_text)
def test_lone_surrogates_never_crash_the_export(before: str, surrogate: str, after: str) -> None:
    ws = Workshop(id="w", title="t")
    ws.participants[1] = Participant(id=1, name=before + surrogate + after)
    with pytest.raises(ExportError, match=r"^cannot export the workshop: participants\[0\]\.name contains"):
        dumps(ws)


def test_deepcopy_of_document_is_still_valid() -> None:
    """Guards the test helpers: a copied valid document imports, so refusals above come from the edits."""
    from_interchange(copy.deepcopy(valid_document()))


# --- the tables and the documentation stay in step with the models ---------------------------------------

FORMAT_DOC = Path(__file__).resolve().parent.parent / "docs" / "FORMAT.md"


def doc_section(heading: str) -> str:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    end = text.find("\n#", start + len(heading) + 2)
    return text[start : end if end != -1 else None]


def test_rules_and_references_name_real_fields() -> None:
    classes = dict(interchange.SECTIONS) | {"workshop": Workshop}
    for cls, name in interchange._RULES:
        assert name in {f.name for f in dataclasses.fields(cls)}, (cls, name)
    for section, name, target in interchange._REFERENCES:
        assert name in {f.name for f in dataclasses.fields(classes[section])}, (section, name)
        assert target in classes


def test_every_field_is_documented() -> None:
    for section, cls in [*interchange.SECTIONS, ("workshop", Workshop)]:
        names = Workshop.INFO_FIELDS if cls is Workshop else [f.name for f in dataclasses.fields(cls)]
        documented = doc_section(f"### {section}")
        for name in names:
            assert f"| `{name}` |" in documented, f"docs/FORMAT.md does not describe {section}.{name}"
    timer_doc = doc_section("#### The stage timer")
    for key in StageTimer(600, FakeClock()).to_dict():
        assert f"| `{key}` |" in timer_doc, f"docs/FORMAT.md does not describe the timer's {key}"


def test_the_documented_example_imports_and_exports_unchanged() -> None:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    example = text.split("```json\n", 1)[1].split("```", 1)[0]
    expected = json.loads(example)
    ws = loads(example)
    exported_at = datetime.fromisoformat(expected["exported_at"]).timestamp()
    assert json.loads(dumps(ws, exported_at=exported_at, app_version=expected["app_version"])) == expected
