"""The data folder as an attacker or an accident leaves it: links where workshop files should be, a careless
umask, a read-only disk. Everything here runs through the real store on real files.

What is allowed, and what is refused (also in docs/ARCHITECTURE.md, "The data folder"):

* the data folder itself may be a symbolic link (the user chose where it points);
* inside it, a link in the place of a workshop's file, journal, lock or backup is never read or written through:
  the workshop file, its journal and its lock get a ``LinkRefusedError`` naming the link; a linked backup is not
  offered for restore and is moved along by rotation like any name; a link at the owner file's or a temporary
  file's name is replaced by a rename, never followed.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from workshop import paths
from workshop.session import WorkshopLibrary, WorkshopSession, list_workshops
from workshop.settings import Settings
from workshop.store import DamagedFileError, LinkRefusedError, Op, Store, WorkshopFile, read_tables

VICTIM_TEXT = b"someone else's file: must never change\n"


def note(n: int) -> Op:
    return Op.put("notes", n, {"id": n, "stage_id": 1, "text": f"note {n}"})


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file outside the data folder that a planted link points at."""
    path = tmp_path / "elsewhere" / "victim.txt"
    path.parent.mkdir()
    path.write_bytes(VICTIM_TEXT)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


def make_workshop(folder: Path, *, checkpoints: int = 2, pending: int = 1) -> Path:
    """A workshop with backups (``checkpoints``) and ``pending`` changes still in its journal."""
    wf = Store(folder).create("w")
    n = 0
    for _ in range(checkpoints):
        n += 1
        wf.commit([note(n)])
        wf.checkpoint()
    for _ in range(pending):
        n += 1
        wf.commit([note(n)])
    wf.close()
    return folder / "w.json"


def plant_link(at: Path, target: Path) -> None:
    if at.exists() or at.is_symlink():
        at.unlink()
    at.symlink_to(target)


def use_the_workshop(folder: Path) -> None:
    """What a facilitator does: open, add a note, compact, close."""
    with Store(folder).open("w") as wf:
        wf.commit([note(100)])
        wf.checkpoint()
        wf.commit([note(101)])


@dataclass(frozen=True)
class LinkCase:
    name: str
    file: str
    refused: bool
    """True: using the workshop raises ``LinkRefusedError`` naming the file. False: it works around the link."""


LINK_CASES = [
    LinkCase("workshop file", "w.json", refused=True),
    LinkCase("journal", "w.journal", refused=True),
    LinkCase("lock file", ".w.lock", refused=True),
    LinkCase("newest backup", "w.json.bak1", refused=False),
    LinkCase("oldest backup", "w.json.bak2", refused=False),
    LinkCase("owner file", ".w.owner", refused=False),
]


@pytest.mark.parametrize("dangling", [False, True], ids=["to a file", "dangling"])
@pytest.mark.parametrize("case", LINK_CASES, ids=lambda c: c.name)
def test_a_link_in_the_folder_is_never_written_through(
    folder: Path, victim: Path, case: LinkCase, dangling: bool
) -> None:
    make_workshop(folder)
    target = victim.with_name("not-there-yet") if dangling else victim
    plant_link(folder / case.file, target)
    if case.refused:
        with pytest.raises(LinkRefusedError) as caught:
            use_the_workshop(folder)
        assert str(folder / case.file) in str(caught.value)
        assert "symbolic link" in str(caught.value)
    else:
        use_the_workshop(folder)
        assert read_tables(folder / "w.json")["notes"].keys() >= {1, 2, 3, 100, 101}
    assert victim.read_bytes() == VICTIM_TEXT
    assert not victim.with_name("not-there-yet").exists()
    assert [p.name for p in victim.parent.iterdir()] == ["victim.txt"]


@pytest.mark.parametrize("case", [c for c in LINK_CASES if c.refused], ids=lambda c: c.name)
def test_a_refused_link_is_refused_for_reading_too_and_named_in_the_list(
    folder: Path, victim: Path, case: LinkCase
) -> None:
    make_workshop(folder)
    plant_link(folder / case.file, victim)
    if case.file != ".w.lock":  # reading takes no lock
        with pytest.raises(LinkRefusedError):
            read_tables(folder / "w.json")
        with pytest.raises(LinkRefusedError):
            WorkshopFile.open(folder / "w.json", mode="read")
        [summary] = list_workshops(Store(folder))
        assert summary.id == "w" and str(folder / case.file) in summary.error
    with pytest.raises(LinkRefusedError):
        WorkshopFile.open(folder / "w.json", mode="auto")
    assert victim.read_bytes() == VICTIM_TEXT


def test_a_linked_backup_is_not_offered_and_restore_sets_a_linked_file_aside(
    folder: Path, victim: Path
) -> None:
    path = make_workshop(folder)
    plant_link(folder / "w.json.bak1", victim)
    store = Store(folder)
    offered = store.backups("w")
    assert offered and folder / "w.json.bak1" not in offered
    expected = Store(folder).read_tables("w")
    plant_link(path, victim)  # the workshop file itself replaced by a link: restore the backup
    set_aside = store.restore_backup("w", offered[0])
    assert any(p.name.startswith("w.json.damaged-") and p.is_symlink() for p in set_aside)
    assert not path.is_symlink() and read_tables(path).get("notes", {}).keys() <= expected["notes"].keys()
    assert victim.read_bytes() == VICTIM_TEXT


def test_temporary_files_have_unpredictable_names_and_a_link_at_the_old_name_is_left_alone(
    folder: Path, victim: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_workshop(folder)
    plant_link(folder / f".w.json.tmp-{os.getpid()}", victim)  # where a snapshot used to be written
    made: list[str] = []
    real_open = os.open

    def spy(path: str | os.PathLike[str], flags: int, mode: int = 0o777, **kw: object) -> int:
        name = os.path.basename(os.fspath(path))
        if ".tmp-" in name:
            made.append(name)
            assert flags & os.O_EXCL and flags & os.O_CREAT and flags & os.O_NOFOLLOW
        return real_open(path, flags, mode, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    with Store(folder).open("w") as wf:
        for n in (10, 11):
            wf.commit([note(n)])
            wf.checkpoint()
    monkeypatch.undo()
    snapshots = [name for name in made if name.startswith(".w.json.tmp-") and "-" not in name[12:]]
    assert len(snapshots) >= 2 and len(set(snapshots)) == len(snapshots)
    assert all(len(name) - len(".w.json.tmp-") == 16 for name in snapshots)
    assert victim.read_bytes() == VICTIM_TEXT
    assert not (folder / f".w.json.tmp-{os.getpid()}").exists()  # the writer cleaned the leftover name away


def test_the_data_folder_itself_may_be_a_link(tmp_path: Path) -> None:
    """Allowed: the user chose where the folder points (a synced or encrypted folder, a USB stick)."""
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "linked").symlink_to(real)
    folder = paths.data_dir(tmp_path / "linked")
    assert folder == real.resolve()
    library = WorkshopLibrary(Store(tmp_path / "linked"))
    with library.create("Linked folder workshop") as session:
        session_id = session.workshop.id
    assert [s.id for s in library.list()] == [session_id]
    assert (real / f"{session_id}.json").is_file()


# --- permissions ------------------------------------------------------------------------------------------


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def test_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    with umask(0o000):
        folder = paths.data_dir(tmp_path / "new" / "nested" / "data")
        store = Store(folder)
        library = WorkshopLibrary(store)
        session = library.create("Private workshop", participants=["Ana", "Ben"])
        for i in range(3):
            session.notes.add(f"idea {i}")
            session.checkpoint()
        session.notes.add("still in the journal")
        session.close()
        with Store(folder).open(session.workshop.id) as wf:  # owner and lock files while open
            assert stat.S_IMODE(os.stat(folder / f".{wf.workshop_id}.owner").st_mode) == 0o600
        library.settings.set("theme", "textual-dark")
        store.restore_backup(session.workshop.id, store.backups(session.workshop.id)[-1])
    for path in [*folder.iterdir(), *(folder / "settings").iterdir()]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        expected = 0o700 if path.is_dir() else 0o600
        assert mode == expected, f"{path.name} is {mode:o}, not {expected:o}"
    names = {p.name for p in folder.iterdir()}
    assert {"settings", f"{session.workshop.id}.json", f".{session.workshop.id}.lock"} <= names
    assert any(".bak" in n for n in names) and any(".damaged-" in n for n in names)
    for created in (tmp_path / "new", tmp_path / "new" / "nested", folder):
        assert stat.S_IMODE(created.stat().st_mode) == 0o700


def test_a_journal_made_public_by_an_older_version_becomes_private(folder: Path) -> None:
    path = make_workshop(folder)
    os.chmod(folder / "w.journal", 0o666)
    with WorkshopFile.open(path) as wf:
        wf.commit([note(50)])
    assert stat.S_IMODE(os.stat(folder / "w.journal").st_mode) == 0o600


def test_settings_are_written_privately_and_never_through_a_link(folder: Path, victim: Path) -> None:
    settings = Settings(folder)
    settings.set("theme", "x")
    plant_link(settings.path, victim)
    Settings(folder).set("theme", "y")
    assert victim.read_bytes() == VICTIM_TEXT
    assert not settings.path.is_symlink()
    assert stat.S_IMODE(settings.path.stat().st_mode) == 0o600


# --- a read-only data folder ------------------------------------------------------------------------------


def _read_only_runner(folder: Path) -> Callable[[list[str]], subprocess.CompletedProcess[str]]:
    """Run ``workshop`` with ``folder`` really read-only: a read-only bind mount in a private mount namespace
    when we are root (root ignores permissions), else a chmod'ed folder; skip when neither is possible."""
    base = [sys.executable, "-c", "from workshop.cli import main; main()", "--data-dir", str(folder)]
    if os.geteuid() == 0:
        unshare = shutil.which("unshare")
        if unshare is None:
            pytest.skip("running as root without unshare: cannot make a read-only folder that root respects")
        probe = subprocess.run(
            [
                unshare,
                "-m",
                "sh",
                "-c",
                'mount --bind -o ro "$0" "$0" && ! touch "$0/.probe" 2>/dev/null',
                folder,
            ],
            capture_output=True,
            text=True,
        )
        if probe.returncode != 0:
            pytest.skip(f"root, but no read-only bind mount here: {probe.stderr.strip()[:200]}")
        script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
        return lambda args: subprocess.run(
            [unshare, "-m", "sh", "-c", script, folder, *base, *args], capture_output=True, text=True
        )
    os.chmod(folder, 0o555)
    for path in folder.iterdir():
        os.chmod(path, 0o444)
    return lambda args: subprocess.run([*base, *args], capture_output=True, text=True)


def test_a_read_only_folder_can_be_listed_shown_and_exported_elsewhere(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    library = WorkshopLibrary(Store(folder))
    with library.create("Archived offsite", organisation="Northwind") as session:
        workshop_id = session.workshop.id
        session.notes.add("an idea still in the journal")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert (folder / f"{workshop_id}.journal").stat().st_size > 0  # replay is needed, and reads only
    run = _read_only_runner(folder)
    try:
        listed = run(["list"])
        assert listed.returncode == 0, listed.stderr
        assert "Archived offsite" in listed.stdout and workshop_id in listed.stdout
        shown = run(["show", workshop_id])
        assert shown.returncode == 0, shown.stderr
        assert "an idea still in the journal" in shown.stdout
        out = tmp_path / "out" / "minutes.md"
        out.parent.mkdir()
        exported = run(["export", workshop_id, "--format", "md", "-o", str(out)])
        assert exported.returncode == 0, exported.stderr
        assert "an idea still in the journal" in out.read_text(encoding="utf-8")
        refused = run(["new", "Not here"])
        assert refused.returncode == 1 and "Cannot write in the data folder" in refused.stderr
        assert "Traceback" not in refused.stderr
    finally:
        os.chmod(folder, 0o755)
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert after == before


def test_a_read_only_folder_opens_workshops_read_only_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The in-process path that decides: when the folder refuses the lock file, the session opens read-only
    with the reason, instead of failing."""
    folder = tmp_path / "archive"
    folder.mkdir()
    with WorkshopSession.create(Store(folder), "Archived") as session:
        workshop_id = session.workshop.id
    real_open = os.open

    def read_only_disk(path: str | os.PathLike[str], flags: int, *args: object, **kw: object) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(30, "Read-only file system", os.fspath(path))
        return real_open(path, flags, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", read_only_disk)
    session = WorkshopSession.open(Store(folder), workshop_id)
    assert session.read_only and "Read-only file system" in session.read_only_reason
    session.close()


def test_damage_is_still_reported_when_links_are_involved_elsewhere(folder: Path, victim: Path) -> None:
    """A link beside a damaged workshop changes nothing about the damage report."""
    path = make_workshop(folder)
    (folder / "w.journal").write_bytes(b"{not json}\n")
    plant_link(folder / "w.json.bak1", victim)
    with pytest.raises(DamagedFileError) as caught:
        read_tables(path)
    assert caught.value.backups and folder / "w.json.bak1" not in caught.value.backups
