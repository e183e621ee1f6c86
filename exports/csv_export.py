"""The action plan and the notes as CSV, for spreadsheets and for a tracker's CSV import.

**Actions** (``<id>-actions.csv``), one row per action in the action plan's order (priority, then due date,
undated last). The first columns are named as trackers' CSV imports name their fields, so they map without
editing: ``title``, ``description``, ``assignee``, ``due date`` (ISO ``YYYY-MM-DD``), ``labels``, then
``priority`` (High/Medium/Low), ``status``, ``measure of success``, ``action id``, ``source stage``,
``source note id``, ``source note`` (the note's full text) and ``created`` (ISO date-time with the UTC offset).
GitLab's issue import reads ``title`` and ``description``; Jira's and Azure DevOps' importers offer the rest by
name. The description holds the measure and the source note in full, so a tracker issue stands on its own.

**Notes** (``<id>-notes.csv``), one row per live note, stage by stage in agenda order and in board order: ``stage``,
``note id``, ``text``, ``author`` (empty for an anonymous note), ``dots`` and ``rank`` (from the stage's latest
revealed vote, empty when the note was on none), ``mark``.

The file is UTF-8 with a byte-order mark (``utf-8-sig``): without it Excel guesses a legacy code page and mangles
emoji, accents and right-to-left names. Quoting is the ``csv`` module's (minimal, ``"`` doubled, CRLF rows), so
multi-line notes survive a round trip. ``delimiter`` is ``,`` by default; ``;`` suits spreadsheets in locales
that write a decimal comma (Excel in French or German settings splits on semicolons), and a tab is accepted too.

Formula injection: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or
carriage return) as a formula, so a note like ``=HYPERLINK("http://evil", "click")`` would become a live link.
Every such cell starts with a ZERO WIDTH SPACE (U+200B) instead: the cell no longer starts with a formula
character, so Excel, LibreOffice Calc and Google Sheets keep it as text, and the character has no width, so
nobody sees it (the apostrophe used before stayed visible in LibreOffice Calc and travelled into trackers).
A script can drop it with ``value.removeprefix("\\u200b")``. Negative-looking text (``-5% churn``) gets it
too: text cannot be told apart from a formula safely.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from exports.common import ActionRow, NoteView, Report, build_report, check_target, write_atomically
from facilitation.models import Workshop

ACTION_COLUMNS = (
    "title",
    "description",
    "assignee",
    "due date",
    "labels",
    "priority",
    "status",
    "measure of success",
    "action id",
    "source stage",
    "source note id",
    "source note",
    "created",
)
COLUMNS = ACTION_COLUMNS
"""The actions CSV's columns (the name older callers use)."""
NOTE_COLUMNS = ("stage", "note id", "text", "author", "dots", "rank", "tied", "mark")
"""``rank`` is a number (a spreadsheet sorts and filters it); ``tied`` says ``yes`` when the rank is shared."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet may treat as the start of a formula (OWASP's list)."""
GUARD = "\u200b"
"""ZERO WIDTH SPACE: put in front of a cell that would run as a formula; invisible, and makes the cell text."""
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
"""The delimiters ``--delimiter`` accepts."""


def neutralise(value: str) -> str:
    """Put the invisible guard in front of text a spreadsheet would run as a formula."""
    return GUARD + value if value.startswith(FORMULA_STARTS) else value


def _slug(value: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in value.lower()).split())


def labels(action: ActionRow) -> str:
    """Tracker labels without spaces: ``workshop``, the source stage and the priority (``priority-high``)."""
    found = ["workshop"]
    if action.source_stage:
        found.append(_slug(action.source_stage))
    found.append(f"priority-{action.priority_label.lower()}")
    return ",".join(dict.fromkeys(label for label in found if label))


def description(action: ActionRow, report: Report) -> str:
    """What a tracker issue needs to stand alone: the measure, the note it came from, the workshop."""
    parts = []
    if action.details:
        parts.append(action.details)
    if action.measure:
        parts.append(f"Measure of success: {action.measure}")
    if action.source_note and action.source_note != action.details:
        where = f"the {action.source_stage} stage" if action.source_stage else "the workshop"
        parts.append(f"From note {action.source_note_id} in {where}:\n{action.source_note}")
    workshop = ", ".join(bit for bit in (report.title, report.organisation, report.date) if bit)
    parts.append(f"Action plan of the workshop {workshop}.")
    return "\n\n".join(parts)


def action_values(action: ActionRow, report: Report) -> dict[str, str]:
    """One actions-CSV row: plain strings, formula-guarded."""
    values = {
        "title": action.title,
        "description": description(action, report),
        "assignee": action.owner,
        "due date": action.due,
        "labels": labels(action),
        "priority": action.priority_label,
        "status": action.status,
        "measure of success": action.measure,
        "action id": str(action.id),
        "source stage": action.source_stage,
        "source note id": "" if action.source_note_id is None else str(action.source_note_id),
        "source note": action.source_note,
        "created": action.created,
    }
    return {key: neutralise(value) for key, value in values.items()}


def note_values(stage: str, note: NoteView) -> dict[str, str]:
    """One notes-CSV row: plain strings, formula-guarded; never an anonymous note's author."""
    values = {
        "stage": stage,
        "note id": str(note.id),
        "text": note.text,
        "author": note.author,
        "dots": "" if note.dots is None else str(note.dots),
        "rank": "" if note.rank is None else str(note.rank),
        "tied": "yes" if note.rank is not None and note.tied else "",
        "mark": note.mark_label,
    }
    return {key: neutralise(value) for key, value in values.items()}


def _table(columns: Sequence[str], rows: Iterable[dict[str, str]], delimiter: str) -> str:
    if delimiter not in DELIMITERS:
        raise ValueError(f"a CSV delimiter is one of {', '.join(map(repr, DELIMITERS))}, not {delimiter!r}")
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n", delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def render_report(report: Report, *, delimiter: str = ",") -> str:
    """The actions CSV text (without the byte-order mark, which ``write_file`` adds)."""
    return _table(ACTION_COLUMNS, (action_values(a, report) for a in report.actions), delimiter)


def render_notes_report(report: Report, *, delimiter: str = ",") -> str:
    """The notes CSV text: every live note, stage by stage in agenda order, in board order."""
    rows = (note_values(stage.title, note) for stage in report.stages for note in stage.board)
    return _table(NOTE_COLUMNS, rows, delimiter)


def render(workshop: Workshop, *, delimiter: str = ",") -> str:
    """The actions CSV text."""
    return render_report(build_report(workshop), delimiter=delimiter)


def notes_path(actions_path: Path) -> Path:
    """Where the notes CSV goes beside the actions CSV: ``x-actions.csv`` → ``x-notes.csv``, ``plan.csv`` →
    ``plan-notes.csv``."""
    stem = actions_path.stem
    base = stem.removesuffix("-actions") if stem.endswith("-actions") else stem
    return actions_path.with_name(f"{base}-notes.csv")


def targets(path: Path) -> list[Path]:
    """Both files a CSV export writes."""
    return [Path(path), notes_path(Path(path))]


def write_file(
    workshop: Workshop, path: Path, *, force: bool = False, delimiter: str = ",", now: float | None = None
) -> list[Path]:
    """Write the actions CSV at ``path`` and the notes CSV beside it (``utf-8-sig``), each atomically; existing
    files are kept unless ``force``. Both targets are checked before either is written."""
    actions, notes = targets(path)
    for target in (actions, notes):
        check_target(target, force=force)
    report = build_report(workshop, now=now)
    write_atomically(actions, render_report(report, delimiter=delimiter).encode("utf-8-sig"), force=force)
    write_atomically(notes, render_notes_report(report, delimiter=delimiter).encode("utf-8-sig"), force=force)
    return [actions, notes]
