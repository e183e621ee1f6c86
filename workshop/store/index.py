"""The library index: a small summary of each workshop, kept beside the workshops so that listing 500 of them
reads one small file instead of 500 workshops.

``<data_dir>/index/library.json`` is a TinyDB file with one table, ``workshops``: one document per workshop,
``{"id", "seq", "files", "summary"}``. ``summary`` is whatever the session layer's summariser made of the
workshop's tables (title, organisation, date, stage reached, counts); ``seq`` is the last journal seq it
describes; ``files`` is the identity (inode, size, modification and change times) of the workshop file and of
its journal when the summary was taken. A summary counts only while both files are still exactly so: any commit
grows the journal, any checkpoint or restore replaces the workshop file, so a stale summary is never shown; the
reader falls back to reading the workshop (and writes a fresh summary back when it can).

It is a cache, never a source of truth: written atomically (an exclusive temporary file renamed over it,
``0600``) but not fsynced; a missing, damaged or unwritable index (a read-only folder) only means slower listing.
Writers are the store (after a checkpoint that emptied the journal, and when a workshop is closed) and the
listing's fallback; two processes writing at once can lose one's update, which again only costs a fallback.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workshop.store.fsutil import make_folder, read_bytes, write_atomically

log = logging.getLogger(__name__)

INDEX_FOLDER = "index"
INDEX_FILE = "library.json"
TABLE = "workshops"

FileIdentity = list[int] | None
"""``[inode, size, mtime_ns, ctime_ns]`` of a file, or None when it does not exist."""

Summariser = Callable[[Mapping[str, Mapping[str, Any]]], dict[str, Any]]
"""Raw tables (table -> str(doc id) -> doc) to a JSON-ready summary; provided by the session layer."""


def identity(path: Path) -> FileIdentity:
    """What changes whenever the file's content may have: never the same for two different contents written
    through the store (a commit grows the journal; a checkpoint renames a new file over the workshop file)."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


@dataclass(frozen=True)
class Entry:
    """One workshop's summary as the index holds it."""

    workshop_id: str
    seq: int
    files: list[FileIdentity]
    summary: dict[str, Any]

    def to_doc(self) -> dict[str, Any]:
        return {"id": self.workshop_id, "seq": self.seq, "files": self.files, "summary": self.summary}

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Entry | None:
        """None for a document that is not an entry (a damaged or foreign index)."""
        workshop_id, seq, files, summary = doc.get("id"), doc.get("seq"), doc.get("files"), doc.get("summary")
        if not isinstance(workshop_id, str) or type(seq) is not int or not isinstance(summary, dict):
            return None
        if not isinstance(files, list) or len(files) != 2:
            return None
        return cls(workshop_id, seq, files, summary)


class LibraryIndex:
    """The index of one data folder. Every method is best effort: errors are logged, never raised.

    The file is TinyDB's JSON layout (``{"workshops": {"1": {...}, ...}}``), so ``TinyDB(path).table("workshops")``
    reads it; it is read and written here with ``json`` directly: one read and one write however many entries
    change, and no TinyDB import on the way to the first frame or out of a closing window.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / INDEX_FOLDER / INDEX_FILE

    def _read(self) -> dict[str, Any]:
        """The index's documents by TinyDB doc id; empty if missing, damaged, a link or unreadable."""
        try:
            data = json.loads(read_bytes(self.path).decode("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            log.info("ignoring the library index %s: %s", self.path, e)
            return {}
        table = data.get(TABLE) if isinstance(data, dict) else None
        return table if isinstance(table, dict) else {}

    def _write(self, docs: Mapping[str, Any]) -> None:
        """Replace the index (a rename: a link in its place is replaced, never followed). Raises ``OSError``."""
        make_folder(self.path.parent)
        payload = json.dumps({TABLE: docs}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        write_atomically(self.path, payload, self.path.with_name(f".{self.path.name}.tmp-"), sync=False)

    def entries(self) -> dict[str, Entry]:
        """Every entry, by workshop id (empty if the index is missing or unreadable)."""
        found: dict[str, Entry] = {}
        for doc in self._read().values():
            entry = Entry.from_doc(doc) if isinstance(doc, Mapping) else None
            if entry is not None:
                found[entry.workshop_id] = entry
        return found

    def put(self, entries: Iterable[Entry]) -> None:
        """Add or replace entries (one write however many); an entry already there with a higher ``seq``
        (written by a process that saw more of that workshop) is kept."""
        entries = list(entries)
        if not entries:
            return
        docs = self._read()
        by_id = {doc.get("id"): key for key, doc in docs.items() if isinstance(doc, Mapping)}
        next_key = max((int(k) for k in docs if k.isdigit()), default=0) + 1
        changed = False
        for entry in entries:
            key = by_id.get(entry.workshop_id)
            if key is not None:
                seq = docs[key].get("seq")
                if type(seq) is int and seq > entry.seq:
                    continue
            else:
                key, next_key = str(next_key), next_key + 1
                by_id[entry.workshop_id] = key
            docs[key] = entry.to_doc()
            changed = True
        if changed:
            self._try_write(docs)

    def remove(self, workshop_id: str) -> None:
        """Forget a deleted workshop (nothing is written if it was not there)."""
        docs = self._read()
        kept = {k: d for k, d in docs.items() if not (isinstance(d, Mapping) and d.get("id") == workshop_id)}
        if len(kept) != len(docs):
            self._try_write(kept)

    def _try_write(self, docs: Mapping[str, Any]) -> None:
        try:
            self._write(docs)
        except OSError as e:  # a read-only folder: listing stays correct, only slower
            log.info("cannot update the library index %s: %s", self.path, e)

    def fresh(self, entry: Entry, files: list[FileIdentity]) -> bool:
        """True if ``entry`` still describes the workshop whose files now have these identities."""
        return entry.files == files and files[0] is not None
