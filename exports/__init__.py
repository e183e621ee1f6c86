"""Renders a workshop's state to Word, Markdown, CSV and JSON, and reads the JSON back for import."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from facilitation.models import Workshop

FILE_NAMES = {
    "docx": "{id}-action-plan.docx",
    "md": "{id}-minutes.md",
    "csv": "{id}-actions.csv",
    "json": "{id}.json",
}


def default_name(workshop: Workshop, fmt: str) -> str:
    return FILE_NAMES[fmt].format(id=workshop.id)


def target_path(workshop: Workshop, fmt: str, output: Path | None, *, several: bool) -> Path:
    """Where an export goes: ``output`` itself when it names a file, else a default name inside it (or here)."""
    if output is None:
        return Path.cwd() / default_name(workshop, fmt)
    if output.is_dir() or several or str(output).endswith(("/", "\\")):
        return output / default_name(workshop, fmt)
    return output


def export_workshop(
    workshop: Workshop, formats: Sequence[str], output: Path | None = None, *, force: bool = False
) -> list[Path]:
    """Write the workshop in each format; returns the files written. Raises ``ExportError`` with a message."""
    from exports import interchange

    written = []
    for fmt in formats:
        path = target_path(workshop, fmt, output, several=len(formats) > 1)
        if fmt == "json":
            written.append(interchange.write_file(workshop, path, force=force))
        else:
            raise interchange.ExportError(
                f"The {fmt} export is not built yet; for now use --format json (the Word action plan, "
                "Markdown minutes and CSV of actions are on the way)."
            )
    return written
