"""``latest_choices`` reads each event once, yet always agrees with reading the whole log backwards."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from facilitation.models import Event
from facilitation.readiness import RESULT_HIDDEN, RESULT_SHOWN, latest_choices

KINDS = (RESULT_SHOWN, RESULT_HIDDEN, "note.added", "vote.cast")
ROUNDS = ("start", "end")


def naive(events: list[Event]) -> dict[str, bool]:
    """Every round's latest choice, reading the log backwards (what ``result_shown`` did before)."""
    found: dict[str, bool] = {}
    for round_name in ROUNDS:
        for event in reversed(events):
            if event.kind in (RESULT_SHOWN, RESULT_HIDDEN) and event.data.get("round") == round_name:
                found[round_name] = event.kind == RESULT_SHOWN
                break
    return found


events_st = st.lists(st.tuples(st.sampled_from(KINDS), st.sampled_from(ROUNDS)), max_size=30)


@given(batches=st.lists(events_st, max_size=6))
def test_a_growing_log_agrees_with_reading_it_all(batches: list[list[tuple[str, str]]]) -> None:
    log: list[Event] = []
    for batch in batches:
        for kind, round_name in batch:
            log.append(Event(len(log) + 1, 0.0, kind, kind, None, {"round": round_name}))
        assert latest_choices(log) == naive(log)


@given(first=events_st, older=events_st, at=st.integers(min_value=0))
def test_events_inserted_before_the_end_are_read_too(
    first: list[tuple[str, str]], older: list[tuple[str, str]], at: int
) -> None:
    log = [Event(i, 0.0, kind, kind, None, {"round": r}) for i, (kind, r) in enumerate(first, start=1)]
    assert latest_choices(log) == naive(log)
    position = at % (len(log) + 1)
    log[position:position] = [Event(0, 0.0, kind, kind, None, {"round": r}) for kind, r in older]
    assert latest_choices(log) == naive(log)


def test_a_new_log_of_the_same_length_is_read_afresh() -> None:
    shown = [Event(1, 0.0, RESULT_SHOWN, "", None, {"round": "start"})]
    hidden = [Event(1, 0.0, RESULT_HIDDEN, "", None, {"round": "start"})]
    assert latest_choices(shown) == {"start": True}
    assert latest_choices(hidden) == {"start": False}
    shown[0] = hidden[0]  # replaced in place: the same list, the same length, another last event
    assert latest_choices(shown) == {"start": False}
