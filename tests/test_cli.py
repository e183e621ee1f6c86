"""The ``workshop`` command from a shell's point of view: output, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exports import interchange
from workshop.cli import cli


@pytest.fixture
def run(data_dir: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(cli, ["--data-dir", str(data_dir), *args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

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
    assert code == 1 and "without --yes" in err
    code, out, _ = run("delete", workshop_id, "--yes")
    assert code == 0 and "Deleted" in out
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


def test_data_dir_that_cannot_be_used(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(cli, ["--data-dir", str(blocker / "sub"), "list"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


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
    out = run("new", "Offsite")[1]
    workshop_id = out.strip()
    assert run("open", workshop_id[:9])[0] == 0
    assert run()[0] == 0
    assert run("demo")[0] == 0
    assert [type(library) for library, _, _ in started] == [WorkshopLibrary] * 3
    assert started[0][1] == workshop_id and started[1][1] is None
    assert str(started[2][1]).startswith("collaboration-kick-off-demo-")
    assert all(exporter is export_workshop for _, _, exporter in started)
