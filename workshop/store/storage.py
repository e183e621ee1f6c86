"""``DurableStorage``: the TinyDB storage behind ``WorkshopFile.db``.

TinyDB re-reads its storage on every query and rewrites all of it on every change. This storage answers reads
from the workshop's in-memory tables (no parsing), and turns a TinyDB write into an atomic snapshot of the
workshop file, so even code that uses TinyDB's own ``insert``/``update`` cannot leave a half-written file. The
fast path for the session is ``WorkshopFile.commit``, which journals a few ops instead of rewriting the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tinydb.storages import Storage

if TYPE_CHECKING:
    from workshop.store.file import WorkshopFile


class DurableStorage(Storage):
    """Reads from and writes through the ``WorkshopFile`` that owns the in-memory data."""

    def __init__(self, owner: WorkshopFile) -> None:
        super().__init__()
        self._owner = owner

    @property
    def data(self) -> dict[str, dict[str, Any]]:
        """The live in-memory tables in TinyDB's layout (str doc ids), ``_meta`` included."""
        return self._owner._data

    def read(self) -> dict[str, dict[str, Any]] | None:
        # The live dict, not a copy: a copy would cost O(n) per query. TinyDB may change it in place before it
        # calls write(); write() therefore restores it from disk if the write is refused.
        return self._owner._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Replace all data and save it atomically now (raises ``StoreWriteError``/``ReadOnlyError``)."""
        self._owner._replace_all(data)

    def close(self) -> None:
        """Nothing to do: the ``WorkshopFile`` owns the files and the lock (``TinyDB.close`` must not close them)."""
