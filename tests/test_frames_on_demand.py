"""Every screen of the app draws its frames on demand (``screens.internals.FramesOnDemand``).

Textual's own ``screen_update`` timer ticks on a fixed 60 Hz grid from the moment a screen first asks for a frame:
a screen just pushed waited for the next slot of that grid, up to 16 ms with nothing to do, before its first frame
(the action plan at 20,000 notes: 49 ms to its first frame for 33 ms of CPU). A ``FrameTimer`` draws the first
frame as soon as it is asked for, and later ones at most one per interval, as Textual's do.
"""

from __future__ import annotations

import importlib
import pkgutil

from textual.screen import Screen

import screens
from screens.internals import FramesOnDemand


def screen_classes() -> list[type[Screen[object]]]:
    """Every ``Screen`` subclass defined in the ``screens`` package (each module imported)."""
    for module in pkgutil.walk_packages(screens.__path__, "screens."):
        importlib.import_module(module.name)
    found: list[type[Screen[object]]] = []
    todo: list[type[Screen[object]]] = [Screen]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("screens."):
                found.append(sub)
    return found


def test_every_screen_of_the_app_draws_its_frames_on_demand() -> None:
    """Fails on the old code: only the stage and the projector did; every other screen and dialog waited for
    Textual's grid."""
    classes = screen_classes()
    assert len(classes) >= 20  # the walk found the app's screens
    late = sorted(f"{c.__module__}.{c.__qualname__}" for c in classes if not issubclass(c, FramesOnDemand))
    assert late == []
