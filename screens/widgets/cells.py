"""Text measured in terminal cells, as Rich and Textual measure it: for our own padding and cutting.

A participant called "👩‍🚀 Astro" is 11 characters long but 8 cells wide (Rich's ``cell_len``: a ZWJ sequence, a
flag or a skin-toned emoji is one wide glyph of 2 cells; joiners, selectors and modifiers take none). Padding names
to a column with ``str.ljust`` counts characters, so the columns after such a name were pushed out of line. Every
column this app pads or cuts itself goes through here, so it lines up wherever Rich and the terminal agree on
widths (Textual draws with the same measure).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size

__all__ = ["cell_len", "fit", "pad", "widest"]


def widest(texts: Iterable[str]) -> int:
    """The width in cells of the widest of ``texts`` (0 for none)."""
    return max((cell_len(t) for t in texts), default=0)


def pad(text: str, width: int) -> str:
    """``text`` followed by blanks up to ``width`` cells (``str.ljust`` in cells); longer text is left as is."""
    return text + " " * max(0, width - cell_len(text))


def fit(text: str, width: int) -> str:
    """``text`` exactly ``width`` cells wide: padded with blanks, or cut and ended with "…" (a wide glyph that
    would straddle the edge is replaced by a blank, as Rich does)."""
    if cell_len(text) <= width:
        return pad(text, width)
    if width <= 0:
        return ""
    return set_cell_size(text, width - 1) + "…"
