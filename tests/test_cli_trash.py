"""The CLI never loses a workshop by accident: full ids or a question, a trash, restore, backups, folders."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from tests.test_cli import Run, _invoke
from tests.test_cli import run as run
from workshop.store import Store, trash


def ids(run: Run) -> list[str]:
    return [w["id"] for w in json.loads(run("list", "--json")[1])]


def test_a_prefix_never_deletes_without_showing_the_title_and_asking(run: Run) -> None:
    workshop_id = run("new", "Board offsite")[1].strip()
    code, _, err = run("delete", workshop_id[:6], "--yes")
    assert code == 1
    assert "only the start of an id" in err and "“Board offsite”" in err and workshop_id in err
    assert ids(run) == [workshop_id]


def test_a_prefix_on_a_terminal_shows_the_title_and_asks_even_with_yes(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    workshop_id = run("new", "Board offsite")[1].strip()
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or "n")
    code, _, err = run("delete", workshop_id[:6], "--yes")
    assert code == 1 and err == "Aborted!\n"
    assert "“Board offsite”" in asked[0] and workshop_id in asked[0]
    assert ids(run) == [workshop_id]


def test_delete_moves_to_the_trash_and_restore_brings_it_back(run: Run, data_dir: Path) -> None:
    workshop_id = run("new", "Board offsite", "--participants", "Ana,Ben")[1].strip()
    assert run("delete", workshop_id, "--yes")[0] == 0
    assert ids(run) == []
    entries = trash.entries(data_dir)
    assert [e.workshop_id for e in entries] == [workshop_id]
    assert entries[0].folder.parent == data_dir / "trash"

    code, out, _ = run("restore")
    assert code == 0 and workshop_id in out and "“Board offsite”" in out and "30 days left" in out

    code, out, _ = run("restore", workshop_id)
    assert code == 0 and out.strip() == f"Restored “Board offsite” ({workshop_id}) from the trash."
    assert ids(run) == [workshop_id]
    shown = run("show", workshop_id)[1]
    assert "Participants: Ana, Ben" in shown
    assert trash.entries(data_dir) == []
    assert run("restore")[1].startswith("The trash is empty")


def test_restore_by_a_unique_start_and_refusals(run: Run) -> None:
    first = run("new", "Alpha")[1].strip()
    assert run("delete", first, "--yes")[0] == 0
    code, out, _ = run("restore", first[:5])
    assert code == 0 and first in out
    code, _, err = run("restore", "nope")
    assert code == 1 and "No workshop with id 'nope' in the trash" in err


def test_restore_refuses_to_overwrite_a_workshop_with_the_same_id(run: Run, data_dir: Path) -> None:
    workshop_id = run("new", "Alpha")[1].strip()
    assert run("delete", workshop_id, "--yes")[0] == 0
    # a second file with the same id appears (copied back by hand, say)
    entry = trash.entries(data_dir)[0]
    (data_dir / f"{workshop_id}.json").write_bytes(entry.workshop_file.read_bytes())
    code, _, err = run("restore", workshop_id)
    assert code == 1 and "already in" in err
    assert trash.entries(data_dir)  # nothing lost


def test_purge_deletes_at_once(run: Run, data_dir: Path) -> None:
    workshop_id = run("new", "Alpha")[1].strip()
    code, out, _ = run("delete", workshop_id, "--purge", "--yes")
    assert code == 0 and "for good" in out
    assert ids(run) == [] and trash.entries(data_dir) == []
    assert not [n for n in os.listdir(data_dir) if n.startswith(workshop_id)]


def test_trash_older_than_30_days_is_emptied(run: Run, data_dir: Path) -> None:
    old = run("new", "Old")[1].strip()
    recent = run("new", "Recent")[1].strip()
    now = time.time()
    trash.move_to_trash(data_dir, old, now - 31 * 86_400)
    trash.move_to_trash(data_dir, recent, now - 29 * 86_400)
    run("list")  # reading: the trash is left alone
    assert {e.workshop_id for e in trash.entries(data_dir)} == {old, recent}
    run("restore")  # any command that opens the folder for writing empties old trash
    assert [e.workshop_id for e in trash.entries(data_dir)] == [recent]


def test_a_workshop_open_in_another_window_is_not_moved(run: Run, data_dir: Path) -> None:
    from workshop.session import WorkshopSession

    workshop_id = run("new", "Alpha")[1].strip()
    with WorkshopSession.open(Store(data_dir), workshop_id):
        code, _, err = run("delete", workshop_id, "--yes")
    assert code == 1 and "open in" in err
    assert ids(run) == [workshop_id]


def test_everything_beside_the_workshop_goes_to_the_trash_and_comes_back(run: Run, data_dir: Path) -> None:
    workshop_id = run("new", "Alpha")[1].strip()
    for extra in (f"{workshop_id}.json.bak1", f"{workshop_id}.journal"):
        path = data_dir / extra
        if not path.exists():
            path.write_text("{}" if extra.endswith("bak1") else "")
    before = sorted(n for n in os.listdir(data_dir) if n.startswith(workshop_id))
    assert run("delete", workshop_id, "--yes")[0] == 0
    assert not [n for n in os.listdir(data_dir) if n.startswith(workshop_id)]
    assert run("restore", workshop_id)[0] == 0
    assert sorted(n for n in os.listdir(data_dir) if n.startswith(workshop_id)) == before


# --- backups from the shell ---------------------------------------------------------------------------------


def _damaged_with_backup(run: Run, data_dir: Path) -> str:
    from workshop.session import WorkshopSession

    workshop_id = run("new", "Alpha", "--participants", "Ana")[1].strip()
    store = Store(data_dir)
    with WorkshopSession.open(store, workshop_id) as session:
        session.notes.add("first idea")
        session.checkpoint()
        session.notes.add("second idea")
        session.checkpoint()
    assert store.backups(workshop_id), "a checkpoint keeps a backup"
    (data_dir / f"{workshop_id}.json").write_text("{ damaged")
    journal = data_dir / f"{workshop_id}.journal"
    if journal.exists():
        journal.write_text("")
    return workshop_id


def test_restore_backup_of_a_damaged_workshop(run: Run, data_dir: Path) -> None:
    workshop_id = _damaged_with_backup(run, data_dir)
    code, _, err = run("show", workshop_id)
    assert code == 1 and "damaged" in err
    code, _, err = run("restore", workshop_id, "--backup", "9")
    assert code == 1 and "(1 is the newest)" in err
    code, out, _ = run("restore", workshop_id, "--backup", "1")
    assert code == 0 and "Restored" in out
    code, out, _ = run("show", workshop_id)
    assert code == 0 and "idea" in out
    assert [n for n in os.listdir(data_dir) if ".damaged-" in n]


@pytest.mark.parametrize("bad", ["0", "-1", "x"])
def test_a_backup_number_is_1_or_more(run: Run, bad: str) -> None:
    code, _, err = run("restore", "x", "--backup", bad)
    assert code == 2 and "1 is the newest" in err


# --- the data folder and the terminal ----------------------------------------------------------------------


@pytest.mark.parametrize("command", [["list"], ["new", "T"], ["show", "x"], ["restore"]])
def test_an_explicit_data_dir_that_does_not_exist_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    missing = tmp_path / "typo"
    code, _, err = _invoke(capsys, ["--data-dir", str(missing), *command])
    assert code == 1 and f"The data folder {missing} does not exist" in err and "mkdir -p" in err
    assert not missing.exists()


def test_the_default_data_folder_is_still_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    default = tmp_path / "env-default"
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(default))
    code, out, _ = _invoke(capsys, ["list"])
    assert code == 0 and default.is_dir() and "No workshops yet" in out


@pytest.mark.parametrize("args", [["open", "x"], [], ["demo"]])
def test_opening_the_app_without_a_terminal_says_so(
    run: Run, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    import screens.app

    started: list[object] = []
    monkeypatch.setattr(screens.app, "run_app", lambda *a, **k: started.append(a))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    if args[:1] == ["open"]:
        args = ["open", run("new", "Alpha")[1].strip()]
    code, _, err = run(*args)
    assert code == 1 and "not a terminal" in err and "workshop show" in err
    assert started == []


def test_the_real_command_without_a_terminal(data_dir: Path) -> None:
    import subprocess

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from workshop.cli import main; main()",
            "--data-dir",
            str(data_dir),
            "open",
            "x",
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "not a terminal" in result.stderr and "Traceback" not in result.stderr
