"""A one-line key bar: the footer's job in one widget.

Textual's ``Footer`` mounts a widget per key and rebuilds them all whenever the bindings change (a focus change,
the timer starting); on the stage screen, with fifteen keys, that was most of the time it took to appear. This bar
draws the same information — the screen's shown bindings, one entry per action, in order — as a single line of
styled text, redrawn in place. It is for reading, not clicking: the app is driven from the keyboard.
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget):
    """Shows the active screen's bindings that have ``show=True``, in binding order."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $panel;
        color: $foreground;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def render(self) -> RenderResult:
        key_style = "bold $accent"
        parts: list[Content | tuple[str, str] | str] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            description = binding.description
            key = self.app.get_key_display(binding)
            if enabled:
                parts += [(f" {key} ", key_style), f"{description} "]
            else:
                parts += [(f" {key} ", "dim"), (f"{description} ", "dim")]
        return Content.assemble(*parts)
