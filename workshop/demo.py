"""The built-in demo workshop: a realistic session half-way through, built through the session API."""

from __future__ import annotations

import time

from facilitation.clock import Clock, FakeClock
from workshop.session import WorkshopSession
from workshop.store import Store

PARTICIPANTS = ("Ana Souza", "Ben Okafor", "Chloé Martin", "Dev Patel", "Emre Yılmaz", "Fatima Al-Sayed")

NOTES: dict[str, list[tuple[int | None, str]]] = {
    "vision": [
        (0, "Customers answer each other's questions before support has to."),
        (1, "Every team can find who already solved their problem, in minutes not weeks."),
        (2, "New joiners contribute in their first week because the conversation is open."),
        (None, "We stop writing status reports nobody reads: the work is visible where it happens."),
        (3, "Product ideas come from the field as often as from headquarters."),
        (5, "نريد أن يشعر كل موظف بأن صوته مسموع — everyone's voice is heard."),
    ],
    "strategy": [
        (1, "Cut time-to-answer for field engineers by 30% by June (measure: ticket first-response time)."),
        (4, "Customer community deflects 15% of support tickets within a year."),
        (0, "Onboarding: new hires productive in 6 weeks instead of 10 (measure: manager survey)."),
        (None, "Risk we accept: some public answers will be imperfect; moderators correct within a day."),
        (2, 'Avoid "provide and pray": no new platform until a goal and an owner are named. 🚫🙏'),
    ],
    "purpose": [
        (
            3,
            "Field engineers swap fixes for the top 20 recurring faults: they save hours, we cut repeat visits.",
        ),
        (5, "Customers share how they use the product: they get answers faster, we learn what to build."),
        (1, "Managers pool onboarding material so nobody rebuilds the same deck."),
    ],
}

DECISIONS = {"vision": [0], "strategy": [0, 1]}

DEMO_SECONDS = 2100
"""How long the scripted demo takes in workshop time: it is built to end now, with Purpose under way."""


def build_demo(store: Store, *, clock: Clock | None = None) -> WorkshopSession:
    """Create the demo workshop: readiness done, three disciplines with notes, two votes revealed, an action."""
    clock = clock or FakeClock(wall=time.time() - DEMO_SECONDS)
    session = WorkshopSession.create(
        store,
        "Collaboration Kick-off (demo)",
        organisation="Northwind Field Services",
        facilitator="Maya Chen",
        participants=PARTICIPANTS,
        clock=clock,
    )
    ws = session.workshop
    people = [p.id for p in ws.active_participants()]
    stages = {s.key: s for s in ws.agenda()}

    session.timer.start()
    answers = [
        ("fearful", {"vision": 2, "strategy": 2, "purpose": 3, "launch": 2, "guide": 1, "adapt": 1}),
        ("flippant", {"vision": 3, "strategy": 2, "purpose": 2, "launch": 3, "guide": 2, "adapt": 2}),
        ("fearful", {"vision": 2, "strategy": 1, "purpose": 2, "launch": 2, "guide": 2, "adapt": 1}),
        ("formulating", {"vision": 4, "strategy": 3, "purpose": 3, "launch": 2, "guide": 3, "adapt": 2}),
        ("fearful", {"vision": 2, "strategy": 2, "purpose": 4, "launch": 1, "guide": 2, "adapt": 2}),
        ("forging", {"vision": 4, "strategy": 4, "purpose": 3, "launch": 3, "guide": 2, "adapt": 3}),
    ]
    for person, (attitude, scores) in zip(people, answers, strict=True):
        _advance(clock, 60)
        session.readiness.record(person, attitude=attitude, scores=scores)
    _advance(clock, 150)

    for key in ("vision", "strategy", "purpose"):
        session.timer.finish()
        assert session.stage().id == stages[key].id
        session.timer.start()
        added = []
        for author, note in NOTES[key]:
            _advance(clock, 75)
            added.append(session.notes.add(note, author_id=people[author] if author is not None else None))
        if key == "purpose":
            break
        _advance(clock, 120)
        ballot = session.votes.open(stages[key].id, budget=3, cap=2)
        for i, person in enumerate(people):
            for pick in ((i % len(added)), (i * 2 + 1) % len(added), 1):
                try:
                    session.votes.cast(ballot.id, person, added[pick].id)
                except ValueError:
                    continue
            session.votes.submit(ballot.id, person)
        _advance(clock, 90)
        result = session.votes.close(ballot.id)
        for rank_index in DECISIONS[key]:
            session.notes.mark(result.ranked[rank_index].note_id, "decision")
        if key == "strategy":
            top = result.ranked[0].note_id
            session.actions.add(
                "Publish first-response time per region weekly",
                source_note_id=top,
                owner=PARTICIPANTS[1],
                due="+2w",
                measure="Dashboard live and reviewed",
                priority=1,
            )
        _advance(clock, 60)
    return session


def _advance(clock: Clock, seconds: float) -> None:
    if isinstance(clock, FakeClock):
        clock.advance(seconds)
