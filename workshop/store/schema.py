"""The file format's version and the steps that upgrade older files.

The store looks these names up at call time (``schema.SCHEMA_VERSION``), so tests can monkeypatch them here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SCHEMA_VERSION = 1
"""The newest file format this release writes and reads."""

Tables = dict[str, dict[str, Any]]
"""TinyDB's raw layout: table name -> str(doc id) -> document (``_meta`` not included)."""

MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {}
"""``MIGRATIONS[n]`` turns the raw data tables of schema ``n`` into schema ``n + 1``.

Each step gets the tables after the journal was replayed (journal ops are always written in the file's own
schema, because an upgraded file is checkpointed before anything new is journaled). A step may mutate and
return its argument.
"""


def migrate(tables: Tables, version: int) -> Tables:
    """Apply every step from ``version`` up to ``SCHEMA_VERSION``; a missing step is a packaging bug."""
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise RuntimeError(f"no migration from schema {version} to {version + 1}")
        tables = step(tables)
        version += 1
    return tables
