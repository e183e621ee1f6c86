"""The facilitator's library of workshops: what the home screen and the CLI need beyond one open workshop.

Screens talk to this and to ``WorkshopSession`` only, never to the store: every store error becomes a
``SessionError`` (or ``DamagedWorkshopError``, which carries the backups the UI can offer).
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from facilitation import catalogue, text
from facilitation.clock import Clock, SystemClock
from facilitation.models import Workshop
from workshop import records
from workshop.session.listing import (
    WorkshopSummary,
    list_workshops,
    load_workshop,
    summarise,
    summary_of_tables,
)
from workshop.session.validation import SessionError, checked_text
from workshop.settings import Settings
from workshop.store import DamagedFileError, Store, StoreError

if TYPE_CHECKING:
    from workshop.follow import Following
    from workshop.session import WorkshopSession


class DamagedWorkshopError(SessionError):
    """A workshop file that cannot be read; ``backups`` lists the versions that can be restored."""

    def __init__(self, message: str, workshop_id: str, backups: list[BackupInfo]) -> None:
        super().__init__(message)
        self.workshop_id = workshop_id
        self.backups = backups


@dataclass(frozen=True)
class BackupInfo:
    """One backup of a damaged workshop, described so the facilitator can choose which to restore."""

    path: Path
    saved_at: float
    notes: int
    readable: bool

    @property
    def label(self) -> str:
        when = dt.datetime.fromtimestamp(self.saved_at).strftime("%Y-%m-%d %H:%M:%S")
        what = f"{self.notes} notes" if self.readable else "cannot be read either"
        return f"{self.path.name} — saved {when}, {what}"


class WorkshopLibrary:
    """The workshops in one data folder, and the facilitator's preferences kept beside them."""

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        if store.summarise is None:  # so workshops opened through the library keep their summary in the index
            store.summarise = summary_of_tables
        if store.preview is None:  # ...and their opening preview (``workshop.session.preview``)
            from workshop.session.preview import preview_of_tables

            store.preview = preview_of_tables
        self._store = store
        self.clock = clock or SystemClock()
        self.settings = Settings(store.data_dir)

    @property
    def data_dir(self) -> Path:
        return self._store.data_dir

    @contextmanager
    def _errors(self, workshop_id: str = "") -> Iterator[None]:
        try:
            yield
        except DamagedFileError as error:
            raise DamagedWorkshopError(str(error), workshop_id, self._backup_infos(workshop_id)) from error
        except StoreError as error:
            raise SessionError(str(error)) from error

    def list(
        self, search: str | None = None, *, live: WorkshopSession | None = None
    ) -> builtins.list[WorkshopSummary]:
        """The workshops, newest first, read from the library index (see ``list_workshops``); with ``search``,
        only those whose title, organisation, facilitator, date, stage or id contain every word of it.

        ``live``: a session this process holds open (the app's): its workshop is summarised from memory, which
        is what its journal holds (every change is durable before it is in memory), instead of from the files.
        A read-only session (another window writes the files) or one still opening (a preview of the first
        stage) is not used: the files say more."""
        current: dict[str, WorkshopSummary] = {}
        if live is not None and not live.read_only and not live.opening:
            # The live notes from the counts the session keeps, not a pass over every note (test_open_scans).
            live_notes = sum(live.notes.live_counts().values())
            current[live.workshop.id] = summarise(live.workshop, live_notes=live_notes)
        with self._errors():
            return list_workshops(self._store, search, current)

    def resolve(self, workshop_id: str) -> str:
        with self._errors():
            return self._store.resolve(workshop_id)

    def load(self, workshop_id: str) -> Workshop:
        """Read a workshop without opening it for writing."""
        with self._errors(workshop_id):
            return load_workshop(self._store, self._store.resolve(workshop_id))

    def preview(self, workshop_id: str) -> WorkshopSession | None:
        """A session over the workshop's opening preview (``workshop.session.preview.opening_session``): what its
        first frame shows, read from a small file, which refuses every change; None when there is no preview
        that describes the workshop as it is now, or no such workshop. Never raises: ``open`` says what is wrong."""
        from workshop.session.preview import opening_session

        try:
            resolved = self._store.resolve(workshop_id)
        except (StoreError, ValueError):
            return None
        return opening_session(self._store, resolved, clock=self.clock)

    def open(self, workshop_id: str) -> WorkshopSession:
        """Open a workshop for the app; read-only (with a reason) when another window holds it."""
        from workshop.session import WorkshopSession

        with self._errors(workshop_id):
            return WorkshopSession.open(self._store, workshop_id, clock=self.clock)

    def follow(self, workshop_id: str, *, reason: str | None = None) -> Following:
        """Open a workshop another window holds, read-only, with the follower that keeps it current (see
        ``workshop.follow``): no lock taken, nothing written. ``reason``: why its session refuses changes
        (default ``workshop.follow.FOLLOWING_REASON``). ``SessionError`` (``DamagedWorkshopError`` for a
        damaged file) if it cannot be read."""
        from workshop.follow import FOLLOWING_REASON, open_following

        with self._errors(workshop_id):
            return open_following(
                self._store, workshop_id, clock=self.clock, reason=reason or FOLLOWING_REASON
            )

    def create(self, title: str, **kwargs: Any) -> WorkshopSession:
        from workshop.session import WorkshopSession

        template = kwargs.pop("template", catalogue.DEFAULT_TEMPLATE)
        if isinstance(template, str) and template not in catalogue.BUILTIN_TEMPLATES:
            saved = self.settings.templates().get(template)
            if saved is None:
                known = ", ".join(self.settings.templates())
                raise SessionError(
                    f"There is no agenda template called {template!r}. Known templates: {known}."
                )
            template = saved
        with self._errors():
            return WorkshopSession.create(self._store, title, template=template, clock=self.clock, **kwargs)

    def demo(self) -> WorkshopSession:
        from workshop.demo import build_demo

        with self._errors():
            session = build_demo(self._store)
        workshop_id = session.workshop.id
        session.close()
        return self.open(workshop_id)

    def import_workshop(self, workshop: Workshop) -> WorkshopSession:
        from workshop.session import WorkshopSession

        with self._errors():
            return WorkshopSession.import_workshop(self._store, workshop, clock=self.clock)

    def duplicate(self, workshop_id: str, title: str | None = None) -> str:
        """A new workshop with the same details, participants and agenda (not the notes): for the next run."""
        source = self.load(workshop_id)
        new_title = checked_text(
            text.single_line, title or f"{source.title} (copy)", "workshop title", limit=text.MAX_TITLE_CHARS
        )
        session = self.create(
            new_title,
            organisation=source.organisation,
            facilitator=source.facilitator,
            participants=[p.name for p in source.active_participants()],
            template=[catalogue.StageTemplate.from_stage(s) for s in source.agenda()],
        )
        new_id: str = session.workshop.id
        session.close()
        return new_id

    def delete(self, workshop_id: str) -> None:
        """Move a workshop to the trash (``restore_from_trash`` brings it back; see ``workshop.store.trash``)."""
        from workshop.store import trash

        with self._errors(workshop_id):
            trash.move_to_trash(self._store.data_dir, self._store.resolve(workshop_id), self.clock.wall())

    def purge(self, workshop_id: str) -> None:
        """Delete a workshop and its backups at once, without the trash."""
        with self._errors(workshop_id):
            self._store.delete(self._store.resolve(workshop_id))

    def restore_from_trash(self, workshop_id: str) -> str:
        """Bring the newest trashed copy of ``workshop_id`` (or a unique start of it) back; returns its id."""
        from workshop.store import trash

        with self._errors(workshop_id):
            entry = trash.find(self._store.data_dir, workshop_id)
            trash.restore_from_trash(self._store.data_dir, entry)
            return entry.workshop_id

    def _backup_infos(self, workshop_id: str) -> builtins.list[BackupInfo]:
        if not workshop_id:
            return []
        infos = []
        try:
            paths = self._store.backups(workshop_id)
        except StoreError:
            return []
        for path in paths:
            try:
                notes = len(
                    records.workshop_from_tables(_read_backup(path), fallback_id=workshop_id).live_notes()
                )
                readable = True
            except (OSError, ValueError, TypeError, KeyError):
                notes, readable = 0, False
            infos.append(BackupInfo(path, path.stat().st_mtime, notes, readable))
        return infos

    def backups(self, workshop_id: str) -> builtins.list[BackupInfo]:
        return self._backup_infos(workshop_id)

    def restore_backup(self, workshop_id: str, backup: BackupInfo) -> None:
        """Put a backup in place of a damaged file (which is kept aside, renamed, never deleted)."""
        with self._errors(workshop_id):
            self._store.restore_backup(workshop_id, backup.path)

    # --- preferences ---------------------------------------------------------------------------------

    def templates(self) -> dict[str, builtins.list[catalogue.StageTemplate]]:
        return self.settings.templates()

    def save_template(self, name: str, stages: Sequence[catalogue.StageTemplate]) -> None:
        name = checked_text(text.single_line, name, "template name", limit=60)
        if name in catalogue.BUILTIN_TEMPLATES:
            raise SessionError(f"{name!r} is a built-in template; choose another name.")
        try:
            self.settings.save_template(name, list(stages))
        except OSError as error:
            raise SessionError(f"Could not save the template: {error.strerror or error}.") from error


def _read_backup(path: Path) -> dict[str, dict[int, dict[str, Any]]]:
    """A backup is a plain TinyDB snapshot: tables of string ids to documents."""
    import json

    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: {int(k): v for k, v in table.items()} for name, table in raw.items() if isinstance(table, dict)
    }
