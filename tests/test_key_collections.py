"""A middle or full collection that is due runs while the app is idle, never inside the next key handler (issue #14:
no key handler longer than one frame).

CPython collects generation 1 every eleventh young collection, inside whichever allocation comes next: at 20,000
notes, one key handler in about 875 walked the 6,000 or so objects made since the last (14.7-16.8 ms of one handler
in whole benchmark runs). ``workshop.memory.collect_ahead`` runs it between keys instead (the app's ``on_idle``).
These tests count collections (never time), with CPython's default thresholds (the ``counted`` fixture).
"""

from __future__ import annotations

import gc
from pathlib import Path

from facilitation.clock import FakeClock
from screens.app import make_app
from screens.stage import NoteInput
from workshop.memory import collect_ahead, collection_due, collections_held
from workshop.session import WorkshopLibrary
from workshop.store import Store


def _young_collections(times: int) -> None:
    """Collect generation 1 once, then generation 0 ``times`` times: each counts towards the next middle collection,
    as automatic ones do (from CPython's threshold on, the next automatic collection but one is a middle one)."""
    gc.collect(1)
    for _ in range(times):
        gc.collect(0)


def _long_handler() -> list[list[int]]:
    """Containers enough for at least two young collections: what a long key handler allocates."""
    return [[i] for i in range(2 * gc.get_threshold()[0] + 1)]


def test_a_due_middle_collection_runs_ahead_and_the_next_handler_meets_only_young_ones(counted: list[int]) -> None:
    assert collection_due() is None
    assert collect_ahead() is None
    _young_collections(gc.get_threshold()[1])
    assert collection_due() == 1
    counted.clear()
    assert collect_ahead() == 1
    assert counted == [1]
    counted.clear()
    kept = _long_handler()
    assert kept and counted and set(counted) == {0}


def test_without_it_the_next_handler_meets_the_middle_collection(counted: list[int]) -> None:
    """What ``collect_ahead`` spares a key handler (the state of the test above, without it)."""
    _young_collections(gc.get_threshold()[1])
    counted.clear()
    kept = _long_handler()
    assert kept and 1 in counted


def test_a_due_full_collection_runs_ahead(counted: list[int]) -> None:
    for _ in range(gc.get_threshold()[2]):
        gc.collect(1)
    assert collection_due() == 2
    counted.clear()
    assert collect_ahead() == 2
    assert counted == [2]
    assert collection_due() is None


def test_nothing_is_collected_ahead_while_the_collector_is_held(counted: list[int]) -> None:
    """A checkpoint or a read holds it (``collections_held``): a collection then would walk what they build."""
    _young_collections(gc.get_threshold()[1])
    counted.clear()
    with collections_held():
        assert collection_due() is None
        assert collect_ahead() is None
    assert counted == []
    assert collection_due() == 1


async def test_the_app_runs_a_due_middle_collection_when_idle(
    data_dir: Path, clock: FakeClock, counted: list[int]
) -> None:
    """The app's ``on_idle`` (it runs after every message the app handles, a forwarded key included, several times
    between two Enters) runs the due collection: the next key handler starts from a middle collection just done."""
    library = WorkshopLibrary(Store(data_dir), clock=clock)
    with library.create("Offsite", participants=["Ana"]) as session:
        workshop_id = session.workshop.id
    app = make_app(library, workshop_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        if not isinstance(app.screen.focused, NoteInput):
            await pilot.press("i")
        await pilot.press(*"idea", "enter")
        _young_collections(gc.get_threshold()[1])
        assert collection_due() == 1
        counted.clear()
        app.on_idle()
        assert 1 in counted
        assert collection_due() is None
        await app.workers.wait_for_complete()
        assert app.session is not None
        assert [n.text for n in app.session.workshop.live_notes()] == ["idea"]
