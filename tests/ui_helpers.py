"""Helpers shared by the Pilot tests: the open session, notifications, and the screen as plain text."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from rich.console import Console

from screens.app import WorkshopApp
from workshop.session import WorkshopSession


def session_of(app: WorkshopApp) -> WorkshopSession:
    assert app.session is not None, "no workshop is open"
    return app.session


def people(app: WorkshopApp) -> dict[str, int]:
    return {p.name: p.id for p in session_of(app).workshop.active_participants()}


def messages(app: WorkshopApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def screen_text(app: WorkshopApp) -> str:
    """The screen as the terminal shows it, as plain text (the same render as a screenshot)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


PATIENCE = 6000
"""Rounds of ``pilot.pause(0.01)`` a wait may take before it fails: a minute or more, so that a slow, busy machine
never fails a test that would pass given time."""


async def until(pilot: Any, done: Callable[[], bool], what: str) -> None:
    """Let the app run until ``done()`` holds; fail naming ``what`` after ``PATIENCE`` rounds (no wall clock)."""
    for _ in range(PATIENCE):
        if done():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"{what} never happened")
