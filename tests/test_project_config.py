"""pyproject.toml keeps one list of the app's packages: the wheel, mypy, the import contracts and isort agree."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_SHIPPED = {"tests", "benchmarks", "docs"}


def _config() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)


def test_every_package_in_the_checkout_is_shipped() -> None:
    found = {p.parent.name for p in ROOT.glob("*/__init__.py")} - NOT_SHIPPED
    shipped = set(_config()["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"])
    assert found == shipped, "add the new package to [tool.hatch.build.targets.wheel] packages"


def test_mypy_import_contracts_and_isort_cover_the_shipped_packages() -> None:
    tool = _config()["tool"]
    shipped = set(tool["hatch"]["build"]["targets"]["wheel"]["packages"])
    assert set(tool["mypy"]["files"]) == shipped
    assert set(tool["importlinter"]["root_packages"]) == shipped
    assert set(tool["ruff"]["lint"]["isort"]["known-first-party"]) == shipped
