"""The garbage collector's policy for a long-running app: keep the workshop's objects out of full collections.

A workshop of 20,000 notes is a few hundred thousand Python objects that live as long as it is open. CPython's
full (generation 2) collection walks every tracked object not frozen, so one that fires inside a key handler
stops the app for as long as that walk takes: 47 ms of CPU at 4,600 notes added since the last freeze (issue
#14's "no key handler longer than one frame", measured by ``benchmarks/store_bench.py``). The app therefore
freezes what exists after its first frame (``gc.freeze``: the objects move to a generation no collection walks)
and again whenever it is idle after a checkpoint, so a full collection only ever walks what was made since.
Young cycles are still collected (generations 0 and 1 run as usual, and once more just before each freeze);
a cycle that became garbage while old is kept until the app exits. ``tune`` also makes automatic full
collections ten times rarer (``FULL_EVERY``): each still walks only what was made since the last freeze.

Reading a workshop (``collections_held``) runs with the collector held: loading 20,000 notes makes a few hundred
thousand objects, none of them garbage, and the collector walked them two or three times over as they were made
(full collections of 140-280 ms each inside one open, measured on the sandbox; whether a third came depended on
where the counters stood, which made opening after a crash 1.14x or 1.20x a clean open from run to run).

The app also collects in full itself (``collect_garbage``) just after each screen change has been drawn: a
dismissed screen's widgets are cycles only a full collection frees, and collected one screen at a time they cost a
few milliseconds between two screens instead of one long collection inside a later open (issue #14).

And when the next automatic collection would be a middle or full one, the app runs it while idle, between keys
(``collect_ahead``, from ``on_idle``): left to itself, CPython starts it inside whichever allocation comes next,
one key handler in several hundred (the slowest handler of ``benchmarks/store_bench.py``'s key path). Key handlers
then meet young collections only.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

FULL_EVERY = 100
"""Generation-1 collections between two automatic full ones (CPython's default: 10)."""


def tune() -> None:
    """Set the app's thresholds (generation 0 and 1 as CPython's defaults, full collections ``FULL_EVERY``)."""
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_EVERY)


def keep_out_of_collections() -> None:
    """Collect the young generations, then freeze every object alive now (a few milliseconds: the collection is of
    the young generations only, and the freeze moves lists without walking them). Call it when the app is idle."""
    gc.collect(1)
    gc.freeze()


def collection_due() -> int | None:
    """The generation (1 or 2) the collector's next automatic collection would walk, if it is due soon: once
    generation 0 has been collected ``threshold[1]`` times since the last generation-1 collection (the next one or
    two young collections are a middle one), or generation 1 ``threshold[2]`` times since the last full one. None
    when only young (generation 0) collections come next, or while the collector is held or stopped."""
    if not gc.isenabled():
        return None
    counts, thresholds = gc.get_count(), gc.get_threshold()
    if counts[2] >= thresholds[2]:
        return 2
    if counts[1] >= thresholds[1]:
        return 1
    return None


def collect_ahead() -> int | None:
    """Run now, while the app is idle, the middle or full collection that would otherwise start inside the next
    key handler (or request) to allocate: the generation ``collection_due`` names, or nothing. Returns the generation
    collected, or None.

    CPython collects generation 1 once every 11 young collections, inside whichever allocation comes next: at
    20,000 notes typed 500 a second that was one key handler in about 875, walking the 6,000 or so objects made
    since the last (the notes just typed, their records, events and journal documents; 1-1.7 ms of that handler's
    CPU measured with ``benchmarks/store_bench.py``'s key path, 14.7-16.8 ms in whole benchmark runs on a slow
    moment of this host). Called between keys, it leaves key handlers only young collections (at most 700 objects).
    Frees what the automatic collection would have freed: nothing is frozen."""
    generation = collection_due()
    if generation is not None:
        gc.collect(generation)
    return generation


def collect_garbage() -> None:
    """Collect every generation (the frozen objects are not walked). Call it between two pieces of work the user
    waits for: its cost grows with the objects made since the last freeze, dismissed screens' cycles included."""
    gc.collect()


@contextlib.contextmanager
def collections_held() -> Iterator[None]:
    """Hold the collector while the block reads a workshop into memory or writes a checkpoint, then let it run
    again as it was found.

    Loading builds long-lived, acyclic objects (parsed records, the read view, the models): a collection during it
    frees nothing and walks everything loaded so far (see the module's docstring). A checkpoint's copies of the
    tables are young containers holding every record: a collection during it walked them inside whichever key
    handler it fell in (``workshop.store.file.WorkshopFile.checkpoint``). Held only if it was running
    when the block began, and set running again only by the one that held it: so nested or concurrent holds in
    two threads never leave it stopped, and a caller that stopped it itself (``workshop.cli.main`` until the
    app's first frame) keeps it stopped. The objects loaded meanwhile are walked once, by the first young
    collection after the block (or never, when the app freezes them first)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
