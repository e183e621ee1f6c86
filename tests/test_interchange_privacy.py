"""The JSON file attributes an anonymous vote and private readiness answers to nobody, and import still rebuilds
every ballot's totals, voters and rules and every readiness chart; files of app 0.1.0 still import."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports import export_workshop, interchange
from facilitation import ballots as ballot_rules
from facilitation import catalogue
from facilitation.models import Ballot, Event, Note, Participant, ReadinessResponse, Stage, Vote, Workshop
from facilitation.readiness import readiness_rounds
from workshop import __version__

T0 = 1_800_000_000.0
OLD_FILE = Path(__file__).resolve().parent / "data" / "format-1-app-0.1.0.json"
ROOT = Path(__file__).resolve().parent.parent


def voting_workshop(dots: list[tuple[int, int]], *, anonymous: bool = True, people: int = 4) -> Workshop:
    """One stage, four notes, ``people`` participants and one closed vote holding ``dots`` (participant, note)."""
    ws = Workshop(id="w", title="Offsite", created_at=T0)
    for i in range(1, people + 1):
        ws.participants[i] = Participant(id=i, name=f"Person {i}")
    ws.stages[1] = Stage(id=1, key="vision", title="Vision", minutes=10, position=1)
    for i in range(1, 5):
        ws.notes[i] = Note(id=i, stage_id=1, text=f"Note {i}", created_at=T0 + i, position=float(i))
    voters = sorted({p for p, _ in dots})
    ws.ballots[1] = Ballot(
        id=1,
        stage_id=1,
        title="Vision vote",
        note_ids=[1, 2, 3, 4],
        budget=10,
        cap=10,
        anonymous=anonymous,
        status="closed",
        opened_at=T0 + 100,
        closed_at=T0 + 200,
        eligible=list(range(1, people + 1)),
        submitted=voters,
    )
    for vote_id, (person, note) in enumerate(dots, start=1):
        ws.votes[vote_id] = Vote(
            id=vote_id, ballot_id=1, participant_id=person, note_id=note, cast_at=T0 + 100 + vote_id
        )
        ws.events.append(
            Event(
                id=vote_id,
                at=T0 + 100 + vote_id,
                kind="vote.cast",
                summary="Vision vote: a dot cast",
                stage_id=1,
                data={"ballot_id": 1, "vote_id": vote_id},
            )
        )
    ws.events.append(
        Event(
            id=len(dots) + 1,
            at=T0 + 150,
            kind="vote.reset",
            summary="Vision vote: all 2 dots cleared",
            stage_id=1,
            data={"ballot_id": 1, "cleared": [[2, 3], [1, 4]]},
        )
    )
    return ws


DOTS = st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=30)


def test_an_anonymous_vote_names_nobody_in_the_json() -> None:
    ws = voting_workshop([(1, 1), (1, 2), (2, 1), (3, 4), (3, 4)])
    data = interchange.to_interchange(ws, exported_at=T0)
    for vote in data["votes"]:
        assert "participant_id" not in vote and "cast_at" not in vote
        assert set(vote) == {"id", "ballot_id", "voter", "note_id"}
    casts = [e for e in data["events"] if e["kind"] == "vote.cast"]
    assert casts and all("vote_id" not in e["data"] for e in casts)
    reset = next(e for e in data["events"] if e["kind"] == "vote.reset")
    assert reset["data"]["cleared"] == [[None, 3], [None, 4]]
    # who voted is public, as the room saw it
    assert data["ballots"][0]["submitted"] == [1, 2, 3]


def test_a_named_vote_is_written_in_full() -> None:
    ws = voting_workshop([(1, 1), (2, 3)], anonymous=False)
    data = interchange.to_interchange(ws, exported_at=T0)
    assert [(v["participant_id"], v["note_id"]) for v in data["votes"]] == [(1, 1), (2, 3)]
    assert all("vote_id" in e["data"] for e in data["events"] if e["kind"] == "vote.cast")
    assert interchange.loads(interchange.dumps(ws)).votes == ws.votes


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(dots=DOTS, permutation=st.permutations([1, 2, 3, 4]))
def test_the_votes_written_do_not_depend_on_who_cast_them(
    dots: list[tuple[int, int]], permutation: list[int]
) -> None:
    """Relabel the voters (Ana's dots become Ben's …): the file's votes and events are the same, so nothing in them
    can tell who cast what."""
    relabel = dict(zip([1, 2, 3, 4], permutation, strict=True))
    original = interchange.to_interchange(voting_workshop(dots), exported_at=T0)
    swapped = interchange.to_interchange(voting_workshop([(relabel[p], n) for p, n in dots]), exported_at=T0)
    assert original["votes"] == swapped["votes"]
    assert original["events"] == swapped["events"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(dots=DOTS, extra_submitted=st.booleans())
def test_import_rebuilds_totals_voters_and_rules(dots: list[tuple[int, int]], extra_submitted: bool) -> None:
    ws = voting_workshop(dots)
    if extra_submitted:  # someone confirmed an empty ballot
        ws.ballots[1] = ws.ballots[1].replace(submitted=sorted({*ws.ballots[1].submitted, 4}))
    back = interchange.loads(interchange.dumps(ws))
    ballot = back.ballots[1]
    assert ballot == ws.ballots[1]
    assert ballot_rules.totals(ballot, ballot_rules.dots_of(back, ballot)) == ballot_rules.totals(
        ballot, ballot_rules.dots_of(ws, ballot)
    )
    assert ballot_rules.voters(ballot, ballot_rules.dots_of(back, ballot)) == ballot_rules.voters(
        ballot, ballot_rules.dots_of(ws, ballot)
    )
    assert ballot_rules.ranking(back, ballot) == ballot_rules.ranking(ws, ballot)
    # each voter's dots stay together, so the budget and the cap still hold per person
    per_person = sorted(sorted(n for p, n in dots if p == person) for person in {p for p, _ in dots})
    rebuilt = sorted(
        sorted(v.note_id for v in back.votes.values() if v.participant_id == person)
        for person in {v.participant_id for v in back.votes.values()}
    )
    assert rebuilt == per_person
    assert all(v.participant_id < 0 for v in back.votes.values())
    # and a second export of the import says the same as the first
    assert (
        interchange.to_interchange(back, exported_at=T0)["votes"]
        == interchange.to_interchange(ws, exported_at=T0)["votes"]
    )


def test_a_voter_on_a_named_ballot_is_refused() -> None:
    data = interchange.to_interchange(voting_workshop([(1, 1)], anonymous=False), exported_at=T0)
    vote = data["votes"][0]
    del vote["participant_id"]
    vote["voter"] = 1
    try:
        interchange.from_interchange(data)
    except interchange.FormatError as error:
        assert (
            str(error)
            == "votes[0].voter: only the dots of an anonymous vote are written without their participant"
        )
    else:
        raise AssertionError("a voter on a named ballot imported")


def test_a_bad_voter_number_is_located() -> None:
    data = interchange.to_interchange(voting_workshop([(1, 1)]), exported_at=T0)
    data["votes"][0]["voter"] = 0
    try:
        interchange.from_interchange(data)
    except interchange.FormatError as error:
        assert str(error).startswith("votes[0].voter: expected a voter number from 1")
    else:
        raise AssertionError("voter 0 imported")


# --- readiness -----------------------------------------------------------------------------------------------

ATTITUDE = st.one_of(st.none(), st.sampled_from(list(catalogue.ATTITUDE_BY_KEY)))
SCORES = st.dictionaries(st.sampled_from(list(catalogue.DISCIPLINE_KEYS)), st.integers(1, 5))
RESPONSE = st.tuples(ATTITUDE, SCORES, st.sampled_from(["start", "end"]), st.booleans()).filter(
    lambda r: r[0] is not None or r[1]
)


def readiness_workshop(responses: list[tuple[str | None, dict[str, int], str, bool]]) -> Workshop:
    ws = Workshop(id="w", title="Offsite")
    for i in range(1, len(responses) + 1):
        ws.participants[i] = Participant(id=i, name=f"Person {i}")
    for i, (attitude, scores, round_name, private) in enumerate(responses, start=1):
        ws.readiness[i] = ReadinessResponse(
            id=i, participant_id=i, round=round_name, attitude=attitude, scores=scores, private=private
        )
    return ws


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(responses=st.lists(RESPONSE, min_size=1, max_size=12))
def test_private_readiness_answers_are_a_distribution_that_round_trips(
    responses: list[tuple[str | None, dict[str, int], str, bool]],
) -> None:
    ws = readiness_workshop(responses)
    data = json.loads(interchange.dumps(ws))
    named = [r for r in data["readiness"]]
    assert all(r["private"] is False for r in named)
    assert sorted(r["participant_id"] for r in named) == [
        i for i, (_, _, _, private) in enumerate(responses, start=1) if not private
    ]
    text = json.dumps(data["readiness_private"])
    assert "participant" not in text and "recorded_at" not in text
    back = interchange.from_interchange(data)
    assert readiness_rounds(back) == readiness_rounds(ws)
    # every rebuilt response holds an answer, as every real one did
    assert all(r.attitude is not None or r.scores for r in back.readiness.values())


def test_a_distribution_that_cannot_be_real_is_refused() -> None:
    data = json.loads(interchange.dumps(readiness_workshop([("folly", {"vision": 2}, "start", True)])))
    data["readiness_private"][0]["responses"] = 3
    try:
        interchange.from_interchange(copy.deepcopy(data))
    except interchange.FormatError as error:
        assert (
            str(error)
            == "readiness_private[0].responses: 3 responses but only 2 answers: every response holds one"
        )
    else:
        raise AssertionError("an impossible distribution imported")
    data["readiness_private"][0]["scores"]["vision"] = [0, 1, 0]
    try:
        interchange.from_interchange(data)
    except interchange.FormatError as error:
        assert (
            str(error)
            == "readiness_private[0].scores.vision: expected five counts of 0 or more (scores 1 to 5)"
        )
    else:
        raise AssertionError("a short histogram imported")


# --- earlier files and the shipped examples -------------------------------------------------------------------


def test_a_file_of_app_0_1_0_still_imports_and_exports_privately() -> None:
    old = json.loads(OLD_FILE.read_text(encoding="utf-8"))
    assert old["votes"][0]["participant_id"] == 1 and old["readiness"][0]["participant_id"] == 1
    ws = interchange.from_interchange(old)
    assert ws.votes[1].participant_id == 1  # as the file said: nothing is invented or lost on import
    again = interchange.to_interchange(ws)
    assert again["votes"] == [{"id": 1, "ballot_id": 1, "voter": 1, "note_id": 1}]
    assert again["readiness"] == []
    assert again["readiness_private"] == [
        {
            "round": "start",
            "responses": 1,
            "attitudes": {"fearful": 1},
            "scores": {"vision": [0, 1, 0, 0, 0], "strategy": [1, 0, 0, 0, 0]},
        }
    ]


def test_the_demo_example_publishes_no_voter() -> None:
    data = json.loads((ROOT / "docs" / "examples" / "demo.json").read_text(encoding="utf-8"))
    anonymous = {b["id"] for b in data["ballots"] if b["anonymous"] and b["mode"] == "private"}
    assert anonymous, "the demo has an anonymous vote"
    for vote in data["votes"]:
        if vote["ballot_id"] in anonymous:
            assert "participant_id" not in vote
    assert all(r.get("private", True) is not True for r in data["readiness"])


def test_json_export_names_the_app_version(tmp_path: Path) -> None:
    ws = voting_workshop([(1, 1)])
    [path] = export_workshop(ws, ["json"], tmp_path)
    assert json.loads(path.read_text(encoding="utf-8"))["app_version"] == __version__ != ""


def _kinds_in_source() -> set[str]:
    kinds: set[str] = set()
    pattern = re.compile(
        r'"((?:workshop|template|participant|stage|note|vote|action|readiness|export)\.[a-z_]+)"'
    )
    for folder in ("workshop", "screens", "room"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            kinds |= {kind for kind in pattern.findall(source) if not kind.endswith((".tcss", ".html"))}
            for action in re.findall(r'self\._change\(\s*"([a-z_]+)"', source):
                kinds.add(f"timer.{action}")
    return kinds


def test_every_event_kind_is_listed_in_the_format() -> None:
    documented = (ROOT / "docs" / "FORMAT.md").read_text(encoding="utf-8").split("#### Event kinds", 1)[1]
    documented = documented.split("\n## ", 1)[0]
    kinds = _kinds_in_source()
    assert {"note.added", "vote.cast", "timer.start"} <= kinds
    missing = sorted(kind for kind in kinds if f"`{kind}`" not in documented)
    assert not missing, f"docs/FORMAT.md does not list the event kinds {missing}"


def test_limits_match_the_app() -> None:
    from exports import limits
    from workshop.session import validation

    assert limits.MAX_STAGE_MINUTES == validation.MAX_STAGE_MINUTES
    assert limits.MAX_PARTICIPANTS == validation.MAX_PARTICIPANTS
