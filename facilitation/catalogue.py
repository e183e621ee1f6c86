"""The six disciplines, the readiness attitudes and the default agenda (see shared/DISCIPLINES.md).

Source: Bradley and McDonald, *The Social Organization* (2011), and Gartner's Social Readiness Assessment.
The texts are the facilitator's prompts, rephrased for the screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from facilitation.models import Stage, StageKind


def _kind(value: object) -> StageKind:
    """A template's stored kind; one this version does not know runs as a custom stage."""
    try:
        return StageKind(str(value))
    except ValueError:
        return StageKind.CUSTOM


@dataclass(frozen=True)
class StageTemplate:
    """A stage as an agenda template describes it, before a workshop gives it an id and a timer."""

    key: str
    title: str
    minutes: int
    kind: StageKind = StageKind.DISCIPLINE
    purpose: str = ""
    prompts: tuple[str, ...] = ()
    output: str = ""
    skipped: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "title": self.title,
            "minutes": self.minutes,
            "kind": self.kind,
            "purpose": self.purpose,
            "prompts": list(self.prompts),
            "output": self.output,
            "skipped": self.skipped,
        }

    @classmethod
    def from_stage(cls, stage: Stage) -> StageTemplate:
        """A workshop's stage as a template, to save an edited agenda or to duplicate a workshop."""
        return cls(
            key=stage.key,
            title=stage.title,
            minutes=stage.minutes,
            kind=stage.kind,
            purpose=stage.purpose,
            prompts=tuple(stage.prompts),
            output=stage.output,
            skipped=stage.skipped,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StageTemplate:
        prompts = data.get("prompts") or ()
        return cls(
            key=str(data.get("key", "custom")),
            title=str(data["title"]),
            minutes=int(data["minutes"]),
            kind=_kind(data.get("kind", "custom")),
            purpose=str(data.get("purpose", "")),
            prompts=tuple(str(p) for p in prompts),
            output=str(data.get("output", "")),
            skipped=bool(data.get("skipped", False)),
        )


@dataclass(frozen=True)
class Attitude:
    """One of the six attitudes to change a participant can pick in the readiness check (rank 1 to 6)."""

    key: str
    name: str
    looks_like: str
    vision_should: str
    rank: int
    """1 (least ready) to 6 (most ready)."""


ATTITUDES: tuple[Attitude, ...] = (
    Attitude(
        "folly",
        "Folly",
        "Collaboration is seen as a fad with no business value.",
        "Tie it to specific, tangible business goals.",
        1,
    ),
    Attitude(
        "fearful",
        "Fearful",
        "Risks (leaks, liability, loss of control) dominate the conversation.",
        "Start with low-risk initiatives.",
        2,
    ),
    Attitude(
        "flippant",
        "Flippant",
        'Tools are deployed with no purpose: "provide and pray".',
        "Find a purpose before adding more technology.",
        3,
    ),
    Attitude(
        "formulating",
        "Formulating",
        "A strategy for collaboration is being worked out.",
        "Focus the strategy on measurable value.",
        4,
    ),
    Attitude(
        "forging",
        "Forging",
        "Initiatives are running and some are succeeding.",
        "Scale what works and spread the practice.",
        5,
    ),
    Attitude(
        "fusing",
        "Fusing",
        "Collaboration is part of how work gets done.",
        "Keep adapting the organisation.",
        6,
    ),
)
ATTITUDE_BY_KEY = {a.key: a for a in ATTITUDES}

READINESS = StageTemplate(
    key="readiness",
    title="Readiness check",
    minutes=10,
    kind=StageKind.READINESS,
    purpose="See where the room thinks the organisation stands today before deciding where to go.",
    prompts=(
        "Which attitude toward collaboration do you see here today: Folly, Fearful, Flippant, Formulating, "
        "Forging or Fusing?",
        "How strong are we in each discipline, from 1 (absent) to 5 (a strength)?",
    ),
    output="Each participant's read of the organisation's attitude today, and a 1–5 score per discipline.",
)

DISCIPLINES: tuple[StageTemplate, ...] = (
    StageTemplate(
        key="vision",
        title="Vision",
        minutes=20,
        purpose="A compelling picture of progress toward a highly collaborative organisation.",
        prompts=(
            "If collaboration worked brilliantly here in three years, what would a customer notice? An employee?",
            "Which attitude are we in today, and what would moving one step up look like?",
            "What would we stop doing if that vision were true?",
        ),
        output="A one-sentence vision of progress toward a highly collaborative organisation.",
    ),
    StageTemplate(
        key="strategy",
        title="Strategy",
        minutes=20,
        purpose="Move from risky, random successes to measurable business value.",
        prompts=(
            "Which business goals could the collective knowledge of customers or employees move the most?",
            "Which communities matter for each goal: customers, employees, partners?",
            "How will we know it worked: what do we measure, and by when? What risk do we accept?",
            'Remember: platforms that simply "provide and pray" rarely succeed (about one in ten). '
            "Name the value first.",
        ),
        output="The few business goals where collaboration must show measurable value, with a measure each.",
    ),
    StageTemplate(
        key="purpose",
        title="Purpose",
        minutes=20,
        purpose="Rally people around a clear purpose, not around a technology.",
        prompts=(
            "Who are the participants, and what issue do they collaborate on?",
            "What do they gain for themselves? What does the organisation gain?",
            "Would people join without being told to? Is it low-risk, well-scoped and measurable?",
            "Which purposes work from day one, and which only once a community has critical mass?",
        ),
        output="Ranked purpose statements: who collaborates, on what, what they gain, what the organisation gains.",
    ),
    StageTemplate(
        key="launch",
        title="Launch",
        minutes=20,
        purpose="Create the environment and persuade customers and employees to take part.",
        prompts=(
            "Where will the community live, and who seeds the first contributions?",
            "Who are the influencers we need on board first?",
            "What happens in the first 30, 60 and 90 days to reach the tipping point of participation?",
        ),
        output="The first steps that create the environment and win people over, with owners.",
    ),
    StageTemplate(
        key="guide",
        title="Guide",
        minutes=15,
        purpose="Take part in and influence communities toward the purpose, without stifling them.",
        prompts=(
            "Which roles do we need (sponsor, community manager, moderators), and who fills them?",
            "What guidelines do participants need, and what do we deliberately leave open?",
            "Which signals tell us a community is healthy or drifting, and when do we step in?",
            "Watch the collaboration cycle: contribution, feedback, judgment, action.",
        ),
        output="How leaders take part and steer communities without stifling them: roles, guidelines, signals.",
    ),
    StageTemplate(
        key="adapt",
        title="Adapt",
        minutes=15,
        purpose="Respond to change by changing the organisation to support collaboration.",
        prompts=(
            "Which policies, incentives or processes get in the way of collaboration today?",
            "What did communities surface that the organisation must act on?",
            "How often do we review what we learned, and who owns that review?",
        ),
        output="What the organisation changes in itself (policies, incentives, processes) to support collaboration.",
    ),
)
DISCIPLINE_KEYS: tuple[str, ...] = tuple(d.key for d in DISCIPLINES)
DISCIPLINE_BY_KEY = {d.key: d for d in DISCIPLINES}

ACTION_PLAN = StageTemplate(
    key="action_plan",
    title="Action plan",
    minutes=20,
    kind=StageKind.ACTION_PLAN,
    purpose="Turn the top-voted items from every stage into actions people will own.",
    prompts=(
        "Which of today's decisions matter most? Vote on the final priorities.",
        "For each priority: what exactly, who owns it, by when, and how will we know it worked?",
        "Will we be a social organisation, or compete against one?",
    ),
    output="The top-voted items from every stage, turned into actions with owner, due date and measure of success.",
)

CUSTOM_PURPOSE = "A stage added by the facilitator."


def default_agenda() -> list[StageTemplate]:
    """The shipped agenda: readiness check, the six disciplines, the action plan (about 2 h 20 min)."""
    return [READINESS, *DISCIPLINES, ACTION_PLAN]


def custom_stage(title: str, minutes: int) -> StageTemplate:
    return StageTemplate(key="custom", title=title, minutes=minutes, kind=StageKind.CUSTOM, purpose=CUSTOM_PURPOSE)


@dataclass(frozen=True)
class AgendaTemplate:
    """A named agenda a workshop can start from: its stages in order."""

    name: str
    description: str
    stages: tuple[StageTemplate, ...] = field(default_factory=tuple)


BUILTIN_TEMPLATES: dict[str, AgendaTemplate] = {
    "six-disciplines": AgendaTemplate(
        "six-disciplines",
        "Readiness check, the six disciplines and an action plan (about 2 h 20 min).",
        tuple(default_agenda()),
    ),
    "short": AgendaTemplate(
        "short",
        "A 90-minute version: the same stages with shorter timeboxes.",
        tuple(
            StageTemplate(**{**s.to_dict(), "prompts": s.prompts, "minutes": m})  # type: ignore[arg-type]
            for s, m in zip(default_agenda(), (5, 12, 12, 12, 12, 10, 10, 17), strict=True)
        ),
    ),
}
DEFAULT_TEMPLATE = "six-disciplines"
