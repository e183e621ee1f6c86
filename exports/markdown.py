"""The Markdown minutes: the whole workshop as one text file that reads well raw and rendered.

Everything the room typed is escaped, so a note can never turn into a heading, a list, a link, raw HTML or a
broken table: Markdown punctuation gets a backslash (CommonMark lets any ASCII punctuation be escaped), a line that
would start a block (``#``, ``>``, ``-``, ``1.``) has its marker escaped, and table cells escape ``|`` and put
line breaks as ``<br>``. Multi-line notes keep their lines as hard breaks (a trailing backslash) inside the list
item they belong to. Underscores inside words are left alone: CommonMark never reads them as emphasis.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path

from exports.common import (
    SUMMARY_LIMIT,
    ActionRow,
    NoteView,
    Report,
    StageView,
    build_report,
    check_target,
    plural,
    write_atomically,
)
from facilitation.models import Workshop
from facilitation.readiness import DisciplineScore, ReadinessRound
from facilitation.voting import TIE_BREAK

_SPECIAL = re.compile(r"[\\`*\[\]<>|~]|&(?=#?\w+;)|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_BLOCK_START = re.compile(r"^(?:#{1,6}(?=\s|$)|[-+=](?=\s|$)|[-=]+\s*$|\d{1,9}(?=[.)](?:\s|$)))")
_BAR_CHAR = "█"
WORD_JOINER = "\u2060"
_REFERENCE = re.compile(r"(?:[#!$&%~]|(?<![0-9A-Za-z_.+-])@)(?=[0-9A-Za-z_\"\u00c0-\uffff])")
"""A sign that starts an issue, merge request, mention or label reference when a word follows it."""


def no_references(value: str) -> str:
    """Text that GitLab, GitHub and Azure DevOps do not turn into links or mentions.

    Pasted there, ``note #14`` links issue 14, ``@Marta`` notifies a user, ``!3`` links a merge or pull request
    (GitLab also reads ``$``, ``&``, ``%`` and ``~`` references). A WORD JOINER (U+2060) after the sign keeps the
    text as typed, invisibly, while no reference pattern matches it any more. CommonMark renders it unchanged.
    """
    return _REFERENCE.sub(lambda m: m.group(0) + WORD_JOINER, value)


def escape_inline(value: str) -> str:
    """Markdown punctuation made literal; enough where no block can start (table cells, after ``## ``)."""
    return _SPECIAL.sub(lambda m: "\\" + m.group(0), no_references(value))


def escape(value: str) -> str:
    """Text made literal: punctuation escaped, and each line kept from starting a block (a heading, a list
    item, a setext underline); leading spaces are dropped so no line turns into a code block."""
    lines = []
    for line in value.split("\n"):
        line = escape_inline(line.strip())
        match = _BLOCK_START.match(line)
        if match:
            marker = match.group(0)
            line = marker + "\\" + line[len(marker) :] if marker[0].isdigit() else "\\" + line
        lines.append(line)
    return "\n".join(lines)


def paragraph(value: str, indent: str = "") -> str:
    """Multi-line text as one Markdown paragraph: blank lines dropped, each line break a hard break."""
    lines = [line for line in escape(value).split("\n") if line]
    if not lines:
        return ""
    return (" \\\n" + indent).join(lines)


def heading_text(value: str) -> str:
    """A heading's text on one line; ``#`` escaped so a closing sequence cannot eat the end of the title."""
    return escape_inline(" ".join(value.split())).replace("#", "\\#")


def cell(value: str) -> str:
    """A table cell: escaped, lines joined with ``<br>``, empty shown as a dash so the table stays readable."""
    lines = [escape_inline(line.strip()) for line in value.split("\n") if line.strip()]
    return "<br>".join(lines) if lines else "—"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    """A GFM table; ``align`` has one letter per column (``l``, ``r``, ``c``), left when missing."""
    marks = {"l": "---", "r": "--:", "c": ":-:"}
    out = [
        "| " + " | ".join(cell(h) for h in headers) + " |",
        "|"
        + "|".join(marks.get(align[i] if i < len(align) else "l", "---") for i in range(len(headers)))
        + "|",
    ]
    out += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return out


def _bullet(value: str, prefix: str = "") -> str:
    body = paragraph(value, indent="  ")
    return f"- {prefix}{body}" if body else f"- {prefix}".rstrip()


def _note_line(note: NoteView, *, show_dots: bool) -> str:
    bits = []
    if show_dots and note.dots is not None:
        rank = note.rank_label if note.tied else f"{note.rank_label}."  # "1.", "2=", as on the result screen
        bits.append(f"**{rank} {note.dots_label}**")
    if note.mark_label:
        bits.append(f"*{note.mark_label}*")
    prefix = " · ".join(bits)
    line = _bullet(note.text, prefix + " — " if prefix else "")
    if note.author:
        line += f" *({escape(note.author)})*"
    return line


def _details(report: Report) -> list[str]:
    out = ["## Details", ""]
    for label, value in (
        ("Organisation", report.organisation),
        ("Date", report.date),
        ("Facilitator", report.facilitator),
    ):
        if value:
            out.append(f"- **{label}:** {escape(value)}")
    out.append(f"- **Generated:** {report.generated_text}")
    out += ["", f"### Participants ({len(report.participants)})", ""]
    out += [f"- {escape(name)}" for name in report.participants] or ["*No participants recorded.*"]
    return out


def _readiness_brief(rounds: Sequence[ReadinessRound]) -> list[str]:
    if not rounds:
        return ["*No readiness check was recorded.*"]
    return [f"- {escape(r.sentence)}" for r in rounds]


def _summary(report: Report) -> list[str]:
    out = ["## Summary", "", "### Vision", ""]
    if report.vision:
        out += ["> " + paragraph(report.vision.text, indent="> ")]
    else:
        out.append("*No vision statement was decided or voted on.*")
    source = (
        f"From the vote “{escape(report.priorities_source)}”."
        if report.priorities_source
        else "No final-priorities vote was closed: these are the decisions of each stage."
    )
    out += ["", "### Top priorities", ""]
    if report.priorities:
        out += [f"*{source}*", ""]
        for i, item in enumerate(report.summary_priorities, start=1):
            extra = [escape(item.stage_title)] if item.stage_title else []
            if item.dots is not None:
                extra.append(plural(item.dots, "dot"))
            tail = f" *({', '.join(extra)})*" if extra else ""
            out.append(f"{i}. {paragraph(item.text, indent='   ')}{tail}")
        if len(report.priorities) > SUMMARY_LIMIT:
            out.append(f"\n*… and {len(report.priorities) - SUMMARY_LIMIT} more (see the stages below).*")
    else:
        out.append("*No priorities were voted on or decided.*")
    out += ["", "### Readiness", "", *_readiness_brief(report.readiness)]
    out += [
        "",
        f"**At a glance:** {plural(len(report.participants), 'participant')}, {plural(report.note_count, 'note')}, "
        f"{plural(report.decision_count, 'decision')}, {plural(len(report.actions), 'action')}.",
    ]
    return out


def _action_plan(report: Report) -> list[str]:
    """Open actions first (priority, then due date), done and dropped ones apart, then each owner's open actions;
    numbered as in the Word plan."""
    out = ["## Action plan", ""]
    if not report.actions:
        return [*out, "*No actions were recorded.*"]
    numbers = {a.id: i for i, a in enumerate(report.actions, start=1)}
    live = [a for a in report.actions if a.live]
    closed = [a for a in report.actions if not a.live]
    headers = ["#", "Action", "Status", "Owner", "Due", "Measure", "Priority", "Source stage"]

    def rows(actions: Sequence[ActionRow]) -> list[list[str]]:
        return [
            [
                str(numbers[a.id]),
                a.title,
                a.status,
                a.owner,
                a.due,
                a.measure,
                a.priority_label,
                a.source_stage,
            ]
            for a in actions
        ]

    if live:
        out += table(headers, rows(live), "r")
        out += ["", "*Open actions, sorted by priority, then due date (actions without a date last).*"]
    if closed:
        out += ["", "### Done and dropped", "", *table(headers, rows(closed), "r")]
    written = [a for a in report.actions if a.details]
    if written:
        out += ["", "### Actions in full", ""]
        for a in written:
            out += [f"**{numbers[a.id]}. {paragraph(a.title)}**", "", paragraph(a.details), ""]
        out.pop()
    if live:
        out += ["", "### By owner", ""]
        owners: dict[str, list[ActionRow]] = {}
        for action in live:
            owners.setdefault(action.owner, []).append(action)
        for owner in sorted(owners, key=lambda name: (not name, name.casefold())):
            mine = owners[owner]
            out.append(f"**{escape(owner) if owner else 'No owner yet'}** ({plural(len(mine), 'action')})")
            out.append("")
            for a in mine:
                due = f"due {a.due}" if a.due else "no due date"
                details = f"action {numbers[a.id]}, {due}, {a.priority_label.lower()}"
                out.append(f"- {paragraph(a.title, indent='  ')} *({details})*")
            out.append("")
        out.pop()
    return out


def _stage_section(stage: StageView) -> list[str]:
    title = heading_text(stage.title) + (" (skipped)" if stage.skipped else "")
    out = [f"## {title}", ""]
    if stage.purpose:
        out += [f"*{paragraph(stage.purpose)}*", ""]
    if stage.output:
        out += [f"**What the room produces:** {paragraph(stage.output)}", ""]
    if not stage.board:
        return [*out, "*Not run yet.*" if stage.not_run else "*No notes were written in this stage.*"]
    out += ["### Decisions", ""]
    out += [_note_line(n, show_dots=stage.voted) for n in stage.decisions] or ["*No decisions.*"]
    if stage.candidates:
        out += ["", "### Candidate actions", ""]
        out += [_note_line(n, show_dots=stage.voted) for n in stage.candidates]
    out += ["", "### Notes ranked by votes" if stage.voted else "### Notes", ""]
    if not stage.board:
        return [*out, "*No notes.*"]
    if stage.voted:
        out += [
            f"*{escape(stage.ballot_title)}: {plural(stage.total_dots, 'dot')}"
            + (f" from {plural(stage.voters, 'voter')}" if stage.voters else "")
            + f". {TIE_BREAK}*",
            "",
        ]
    else:
        out += ["*No vote was closed in this stage: notes in board order.*", ""]
    out += [_note_line(n, show_dots=stage.voted) for n in stage.ranked]
    return out


def _readiness(report: Report) -> list[str]:
    out = ["## Readiness check", ""]
    if not report.readiness:
        return [*out, "*No readiness check was recorded.*"]
    for r in report.readiness:
        out += [f"### {heading_text(r.label)}", "", f"{plural(r.responses, 'participant')} answered.", ""]
        if r.attitude_answers:
            out += ["**Attitude toward collaboration** (least to most ready)", ""]
            rows = [[name, str(n), _BAR_CHAR * n] for name, n in r.attitudes]
            out += [*table(["Attitude", "Count", "Chart"], rows, "lrl"), ""]
        if r.scored:
            out += ["**Scores per discipline** (1 = absent, 5 = a strength)", ""]
            rows = [
                [d.title, d.median_text, d.range_text, f"{d.iqr:g}" if d.count else "", _score_chart(d)]
                for d in r.disciplines
            ]
            out += table(["Discipline", "Median", "Range", "IQR", "1 2 3 4 5"], rows, "lrrrl")
            out += ["", "*Chart: ● median, ━ range of scores given, · nobody.*"]
        if r.disagreement:
            out += ["", f"The room disagrees most on **{escape(', '.join(r.disagreement))}**."]
        out.append("")
    return out[:-1]


def _score_chart(score: DisciplineScore) -> str:
    """Five characters, one per score: the median, the range the room gave, or nobody."""
    if score.median is None or score.minimum is None or score.maximum is None:
        return "·" * 5
    marks = []
    for value in range(1, 6):
        if abs(value - score.median) < 0.75:
            marks.append("●")
        elif score.minimum <= value <= score.maximum:
            marks.append("━")
        else:
            marks.append("·")
    return "".join(marks)


def _timing(report: Report) -> list[str]:
    timing = report.timing
    out = ["## Timing report", ""]
    rows = [[r.title, r.started, r.planned_text, r.actual_text, r.delta_text] for r in timing.rows]
    rows += [[label, "", planned, actual, delta] for label, planned, actual, delta in timing.totals]
    out += table(["Stage", "Started", "Planned", "Actual", "Over / under"], rows, "lrrrr")
    out += [
        "",
        "*Actual time runs from a stage's start to its end, pauses included; skipped stages are left out.*",
        "",
        timing.summary_text,
    ]
    return out


def _minutes(report: Report) -> list[str]:
    out = ["## Minutes", ""]
    if not report.minutes:
        return [*out, "*The event log is empty.*"]
    for line in report.minutes:
        stage = f"{escape(line.stage)}: " if line.stage and not line.summary.startswith(line.stage) else ""
        out.append(f"- `{line.when}` {stage}{paragraph(line.summary, indent='  ')}")
    return out


_PART_TITLES = ("Details", "Summary", "Action plan", "Readiness check", "Timing report", "Minutes")
"""The minutes' own parts: a stage with one of these names gets " (stage)" after it, so no heading is used twice."""


def _unique_title(stage: StageView) -> StageView:
    return (
        dataclasses.replace(stage, title=f"{stage.title} (stage)") if stage.title in _PART_TITLES else stage
    )


def render_report(report: Report) -> str:
    """The minutes as Markdown text, from an already built report."""
    parts: list[list[str]] = [
        [
            f"# {heading_text(report.title)}",
            "",
            "*Workshop minutes and action plan*",
            *(
                [
                    "",
                    f"**{report.progress[0].upper()}{report.progress[1:]}** (exported {report.generated_text})",
                ]
                if report.progress
                else []
            ),
            "",
        ],
        _details(report),
        _summary(report),
        _action_plan(report),
        *(_stage_section(_unique_title(stage)) for stage in report.sections),
        _readiness(report),
        _timing(report),
        _minutes(report),
    ]
    return "\n\n".join("\n".join(part).strip("\n") for part in parts) + "\n"


def render(workshop: Workshop, *, now: float | None = None) -> str:
    """The workshop's minutes as Markdown text."""
    return render_report(build_report(workshop, now=now))


def write_file(workshop: Workshop, path: Path, *, force: bool = False, now: float | None = None) -> Path:
    """Write the Markdown minutes (UTF-8) atomically; an existing file is kept unless ``force``."""
    check_target(path, force=force)
    return write_atomically(Path(path), render(workshop, now=now).encode("utf-8"), force=force)
