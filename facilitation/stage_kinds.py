"""What differs by stage kind, in one table: the stage screen, the summary, the exports and the import read it.

Add a kind by adding a ``StageKind`` member and its row here; no other module branches on a stage's kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from facilitation.models import StageKind


@dataclass(frozen=True, slots=True)
class StageKindRules:
    """How a kind of stage behaves.

    ``numbered``: counted in the agenda's stage numbers (the summary's "1.", "2." …).
    ``own_section``: its notes get a section of their own in the documents even when it has none (other kinds get
    one only when the room wrote notes there).
    ``counts_notes``: the summary counts its notes, decisions and candidates even when there are none.
    ``readiness_check``: the ``k`` key runs the readiness check here, and the summary counts its answers.
    ``action_plan``: the ``o`` key's hint is shown, and the summary counts the action plan here.
    ``votes_across_stages``: its ``v`` key votes on every stage's decisions (the final priorities), not its own
    notes.
    ``hint``: the key hint the stage screen puts first (empty for none).
    """

    kind: StageKind
    label: str
    numbered: bool = True
    own_section: bool = False
    counts_notes: bool = True
    readiness_check: bool = False
    action_plan: bool = False
    votes_across_stages: bool = False
    hint: str = ""


STAGE_KINDS: dict[StageKind, StageKindRules] = {
    StageKind.READINESS: StageKindRules(
        StageKind.READINESS,
        "Readiness check",
        numbered=False,
        counts_notes=False,
        readiness_check=True,
        hint="Press k to run the readiness check",
    ),
    StageKind.DISCIPLINE: StageKindRules(StageKind.DISCIPLINE, "Discipline", own_section=True),
    StageKind.ACTION_PLAN: StageKindRules(
        StageKind.ACTION_PLAN,
        "Action plan",
        action_plan=True,
        votes_across_stages=True,
        hint="Press o for the action plan",
    ),
    StageKind.CUSTOM: StageKindRules(StageKind.CUSTOM, "Custom stage", own_section=True),
}
"""Every stage kind's rules (a test checks each ``StageKind`` has a row)."""


def rules_of(kind: str) -> StageKindRules:
    """The rules of a stage kind given as its member or stored string; an unknown kind runs as ``custom``."""
    try:
        return STAGE_KINDS[StageKind(kind)]
    except ValueError:
        return STAGE_KINDS[StageKind.CUSTOM]
