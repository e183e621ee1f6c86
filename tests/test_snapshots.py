"""SVG snapshots of the main screens at 80x24 and 120x36 (pytest-textual-snapshot).

Deterministic by construction: a fake clock, UTC, a fixed data folder and fixed workshop ids, so a snapshot only
changes when a screen does. Update the baselines with ``pytest tests/test_snapshots.py --snapshot-update`` and
look at the report before committing them.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock
from textual.pilot import Pilot

from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZES = [(80, 24), (120, 36)]
WALL = 1_795_600_000.0  # 2026-11-25 09:46:40 UTC


@pytest.fixture(autouse=True)
def _utc_and_fixed_ids(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    counter = iter(range(0x1000, 0x10000))
    monkeypatch.setattr("secrets.token_hex", lambda n: f"{next(counter):04x}")
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def fixed_dir() -> Iterator[Path]:
    """A data folder at a fixed path: the home screen prints it.

    Held under a lock for the whole test, so test runs of several checkouts on one machine never share it (one
    run's demo showed up as a second workshop on another's home screen).
    """
    path = Path(tempfile.gettempdir()) / "six-disciplines-snapshots"
    with FileLock(str(path) + ".lock"):
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir()
        yield path
        shutil.rmtree(path, ignore_errors=True)


def _demo_app(
    data_dir: Path, *, open_demo: bool = True, advance: float = 0.0
) -> tuple[WorkshopApp, FakeClock]:
    from workshop.demo import build_demo

    clock = FakeClock(wall=WALL)
    store = Store(data_dir)
    session = build_demo(store, clock=clock)
    workshop_id = session.workshop.id
    session.close()
    clock.advance(advance)
    app = make_app(WorkshopLibrary(store, clock=clock), workshop_id if open_demo else None, clock=clock)
    return app, clock


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.pause()


def _keys(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare: Any, fixed_dir: Path, size: tuple[int, int]) -> None:
    app, _ = _demo_app(fixed_dir, open_demo=False)
    assert snap_compare(app, terminal_size=size, run_before=_keys())


@pytest.mark.parametrize("size", SIZES)
def test_setup(snap_compare: Any, fixed_dir: Path, size: tuple[int, int]) -> None:
    app, _ = _demo_app(fixed_dir, open_demo=False)
    assert snap_compare(app, terminal_size=size, run_before=_keys("e"))


@pytest.mark.parametrize("size", SIZES)
def test_stage_normal(snap_compare: Any, fixed_dir: Path, size: tuple[int, int]) -> None:
    app, _ = _demo_app(fixed_dir)
    assert snap_compare(app, terminal_size=size, run_before=_keys())


@pytest.mark.parametrize("size", SIZES)
def test_stage_warning(snap_compare: Any, fixed_dir: Path, size: tuple[int, int]) -> None:
    # The demo's Purpose timer has run 3 min 45 s of 20; 13 more minutes leave 3:15 (the last 20 %).
    app, _ = _demo_app(fixed_dir, advance=13 * 60)
    assert snap_compare(app, terminal_size=size, run_before=_keys())


@pytest.mark.parametrize("size", SIZES)
def test_stage_overrun(snap_compare: Any, fixed_dir: Path, size: tuple[int, int]) -> None:
    app, _ = _demo_app(fixed_dir, advance=20 * 60)
    assert snap_compare(app, terminal_size=size, run_before=_keys())


@pytest.mark.parametrize("size", SIZES)
def test_agenda_overview(snap_compare: Any, fixed_dir: Path, size: tuple[int, int]) -> None:
    app, _ = _demo_app(fixed_dir)
    assert snap_compare(app, terminal_size=size, run_before=_keys("a"))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: Any, fixed_dir: Path, size: tuple[int, int]) -> None:
    app, _ = _demo_app(fixed_dir)
    assert snap_compare(app, terminal_size=size, run_before=_keys("f1"))
