"""``Store``: the data folder as a collection of workshops (list, resolve, open, create, delete, repair)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from workshop.store.errors import (
    DataDirError,
    LinkRefusedError,
    ReadOnlyError,
    StoreWriteError,
    WorkshopNotFoundError,
)
from workshop.store.file import (
    ID_PATTERN,
    Mode,
    RawTables,
    Tables,
    WorkshopFile,
    _busy_message,
    acquire_lock,
    check_workshop_id,
    journal_path,
    load_state,
    lock_path,
    owner_path,
    read_tables,
    restore_backup,
    temp_prefix,
)
from workshop.store.fsutil import BACKUPS_KEPT, LinkFound, backup_path, existing_backups
from workshop.store.index import FileIdentity, LibraryIndex, Summariser, identity
from workshop.store.lock import LockHeld
from workshop.store.preview import Previewer, read_preview, remove_preview


class Store:
    """One data folder; each workshop is ``<data_dir>/<id>.json`` (+ journal, backups, lock), and the library
    index ``<data_dir>/index/library.json`` summarises them all (``workshop.store.index``)."""

    def __init__(
        self, data_dir: Path | str, *, summarise: Summariser | None = None, preview: Previewer | None = None
    ) -> None:
        """``summarise`` turns a workshop's raw tables into its library-index summary (the session layer's
        ``summary_of_tables``); without one, workshops opened here leave no summary (listing reads them).
        ``preview`` picks what the first frame of ``workshop open`` needs (the session layer's
        ``preview_of_tables``, see ``workshop.store.preview``); without one, workshops opened here leave no
        preview (start-up reads them in full)."""
        self.data_dir = Path(data_dir)
        self.summarise = summarise
        self.preview = preview
        self.index = LibraryIndex(self.data_dir)

    def __repr__(self) -> str:
        return f"<Store {self.data_dir}>"

    def path_for(self, workshop_id: str) -> Path:
        """The workshop file for an id (``ValueError`` for an id that cannot be a file name)."""
        return self.data_dir / f"{check_workshop_id(workshop_id)}.json"

    def ids(self) -> list[str]:
        """Ids of the workshops in the folder, sorted (temp, backup, damaged and hidden files are not ids)."""
        try:
            names = os.listdir(self.data_dir)
        except FileNotFoundError:
            raise DataDirError(f"The data folder {self.data_dir} does not exist.") from None
        except OSError as e:
            raise DataDirError(f"Cannot read the data folder {self.data_dir}: {e.strerror or e}.") from e
        ids = [name[: -len(".json")] for name in names if name.endswith(".json")]
        return sorted(
            i for i in ids if ID_PATTERN.fullmatch(i) and self._is_workshop(self.data_dir / f"{i}.json")
        )

    @staticmethod
    def _is_workshop(path: Path) -> bool:
        """A regular file, or a link in its place: listed, so that opening it explains the refusal."""
        return path.is_file() or path.is_symlink()

    def exists(self, workshop_id: str) -> bool:
        return bool(ID_PATTERN.fullmatch(workshop_id)) and self._is_workshop(self.path_for(workshop_id))

    def _existing_path(self, workshop_id: str) -> Path:
        if not self.exists(workshop_id):
            raise WorkshopNotFoundError(f"No workshop with id '{workshop_id}' in {self.data_dir}.")
        return self.path_for(workshop_id)

    def resolve(self, prefix: str) -> str:
        """The id equal to ``prefix``, or the only id starting with it (for ids typed on the command line)."""
        ids = self.ids()
        if prefix in ids:
            return prefix
        matches = [i for i in ids if prefix and i.startswith(prefix)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise WorkshopNotFoundError(f"No workshop with id '{prefix}' in {self.data_dir}.")
        raise WorkshopNotFoundError(
            f"'{prefix}' matches {len(matches)} workshops in {self.data_dir}: {', '.join(matches)}. "
            "Type more of the id."
        )

    def open(self, workshop_id: str, mode: Mode = "auto") -> WorkshopFile:
        """Open an existing workshop (see ``WorkshopFile.open`` for the modes)."""
        return self._indexed(WorkshopFile.open(self._existing_path(workshop_id), mode=mode))

    def create(self, workshop_id: str) -> WorkshopFile:
        """Create a new, empty workshop and return it open for writing (``WorkshopExistsError`` if taken)."""
        if not self.data_dir.is_dir():
            raise DataDirError(f"The data folder {self.data_dir} does not exist.")
        return self._indexed(WorkshopFile.open(self.path_for(workshop_id), mode="write", create=True))

    def _indexed(self, file: WorkshopFile) -> WorkshopFile:
        file.index, file.summarise, file.preview = self.index, self.summarise, self.preview
        return file

    def read_preview(self, workshop_id: str) -> Tables | None:
        """The opening preview of a workshop (table -> int doc id -> document: what its first frame needs) if
        one describes the workshop's files exactly as they are now; None if it is missing, stale or damaged (then
        read the workshop). Takes no lock and writes nothing; ``ValueError`` for an id that cannot be a file name."""
        return read_preview(self.data_dir, check_workshop_id(workshop_id), self.identities(workshop_id))

    def read_tables(self, workshop_id: str) -> Tables:
        """A workshop's tables without locking or writing: safe while another window holds it."""
        return read_tables(self._existing_path(workshop_id))

    def read_raw(self, workshop_id: str) -> tuple[RawTables, int]:
        """A workshop's raw tables (table -> str(doc id) -> doc, ``_meta`` included) and the last journal seq
        they hold, without locking or writing."""
        loaded = load_state(self._existing_path(workshop_id))
        return loaded.data, loaded.seq

    def identities(self, workshop_id: str) -> list[FileIdentity]:
        """The identities of the workshop file and of its journal (``workshop.store.index.identity``): what a
        library-index summary is checked against."""
        path = self.path_for(workshop_id)
        return [identity(path), identity(journal_path(path))]

    def backups(self, workshop_id: str) -> list[Path]:
        """The workshop's snapshot backups, newest first."""
        return existing_backups(self.path_for(workshop_id))

    def restore_backup(self, workshop_id: str, backup: Path) -> list[Path]:
        """Replace the workshop file with ``backup``; returns the damaged files set aside (see ``restore_backup``)."""
        return restore_backup(self.path_for(workshop_id), backup)

    def delete(self, workshop_id: str) -> None:
        """Delete a workshop and everything beside it (journal, backups, set-aside damaged copies, lock).

        Refuses with ``ReadOnlyError`` while another window has it open.
        """
        path = self.path_for(workshop_id)
        journal = journal_path(path)
        if not os.path.lexists(path) and not os.path.lexists(journal):
            raise WorkshopNotFoundError(f"No workshop with id '{workshop_id}' in {self.data_dir}.")
        try:
            lock = acquire_lock(path)
        except LockHeld:
            raise ReadOnlyError(_busy_message(path, "close it there before deleting it")) from None
        except LinkFound as e:
            raise LinkRefusedError(e.filename) from None
        except OSError as e:
            raise DataDirError(f"Cannot write in the data folder {self.data_dir}: {e.strerror or e}.") from e
        try:
            # The workshop file first: once it is gone the workshop is gone, even if a later unlink fails.
            doomed = [path, journal, *(backup_path(path, n) for n in range(1, BACKUPS_KEPT + 1))]
            prefixes = (
                f"{path.name}.damaged-",
                f"{journal.name}.damaged-",
                f"{journal.name}.orphan-",
                temp_prefix(path),
            )
            doomed += [self.data_dir / n for n in sorted(os.listdir(self.data_dir)) if n.startswith(prefixes)]
            for victim in [*doomed, owner_path(path)]:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(victim)
        except OSError as e:
            raise StoreWriteError(f"Could not delete {path}: {e.strerror or e}.") from e
        else:
            self.index.remove(workshop_id)
            remove_preview(self.data_dir, workshop_id)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(lock_path(path))
            with contextlib.suppress(OSError):
                lock.release()
