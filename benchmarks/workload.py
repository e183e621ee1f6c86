"""Realistic large workshops for the benchmarks: many notes with varied text, participants, votes, actions."""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from pathlib import Path

from facilitation import catalogue
from facilitation.models import ActionItem, Ballot, Event, Note, Participant, Stage, Vote, Workshop

WORDS = (
    "customers community share knowledge faster answers field engineers onboarding support tickets measure "
    "goal purpose launch guide adapt vision strategy collaboration platform moderators incentives policy "
    "review weekly monthly pilot region team managers ideas feedback trust risk value participation "
    "influencers seed contributions tipping point signals healthy drifting sponsor roles guidelines"
).split()
EXTRAS = ("🤝", "🚀", "✅", "نريد أن يشعر كل موظف", "שלום", "Ünïcödé", "—", "naïve café")
NAMES = (
    "Ana", "Ben", "Chloé", "Dev", "Emre", "Fatima", "Gus", "Hana", "Ivan", "Jia", "Kofi", "Lena", "Mateo",
    "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq",
)  # fmt: skip


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 28))]
    if rng.random() < 0.15:
        words.insert(rng.randrange(len(words)), rng.choice(EXTRAS))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def build_workshop(
    notes: int,
    *,
    participants: int = 20,
    actions: int = 0,
    votes: bool = False,
    current_notes: int | None = None,
    seed: int = 7,
) -> Workshop:
    """A workshop with ``notes`` notes spread over the six disciplines (``current_notes`` of them in Vision,
    the current stage), optionally a closed dot vote per stage from every participant and ``actions`` actions."""
    rng = random.Random(seed)
    start = 1_800_000_000.0
    ws = Workshop(
        id="bench",
        title="Benchmark workshop",
        organisation="Northwind",
        facilitator="Maya",
        date="2027-01-15",
        created_at=start,
    )
    for i, name in enumerate(NAMES[:participants], start=1):
        ws.participants[i] = Participant(i, name)
    for i, st in enumerate(catalogue.default_agenda(), start=1):
        ws.stages[i] = Stage(
            i, st.key, st.title, st.minutes, st.kind, st.purpose, list(st.prompts), st.output, position=i
        )
    vision = 2
    ws.current_stage_id = vision
    disciplines = [s.id for s in ws.stages.values() if s.kind == "discipline"]
    in_current = current_notes if current_notes is not None else notes // len(disciplines)
    for note_id in range(1, notes + 1):
        stage_id = vision if note_id <= in_current else rng.choice([d for d in disciplines if d != vision])
        author = rng.choice([None, *ws.participants])
        at = start + note_id
        ws.notes[note_id] = Note(note_id, stage_id, sentence(rng), author, at, at, float(note_id))
        ws.events.append(Event(note_id, at, "note.added", f"note #{note_id}", stage_id, {"note_id": note_id}))
    if votes:
        vote_id = 0
        for ballot_id, stage_id in enumerate(disciplines, start=1):
            on_ballot = [n.id for n in ws.notes.values() if n.stage_id == stage_id][:200]
            if not on_ballot:
                continue
            ws.ballots[ballot_id] = Ballot(
                ballot_id,
                stage_id,
                "vote",
                on_ballot,
                budget=5,
                cap=3,
                status="closed",
                eligible=list(ws.participants),
                submitted=list(ws.participants),
            )
            for person in ws.participants:
                for note_id in rng.sample(on_ballot, min(5, len(on_ballot))):
                    vote_id += 1
                    ws.votes[vote_id] = Vote(vote_id, ballot_id, person, note_id)
    for action_id in range(1, actions + 1):
        ws.actions[action_id] = ActionItem(
            action_id,
            sentence(rng),
            owner=rng.choice(NAMES[:participants]),
            due=f"2027-0{rng.randint(1, 9)}-{rng.randint(10, 28)}",
            measure=sentence(rng),
            priority=rng.randint(1, 3),
            source_note_id=rng.randint(1, max(1, notes)),
            position=float(action_id),
        )
    return ws


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(values: Sequence[float]) -> tuple[float, float]:
    """Median and p95, in milliseconds, of durations in seconds."""
    return statistics.median(values) * 1000, percentile(values, 95) * 1000


def spread_ms(values: Sequence[float], digits: int = 2) -> str:
    """``median, p95, p99 and max`` of durations in seconds, as milliseconds with ``digits`` decimals (issue #14
    asks for p99 and the maximum beside p95 on key paths)."""
    ms = [v * 1000 for v in values]
    return (
        f"median {statistics.median(ms):.{digits}f}, p95 {percentile(ms, 95):.{digits}f}, "
        f"p99 {percentile(ms, 99):.{digits}f}, max {max(ms):.{digits}f} ms"
    )


def fresh_dir(root: Path, name: str) -> Path:
    path = root / name
    path.mkdir(parents=True, exist_ok=True)
    return path
