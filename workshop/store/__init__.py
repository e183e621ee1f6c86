"""The workshop store: the only code that reads or writes workshop files.

One JSON file per workshop in TinyDB's layout (plain TinyDB opens and queries it) plus an fsynced append-only
journal beside it; see ``file.py`` for the layout on disk and the crash-safety argument. The session builds
``Op`` batches and ``commit``s them; nothing else should write workshop files.
"""

from workshop.store.errors import (
    DamagedFileError,
    DataDirError,
    InvalidTextError,
    LinkRefusedError,
    NewerSchemaError,
    ReadOnlyError,
    StoreError,
    StoreWriteError,
    WorkshopExistsError,
    WorkshopNotFoundError,
)
from workshop.store.file import WorkshopFile, read_tables, restore_backup
from workshop.store.ops import Op
from workshop.store.schema import SCHEMA_VERSION
from workshop.store.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "DamagedFileError",
    "DataDirError",
    "InvalidTextError",
    "LinkRefusedError",
    "NewerSchemaError",
    "Op",
    "ReadOnlyError",
    "Store",
    "StoreError",
    "StoreWriteError",
    "WorkshopExistsError",
    "WorkshopFile",
    "WorkshopNotFoundError",
    "read_tables",
    "restore_backup",
]
