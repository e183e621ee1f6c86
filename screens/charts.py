"""Bars and scales drawn with block characters, shared by the vote result and the readiness chart.

Plain strings, so a screen styles them as it likes and a test can read them. Eighth blocks give a bar its
exact length: on a projector, 5 dots against 4 must look different even when the bar is short.
"""

from __future__ import annotations

EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
SPARK = "▁▂▃▄▅▆▇█"


def bar(value: float, maximum: float, width: int) -> str:
    """A bar of ``width`` cells at most, ``value / maximum`` of it filled; a non-zero value shows at least ▏."""
    if width <= 0 or maximum <= 0 or value <= 0:
        return ""
    eighths = max(1, round(min(value, maximum) / maximum * width * 8))
    full, rest = divmod(eighths, 8)
    return FULL * full + (EIGHTHS[rest] if rest else "")


def spark(counts: tuple[int, ...] | list[int]) -> str:
    """One character per count, its height relative to the largest (a histogram in a few cells)."""
    top = max(counts, default=0)
    if top <= 0:
        return "·" * len(counts)
    return "".join("·" if c == 0 else SPARK[max(0, round(c / top * (len(SPARK) - 1)))] for c in counts)


def scale_position(value: float, low: int, high: int, step: int) -> int:
    """The cell where ``value`` sits on a scale from ``low`` to ``high`` drawn ``step`` cells per unit."""
    return round((min(max(value, low), high) - low) * step)


def range_track(
    minimum: float | None,
    median: float | None,
    maximum: float | None,
    *,
    low: int = 1,
    high: int = 5,
    step: int = 6,
) -> str:
    """A scale from ``low`` to ``high``: ``·`` outside the range, ``━`` inside it, ``●`` at the median."""
    width = (high - low) * step + 1
    cells = ["·"] * width
    if minimum is None or maximum is None or median is None:
        return "".join(cells)
    start, end = scale_position(minimum, low, high, step), scale_position(maximum, low, high, step)
    for i in range(start, end + 1):
        cells[i] = "━"
    cells[scale_position(median, low, high, step)] = "●"
    return "".join(cells)


def scale_labels(*, low: int = 1, high: int = 5, step: int = 6) -> str:
    """The numbers over a ``range_track``, each above its own cell."""
    width = (high - low) * step + 1
    cells = [" "] * width
    for value in range(low, high + 1):
        cells[scale_position(value, low, high, step)] = str(value)
    return "".join(cells)
