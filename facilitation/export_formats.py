"""The export formats, in one list: the CLI's ``--format`` choices, the export dialog's ticks and the examples
script all read it (``exports`` writes each one)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """``key`` as typed on the command line; ``label`` as the export dialog shows it; ``file_name`` with
    ``{id}`` for the workshop id; ``ticked`` whether the dialog ticks it when it opens; ``needs`` the program it
    needs, if any (``pdf`` is made by LibreOffice's ``soffice``)."""

    key: str
    label: str
    file_name: str
    ticked: bool = True
    needs: str = ""


EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("docx", "Word action plan (.docx)", "{id}-action-plan.docx"),
    ExportFormat(
        "pdf",
        "PDF action plan (.pdf), made by LibreOffice",
        "{id}-action-plan.pdf",
        ticked=False,  # needs LibreOffice and takes a few seconds
        needs="soffice",
    ),
    ExportFormat("md", "Markdown minutes (.md)", "{id}-minutes.md"),
    ExportFormat("csv", "Actions and notes as CSV (two .csv files)", "{id}-actions.csv"),
    ExportFormat("json", "Everything as JSON (.json), for import", "{id}.json"),
)

FORMAT_KEYS: tuple[str, ...] = tuple(f.key for f in EXPORT_FORMATS)
