"""The trash: a deleted workshop is moved to ``<data_dir>/trash/``, can be restored, and is emptied after 30 days.

A workshop deleted by mistake (a prefix that matched the wrong one, the wrong line on the home screen) must come
back. ``move_to_trash`` moves the workshop's files (its file, journal, backups and set-aside damaged copies)
into ``trash/<id>.deleted-<unix time>/`` under the workshop's lock, so an open window refuses it;
``restore_from_trash`` moves the newest such entry back; ``empty_trash`` removes entries older than
``TRASH_DAYS`` (the CLI and the app call it when they open the data folder). ``Store.delete`` still deletes at
once (``workshop delete --purge``).

Renames within one folder tree are atomic on POSIX; the workshop file moves first on the way out and last on the
way back, so a workshop is never listed while part of it is elsewhere, and a failure midway moves back what had
moved.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workshop.store.errors import (
    DataDirError,
    LinkRefusedError,
    ReadOnlyError,
    StoreWriteError,
    WorkshopExistsError,
    WorkshopNotFoundError,
)
from workshop.store.file import (
    _busy_message,
    acquire_lock,
    check_workshop_id,
    journal_path,
    lock_path,
    owner_path,
    read_tables,
    temp_prefix,
)
from workshop.store.fsutil import BACKUPS_KEPT, LinkFound, backup_path, fsync_dir, make_folder
from workshop.store.lock import LockHeld
from workshop.store.preview import remove_preview

TRASH_FOLDER = "trash"
TRASH_DAYS = 30
"""A workshop stays this many days in the trash before it is deleted for good."""

_ENTRY = re.compile(r"(?P<id>[A-Za-z0-9][A-Za-z0-9_-]{0,99})\.deleted-(?P<at>\d{1,12})")


@dataclass(frozen=True)
class TrashEntry:
    """One deleted workshop waiting in the trash."""

    workshop_id: str
    deleted_at: float
    """Unix time of the delete."""
    folder: Path

    @property
    def workshop_file(self) -> Path:
        return self.folder / f"{self.workshop_id}.json"

    def title(self) -> str:
        """The workshop's title as saved, or ``""`` when the file cannot be read."""
        try:
            info = read_tables(self.workshop_file).get("info", {})
            first = next(iter(info.values()), {}) if isinstance(info, dict) else {}
            return str(first.get("title", "")) if isinstance(first, dict) else ""
        except Exception:  # a damaged file in the trash still lists, just without a title
            return ""


def trash_dir(data_dir: Path) -> Path:
    return Path(data_dir) / TRASH_FOLDER


def _companions(path: Path) -> list[Path]:
    """The workshop's files besides the workshop file itself, that exist: journal, backups, set-aside copies."""
    journal = journal_path(path)
    found = [journal, *(backup_path(path, n) for n in range(1, BACKUPS_KEPT + 1))]
    prefixes = (f"{path.name}.damaged-", f"{journal.name}.damaged-", f"{journal.name}.orphan-")
    found += [path.parent / n for n in sorted(os.listdir(path.parent)) if n.startswith(prefixes)]
    return [p for p in found if os.path.lexists(p)]


@contextlib.contextmanager
def _locked(path: Path, consequence: str) -> Iterator[None]:
    try:
        lock = acquire_lock(path)
    except LockHeld:
        raise ReadOnlyError(_busy_message(path, consequence)) from None
    except LinkFound as e:
        raise LinkRefusedError(e.filename) from None
    except OSError as e:
        raise DataDirError(f"Cannot write in the data folder {path.parent}: {e.strerror or e}.") from e
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path(path))
        with contextlib.suppress(OSError):
            lock.release()


def _move_all(moves: list[tuple[Path, Path]], what: str) -> None:
    """Rename each (source, target) in order; on a failure, rename back what moved and raise ``StoreWriteError``."""
    done: list[tuple[Path, Path]] = []
    try:
        for source, target in moves:
            os.rename(source, target)
            done.append((source, target))
    except OSError as e:
        for source, target in reversed(done):
            with contextlib.suppress(OSError):
                os.rename(target, source)
        raise StoreWriteError(f"Could not {what}: {e.strerror or e}. Nothing was moved.") from e


def move_to_trash(data_dir: Path, workshop_id: str, now: float) -> TrashEntry:
    """Move a workshop into the trash; refuses (``ReadOnlyError``) while another window has it open."""
    data_dir = Path(data_dir)
    path = data_dir / f"{check_workshop_id(workshop_id)}.json"
    if not os.path.lexists(path):
        raise WorkshopNotFoundError(f"No workshop with id '{workshop_id}' in {data_dir}.")
    if os.path.islink(path):
        raise LinkRefusedError(path)
    entry = TrashEntry(
        workshop_id, float(int(now)), trash_dir(data_dir) / f"{workshop_id}.deleted-{int(now)}"
    )
    with _locked(path, "close it there before deleting it"):
        try:
            if os.path.lexists(entry.folder):
                raise FileExistsError(entry.folder)
            make_folder(entry.folder)
        except FileExistsError:
            raise StoreWriteError(f"{entry.folder} already exists: try again in a second.") from None
        except OSError as e:
            raise StoreWriteError(f"Could not create the trash folder: {e.strerror or e}.") from e
        files = [path, *_companions(path)]  # the workshop file first: once moved, it is no longer listed
        _move_all([(f, entry.folder / f.name) for f in files], f"move {workshop_id} to the trash")
        remove_preview(data_dir, workshop_id)  # a cache of what it holds: it goes, it is never moved
        for leftover in [owner_path(path)] + [
            data_dir / n for n in os.listdir(data_dir) if n.startswith(temp_prefix(path))
        ]:
            with contextlib.suppress(OSError):
                os.unlink(leftover)
        with contextlib.suppress(OSError):
            fsync_dir(entry.folder)
            fsync_dir(data_dir)
    return entry


def entries(data_dir: Path) -> list[TrashEntry]:
    """What is in the trash, newest first."""
    folder = trash_dir(data_dir)
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    except OSError as e:
        raise DataDirError(f"Cannot read the trash folder {folder}: {e.strerror or e}.") from e
    found = []
    for name in names:
        match = _ENTRY.fullmatch(name)
        if match and (folder / name).is_dir() and not (folder / name).is_symlink():
            found.append(TrashEntry(match["id"], float(match["at"]), folder / name))
    return sorted(found, key=lambda e: (-e.deleted_at, e.workshop_id))


def find(data_dir: Path, workshop_id: str) -> TrashEntry:
    """The newest trash entry for ``workshop_id`` (a full id, or a unique start of one)."""
    everything = entries(data_dir)
    exact = [e for e in everything if e.workshop_id == workshop_id]
    if not exact:
        ids = sorted(
            {e.workshop_id for e in everything if workshop_id and e.workshop_id.startswith(workshop_id)}
        )
        if len(ids) > 1:
            raise WorkshopNotFoundError(
                f"'{workshop_id}' matches {len(ids)} workshops in the trash: {', '.join(ids)}. Type more of the id."
            )
        exact = [e for e in everything if ids and e.workshop_id == ids[0]]
    if not exact:
        raise WorkshopNotFoundError(f"No workshop with id '{workshop_id}' in the trash of {data_dir}.")
    return exact[0]


def restore_from_trash(data_dir: Path, entry: TrashEntry) -> None:
    """Move a trash entry back into the data folder. Refuses if a workshop with that id exists there now."""
    data_dir = Path(data_dir)
    path = data_dir / f"{entry.workshop_id}.json"
    if os.path.lexists(path) or os.path.lexists(journal_path(path)):
        raise WorkshopExistsError(
            f"A workshop with id '{entry.workshop_id}' is already in {data_dir}: delete or rename it first."
        )
    with _locked(path, "close it there first"):
        names = sorted(os.listdir(entry.folder))
        main = f"{entry.workshop_id}.json"
        others = [n for n in names if n != main]
        moves = [(entry.folder / n, data_dir / n) for n in others]
        if main in names:
            moves.append((entry.folder / main, path))  # last: the workshop appears whole
        _move_all(moves, f"restore {entry.workshop_id} from the trash")
        with contextlib.suppress(OSError):
            fsync_dir(data_dir)
        with contextlib.suppress(OSError):
            os.rmdir(entry.folder)


def empty_trash(data_dir: Path, now: float, days: float = TRASH_DAYS) -> list[TrashEntry]:
    """Delete for good every trash entry older than ``days``; returns what was deleted. Never raises for a
    trash entry it cannot remove (it is tried again next time)."""
    removed = []
    try:
        found = entries(data_dir)
    except DataDirError:
        return []
    for entry in found:
        if now - entry.deleted_at > days * 86_400:
            try:
                shutil.rmtree(entry.folder)
            except OSError:
                continue
            removed.append(entry)
    return removed
