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
    """Write the workshop in each format; returns the files written. Raises ``ExportError`` with a message.

    Every target is checked before anything is written, so a refused target (it exists, its folder is missing)
    never leaves the export half done.
    """
    from exports import common, csv_export, docx_export, interchange, markdown

    writers = {
        "docx": docx_export.write_file,
        "md": markdown.write_file,
        "csv": csv_export.write_file,
        "json": interchange.write_file,
    }
    unknown = [fmt for fmt in formats if fmt not in writers]
    if unknown:
        raise interchange.ExportError(
            f"unknown export format {unknown[0]!r}; choose from {', '.join(writers)}"
        )
    paths = [target_path(workshop, fmt, output, several=len(formats) > 1) for fmt in formats]
    for path in paths:
        common.check_target(path, force=force)
    return [writers[fmt](workshop, path, force=force) for fmt, path in zip(formats, paths, strict=True)]
