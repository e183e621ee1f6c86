"""The action plan as CSV, one row per action, for spreadsheets and trackers.

Columns: ``id, action, owner, due, measure, priority, status, source stage, source note, created``; ``due`` is an
ISO date (empty when there is none), ``priority`` is High/Medium/Low, ``created`` an ISO date-time with the local
UTC offset. Rows come in the action plan's order (priority, then due date, undated last), as in the Word file.

The file is UTF-8 with a byte-order mark (``utf-8-sig``): without it Excel guesses a legacy code page and mangles
emoji, accents and right-to-left names. Quoting is the ``csv`` module's (minimal, ``"`` doubled, CRLF rows), so
multi-line notes survive a round trip.

Formula injection: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or
carriage return) as a formula, so a note like ``=HYPERLINK("http://evil", "click")`` would become a live link.
Every such cell is written with a leading apostrophe (``'=HYPERLINK(…)``), which spreadsheets show as text and
hide; a script reading the file sees the apostrophe and can strip it. Negative-looking text (``-5% churn``) gets
one too: text cannot be told apart from a formula safely.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from exports.common import ActionRow, action_rows, check_target, write_atomically
from facilitation.models import Workshop

COLUMNS = (
    "id",
    "action",
    "owner",
    "due",
    "measure",
    "priority",
    "status",
    "source stage",
    "source note",
    "created",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet may treat as the start of a formula (OWASP's list)."""


def neutralise(value: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def row_values(action: ActionRow) -> dict[str, str]:
    """One CSV row: plain strings, formula-neutralised."""
    values = {
        "id": str(action.id),
        "action": action.title,
        "owner": action.owner,
        "due": action.due,
        "measure": action.measure,
        "priority": action.priority_label,
        "status": action.status,
        "source stage": action.source_stage,
        "source note": action.source_note,
        "created": action.created,
    }
    return {key: neutralise(value) for key, value in values.items()}


def render(workshop: Workshop) -> str:
    """The CSV text (without the byte-order mark, which ``write_file`` adds)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for action in action_rows(workshop):
        writer.writerow(row_values(action))
    return buffer.getvalue()


def write_file(workshop: Workshop, path: Path, *, force: bool = False) -> Path:
    """Write the CSV (``utf-8-sig``) atomically; an existing file is kept unless ``force``."""
    check_target(path, force=force)
    return write_atomically(Path(path), render(workshop).encode("utf-8-sig"), force=force)
