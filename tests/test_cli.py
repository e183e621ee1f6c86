"""The ``workshop`` command from a shell's point of view: output, exit codes, one-line errors."""

from __future__ import annotations

import gc
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from exports import interchange
from workshop import __version__
from workshop.cli import main

Run = Callable[..., tuple[int, str, str]]


def _invoke(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    """Run the console script in-process: (exit code, stdout, stderr). ``main`` holds the garbage collector for
    the app's start-up; with ``run_app`` stubbed nothing turns it back on, so the test does."""
    capsys.readouterr()
    was_enabled = gc.isenabled()
    try:
        main(args)
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        if was_enabled:
            gc.enable()
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def run(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    def invoke(*args: str) -> tuple[int, str, str]:
        return _invoke(capsys, ["--data-dir", str(data_dir), *args])

    return invoke


def test_help_lists_every_command(run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("--help")
    assert code == 0
    for command in ("demo", "new", "list", "open", "show", "export", "import", "delete"):
        assert command in out


def test_new_list_show_delete(run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(
        "new",
        "Leadership offsite",
        "--facilitator",
        "Maya",
        "--participants",
        "Ana, Ben",
        "--organisation",
        "Northwind",
    )
    assert code == 0
    workshop_id = out.strip()
    assert workshop_id.startswith("leadership-offsite-")

    code, out, _ = run("list", "--json")
    listed = json.loads(out)
    assert [w["id"] for w in listed] == [workshop_id]
    assert listed[0]["participants"] == 2 and listed[0]["stage_reached"] == "Readiness check"

    code, out, _ = run("show", workshop_id[:12])
    assert code == 0 and "Leadership offsite" in out and "Participants: Ana, Ben" in out and "Adapt" in out

    code, _, err = run("delete", workshop_id)
    assert code == 1 and "without --yes" in err and "“Leadership offsite”" in err
    code, out, _ = run("delete", workshop_id, "--yes")
    assert code == 0 and "Moved “Leadership offsite”" in out and "trash" in out
    assert json.loads(run("list", "--json")[1]) == []


def test_bad_input_gives_one_line_errors(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run("new", "   ")
    assert code == 1 and err.strip() == "Error: The workshop title cannot be empty."
    code, _, err = run("show", "no-such-workshop")
    assert code == 1 and "No workshop with id 'no-such-workshop'" in err
    code, _, err = run("new", "T", "--template", "nope")
    assert code == 1 and "no agenda template called 'nope'" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "six-disciplines-workshop", "version": 99}')
    code, _, err = run("import", str(bad))
    assert code == 1 and "version" in err
    code, _, err = run("import", str(tmp_path / "missing.json"))
    assert code == 1 and "Traceback" not in err


def test_export_import_round_trip_is_identical_in_content(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("demo", "--no-open")
    assert code == 0
    original = out.strip()
    first = tmp_path / "first.json"
    assert run("export", original, "--format", "json", "-o", str(first))[0] == 0
    code, _, err = run("export", original, "--format", "json", "-o", str(first))
    assert code == 1 and "--force" in err

    code, out, _ = run("import", str(first))
    assert code == 0
    imported = out.strip()
    assert imported != original
    second = tmp_path / "second.json"
    assert run("export", imported, "--format", "json", "-o", str(second))[0] == 0

    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    for doc in (a, b):
        doc.pop("exported_at")
        doc["workshop"].pop("id")
    assert b["events"][-1]["kind"] == "workshop.imported"
    b["events"].pop()
    assert a == b
    assert interchange.read_file(second).title == "Collaboration Kick-off (demo)"


def test_data_dir_that_cannot_be_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, out, err = _invoke(capsys, ["--data-dir", str(blocker / "sub"), "list"])
    assert code != 0
    assert "Traceback" not in out + err


def test_open_demo_and_home_start_the_app_with_a_library(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import screens.app
    from exports import export_workshop
    from workshop.session import WorkshopLibrary

    started: list[tuple[object, object, object]] = []
    monkeypatch.setattr(
        screens.app,
        "run_app",
        lambda library, workshop_id, exporter: started.append((library, workshop_id, exporter)),
    )
    monkeypatch.setattr("workshop.cli.has_terminal", lambda: True)
    out = run("new", "Offsite")[1]
    workshop_id = out.strip()
    assert run("open", workshop_id[:9])[0] == 0
    assert run()[0] == 0
    assert run("demo")[0] == 0
    assert [type(library) for library, _, _ in started] == [WorkshopLibrary] * 3
    assert started[0][1] == workshop_id and started[1][1] is None
    assert str(started[2][1]).startswith("collaboration-kick-off-demo-")
    assert all(exporter is export_workshop for _, _, exporter in started)


def test_open_with_the_room_passes_address_and_port(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import screens.app

    started: list[object] = []
    monkeypatch.setattr(screens.app, "run_app", lambda library, workshop_id, exporter, room: started.append(room))
    monkeypatch.setattr("workshop.cli.has_terminal", lambda: True)
    workshop_id = run("new", "Offsite")[1].strip()
    assert run("open", workshop_id, "--room")[0] == 0
    assert run("open", workshop_id, "--room", "--address", "127.0.0.1", "--port", "8765")[0] == 0
    assert started == [(None, 0), ("127.0.0.1", 8765)]
    code, _, err = run("open", workshop_id, "--port", "8765")
    assert code == 1 and "--room" in err
    code, _, err = run("open", workshop_id, "--room", "--address", "laptop.local")
    assert code == 1 and "not an IP address" in err
    assert run("open", workshop_id, "--room", "--port", "99999")[0] == 2


def test_version(run: Run) -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"workshop, version {__version__}"


def test_usage_errors_exit_with_2(run: Run) -> None:
    code, out, err = run("bogus")
    assert code == 2 and out == "" and "usage: workshop" in err and "bogus" in err
    assert run("show")[0] == 2  # missing WORKSHOP_ID
    assert run("list", "--nope")[0] == 2
    assert run("export", "x", "--format", "rtf")[0] == 2
    assert run("export", "x", "--delimiter", "pipe")[0] == 2
    code, _, err = run("--data", "x", "list")  # no abbreviated options, as with click
    assert code == 2 and "Traceback" not in err


def test_data_dir_naming_a_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    code, _, err = _invoke(capsys, ["--data-dir", str(a_file), "list"])
    assert code == 2 and "is a file" in err


def test_delete_asks_on_a_terminal(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    workshop_id = run("new", "Offsite")[1].strip()
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    questions: list[str] = []
    answers = iter(["n", "", "yes"])

    def answer(question: str) -> str:
        questions.append(question)
        return next(answers)

    monkeypatch.setattr("builtins.input", answer)
    for _ in range(2):
        code, _, err = run("delete", workshop_id)
        assert code == 1 and err == "Aborted!\n"
    assert questions[0] == (
        f"Move “Offsite” ({workshop_id}) to the trash? `workshop restore` brings it back for 30 days. [y/N]: "
    )
    code, out, _ = run("delete", workshop_id)
    assert code == 0 and out.startswith(f"Moved “Offsite” ({workshop_id}) to the trash")
    assert json.loads(run("list", "--json")[1]) == []


def test_command_help_is_the_docstring(run: Run) -> None:
    code, out, _ = run("export", "--help")
    assert code == 0 and "Write a workshop as a Word action plan" in out and "--force" in out


def test_importing_the_cli_does_not_import_click() -> None:
    subprocess.run(
        [sys.executable, "-c", "import sys, workshop.cli; assert 'click' not in sys.modules"],
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )


def test_export_csv_with_a_semicolon_writes_both_files(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("demo", "--no-open")
    workshop_id = out.strip()
    code, out, err = run(
        "export", workshop_id, "--format", "csv", "--delimiter", "semicolon", "-o", str(tmp_path)
    )
    assert code == 0, err
    paths = [Path(line) for line in out.split()]
    assert [p.name for p in paths] == [f"{workshop_id}-actions.csv", f"{workshop_id}-notes.csv"]
    for path in paths:
        header = path.read_bytes().decode("utf-8-sig").split("\r\n", 1)[0]
        assert header.count(";") >= 6 and "," not in header.replace("due date", "")


def test_export_to_standard_output_with_a_dash(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o -` wrote a file named "-" in the current folder; as Unix tools do, it means standard output now (md,
    json), and a format that needs a file says so and writes nothing."""
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    code, out, _ = run("demo", "--no-open")
    workshop_id = out.strip()
    code, out, err = run("export", workshop_id, "--format", "md", "-o", "-")
    assert code == 0, err
    assert out.startswith("# ") and "## Action plan" in out
    code, out, err = run("export", workshop_id, "--format", "json", "-o", "-")
    assert code == 0 and json.loads(out)["format"] == "six-disciplines-workshop"
    code, out, err = run("export", workshop_id, "--format", "docx", "-o", "-")
    assert code == 1 and "standard output" in err and out == ""
    assert list(here.iterdir()) == []


def test_export_pdf_without_libreoffice_is_one_line_and_exit_1(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from exports import pdf

    code, out, _ = run("demo", "--no-open")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(pdf, "CANDIDATES", ())
    folder = tmp_path / "out"
    folder.mkdir()
    code, out, err = run("export", out.strip(), "--format", "pdf", "-o", str(folder))
    assert code == 1 and err.count("\n") == 1 and "LibreOffice" in err
    assert list(folder.iterdir()) == []


HOSTILE = "Evil\x1b]0;pwned\x07\x1b[31mRED\nsecond\tline\x00\x7f\x9b2J\u202eRTL"
"""What a hostile file may hold in a title or name: a terminal's title and colour codes, a newline, a tab, NUL,
DEL, a C1 control (CSI) and a right-to-left override left open."""


def _terminal_safe(output: str) -> None:
    """Nothing a terminal acts on: no control character but newline, no right-to-left override left open."""
    from facilitation.text import bidi_closers

    assert not [c for c in output if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F], repr(output)
    assert all(not bidi_closers(line) for line in output.splitlines()), repr(output)


def test_list_show_and_the_trash_print_a_hostile_files_text_as_plain_lines(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    """An imported file's title, names, stage, note, ballot and action held escape codes and newlines: ``workshop
    list`` and ``show`` printed them raw (the terminal's title changed, everything after went red, the list's
    rows broke). They print as plain lines now, the list's columns in line (emoji are two columns wide)."""
    from tests.test_interchange import EXPORTED_AT, rich_workshop

    data = json.loads(interchange.dumps(rich_workshop(), exported_at=EXPORTED_AT))
    data["workshop"]["title"] = data["workshop"]["organisation"] = data["workshop"]["facilitator"] = HOSTILE
    for section, field in (("participants", "name"), ("stages", "title"), ("ballots", "title"), ("notes", "text")):
        data[section][0][field] = HOSTILE + str(data[section][0]["id"])
    data["actions"][0]["title"] = data["actions"][0]["owner"] = HOSTILE
    file = tmp_path / "hostile.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run("import", str(file))
    assert code == 0
    hostile = out.strip()
    code, out, _ = run("new", "🚀 Launch 🚀 party", "--organisation", "Ünïcode ✓ 日本")
    assert code == 0
    for args in (["list"], ["list", "--search", "evil"], ["show", hostile], ["restore"]):
        code, out, err = run(*args)
        assert code == 0, err
        _terminal_safe(out + err)
    code, out, _ = run("list")
    header, *rows = out.splitlines()
    assert len(rows) == 2, out
    from rich.cells import cell_len

    for row in rows:  # the date column starts where its header does, measured in terminal columns
        date_at = re.search(r"\d{4}-\d{2}-\d{2}", row)
        assert date_at and cell_len(row[: date_at.start()]) == header.index("DATE"), (row, header)
    assert any("EvilRED second line" in row for row in rows)
    code, out, _ = run("delete", hostile, "--yes")
    assert code == 0
    _terminal_safe(out)
    code, out, _ = run("restore")
    assert code == 0 and "EvilRED second line" in out
    _terminal_safe(out)


def test_no_help_shows_docstring_markup(run) -> None:  # type: ignore[no-untyped-def]
    """Each command's help comes from its handler's docstring; reST's double backquotes (``workshop list``'s
    "with ``--search``") are shown as the plain option a user types, in the command list and in each command's
    own help."""
    code, out, _ = run("--help")
    assert code == 0 and "``" not in out and "(with --search, those that match)" in " ".join(out.split())
    commands = re.findall(r"^    ([a-z]+)\s", out, flags=re.MULTILINE)
    assert {"list", "open", "export", "delete", "restore"} <= set(commands)
    for command in commands:
        code, out, _ = run(command, "--help")
        assert code == 0 and "``" not in out, f"workshop {command} --help"
