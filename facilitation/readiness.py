"""The readiness check's picture: attitudes named per round, and the spread of 1–5 scores per discipline.

Shared by the app's terminal chart and every export, so the room and the minutes tell the same story. A round is
``start`` or ``end``: the check can be re-run at the end and compared with the start (``compare``).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from facilitation import text
from facilitation.catalogue import ATTITUDES, DISCIPLINE_BY_KEY, DISCIPLINE_KEYS
from facilitation.models import Event, ReadinessResponse, Workshop

ROUND_LABELS = {"start": "Start of the workshop", "end": "End of the workshop"}
MIN_ROOM_ANSWERS = 2
"""Fewer answers than this are one person's view: no median, range or agreement speaks for a room."""
ONE_VIEW = "one person's view, not the room's"


@dataclass(frozen=True)
class DisciplineScore:
    """The room's scores for one discipline in one round: how many, median and range."""

    key: str
    title: str
    count: int
    """How many participants scored it."""
    median: float | None
    minimum: int | None
    maximum: int | None
    iqr: float
    histogram: tuple[int, int, int, int, int]
    """How many gave 1, 2, 3, 4 and 5."""

    @property
    def spread(self) -> int:
        """The range: highest minus lowest score."""
        if self.minimum is None or self.maximum is None:
            return 0
        return self.maximum - self.minimum

    @property
    def median_text(self) -> str:
        return "" if self.median is None else f"{self.median:g}"

    @property
    def range_text(self) -> str:
        if self.minimum is None:
            return ""
        return str(self.minimum) if self.minimum == self.maximum else f"{self.minimum}–{self.maximum}"


@dataclass(frozen=True)
class ReadinessRound:
    """One round of the readiness check, summarised for the chart and the exports."""

    round: str
    label: str
    responses: int
    attitudes: tuple[tuple[str, int], ...]
    """Every attitude name, least to most ready, with how many participants chose it."""
    disciplines: tuple[DisciplineScore, ...]
    disagreement: tuple[str, ...]
    """Titles of the disciplines with the widest range (then IQR); empty when nobody disagrees."""

    @property
    def most_named(self) -> tuple[str, ...]:
        top = max((count for _, count in self.attitudes), default=0)
        return tuple(name for name, count in self.attitudes if count == top and top > 0)

    @property
    def attitude_answers(self) -> int:
        return sum(count for _, count in self.attitudes)

    @property
    def scored(self) -> bool:
        return any(d.count for d in self.disciplines)

    @property
    def caveat(self) -> str:
        """Honest wording for a round with a single answer ("one person's view, not the room's"); "" otherwise."""
        return ONE_VIEW if 0 < self.responses < MIN_ROOM_ANSWERS else ""

    @property
    def sentence(self) -> str:
        """The round in one sentence, for the one-page summary."""
        caveat = f": {self.caveat}" if self.caveat else ""
        parts = [f"{self.label} ({text.plural(self.responses, 'answer')}{caveat})"]
        if self.most_named:
            parts.append(f"most named attitude: {' and '.join(self.most_named)}")
        scored = [d for d in self.disciplines if d.median is not None]
        if scored:
            strongest = max(scored, key=lambda d: d.median or 0)
            weakest = min(scored, key=lambda d: d.median or 0)
            parts.append(f"strongest {strongest.title} (median {strongest.median_text})")
            parts.append(f"weakest {weakest.title} (median {weakest.median_text})")
        if self.disagreement:
            parts.append(f"the room disagrees most on {', '.join(self.disagreement)}")
        return "; ".join(parts) + "."


def _score_summary(key: str, scores: list[int]) -> DisciplineScore:
    histogram = Counter(scores)
    iqr = 0.0
    if len(scores) >= 2:
        quartiles = statistics.quantiles(scores, n=4, method="inclusive")
        iqr = quartiles[2] - quartiles[0]
    return DisciplineScore(
        key=key,
        title=DISCIPLINE_BY_KEY[key].title,
        count=len(scores),
        median=float(statistics.median(scores)) if scores else None,
        minimum=min(scores) if scores else None,
        maximum=max(scores) if scores else None,
        iqr=iqr,
        histogram=(histogram[1], histogram[2], histogram[3], histogram[4], histogram[5]),
    )


def readiness_rounds(workshop: Workshop) -> list[ReadinessRound]:
    """Attitude counts and score statistics per round of the check (start first, then end, then any other)."""
    by_round: dict[str, list[ReadinessResponse]] = defaultdict(list)
    for response in sorted(workshop.readiness.values(), key=lambda r: r.id):
        by_round[response.round].append(response)
    order = [r for r in ROUND_LABELS if r in by_round] + sorted(r for r in by_round if r not in ROUND_LABELS)
    rounds = []
    for name in order:
        responses = by_round[name]
        attitude_counts = Counter(r.attitude for r in responses if r.attitude)
        scores: dict[str, list[int]] = {key: [] for key in DISCIPLINE_KEYS}
        for response in responses:
            for key, score in response.scores.items():
                if (
                    key in scores
                    and isinstance(score, int)
                    and not isinstance(score, bool)
                    and 1 <= score <= 5
                ):
                    scores[key].append(score)
        disciplines = tuple(_score_summary(key, scores[key]) for key in DISCIPLINE_KEYS)
        widest = max(((d.spread, d.iqr) for d in disciplines), default=(0, 0.0))
        disagreement = tuple(d.title for d in disciplines if widest[0] > 0 and (d.spread, d.iqr) == widest)
        rounds.append(
            ReadinessRound(
                round=name,
                label=ROUND_LABELS.get(name, text.clean_line(name).capitalize()),
                responses=len(responses),
                attitudes=tuple((a.name, attitude_counts.get(a.key, 0)) for a in ATTITUDES),
                disciplines=disciplines,
                disagreement=disagreement,
            )
        )
    return rounds


RESULT_SHOWN = "readiness.shown"
RESULT_HIDDEN = "readiness.hidden"
"""Event kinds: the facilitator showed or hid a round's result (``data["round"]``), on screen and projector."""


def result_shown(workshop: Workshop, round_name: str) -> bool:
    """Whether a round's result is shown to the room: as the facilitator last chose (the latest
    ``readiness.shown``/``readiness.hidden`` event for the round), else once every active participant has
    answered, so that nobody is swayed by the room's answers before giving their own."""
    chosen = latest_choices(workshop.events).get(round_name)
    if chosen is not None:
        return chosen
    people = workshop.active_participants()
    answered = {r.participant_id for r in workshop.readiness.values() if r.round == round_name}
    return bool(people) and all(p.id in answered for p in people)


_READ: dict[int, tuple[list[Event], int, Event | None, dict[str, bool]]] = {}
"""Per event log (by identity, the log itself kept to make the identity safe): how many events were read, the
last of them, and the choices found. At most ``_LOGS_KEPT`` logs (one per workshop open in this process)."""
_LOGS_KEPT = 4


def latest_choices(events: list[Event]) -> dict[str, bool]:
    """The facilitator's latest choice per round (round name -> shown), from the event log.

    Each event is read once: a log that only grew since the last call (the common case: the session appends)
    is read from where the last call stopped, so the readiness screen and the projector do not scan a
    20,000-event log on every draw; a log changed otherwise (a follower inserting older events) is read again.
    """
    key = id(events)
    known = _READ.get(key)
    if known is not None and known[0] is events:
        _, read, last, choices = known
        if read > len(events) or (read and events[read - 1] is not last):
            read, choices = 0, {}
    else:
        read, choices = 0, {}
    if read < len(events):
        choices = dict(choices)
        for event in events[read:]:
            if event.kind in (RESULT_SHOWN, RESULT_HIDDEN):
                round_name = event.data.get("round")
                if isinstance(round_name, str):
                    choices[round_name] = event.kind == RESULT_SHOWN
    if key not in _READ and len(_READ) >= _LOGS_KEPT:
        _READ.pop(next(iter(_READ)))
    _READ[key] = (events, len(events), events[-1] if events else None, choices)
    return choices
