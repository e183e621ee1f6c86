"""The screens' layering contract (``pyproject.toml``, id ``screen-layers``) holds, and fails when a screen module
imports another screen module again, in any of the ways that once made the 18-module circle: at the top of the
module, inside a function (a lazy import), or only for type checking."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("facilitation", "workshop", "screens", "exports", "room")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the screen-layers contract of the copy at ``tree`` (its own packages come first on the
    path, ahead of the editable install)."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
            "--contract",
            "screen-layers",
            "--no-cache",
            "--no-logo",
        ],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the project's packages and its pyproject, to break on purpose."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _append(path: Path, code: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + code + "\n", encoding="utf-8")


def test_the_contract_holds_on_the_project(tree: Path) -> None:
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "code", "named"),
    [
        # a lazy import inside a function, as stage.py imported the summary
        ("screens/stage.py", "def _x() -> None:\n    from screens.summary import SummaryScreen  # noqa", "screens.stage"),
        # the set-up borrowing a helper from the agenda overview, at module level
        (
            "screens/setup/draft.py",
            "from screens.agenda_overview import AgendaOverviewScreen  # noqa",
            "screens.setup.draft",
        ),
        # a voting screen reaching the stage
        ("screens/voting/results.py", "from screens import stage  # noqa", "screens.voting.results"),
        # only for type checking: still a dependency on the app from below it
        (
            "screens/base.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from screens.app import WorkshopApp  # noqa",
            "screens.base",
        ),
        # a dialog (below the screens) opening a screen
        ("screens/dialogs.py", "def _y() -> None:\n    import screens.home  # noqa", "screens.dialogs"),
    ],
)
def test_a_cross_import_breaks_the_contract(tree: Path, module: str, code: str, named: str) -> None:
    _append(tree / module, code)
    result = _lint(tree)
    assert result.returncode != 0
    assert "0 kept, 1 broken" in result.stdout
    assert f"- {named} -> " in result.stdout


def test_a_new_screen_module_must_be_placed_in_a_layer(tree: Path) -> None:
    """``exhaustive``: a new module under screens/ that the contract does not name fails it, so nobody adds a
    screen outside the layers by accident."""
    (tree / "screens" / "late_screen.py").write_text('"""A screen nobody placed."""\n', encoding="utf-8")
    result = _lint(tree)
    assert result.returncode != 0
    assert "late_screen" in result.stdout + result.stderr
