"""The stage screen ``workshop open`` shows first is laid out once before its first frame (issue #14).

Textual laid a newly pushed screen out as it resumed and then again at its next update, because the widgets its
``on_mount`` filled in asked for a layout meanwhile (``screens.internals.QuietFirstResume``). The app is started as
``workshop open`` starts it (``quick_start``: the stage from the workshop's opening preview) and counted up to the
same point as ``benchmarks/startup_probe.py``'s READY: the stage screen mounted and the refresh after it drawn.
Counts, never times.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual._compositor import Compositor
from textual.screen import Screen

from facilitation.clock import FakeClock
from screens.app import make_app
from screens.stage import StageScreen
from screens.widgets.note_list import NoteList
from tests.ui_helpers import until
from workshop.session import WorkshopLibrary
from workshop.session.listing import summary_of_tables
from workshop.session.preview import PREVIEW_NOTES, preview_of_tables
from workshop.store import Store


@pytest.fixture
def library(data_dir: Path, clock: FakeClock) -> WorkshopLibrary:
    store = Store(data_dir, summarise=summary_of_tables, preview=preview_of_tables)
    return WorkshopLibrary(store, clock=clock)


def _workshop(library: WorkshopLibrary, notes: int) -> str:
    with library.create("Offsite", participants=["Ana", "Ben"]) as session:
        session.agenda.next()
        for i in range(notes):
            session.notes.add(f"note {i} " + "words " * (i % 17))
        return session.workshop.id


@pytest.mark.parametrize(("size", "notes"), [((80, 24), 60), ((200, 60), 300)])
async def test_the_first_stage_screen_is_laid_out_once_before_its_first_frame(
    library: WorkshopLibrary, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], notes: int
) -> None:
    workshop_id = _workshop(library, notes)
    layouts: list[Screen[Any]] = []
    renders: list[int] = []
    ready: list[tuple[int, int]] = []
    layout, render = Screen._refresh_layout, Compositor.render_update

    def counted_layout(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
        layouts.append(self)
        layout(self, *args, **kwargs)

    def counted_render(self: Compositor, *args: Any, **kwargs: Any) -> Any:
        renders.append(1)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counted_layout)
    monkeypatch.setattr(Compositor, "render_update", counted_render)
    mount = StageScreen.on_mount

    def on_mount(screen: StageScreen) -> None:  # READY, as benchmarks/startup_probe.py takes it
        mount(screen)
        screen.app.call_after_refresh(
            lambda: ready.append((sum(s is screen for s in layouts), len(renders))) if not ready else None
        )

    monkeypatch.setattr(StageScreen, "on_mount", on_mount)
    app = make_app(library, workshop_id, quick_start=True)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: bool(ready), "the first frame")
        stage_layouts, frames = ready[0]
        assert stage_layouts == 1
        assert frames == 1  # drawn once (screens.internals.QuietFirstResume)
        screen = app.screen
        assert isinstance(screen, StageScreen)
        # ... and that one layout is the whole of it: the newest note highlighted and in view, everything sized
        listed = screen.query_one(NoteList)
        # (the preview holds the newest PREVIEW_NOTES; above them, one option stands for the earlier ones)
        assert listed.highlighted == listed.option_count - 1
        assert listed.note_count == min(notes, PREVIEW_NOTES)
        assert listed.selected_note_id == max(listed.note_ids)
        assert listed.scroll_offset.y == listed.max_scroll_y > 0
        assert screen.outer_size == app.size
        assert all(widget.size.width > 0 for widget in screen.query("#stage-main, #notes, #note-input"))
        # A resize is laid out at once, as Textual does it
        count = len(layouts)
        await pilot.resize_terminal(size[0] - 10, size[1] - 4)
        await pilot.pause()
        assert len(layouts) > count and screen.outer_size.width == size[0] - 10
        assert listed.scroll_offset.y == listed.max_scroll_y
