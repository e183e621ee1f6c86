"""Moving items by float positions: the order after a move is the order asked for."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from facilitation.ordering import moved_position


def test_moves_and_clamps() -> None:
    assert moved_position([1.0, 2.0, 3.0], 2, -2) == (0, 0.5)
    assert moved_position([1.0, 2.0, 3.0], 0, 1) == (1, 2.5)
    assert moved_position([1.0, 2.0, 3.0], 0, 10) == (2, 3.5)
    assert moved_position([1.0, 2.0, 3.0], 0, -1) is None
    assert moved_position([5.0], 0, 3) is None


@given(st.integers(2, 30), st.data())
def test_the_item_lands_where_asked(size: int, data: st.DataObject) -> None:
    positions = [float(i) for i in range(size)]
    index = data.draw(st.integers(0, size - 1))
    offset = data.draw(st.integers(-size, size))
    result = moved_position(positions, index, offset)
    target = max(0, min(size - 1, index + offset))
    if result is None:
        assert target == index
        return
    landed, position = result
    items = [(p, i) for i, p in enumerate(positions) if i != index] + [(position, index)]
    order = [i for _, i in sorted(items)]
    assert landed == target and order.index(index) == target
