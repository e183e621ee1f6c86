"""The errors the store raises.

Every ``StoreError`` is something a user can cause or meet (a damaged, locked or newer file, a full disk, a
folder they cannot write to); its ``message`` is written for them and is also ``str(error)``, so the CLI and the
UI can show it as it is. Programming errors (a ``set`` in a document, a bad table name) stay ``TypeError`` /
``ValueError`` and are not caught.
"""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base class: a problem with a workshop file that the user should be told about in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class WorkshopNotFoundError(StoreError):
    """No workshop with that id (or prefix) in the data folder."""


class WorkshopExistsError(StoreError):
    """``create`` was asked for an id that is already taken; the existing file is never overwritten."""


class DamagedFileError(StoreError):
    """The file (or its journal) cannot be read as a workshop. Nothing was written: the user picks a backup."""

    def __init__(self, path: Path, backups: list[Path], detail: str) -> None:
        self.path = path
        self.backups = list(backups)
        self.detail = detail
        count = len(self.backups)
        if count:
            offer = f"{count} backup{'s' if count != 1 else ''} exist{'s' if count == 1 else ''}; you can restore one."
        else:
            offer = "No backups exist."
        super().__init__(f"The workshop file {path} is damaged ({detail}). It was left untouched. {offer}")


class NewerSchemaError(StoreError):
    """The file was written by a newer release; reading it could silently drop what we do not understand."""


class ReadOnlyError(StoreError):
    """A change was attempted on a workshop opened read-only (usually: another window holds it)."""


class StoreWriteError(StoreError):
    """The operating system refused a write (disk full, permission, read-only medium...)."""


class DataDirError(StoreError):
    """The data folder is missing and cannot be created, or cannot be written."""


class InvalidTextError(StoreError, ValueError):
    """Text the store cannot encode (an unpaired surrogate). The session should clean text before this."""


class LinkRefusedError(StoreError):
    """A symbolic link sits where one of a workshop's own files should be (the file, its journal, a backup, its
    lock or owner file). The store never reads or writes through a link it did not make, so it refuses."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        super().__init__(
            f"{self.path} is a symbolic link. Six Disciplines Workshop never reads or writes a workshop's files "
            f"through a link it did not make, so it left the link and its target untouched. Put the real file in "
            f"{self.path.parent} under that name (or remove the link) and try again."
        )
