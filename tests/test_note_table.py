"""``Workshop.stage_notes`` reads a stage's notes from an index kept by ``NoteTable`` (issue #14): whatever is done
to the notes, in any order, the index gives what a scan of every note gives."""

from __future__ import annotations

import copy
import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitation.models import Note, NoteTable, Workshop

STAGES = (1, 2, 3)


def _scan(ws: Workshop, stage_id: int, include_deleted: bool) -> list[Note]:
    found = [n for n in ws.notes.values() if n.stage_id == stage_id and (include_deleted or n.deleted_at is None)]
    return sorted(found, key=lambda n: (n.position, n.id))


def _same_as_a_scan(ws: Workshop) -> None:
    assert isinstance(ws.notes, NoteTable)
    for stage_id in (*STAGES, 99):
        for include_deleted in (False, True):
            assert ws.stage_notes(stage_id, include_deleted=include_deleted) == _scan(ws, stage_id, include_deleted)


def _note(note_id: int, stage_id: int, position: float, deleted: bool) -> Note:
    return Note(note_id, stage_id, f"note {note_id}", position=position, deleted_at=1.0 if deleted else None)


notes = st.builds(
    _note,
    st.integers(1, 12),
    st.sampled_from(STAGES),
    st.sampled_from((1.0, 2.0, 2.5, 3.0)),
    st.booleans(),
)
ids = st.integers(1, 14)
operations = st.one_of(
    st.tuples(st.just("set"), notes),
    st.tuples(st.just("del"), ids),
    st.tuples(st.just("pop"), ids),
    st.tuples(st.just("popitem"), st.none()),
    st.tuples(st.just("setdefault"), notes),
    st.tuples(st.just("update"), st.lists(notes, max_size=4)),
    st.tuples(st.just("ior"), st.lists(notes, max_size=4)),
    st.tuples(st.just("clear"), st.none()),
    st.tuples(st.just("assign"), st.lists(notes, max_size=6)),
    st.tuples(st.just("copy"), st.none()),
    st.tuples(st.just("ask"), st.sampled_from(STAGES)),
)


@given(st.lists(notes, max_size=8), st.lists(operations, max_size=30))
@settings(max_examples=300, deadline=None)
def test_stage_notes_always_equal_a_scan_of_every_note(first: list[Note], steps: list[tuple[str, object]]) -> None:
    ws = Workshop("w", "Offsite", notes={n.id: n for n in first})
    for kind, arg in steps:
        table = ws.notes
        if kind == "set":
            assert isinstance(arg, Note)
            table[arg.id] = arg
        elif kind == "del" and arg in table:
            del table[arg]  # type: ignore[arg-type]
        elif kind == "pop":
            table.pop(arg, None)  # type: ignore[call-overload]
        elif kind == "popitem" and table:
            table.popitem()
        elif kind == "setdefault":
            assert isinstance(arg, Note)
            table.setdefault(arg.id, arg)
        elif kind == "update":
            table.update({n.id: n for n in arg})  # type: ignore[attr-defined]
        elif kind == "ior":
            table |= {n.id: n for n in arg}  # type: ignore[attr-defined]
        elif kind == "clear":
            table.clear()
        elif kind == "assign":
            ws.notes = {n.id: n for n in arg}  # type: ignore[attr-defined]  # a plain dict, made a NoteTable
        elif kind == "copy":
            ws = copy.deepcopy(ws) if len(table) % 2 else pickle.loads(pickle.dumps(ws))
        elif kind == "ask":
            ws.stage_notes(arg)  # type: ignore[arg-type]  # builds the index early, so later steps keep it
        _same_as_a_scan(ws)


def test_a_note_moved_to_another_stage_leaves_the_first() -> None:
    ws = Workshop("w", "Offsite", notes={1: _note(1, 1, 1.0, False), 2: _note(2, 1, 2.0, False)})
    assert [n.id for n in ws.stage_notes(1)] == [1, 2]
    ws.notes[1] = _note(1, 2, 1.0, False)  # as the ledger writes a move: a new record under the same id
    assert [n.id for n in ws.stage_notes(1)] == [2] and [n.id for n in ws.stage_notes(2)] == [1]
