"""What ``workshop open ID`` imports before its first frame (issue #14: start-up at most 1.5x a bare Textual app).

Every module imported on the way to the first frame is CPU time before the facilitator sees anything; the stage
screen drawn from the workshop's opening preview needs none of the modules named here. The real console script
runs in a fresh interpreter (``workshop.cli.main`` with ``--data-dir DIR open ID``, the app headless) and reports
``sys.modules`` once the stage screen has mounted and drawn its first frame: a module listed here that shows up
means someone imported it at module level where it could be imported on first use. No timing is asserted: the
times are measured in ``benchmarks/ui_bench.py`` (``startup``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from facilitation.clock import FakeClock
from workshop.session import WorkshopLibrary
from workshop.session.listing import summary_of_tables
from workshop.session.preview import preview_of_tables
from workshop.store import Store

ROOT = Path(__file__).resolve().parent.parent

NOT_AT_START_UP = (
    # Textual widgets only other screens use (the tick lists, tables and editors of set-up, voting, the plan);
    # a bare Textual app imports others (``Select``, ``Tree``, ``Input``) itself, for its command palette.
    "textual.widgets._data_table",
    "textual.widgets._selection_list",
    "textual.widgets._checkbox",
    "textual.widgets._radio_set",
    "textual.widgets._text_area",
    "textual.widgets._markdown",
    "textual.widgets._sparkline",
    "screens.internals_widgets",
    # The other screens: each is imported when it is first opened.
    "screens.action_plan",
    "screens.agenda_overview",
    "screens.charts",
    "screens.commands",
    "screens.dialogs",
    "screens.export_dialog",
    "screens.help",
    "screens.home",
    "screens.projector",
    "screens.readiness",
    "screens.room",
    "screens.setup",
    "screens.summary",
    "screens.voting",
    "screens.widgets.ticks",
    "screens.widgets.readiness_charts",
    "screens.widgets.row_stack",
    # The documents, the room, following another window, the demo, and the libraries behind them.
    "exports.docx_export",
    "exports.pdf",
    "exports.markdown",
    "exports.csv_export",
    "exports.interchange",
    "room",
    "workshop.follow",
    "workshop.demo",
    "docx",
    "lxml",
    "jinja2",
    "starlette",
    "uvicorn",
    "segno",
    "watchdog",
    "tinydb",
    "filelock",
    "hypothesis",
)
"""Modules (and their submodules) the first frame of ``workshop open`` must not import."""

CHILD = textwrap.dedent(
    """
    import json, sys
    from workshop import cli

    import screens.app
    from screens.stage import StageScreen

    report = {}
    newest = int(sys.argv[3])
    mount_stage = StageScreen.on_mount

    def on_mount(screen):
        mount_stage(screen)

        def first_frame():
            report["modules"] = sorted(sys.modules)
            report["from_preview"] = screen.app.opening
            report["newest_listed"] = screen.notes.has_note(newest)
            screen.app.exit()

        screen.app.call_after_refresh(first_frame)

    StageScreen.on_mount = on_mount

    def run_headless(library, workshop_id, exporter=None):
        app = screens.app.make_app(library, workshop_id, exporter=exporter, quick_start=True)
        app.run(headless=True, size=(120, 36))
        app.close_session()

    screens.app.run_app = run_headless
    cli.has_terminal = lambda: True
    sys.argv = ["workshop", "--data-dir", sys.argv[1], "open", sys.argv[2]]
    cli.main()
    print(json.dumps(report))
    """
)


def _first_frame_report(data_dir: Path, workshop_id: str, newest: int) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), workshop_id, str(newest)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    ).stdout
    report: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return report


def _heavy(modules: list[str]) -> list[str]:
    return sorted(m for m in modules if any(m == name or m.startswith(name + ".") for name in NOT_AT_START_UP))


def test_the_first_frame_of_workshop_open_imports_none_of_the_heavy_modules(
    data_dir: Path, clock: FakeClock
) -> None:
    store = Store(data_dir, summarise=summary_of_tables, preview=preview_of_tables)
    with WorkshopLibrary(store, clock=clock).create("Offsite", participants=["Ana", "Ben"]) as session:
        session.agenda.next()
        for number in range(30):
            newest = session.notes.add(f"note {number}").id
        workshop_id = session.workshop.id

    report = _first_frame_report(data_dir, workshop_id, newest)

    assert report["from_preview"] is True  # the path measured: the first frame drawn from the opening preview
    assert report["newest_listed"] is True  # and drawn with the stage's notes, the newest highlighted and shown
    modules = report["modules"]
    assert isinstance(modules, list)
    assert "screens.stage" in modules and "textual.widgets._option_list" in modules  # the report is real
    assert _heavy(modules) == []


def test_the_list_catches_what_it_names() -> None:
    """The check matches a named module and its submodules, and nothing that merely starts with the same letters."""
    assert _heavy(["room", "room.server", "screens.voting.board", "textual.widgets._data_table"]) == [
        "room",
        "room.server",
        "screens.voting.board",
        "textual.widgets._data_table",
    ]
    assert _heavy(["roomy", "screens.stage", "screens.widgets.note_list", "exports", "exports.errors"]) == []
