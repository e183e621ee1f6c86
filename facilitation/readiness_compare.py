"""Start versus end of the readiness check: what moved in the room's read of the organisation.

The check can be re-run at the end of the workshop. Comparing the two rounds answers the closing question the
facilitator asks ("did today change how we see ourselves?"): which disciplines the room now rates higher or
lower, where it agrees more or less than it did, and whether the attitudes named moved up the ladder from
Folly to Fusing. Pure functions over ``ReadinessRound`` so the app's chart and any export tell the same story.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from facilitation import text
from facilitation.readiness import MIN_ROOM_ANSWERS, ONE_VIEW, DisciplineScore, ReadinessRound


@dataclass(frozen=True)
class AttitudeChange:
    name: str
    start: int
    end: int

    @property
    def change(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class DisciplineChange:
    key: str
    title: str
    start: DisciplineScore
    end: DisciplineScore

    @property
    def median_change(self) -> float | None:
        """End median minus start median; ``None`` when either round has no score for it."""
        if self.start.median is None or self.end.median is None:
            return None
        return self.end.median - self.start.median

    @property
    def spread_change(self) -> int | None:
        """End range minus start range: negative means the room agrees more than it did. ``None`` when either
        round has fewer than ``MIN_ROOM_ANSWERS`` scores for it: one score agrees with nobody."""
        if self.start.count < MIN_ROOM_ANSWERS or self.end.count < MIN_ROOM_ANSWERS:
            return None
        return self.end.spread - self.start.spread


@dataclass(frozen=True)
class ReadinessComparison:
    start: ReadinessRound
    end: ReadinessRound
    attitudes: tuple[AttitudeChange, ...]
    """Every attitude, least to most ready, with its count at the start and at the end."""
    disciplines: tuple[DisciplineChange, ...]
    start_level: float | None
    """Mean attitude on the 1 (Folly) to 6 (Fusing) ladder at the start; ``None`` without answers."""
    end_level: float | None

    @property
    def level_change(self) -> float | None:
        if self.start_level is None or self.end_level is None:
            return None
        return self.end_level - self.start_level

    @property
    def improved(self) -> tuple[str, ...]:
        """Disciplines whose median went up."""
        return tuple(d.title for d in self.disciplines if (d.median_change or 0) > 0)

    @property
    def declined(self) -> tuple[str, ...]:
        return tuple(d.title for d in self.disciplines if (d.median_change or 0) < 0)

    @property
    def converged(self) -> tuple[str, ...]:
        """Disciplines where the room's range of scores narrowed."""
        return tuple(d.title for d in self.disciplines if (d.spread_change or 0) < 0)

    @property
    def diverged(self) -> tuple[str, ...]:
        return tuple(d.title for d in self.disciplines if (d.spread_change or 0) > 0)

    @property
    def caveat(self) -> str:
        """Honest wording when a round has a single answer: the comparison is one person's view ("" otherwise)."""
        few = [
            f"{text.plural(r.responses, 'answer')} at the {when}"
            for when, r in (("start", self.start), ("end", self.end))
            if r.responses < MIN_ROOM_ANSWERS
        ]
        if not few:
            return ""
        return f"Only {' and '.join(few)}: this compares {ONE_VIEW}."

    @property
    def sentence(self) -> str:
        """The comparison in one sentence (after the caveat, if any), for the result screen and the minutes."""
        parts = [
            f"{text.plural(self.start.responses, 'answer')} at the start, "
            f"{text.plural(self.end.responses, 'answer')} at the end"
        ]
        change = self.level_change
        if change is not None:
            if abs(change) < 0.05:
                parts.append("the attitudes named did not move overall")
            else:
                direction = "toward Fusing" if change > 0 else "toward Folly"
                parts.append(f"the attitudes named moved {abs(change):.1f} steps {direction}")
        if self.improved:
            parts.append(f"rated higher: {', '.join(self.improved)}")
        if self.declined:
            parts.append(f"rated lower: {', '.join(self.declined)}")
        if self.converged:
            parts.append(f"more agreement on {', '.join(self.converged)}")
        if self.diverged:
            parts.append(f"less agreement on {', '.join(self.diverged)}")
        said = "; ".join(parts) + "."
        return f"{self.caveat} {said}" if self.caveat else said


def attitude_level(attitudes: Sequence[tuple[str, int]]) -> float | None:
    """Mean place on the ladder (1 = the first attitude listed … 6 = the last) of the attitudes named."""
    answers = sum(count for _, count in attitudes)
    if answers == 0:
        return None
    return sum(place * count for place, (_, count) in enumerate(attitudes, start=1)) / answers


def compare(start: ReadinessRound, end: ReadinessRound) -> ReadinessComparison:
    """Pair the two rounds attitude by attitude and discipline by discipline."""
    end_counts = dict(end.attitudes)
    names = [name for name, _ in start.attitudes] + [
        n for n, _ in end.attitudes if n not in dict(start.attitudes)
    ]
    start_counts = dict(start.attitudes)
    attitudes = tuple(AttitudeChange(n, start_counts.get(n, 0), end_counts.get(n, 0)) for n in names)
    end_scores = {d.key: d for d in end.disciplines}
    disciplines = tuple(
        DisciplineChange(d.key, d.title, d, end_scores[d.key])
        for d in start.disciplines
        if d.key in end_scores
    )
    return ReadinessComparison(
        start=start,
        end=end,
        attitudes=attitudes,
        disciplines=disciplines,
        start_level=attitude_level(start.attitudes),
        end_level=attitude_level(end.attitudes),
    )
