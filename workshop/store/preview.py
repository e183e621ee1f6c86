"""The opening preview: what the first frame of ``workshop open`` needs, kept beside the library index so that
start-up draws the current stage before it reads the whole workshop.

``<data_dir>/index/<id>.preview`` holds two lines of JSON:

1. a header ``{"format": 1, "id", "seq", "schema_version", "files"}``: the workshop it describes, the last journal
   seq it holds, the schema its documents are in, and the identities (``workshop.store.index.identity``: inode,
   size, modification and change times) of the workshop file and its journal when it was taken;
2. the tables, in the snapshot's layout (table -> str(doc id) -> document, or a row of the document's values, a
   list, in an order the session layer names in the preview itself), holding only what the session layer's
   previewer picked (the workshop's own fields, its participants and stages, and the current stage's notes).

Like the library index it is a cache, never a source of truth: the workshop file and its journal stay the only
truth, the preview is written atomically (an exclusive temporary file renamed over it, ``0600``) but not fsynced,
and it counts only while both files still have exactly the identities in its header (any commit grows the journal,
any checkpoint or restore replaces the workshop file). A missing, stale, damaged or foreign preview, or a link in
its place, means ``read_preview`` returns None and the workshop is read in full. Writers: the store, after a
checkpoint that emptied the journal and when a writable workshop closes (``WorkshopFile``); a deleted or trashed
workshop's preview is removed with it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from workshop.store import schema
from workshop.store.fsutil import make_folder, read_bytes, write_atomically
from workshop.store.index import INDEX_FOLDER, FileIdentity
from workshop.store.journal import loads_strict

log = logging.getLogger(__name__)

FORMAT = 1
SUFFIX = ".preview"

RawTables = dict[str, dict[str, Any]]
Previewer = Callable[[Mapping[str, Mapping[str, Any]]], RawTables | None]
"""Raw tables (table -> str(doc id) -> doc, ``_meta`` included) to the tables a first frame needs, or None when
there is nothing worth previewing (no current stage); provided by the session layer."""


def preview_path(data_dir: Path, workshop_id: str) -> Path:
    """Where the preview of ``workshop_id`` lives (the id is checked by the caller: it names files)."""
    return Path(data_dir) / INDEX_FOLDER / f"{workshop_id}{SUFFIX}"


def _header(path: Path) -> tuple[dict[str, Any], bytes] | None:
    """The preview's header and the rest of its bytes; None if missing, a link, unreadable or not a header."""
    try:
        data = read_bytes(path)
    except FileNotFoundError:
        return None
    except OSError as e:  # a link (LinkFound), a folder, no permission
        log.info("ignoring the preview %s: %s", path, e)
        return None
    line, newline, body = data.partition(b"\n")
    if not newline:
        return None
    try:
        header = json.loads(line)
    except ValueError:
        return None
    return (header, body) if isinstance(header, dict) else None


def _describes(header: Mapping[str, Any], workshop_id: str, files: list[FileIdentity]) -> bool:
    """True if ``header`` is a preview of ``workshop_id`` taken from files that still have these identities."""
    return (
        header.get("format") == FORMAT
        and header.get("id") == workshop_id
        and header.get("schema_version") == schema.SCHEMA_VERSION
        and type(header.get("seq")) is int
        and files[0] is not None
        and header.get("files") == files
    )


def is_fresh(data_dir: Path, workshop_id: str, files: list[FileIdentity]) -> bool:
    """True if the preview on disk describes the workshop whose files now have the identities ``files``."""
    found = _header(preview_path(data_dir, workshop_id))
    return found is not None and _describes(found[0], workshop_id, files)


def _tables_problem(tables: Any) -> str | None:
    """Why ``tables`` is not a set of tables of documents (or rows of values: lists) by whole-number id, or None."""
    if not isinstance(tables, dict):
        return "not a set of tables"
    for name, table in tables.items():
        if not isinstance(table, dict):
            return f"table {name!r} is not a set of records"
        for key, doc in table.items():
            body = key[1:] if key[:1] == "-" else key
            if not (body.isascii() and body.isdigit()) or not isinstance(doc, dict | list):
                return f"table {name!r} has a bad record {key!r}"
    return None


def read_preview(data_dir: Path, workshop_id: str, files: list[FileIdentity]) -> dict[str, dict[int, Any]] | None:
    """The previewed tables (table -> int doc id -> document) if the preview describes the workshop whose files
    now have the identities ``files``; None if it is missing, stale, damaged or foreign. Never raises for what
    the file holds: every problem is a reason to read the workshop in full."""
    found = _header(preview_path(data_dir, workshop_id))
    if found is None or not _describes(found[0], workshop_id, files):
        return None
    try:
        tables = loads_strict(found[1])
    except ValueError as e:  # also UnicodeDecodeError; NaN or Infinity, as in the workshop file
        log.info("ignoring the damaged preview of %s: %s", workshop_id, e)
        return None
    problem = _tables_problem(tables)
    if problem:
        log.info("ignoring the preview of %s: %s", workshop_id, problem)
        return None
    return {name: {int(k): doc for k, doc in table.items()} for name, table in tables.items()}


def write_preview(data_dir: Path, workshop_id: str, seq: int, files: list[FileIdentity], body: bytes) -> None:
    """Replace the preview of ``workshop_id`` (the workshop as of journal ``seq``, its files with identities
    ``files``) with the tables ``body`` (their JSON, in the snapshot's layout: ``ops.encode_tables``, which the
    store runs in small chunks so a checkpoint's worker never holds the GIL for long). Best effort: a folder
    that cannot be written only means the next start-up reads in full."""
    path = preview_path(data_dir, workshop_id)
    header = {
        "format": FORMAT,
        "id": workshop_id,
        "seq": seq,
        "schema_version": schema.SCHEMA_VERSION,
        "files": files,
    }
    try:
        payload = json.dumps(header, separators=(",", ":")).encode() + b"\n" + body
        make_folder(path.parent)
        write_atomically(path, payload, path.with_name(f".{path.name}.tmp-"), sync=False)
    except (OSError, TypeError, ValueError) as e:
        log.info("cannot write the preview of %s: %s", workshop_id, e)


def remove_preview(data_dir: Path, workshop_id: str) -> None:
    """Forget a deleted or trashed workshop's preview (it holds names and notes)."""
    with contextlib.suppress(OSError):
        os.unlink(preview_path(data_dir, workshop_id))
