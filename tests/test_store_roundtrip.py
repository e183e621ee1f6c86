"""Property tests: any text and any nested JSON value survive commit -> close -> reopen exactly, and text the
store cannot encode (lone surrogates) is refused before anything is written."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop.store import InvalidTextError, Op, Store, read_tables

SURROGATES = range(0xD800, 0xE000)


def has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(ch) < 0xE000 for ch in text)


# st.text() draws from every code point except surrogates by default; widen it on purpose to include the
# control characters, and filter explicitly so the intent survives a change of Hypothesis defaults.
clean_text = st.text(st.characters(codec=None, exclude_categories=("Cs",)), max_size=200).filter(
    lambda s: not has_surrogate(s)
)
interesting_text = st.one_of(
    clean_text,
    st.sampled_from(
        ["", "\x00", "\x1b[31m", "\u2028\u2029", "👩‍👩‍👧", "שלום", "\ufeff", "\uffff", "\r\n", '"\\']
    ),
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    interesting_text,
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(interesting_text, children, max_size=5),
    ),
    max_leaves=25,
)
docs = st.dictionaries(interesting_text.filter(lambda k: k != "id"), json_values, max_size=6)


def same(a: Any, b: Any) -> bool:
    """Exact equality that also tells -0.0 from 0.0 and 1 from 1.0 / True (``==`` does not)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return bool(a == b)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batch=st.lists(st.tuples(st.integers(min_value=0, max_value=50), docs), min_size=1, max_size=8),
    table=interesting_text.filter(lambda t: t not in ("", "_meta")),
)
def test_any_text_and_json_round_trip(batch: list[tuple[int, dict[str, Any]]], table: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        expected: dict[int, dict[str, Any]] = {}
        with store.create("prop") as wf:
            half = len(batch) // 2
            wf.commit([Op.put(table, n, doc) for n, doc in batch[:half]])
            wf.checkpoint()  # some values go through the snapshot, the rest through the journal
            wf.commit([Op.put(table, n, doc) for n, doc in batch[half:]])
            for n, doc in batch:
                expected[n] = doc
            journal_only = read_tables(Path(folder) / "prop.json")
        for tables in (journal_only, store.read_tables("prop")):
            assert same(tables, {table: expected} if expected else {})
        with store.open("prop") as again:
            assert same(again.tables(), {table: expected})


@settings(max_examples=60, deadline=None)
@given(
    prefix=clean_text,
    surrogate=st.sampled_from(SURROGATES),
    suffix=clean_text,
    where=st.sampled_from(["value", "key", "nested", "table"]),
)
def test_lone_surrogates_raise_invalid_text(prefix: str, surrogate: int, suffix: str, where: str) -> None:
    bad = prefix + chr(surrogate) + suffix
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        with store.create("prop") as wf:
            wf.commit([Op.put("notes", 1, {"id": 1, "text": "fine"})])
            journal = (Path(folder) / "prop.journal").read_bytes()
            table, doc = "notes", {"id": 2, "text": bad}
            if where == "key":
                doc = {"id": 2, bad: "x"}
            elif where == "nested":
                doc = {"id": 2, "data": {"list": [1, {"deep": bad}]}}
            elif where == "table":
                table = bad
            with pytest.raises(InvalidTextError):
                wf.commit([Op.put("notes", 3, {"id": 3}), Op.put(table, 2, doc)])
            assert (Path(folder) / "prop.journal").read_bytes() == journal
            assert wf.tables() == {"notes": {1: {"id": 1, "text": "fine"}}}
        assert store.read_tables("prop") == {"notes": {1: {"id": 1, "text": "fine"}}}
