"""Shared fixtures: every test gets its own data folder and a fake clock; nothing touches the user's data."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from facilitation.clock import FakeClock
from workshop.session import WorkshopSession
from workshop.store import Store

settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")
"""No wall-clock assertions, Hypothesis's included: its default 200 ms deadline per example failed a pure
formatting test on this shared machine (260 ms for one example that takes 0.02 ms when the machine is free)."""


@pytest.fixture(autouse=True)
def _notices_outlast_a_slow_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Textual's notices expire by the wall clock (``Notification.raised_at`` + ``timeout`` against ``time()``, and
    each toast's timer). A test that checks a notice a few seconds after it was raised then fails on a busy machine
    only (``test_ui_private_screens`` read "Ballot confirmed. Pass the keyboard back." gone, its 4 s over, with a
    load average of 12). In tests every notice lasts an hour, so a test sees what a facilitator sees in the seconds
    after the notice, however slow the machine; no test relies on a notice expiring by itself."""
    from textual.app import App

    notify = App.notify

    def lasting(self: App[object], message: str, *, timeout: float | None = None, **rest: Any) -> None:
        notify(self, message, timeout=3600.0, **rest)

    monkeypatch.setattr(App, "notify", lasting)
    yield


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point WORKSHOP_DATA_DIR at a temporary folder so no test reads or writes real workshops."""
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(tmp_path_factory.mktemp("default-data")))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def store(data_dir: Path) -> Store:
    return Store(data_dir)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def session(store: Store, clock: FakeClock) -> Iterator[WorkshopSession]:
    s = WorkshopSession.create(
        store,
        "Leadership offsite",
        organisation="Northwind",
        facilitator="Maya",
        participants=["Ana", "Ben", "Chloé"],
        clock=clock,
    )
    yield s
    s.close()


@pytest.fixture
def counted() -> Iterator[list[int]]:
    """The generations of the collections started meanwhile (``gc.callbacks``), with CPython's default thresholds
    (so the young generation is collected every 700 objects, as in an app that has not tuned them), the collector
    running, from a full collection (so the next one is a young one, not one of whichever generation the tests
    before left due). Thresholds and the collector's state are put back afterwards."""
    started: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    gc.set_threshold(700, 10, 10)
    gc.enable()
    gc.collect()  # every generation's count back to 0, whatever the tests before left: the next one is young
    gc.callbacks.append(note)
    try:
        yield started
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*thresholds)
        if not enabled:
            gc.disable()
