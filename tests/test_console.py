"""The ``workshop`` console script (``workshop.console``): it loads the CLI with the garbage collector held, as
``workshop.cli.main`` holds it for the app's commands (start-up CPU, issue #14), and leaves it as it was found."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from workshop import console

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def collector_state() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_installed_command_is_the_console_module() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["workshop"] == "workshop.console:main"


@pytest.mark.parametrize("enabled", [True, False])
def test_load_cli_leaves_the_collector_as_it_found_it(enabled: bool, collector_state: None) -> None:
    if enabled:
        gc.enable()
    else:
        gc.disable()
    cli = console.load_cli()
    assert cli.__name__ == "workshop.cli"
    assert gc.isenabled() is enabled


def test_no_collection_runs_while_the_cli_is_imported() -> None:
    """In a fresh interpreter, with the collector on and its thresholds low: importing the CLI through
    ``load_cli`` runs no collection (the plain import runs some), and the collector is on again afterwards."""
    script = textwrap.dedent(
        """
        import gc, sys
        from workshop import console
        gc.enable()
        gc.set_threshold(100, 10, 10)
        runs = []
        gc.callbacks.append(lambda phase, info: runs.append(phase) if phase == "start" else None)
        if sys.argv[1] == "console":
            console.load_cli()
        else:
            from workshop import cli
        print(len(runs), gc.isenabled())
        """
    )

    def collections(how: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", script, how], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
        )
        return done.stdout.strip()

    assert collections("console") == "0 True"
    plain, enabled = collections("plain").split()
    assert int(plain) > 0 and enabled == "True"  # the test can tell: a plain import does collect


def test_main_runs_the_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["workshop", "--version"])
    with pytest.raises(SystemExit) as ended:
        console.main()
    assert ended.value.code in (0, None)
    assert "workshop" in capsys.readouterr().out
