"""The room's address as a QR code drawn with text (segno), for the facilitator's screen and the projector.

Two modules share one character cell (upper and lower half blocks), so a version-2 code with its quiet zone is
29 columns by 15 lines. The lines ink the dark modules: draw them black on white (``QR_STYLE``) whatever the
terminal's theme, since a phone camera wants dark modules on a light ground.
"""

from __future__ import annotations

import segno

QUIET = 2
"""Quiet-zone modules around the code (the standard asks for 4; 2 scans reliably on a screen and saves space)."""
QR_STYLE = "#000000 on #ffffff"


def qr_lines(data: str) -> list[str]:
    """The QR code of ``data`` as lines of half-block characters, dark modules inked."""
    code = segno.make(data, error="m", micro=False)
    rows = [[bool(v) for v in row] for row in code.matrix_iter(border=QUIET)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    lines = []
    for top, bottom in zip(rows[0::2], rows[1::2], strict=True):
        cells = (
            "█" if up and down else "▀" if up else "▄" if down else " "
            for up, down in zip(top, bottom, strict=True)
        )
        lines.append("".join(cells))
    return lines
