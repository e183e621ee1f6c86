"""Dot-voting rules: budgets, caps, tallies and rankings."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitation.voting import (
    TIE_BREAK,
    RankedItem,
    VotingError,
    VotingRules,
    check_cast,
    check_limits_change,
    default_budget,
    dots_by_participant,
    rank,
    top,
    totals,
)

# --- budgets and rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "budget"),
    [(0, 0), (1, 1), (2, 1), (3, 1), (4, 2), (6, 2), (7, 3), (9, 3), (10, 4), (28, 10), (30, 10), (500, 10)],
)
def test_default_budget_is_a_third_rounded_up_between_1_and_10(items: int, budget: int) -> None:
    assert default_budget(items) == budget


def test_default_budget_refuses_negative_counts() -> None:
    with pytest.raises(VotingError):
        default_budget(-1)


@given(st.integers(min_value=1, max_value=10_000))
def test_default_budget_always_valid_rules(items: int) -> None:
    budget = default_budget(items)
    assert 1 <= budget <= min(items, 10)
    VotingRules(budget=budget, cap=budget).validate()


@pytest.mark.parametrize(
    ("budget", "cap", "message"),
    [(0, 1, "at least 1 dot"), (3, 0, "At least 1 dot"), (2, 3, r"\(3\).*\(2\)")],
)
def test_invalid_rules_are_refused(budget: int, cap: int, message: str) -> None:
    with pytest.raises(VotingError, match=message):
        VotingRules(budget=budget, cap=cap).validate()


def test_valid_rules_pass() -> None:
    VotingRules(budget=5, cap=5).validate()
    VotingRules(budget=1, cap=1).validate()


def test_rules_are_frozen() -> None:
    rules = VotingRules(budget=3, cap=1)
    with pytest.raises(AttributeError):
        rules.budget = 4  # type: ignore[misc]


# --- casting -----------------------------------------------------------------------------------------------


def test_cast_within_limits_is_allowed() -> None:
    rules = VotingRules(budget=5, cap=2)
    check_cast(rules, {}, 1)
    check_cast(rules, {1: 1, 2: 2}, 1)
    check_cast(rules, {1: 2, 2: 2}, 3)


def test_cast_beyond_budget_is_refused() -> None:
    rules = VotingRules(budget=5, cap=2)
    with pytest.raises(VotingError, match=r"^You have used all 5 of your dots\.$"):
        check_cast(rules, {1: 2, 2: 2, 3: 1}, 4)


def test_cast_beyond_cap_is_refused() -> None:
    rules = VotingRules(budget=5, cap=2)
    with pytest.raises(VotingError, match=r"^At most 2 dots on one note\.$"):
        check_cast(rules, {1: 2}, 1)


def test_budget_message_wins_when_both_are_reached() -> None:
    with pytest.raises(VotingError, match="used all 2"):
        check_cast(VotingRules(budget=2, cap=2), {1: 2}, 1)


def test_singular_messages() -> None:
    with pytest.raises(VotingError, match=r"^You have used your only dot\.$"):
        check_cast(VotingRules(budget=1, cap=1), {1: 1}, 2)
    with pytest.raises(VotingError, match=r"^At most 1 dot on one note\.$"):
        check_cast(VotingRules(budget=3, cap=1), {1: 1}, 1)


# --- changing limits ---------------------------------------------------------------------------------------


def test_raising_limits_is_always_fine() -> None:
    cast = {1: {10: 2, 11: 1}, 2: {10: 1}}
    check_limits_change(VotingRules(budget=3, cap=2), cast)
    check_limits_change(VotingRules(budget=8, cap=4), cast)
    check_limits_change(VotingRules(budget=1, cap=1), {})


def test_lowering_budget_below_what_was_cast_is_refused() -> None:
    cast = {1: {10: 2, 11: 2}, 2: {10: 1}}
    with pytest.raises(VotingError, match=r"already cast 4 dots.*below 4"):
        check_limits_change(VotingRules(budget=3, cap=2), cast)


def test_lowering_cap_below_what_was_cast_is_refused() -> None:
    cast = {1: {10: 3}, 2: {10: 1}}
    with pytest.raises(VotingError, match=r"already put 3 dots on one note.*below 3"):
        check_limits_change(VotingRules(budget=5, cap=2), cast)


def test_limits_change_validates_the_new_rules_first() -> None:
    with pytest.raises(VotingError, match="cannot be more"):
        check_limits_change(VotingRules(budget=2, cap=3), {})


# --- tallies -----------------------------------------------------------------------------------------------


def test_totals_and_dots_by_participant() -> None:
    votes = [(1, 10), (1, 10), (1, 11), (2, 11), (3, 12)]
    assert totals(votes) == {10: 2, 11: 2, 12: 1}
    assert dots_by_participant(votes) == {1: {10: 2, 11: 1}, 2: {11: 1}, 3: {12: 1}}
    assert totals([]) == {}
    assert dots_by_participant(iter([])) == {}


def test_totals_accept_a_one_shot_iterator() -> None:
    assert totals(iter([(1, 5), (2, 5)])) == {5: 2}


# --- ranking -----------------------------------------------------------------------------------------------


def test_rank_orders_by_dots_and_includes_unvoted_notes() -> None:
    result = rank({3: 5, 1: 2}, order=[1, 2, 3])
    assert result == [
        RankedItem(note_id=3, dots=5, rank=1, tied=False),
        RankedItem(note_id=1, dots=2, rank=2, tied=False),
        RankedItem(note_id=2, dots=0, rank=3, tied=False),
    ]


def test_rank_uses_competition_ranking_and_ballot_order_for_ties() -> None:
    # board order: 40, 10, 30, 20, 50
    result = rank({10: 3, 20: 3, 30: 5, 40: 1, 50: 1}, order=[40, 10, 30, 20, 50])
    assert [(r.note_id, r.dots, r.rank, r.tied) for r in result] == [
        (30, 5, 1, False),
        (10, 3, 2, True),
        (20, 3, 2, True),
        (40, 1, 4, True),
        (50, 1, 4, True),
    ]


def test_rank_of_all_zero_is_one_big_tie_in_board_order() -> None:
    result = rank({}, order=[5, 3, 9])
    assert [r.note_id for r in result] == [5, 3, 9]
    assert {r.rank for r in result} == {1}
    assert all(r.tied for r in result)


def test_rank_ignores_notes_off_the_ballot_and_duplicates() -> None:
    result = rank({1: 2, 99: 7}, order=[1, 2, 1])
    assert [r.note_id for r in result] == [1, 2]


def test_rank_of_empty_ballot() -> None:
    assert rank({1: 3}, order=[]) == []


def test_tie_break_is_described_for_the_ui() -> None:
    assert "share a rank" in TIE_BREAK
    assert "earlier notes first" in TIE_BREAK


def test_top_never_splits_a_tie() -> None:
    ranked = rank({1: 5, 2: 3, 3: 3, 4: 3, 5: 1}, order=[1, 2, 3, 4, 5])
    assert [r.note_id for r in top(ranked, 1)] == [1]
    assert [r.note_id for r in top(ranked, 2)] == [1, 2, 3, 4]
    assert [r.note_id for r in top(ranked, 4)] == [1, 2, 3, 4]
    assert [r.note_id for r in top(ranked, 5)] == [1, 2, 3, 4, 5]
    assert [r.note_id for r in top(ranked, 50)] == [1, 2, 3, 4, 5]
    assert top(ranked, 0) == []
    assert top([], 3) == []


# --- properties --------------------------------------------------------------------------------------------

BALLOTS = st.lists(st.integers(min_value=1, max_value=60), unique=True, max_size=25)


@given(order=BALLOTS, data=st.data())
def test_rank_is_a_deterministic_permutation_of_the_ballot(order: list[int], data: st.DataObject) -> None:
    counts = data.draw(
        st.dictionaries(
            st.sampled_from(order) if order else st.nothing(), st.integers(min_value=0, max_value=30)
        )
    )
    result = rank(counts, order)
    assert sorted(r.note_id for r in result) == sorted(order)
    dots = [r.dots for r in result]
    assert dots == sorted(dots, reverse=True)
    assert all(r.dots == counts.get(r.note_id, 0) for r in result)
    assert rank(dict(reversed(list(counts.items()))), order) == result
    how_many = Counter(dots)
    for index, item in enumerate(result):
        assert item.rank == 1 + sum(1 for d in dots if d > item.dots)
        assert item.tied == (how_many[item.dots] > 1)
        if index and result[index - 1].dots == item.dots:
            assert order.index(result[index - 1].note_id) < order.index(item.note_id)


@given(order=BALLOTS, data=st.data())
def test_top_is_a_prefix_that_respects_ties(order: list[int], data: st.DataObject) -> None:
    counts = {n: data.draw(st.integers(min_value=0, max_value=5)) for n in order}
    ranked = rank(counts, order)
    n = data.draw(st.integers(min_value=0, max_value=len(order) + 2))
    chosen = top(ranked, n)
    assert chosen == ranked[: len(chosen)]
    assert len(chosen) >= min(n, len(ranked))
    if chosen and len(chosen) < len(ranked):
        assert ranked[len(chosen)].dots < chosen[-1].dots


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 8)), max_size=60))
def test_totals_agree_with_dots_by_participant(votes: list[tuple[int, int]]) -> None:
    merged: Counter[int] = Counter()
    for per_note in dots_by_participant(votes).values():
        merged.update(per_note)
    assert totals(votes) == dict(merged)
    assert sum(totals(votes).values()) == len(votes)


@given(
    budget=st.integers(1, 6),
    cap=st.integers(1, 6),
    attempts=st.lists(st.integers(1, 4), max_size=30),
)
def test_check_cast_never_lets_a_ballot_break_the_rules(budget: int, cap: int, attempts: list[int]) -> None:
    rules = VotingRules(budget=budget, cap=min(cap, budget))
    mine: dict[int, int] = {}
    for note_id in attempts:
        try:
            check_cast(rules, mine, note_id)
        except VotingError:
            continue
        mine[note_id] = mine.get(note_id, 0) + 1
    assert sum(mine.values()) <= rules.budget
    assert all(v <= rules.cap for v in mine.values())
    check_limits_change(rules, {1: mine})
