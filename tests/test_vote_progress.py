"""``ballots.progress``: where each voter of an open ballot stands, counted by the same rule as the result."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from facilitation import ballots
from facilitation.models import Ballot

VOTERS = [1, 2, 3, 4, 5]


def _ballot(submitted: list[int]) -> Ballot:
    return Ballot(
        id=1, stage_id=1, title="Vision vote", note_ids=[10, 11, 12], budget=3, cap=2, submitted=submitted
    )


def test_a_voter_with_dots_but_no_confirmation_is_placing_and_counts_as_voted() -> None:
    progress = ballots.progress(_ballot([1]), [(1, 10), (2, 11), (2, 11)], VOTERS)
    assert progress.done == [1]
    assert progress.placing == [2]
    assert progress.waiting == [3, 4, 5]
    assert progress.voted == 2


def test_confirmed_with_no_dot_is_done() -> None:
    progress = ballots.progress(_ballot([4]), [], VOTERS)
    assert (progress.done, progress.placing, progress.voted) == ([4], [], 1)


@given(
    submitted=st.lists(st.sampled_from(VOTERS), unique=True),
    dots=st.lists(st.tuples(st.sampled_from(VOTERS), st.sampled_from([10, 11, 12])), max_size=15),
)
def test_before_the_reveal_the_count_of_voters_is_the_results(
    submitted: list[int], dots: list[tuple[int, int]]
) -> None:
    """Every voter is in exactly one group, in the order given, and ``voted`` is what the result will say."""
    ballot = _ballot(submitted)
    progress = ballots.progress(ballot, dots, VOTERS)
    assert sorted(progress.done + progress.placing + progress.waiting) == VOTERS
    assert progress.voted == ballots.voters(ballot, dots)


def test_who_left_after_voting_is_done_and_who_left_without_is_not_counted() -> None:
    """Ana (1) left after a dot, Ben (2) left without voting; Chloé (3) and Dev (4) are on the list."""
    ballot = _ballot([])
    ballot.eligible = [1, 2, 3, 4]
    dots = [(1, 10)]
    progress = ballots.progress(ballot, dots, [3, 4], left=[1, 2])
    assert (progress.done, progress.placing, progress.waiting, progress.voted) == ([1], [], [3, 4], 1)
    counted = ballots.eligible_count(ballot, dots, lambda p: p in (3, 4))
    assert counted == 3 == progress.counted
    assert ballots.voters(ballot, dots) == progress.voted

