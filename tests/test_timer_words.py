"""The countdown's words and digits (``facilitation.timer_words``): one rule for the facilitator's countdown and
the projector's, and when the digits next move."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from facilitation.clock import FakeClock
from facilitation.timer import StageTimer, TimerError
from facilitation.timer_words import seconds_to_next_digit, timer_digits, timer_status
from screens.widgets.timer_display import KEY_HINTS, status_text


def _timer(state: str, *, planned: float = 600.0, run: float = 0.0, extend: float = 0.0) -> StageTimer:
    """A timer in ``state`` after ``run`` seconds of running (``extend`` minutes added first)."""
    clock = FakeClock()
    timer = StageTimer(planned, clock)
    if extend:
        timer.extend(extend)
    if state == "idle":
        return timer
    timer.start()
    clock.advance(run)
    if state == "paused":
        timer.pause()
    elif state == "finished":
        timer.finish()
    return timer


@pytest.mark.parametrize(
    ("state", "run", "room", "facilitator"),
    [
        ("idle", 0, "READY · 10 min", "READY · 10 min · press space or F5 to start"),
        ("running", 60, "RUNNING · 10 min", "RUNNING · 10 min"),
        ("running", 490, "LAST 20 % OF THE TIME · 10 min", "LAST 20 % OF THE TIME · 10 min"),
        ("running", 580, "ALMOST TIME · 10 min", "ALMOST TIME · 10 min"),
        ("running", 665, "TIME'S UP · 01:05 over 10 min", "TIME'S UP · 01:05 over 10 min"),
        ("paused", 60, "PAUSED · 10 min", "PAUSED · 10 min · space or F5 resumes"),
        ("paused", 665, "TIME'S UP · PAUSED · 01:05 over 10 min", "TIME'S UP · PAUSED · 01:05 over 10 min"),
        ("finished", 420, "STAGE FINISHED", "STAGE FINISHED · 03:00 were left of 10 min"),
        ("finished", 720, "STAGE FINISHED", "STAGE FINISHED · ran 02:00 over 10 min"),
    ],
)
def test_the_room_and_the_facilitator_read_the_same_state(
    state: str, run: float, room: str, facilitator: str
) -> None:
    timer = _timer(state, run=run)
    assert timer_status(timer, outcome=False) == room  # the projector's words
    assert status_text(timer) == facilitator  # the stage screen's words


def test_added_time_and_the_end_of_day_are_said() -> None:
    timer = _timer("running", run=30, extend=5)
    assert timer_status(timer) == "RUNNING · 10 min + 5 min added"
    assert " · ends " in timer_status(timer, now=1_800_000_000.0)


@given(state=st.sampled_from(["idle", "running", "paused", "finished"]), run=st.floats(0, 2_000))
@settings(max_examples=60, deadline=None)
def test_the_room_never_reads_a_key_and_the_facilitator_only_adds_one(state: str, run: float) -> None:
    timer = _timer(state, run=run)
    room = timer_status(timer, outcome=False)
    assert "press" not in room and "F5" not in room
    facilitator = status_text(timer)
    if state == "finished":
        assert facilitator.startswith(room + " · ")  # the outcome, after the same words
    else:
        assert facilitator in (room, *(room + hint for hint in KEY_HINTS.values()))


@given(planned=st.integers(1, 7_200), run=st.floats(0, 9_000), extend=st.integers(0, 30))
@example(planned=1, run=1.0, extend=0)  # exactly out of time: "00:00" becomes "+00:00" at once
@settings(max_examples=150, deadline=None)
def test_the_digits_move_exactly_when_seconds_to_next_digit_says(
    planned: int, run: float, extend: int
) -> None:
    clock = FakeClock()
    timer = StageTimer(float(planned), clock)
    if extend:
        timer.extend(extend)
    timer.start()
    clock.advance(run)
    step = seconds_to_next_digit(timer)
    assert step is not None and 0.0 <= step <= 1.0
    shown = timer_digits(timer)
    if step > 0.002:
        clock.advance(step - 0.001)
        assert timer_digits(timer) == shown  # not yet
        clock.advance(0.002)
    else:
        clock.advance(step + 0.001)
    assert timer_digits(timer) != shown  # just after


@pytest.mark.parametrize("state", ["idle", "paused", "finished"])
def test_a_timer_that_does_not_run_never_asks_for_a_redraw(state: str) -> None:
    assert seconds_to_next_digit(_timer(state, run=30)) is None


def test_digits_round_up_and_count_up_once_the_time_is_over() -> None:
    assert timer_digits(_timer("idle")) == "10:00"
    assert timer_digits(_timer("running", run=0.5)) == "10:00"
    assert timer_digits(_timer("running", run=599.5)) == "00:01"
    assert timer_digits(_timer("running", run=661)) == "+01:01"


@pytest.mark.parametrize(
    ("extend", "take", "run", "words"),
    [
        (0, 3, 30, "RUNNING · 10 min − 3 min taken off"),
        (5, 2, 30, "RUNNING · 10 min + 3 min added"),
        (2, 2, 30, "RUNNING · 10 min"),
        (0, 1, 560, "ALMOST TIME · 10 min − 00:40 taken off"),  # only the 40 s left could be taken off
    ],
)
def test_time_taken_off_is_said_as_taken_off(extend: float, take: float, run: float, words: str) -> None:
    """``-`` takes time off: the status said "10 min + -3 min added" (and "+ -0.666667 min added")."""
    timer = _timer("running", run=run, extend=extend)
    timer.shorten(take)
    assert timer_status(timer) == words
    assert timer_status(timer, outcome=False) == words  # the projector's words: the same
    paused = _timer("paused", run=run, extend=extend)
    paused.shorten(take)
    assert timer_status(paused) == words.replace("RUNNING", "PAUSED").replace("ALMOST TIME", "PAUSED")


@given(added=st.integers(0, 30), taken=st.floats(0.01, 30), run=st.floats(0, 3_000))
@settings(max_examples=80, deadline=None)
def test_the_words_never_hold_a_negative_amount_or_a_long_fraction(added: int, taken: float, run: float) -> None:
    timer = _timer("running", run=run, extend=added)
    with contextlib.suppress(TimerError):  # no time left to take off
        timer.shorten(taken)
    change = re.compile(r" (\+ (\d+ min|\d\d:\d\d) added|− (\d+ min|\d\d:\d\d) taken off)")
    for words in (timer_status(timer), timer_status(timer, outcome=False)):
        assert "-" not in words.replace("−", "") or "TIME'S UP" in words, words
        assert not re.search(r"\d\.\d", words), words
        said = change.search(words)
        assert (said is not None) == (round(abs(timer.extended_seconds)) > 0), words
