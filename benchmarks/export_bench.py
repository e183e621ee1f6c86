"""How long the Word, Markdown and CSV exports take on a big workshop; the target is the Word file under 3 s.

The workshop is built directly from the models (no store, no session) so only the exports are timed: 20
participants, 2,000 notes of varied length spread over the six disciplines and a custom stage, one closed dot vote
per stage with every participant's dots, a final-priorities vote, 200 actions and a few hundred events.
python-docx's ``table.cell(i, j)`` is quadratic (2,000 rows took 34 minutes); this is the check that the exports
never go back to it.

Run: ``python benchmarks/export_bench.py`` (exit status 1 when a target is missed).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from exports import csv_export, docx_export, markdown
from facilitation import catalogue
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

NOTES = 2_000
PARTICIPANTS = 20
ACTIONS = 200
RUNS = 3
DOCX_TARGET_SECONDS = 3.0
START = 1_800_000_000.0

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloé",
    "Dev",
    "Emre",
    "Fatima",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kofi",
    "Lena",
)
LAST_NAMES = ("Souza", "Okafor", "Martin", "Patel", "Yılmaz", "Al-Sayed", "Kim", "Novak", "Silva", "Berg")
SUBJECTS = (
    "Field engineers",
    "Customers",
    "New joiners",
    "Regional managers",
    "The support team",
    "Partners",
    "Product owners",
    "Sales",
)
VERBS = ("share", "answer", "vote on", "improve", "document", "review", "celebrate", "measure")
OBJECTS = (
    "fixes for recurring faults",
    "each other's questions",
    "onboarding material",
    "the top 20 customer issues",
    "ideas for the next release",
    "lessons from failed pilots",
    "first-response times",
    "what slows them down",
)
GAINS = (
    "so we cut repeat visits",
    "so nobody rebuilds the same deck",
    "and support sees fewer tickets",
    "so the work is visible where it happens",
    "and leaders see the signals early",
    "— without another status report",
)
EXTRAS = (
    "",
    "",
    "",
    " 🚀",
    " 👩🏽‍💻🤝",
    "\nMeasure: adoption | not logins.",
    "\n\nRisk we accept: some answers will be imperfect; moderators correct within a day.",
    " (نريد أن يشعر كل موظف بأن صوته مسموع)",
    ' Avoid "provide and pray".',
)


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(GAINS)}"


def _note_text(rng: random.Random) -> str:
    sentences = [_sentence(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 5)))]
    return ". ".join(sentences) + "." + rng.choice(EXTRAS)


def build_workshop(seed: int = 7, *, notes: int = NOTES, note_events: bool = False) -> Workshop:
    """A realistic, large workshop built straight from the models (``note_events``: one ``note.added`` event per
    note and one ``vote.cast`` per dot in the log, as a real workshop's log has)."""
    rng = random.Random(seed)
    ws = Workshop(
        id="benchmark-0001",
        title="Collaboration Kick-off (benchmark)",
        organisation="Northwind Field Services",
        facilitator="Maya Chen",
        date="2027-01-15",
        created_at=START,
    )
    for pid in range(1, PARTICIPANTS + 1):
        name = f"{FIRST_NAMES[pid % len(FIRST_NAMES)]} {LAST_NAMES[pid % len(LAST_NAMES)]} {pid}"
        ws.participants[pid] = Participant(id=pid, name=name)
    agenda = [*catalogue.default_agenda(), catalogue.custom_stage("Parking lot", 10)]
    clock = START
    for sid, template in enumerate(agenda, start=1):
        minutes = template.minutes
        actual = minutes * 60 * rng.uniform(0.8, 1.3)
        ws.stages[sid] = Stage(
            id=sid,
            key=template.key,
            title=template.title,
            minutes=minutes,
            kind=template.kind,
            purpose=template.purpose,
            prompts=list(template.prompts),
            output=template.output,
            position=sid,
            timer={
                "version": 1,
                "status": "finished",
                "planned_seconds": minutes * 60.0,
                "extended_seconds": 0.0,
                "accumulated_seconds": actual,
                "running_since_wall": None,
                "started_at": clock,
                "finished_at": clock + actual,
            },
        )
        clock += actual + 60
    note_stages = [s.id for s in ws.stages.values() if s.kind in ("discipline", "custom")]
    for nid in range(1, notes + 1):
        stage_id = note_stages[nid % len(note_stages)]
        author = rng.randint(1, PARTICIPANTS) if rng.random() > 0.2 else None
        mark = rng.choices((None, "decision", "candidate"), weights=(90, 6, 4))[0]
        ws.notes[nid] = Note(
            id=nid,
            stage_id=stage_id,
            text=_note_text(rng),
            author_id=author,
            created_at=START + nid,
            position=nid,
            mark=mark,
        )
    vote_id = 0
    for bid, stage_id in enumerate(note_stages, start=1):
        note_ids = [n.id for n in ws.stage_notes(stage_id)]
        ws.ballots[bid] = Ballot(
            id=bid,
            stage_id=stage_id,
            title=f"{ws.stages[stage_id].title} vote",
            note_ids=note_ids,
            budget=10,
            cap=3,
            status="closed",
            opened_at=START + 100 * bid,
            closed_at=START + 100 * bid + 50,
            eligible=list(ws.participants),
            submitted=list(ws.participants),
        )
        favourites = rng.sample(note_ids, min(40, len(note_ids)))
        for pid in ws.participants:
            for note_id in rng.choices(favourites, k=10):
                vote_id += 1
                ws.votes[vote_id] = Vote(id=vote_id, ballot_id=bid, participant_id=pid, note_id=note_id)
    decisions = [n.id for n in ws.notes.values() if n.mark == "decision"]
    final_id = len(ws.ballots) + 1
    ws.ballots[final_id] = Ballot(
        id=final_id,
        stage_id=None,
        title="Final priorities",
        note_ids=decisions,
        budget=5,
        cap=1,
        status="closed",
        closed_at=clock,
    )
    for pid in ws.participants:
        for note_id in rng.sample(decisions, min(5, len(decisions))):
            vote_id += 1
            ws.votes[vote_id] = Vote(id=vote_id, ballot_id=final_id, participant_id=pid, note_id=note_id)
    for aid in range(1, ACTIONS + 1):
        source = rng.choice(decisions)
        ws.actions[aid] = ActionItem(
            id=aid,
            title=_sentence(rng).capitalize(),
            owner=ws.participants[rng.randint(1, PARTICIPANTS)].name,
            due=f"2027-{rng.randint(2, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() > 0.1 else None,
            measure=rng.choice(
                ("Dashboard live", "-10% tickets", "+20% answers within a day", "Survey ≥ 4/5", "")
            ),
            priority=rng.choice((1, 2, 2, 3)),
            source_note_id=source,
            source_stage_id=ws.notes[source].stage_id,
            position=aid,
            created_at=clock + aid,
        )
    for rid, pid in enumerate(ws.participants, start=1):
        scores = {key: rng.randint(1, 5) for key in catalogue.DISCIPLINE_KEYS}
        attitude = rng.choice(catalogue.ATTITUDES).key
        ws.readiness[rid] = ReadinessResponse(id=rid, participant_id=pid, attitude=attitude, scores=scores)
    kinds = ("note.added", "note.edited", "timer.start", "timer.pause", "action.added", "vote.submitted")
    for eid in range(1, 401):
        stage_id = rng.choice(note_stages)
        ws.events.append(
            Event(
                id=eid,
                at=START + eid * 20,
                kind=rng.choice(kinds),
                summary=f"{ws.stages[stage_id].title}: {_sentence(rng)[:60]}",
                stage_id=stage_id,
            )
        )
    if note_events:
        next_id = len(ws.events) + 1
        for note in ws.notes.values():
            ws.events.append(
                Event(
                    next_id,
                    note.created_at,
                    "note.added",
                    f"note #{note.id} added",
                    note.stage_id,
                    {"note_id": note.id},
                )
            )
            next_id += 1
        for vote in ws.votes.values():
            ballot = ws.ballots[vote.ballot_id]
            ws.events.append(
                Event(
                    next_id,
                    (ballot.opened_at or START) + 1,
                    "vote.cast",
                    f"{ballot.title}: a dot cast",
                    ballot.stage_id,
                    {"ballot_id": ballot.id, "vote_id": vote.id},
                )
            )
            next_id += 1
    return ws


def _time(write: Callable[[], object]) -> float:
    runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        write()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def run() -> list[tuple[str, str, str, bool | None]]:
    """Rows for ``benchmarks/run.py``: each export's median time on the 2,000-note workshop."""
    workshop = build_workshop()
    rows: list[tuple[str, str, str, bool | None]] = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        now = START + 4 * 3600
        for name, write, target in (
            ("docx", lambda: docx_export.write_file(workshop, out / "a.docx", force=True, now=now), 3.0),
            ("md", lambda: markdown.write_file(workshop, out / "m.md", force=True, now=now), None),
            ("csv", lambda: csv_export.write_file(workshop, out / "a.csv", force=True), None),
        ):
            seconds = _time(write)
            rows.append(
                (
                    f"{name} export: 2,000 notes, 20 voters, 200 actions",
                    f"{seconds:.2f} s (median of {RUNS})",
                    f"< {target:g} s" if target else "(reported)",
                    seconds < target if target else None,
                )
            )
    return rows


def main() -> int:
    workshop = build_workshop()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        now = START + 4 * 3600
        results = [
            (
                "docx",
                _time(lambda: docx_export.write_file(workshop, out / "a.docx", force=True, now=now)),
                DOCX_TARGET_SECONDS,
            ),
            ("md", _time(lambda: markdown.write_file(workshop, out / "m.md", force=True, now=now)), None),
            ("csv", _time(lambda: csv_export.write_file(workshop, out / "a.csv", force=True)), None),
        ]
        sizes = {
            name: (out / file).stat().st_size
            for name, file in (("docx", "a.docx"), ("md", "m.md"), ("csv", "a.csv"))
        }
    print(
        f"Export benchmark: {len(workshop.notes):,} notes, {len(workshop.votes):,} dots, "
        f"{len(workshop.actions)} actions, {len(workshop.events)} events, {len(workshop.participants)} participants "
        f"(median of {RUNS} runs)"
    )
    print(f"{'format':<8}{'median':>10}{'size':>12}  {'target':<14}result")
    failed = False
    for name, seconds, target in results:
        verdict = "—" if target is None else ("pass" if seconds < target else "FAIL")
        failed |= verdict == "FAIL"
        goal = f"under {target:g} s" if target is not None else "none"
        print(f"{name:<8}{seconds:>9.3f}s{sizes[name] / 1024:>10.0f} KB  {goal:<14}{verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
