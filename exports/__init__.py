"""Renders a workshop's state to Word, PDF, Markdown, CSV and JSON, and reads the JSON back for import."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from facilitation.export_formats import EXPORT_FORMATS
from facilitation.models import Workshop

FILE_NAMES = {fmt.key: fmt.file_name for fmt in EXPORT_FORMATS}
"""Each format's file name; ``csv`` also writes ``{id}-notes.csv`` beside the actions."""
FORMATS = tuple(FILE_NAMES)


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
    workshop: Workshop,
    formats: Sequence[str],
    output: Path | None = None,
    *,
    force: bool = False,
    delimiter: str = ",",
) -> list[Path]:
    """Write the workshop in each format; returns the files written. Raises ``ExportError`` with a message.

    ``formats``: any of ``FORMATS`` (``pdf`` needs LibreOffice; ``csv`` writes the actions and the notes).
    ``delimiter``: the CSV files' delimiter (``,``, ``;`` or a tab). Every target is checked before anything is
    written, so a refused target (it exists, its folder is missing) never leaves the export half done; a missing
    LibreOffice is reported before any file is written too.
    """
    from exports import common, csv_export, docx_export, interchange, markdown, pdf

    unknown = [fmt for fmt in formats if fmt not in FILE_NAMES]
    if unknown:
        raise interchange.ExportError(
            f"unknown export format {unknown[0]!r}; choose from {', '.join(FILE_NAMES)}"
        )
    if delimiter not in csv_export.DELIMITERS:
        raise interchange.ExportError(
            f"unknown CSV delimiter {delimiter!r}; choose a comma, a semicolon or a tab"
        )
    if "pdf" in formats:
        pdf.converter()  # raises ExportError saying how to get LibreOffice, before anything is written
    writers: dict[str, Callable[[Path], list[Path]]] = {
        "docx": lambda path: [docx_export.write_file(workshop, path, force=force)],
        "pdf": lambda path: [pdf.write_file(workshop, path, force=force)],
        "md": lambda path: [markdown.write_file(workshop, path, force=force)],
        "csv": lambda path: csv_export.write_file(workshop, path, force=force, delimiter=delimiter),
        "json": lambda path: [interchange.write_file(workshop, path, force=force)],
    }
    paths = [target_path(workshop, fmt, output, several=len(formats) > 1) for fmt in formats]
    for fmt, path in zip(formats, paths, strict=True):
        for target in csv_export.targets(path) if fmt == "csv" else [path]:
            common.check_target(target, force=force)
    written: list[Path] = []
    for fmt, path in zip(formats, paths, strict=True):
        written += writers[fmt](path)
    return written
