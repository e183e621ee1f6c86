"""Moving one item within an ordered list by giving it a position between its new neighbours.

Notes and actions carry float positions, so a move rewrites one record instead of renumbering the list (one
small durable write, whatever the list's length).
"""

from __future__ import annotations

from collections.abc import Sequence


def moved_position(positions: Sequence[float], index: int, offset: int) -> tuple[int, float] | None:
    """Where the item at ``index`` lands after moving ``offset`` places (clamped to the list), and the position
    that puts it there; ``None`` when it does not move. ``positions`` is the list's order, ascending."""
    target = max(0, min(len(positions) - 1, index + offset))
    if target == index:
        return None
    others = [p for i, p in enumerate(positions) if i != index]
    before = others[target - 1] if target > 0 else others[0] - 1
    after = others[target] if target < len(others) else others[-1] + 1
    return target, (before + after) / 2
