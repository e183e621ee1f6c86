"""The app's one-line text field: Textual's ``Input`` whose cursor stops blinking a while after the last key."""

from __future__ import annotations

from textual.widgets import Input

from screens.internals import BlinkForAWhile


class TextField(BlinkForAWhile, Input):
    """Textual's ``Input``; its cursor blinks for ``screens.internals.BLINK_SECONDS`` after each key, click or
    focus, then stays shown (solid) until the next, so a screen left open with a field focused does not wake the
    app twice a second (``screens.internals.BlinkForAWhile``). Styled and queried as an ``Input``."""
