"""The action plan and the export dialog, driven from the keyboard with Pilot against a real workshop file.

The workshop has decisions, candidate actions, a revealed stage vote and a revealed final-priorities vote, so
the candidates' order is known: the final vote first, then the rest in agenda order. Exports go to ``tmp_path``
through the real exporter; workers are awaited with ``app.workers.wait_for_complete()``, never slept on.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Label, OptionList, Select, Static

import exports
from facilitation.clock import FakeClock
from facilitation.plan import plan_candidates, plan_status
from screens.action_plan import ActionFormScreen, ActionPlanScreen
from screens.app import WorkshopApp, make_app
from screens.dialogs import ConfirmScreen
from screens.export_dialog import (
    ExportProblem,
    ExportScreen,
    default_export_folder,
    missing_details,
    prepare_folder,
)
from screens.help import help_sections
from screens.navigation import help_screens
from screens.stage import StageScreen
from screens.summary import SummaryScreen
from tests.ui_helpers import messages, screen_text
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZE = (120, 36)


@dataclass
class Built:
    workshop_id: str
    notes: dict[str, int]


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def built(library: WorkshopLibrary) -> Built:
    """Vision: one decision. Strategy: a tally vote (S2 5, S1 3, S3 3, S4 1) and S4 marked a candidate.
    Final priorities (tally): S1 7, V1 4, S2 2."""
    session = library.create("Leadership offsite", participants=["Ana", "Ben Okafor", "Chloé"])
    stages = {s.key: s.id for s in session.workshop.agenda()}
    notes: dict[str, int] = {}
    for key, name, body in [
        ("vision", "V1", "Work out loud by default\nso others can find it"),
        ("vision", "V2", "Customers first"),
        ("vision", "V3", "Nobody reads status reports"),
        ("strategy", "S1", "Cut first-response time by 30%"),
        ("strategy", "S2", "Community deflects 15% of tickets"),
        ("strategy", "S3", "Name a moderator per region"),
        ("strategy", "S4", "Retire the old wiki"),
        ("strategy", "S5", "Nobody voted for this one"),
    ]:
        notes[name] = session.notes.add(body, stage_id=stages[key]).id
    session.notes.mark(notes["V1"], "decision")
    session.notes.mark(notes["S4"], "candidate")
    ballot = session.votes.open(stages["strategy"], mode="tally")
    for name, dots in (("S2", 5), ("S1", 3), ("S3", 3), ("S4", 1)):
        session.votes.tally(ballot.id, notes[name], dots)
    session.votes.close(ballot.id)
    final = session.votes.open(None, note_ids=[notes["V1"], notes["S1"], notes["S2"]], mode="tally")
    for name, dots in (("S1", 7), ("V1", 4), ("S2", 2)):
        session.votes.tally(final.id, notes[name], dots)
    session.votes.close(final.id)
    workshop_id: str = session.workshop.id
    session.close()
    return Built(workshop_id, notes)


@pytest.fixture
def app(library: WorkshopLibrary, built: Built, clock: FakeClock) -> Iterator[WorkshopApp]:
    app = make_app(library, built.workshop_id, exporter=exports.export_workshop, clock=clock)
    yield app
    app.close_session()


async def open_plan(app: WorkshopApp, pilot: Pilot[None]) -> ActionPlanScreen:
    await pilot.pause()
    await pilot.press("o")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ActionPlanScreen)
    return screen


def form(app: WorkshopApp) -> ActionFormScreen:
    screen = app.screen
    assert isinstance(screen, ActionFormScreen), f"expected the action form, got {screen!r}"
    return screen


async def type_into(pilot: Pilot[None], widget: Input, value: str) -> None:
    widget.focus()
    widget.value = ""
    await pilot.press(*value)


def plain(renderable: object, width: int = 100) -> str:
    """A Rich renderable (an option's prompt) as the text it shows."""
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return " ".join(console.export_text().split())


def table_rows(screen: ActionPlanScreen) -> list[list[str]]:
    table = screen.query_one("#actions", DataTable)
    return [screen.row_fields(i) for i in range(table.row_count)]


# --- candidates ---------------------------------------------------------------------------------------------


async def test_candidates_follow_the_final_vote_then_the_agenda(app: WorkshopApp, built: Built) -> None:
    n = built.notes
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plan(app, pilot)
        assert app.session is not None
        order = [c.note.id for c in plan_candidates(app.session.workshop)]
        # Final vote S1, V1, S2; then the strategy vote's top 3 with S3 (tied 3rd) and the candidate S4.
        assert order == [n["S1"], n["V1"], n["S2"], n["S3"], n["S4"]]
        options = screen.query_one("#candidates", OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [
            f"n{i}" for i in order
        ]
        first = plain(options.get_option_at_index(0).prompt)
        assert "Cut first-response time" in first and "Strategy" in first and "3 dots" in first
        assert "final vote: 7 dots" in first
        assert first.startswith("1. Cut first-response time")
        assert (
            "2. Work out loud by default so others can find it Vision DECISION · final vote: 4 dots"
            in plain(options.get_option_at_index(1).prompt)
        )
        assert "ranked by “Final priorities”" in str(screen.query_one("#plan-title", Static).content)


# --- making, editing, reordering, completing and deleting actions -----------------------------------------


async def test_a_turns_the_highlighted_candidate_into_an_action(
    app: WorkshopApp, built: Built, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plan(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        dialog = form(app)
        assert dialog.query_one("#title", Input).value == "Cut first-response time by 30%"
        # Owner: picked from the list of participants with the keyboard.
        owner = dialog.query_one("#owner", Select)
        owner.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert owner.value == "Ben Okafor"
        await type_into(pilot, dialog.query_one("#due", Input), "+2w")
        await type_into(pilot, dialog.query_one("#measure", Input), "Weekly dashboard")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert app.session is not None
        (action,) = app.session.workshop.ordered_actions()
        today = date.fromtimestamp(clock.wall())
        assert action.title == "Cut first-response time by 30%"
        assert action.owner == "Ben Okafor" and action.owner_id is not None
        assert action.due == (today + timedelta(weeks=2)).isoformat()
        assert action.measure == "Weekly dashboard"
        assert action.source_note_id == built.notes["S1"]
        assert table_rows(screen)[0][:4] == ["1", action.title, "Ben Okafor", action.due]
        prompt = screen.query_one("#candidates", OptionList).get_option_at_index(0).prompt
        assert f"✓ HAS ACTION #{action.id}" in plain(prompt)
        assert any(m.startswith(f"Action #{action.id} added, due ") for m in messages(app))
        assert plan_status(app.session.workshop) == "1 action · every action has an owner and a date"


async def test_a_bad_due_date_keeps_the_form_open_with_the_message(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(app, pilot)
        await pilot.press("down", "enter")  # enter on a candidate does what a does
        await pilot.pause()
        dialog = form(app)
        assert dialog.query_one("#title", Input).value == "Work out loud by default"
        await type_into(pilot, dialog.query_one("#owner-typed", Input), "Dana from Finance")
        await type_into(pilot, dialog.query_one("#due", Input), "someday")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        hint = dialog.query_one("#due-hint", Label)
        assert hint.has_class("-error") and "2026-12-15" in str(hint.content), "the date's own hint says why"
        assert not dialog.query_one("#form-error", Static).display, "and nothing repeats it under the form"
        assert screen_text(app).count("'someday'") == 1
        assert dialog.focused is dialog.query_one("#due", Input), "the cursor is on the date to correct"
        assert app.session is not None and not app.session.workshop.actions
        assert dialog.query_one("#owner-typed", Input).value == "Dana from Finance"  # nothing retyped
        await type_into(pilot, dialog.query_one("#due", Input), "2026-12-15")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ActionFormScreen)
        (action,) = app.session.workshop.actions.values()
        assert (action.owner, action.owner_id, action.due) == ("Dana from Finance", None, "2026-12-15")


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
@pytest.mark.parametrize(
    ("title", "due", "said"),
    [("Publish the FAQ", "31 feb", "February 2027 has no day 31"), ("", "+2w", "cannot be empty")],
)
async def test_each_refusal_of_the_action_form_is_said_once_and_nothing_is_cut_off(
    app: WorkshopApp, size: tuple[int, int], title: str, due: str, said: str
) -> None:
    """At 80x24 a date it cannot read was said twice (its hint and again under the form), which pushed the form's
    keys off the dialog. Each refusal is said once, and the whole form, its keys included, stays in view."""
    async with app.run_test(size=size) as pilot:
        await open_plan(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        dialog = form(app)
        await type_into(pilot, dialog.query_one("#title", Input), title)
        await type_into(pilot, dialog.query_one("#due", Input), due)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        saying = [w for w in dialog.query(Static) if w.display and said in " ".join(str(w.content).split())]
        assert len(saying) == 1, [str(w.content) for w in saying]
        shown = " ".join(screen_text(app).replace("█", " ").split())
        for part in ("New action", "What", "Due", "Measure", "Priority", "Enter or ctrl+s saves"):
            assert part in shown, f"{part!r} is cut off at {size}"


async def test_new_edit_reorder_complete_and_delete(app: WorkshopApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plan(app, pilot)
        assert app.session is not None
        session = app.session
        first = session.actions.add("First", owner="Ana", due="2026-12-01")
        # n: a new action that does not come from a note; no owner and no date.
        await pilot.press("n")
        await pilot.pause()
        dialog = form(app)
        assert dialog.query_one("#title", Input).value == ""
        await pilot.press(*"Second", "enter")
        await pilot.pause()
        second = max(session.workshop.actions.values(), key=lambda a: a.id)
        assert (second.title, second.owner, second.due, second.source_note_id) == ("Second", "", None, None)
        status = str(screen.query_one("#plan-status", Static).content)
        assert status == "2 actions · 1 without an owner · 1 without a due date"
        assert table_rows(screen)[1][6] == "⚠" and table_rows(screen)[0][6] == ""

        # e edits the highlighted action (the one just added is highlighted).
        await pilot.press("e")
        await pilot.pause()
        dialog = form(app)
        assert dialog.query_one("#title", Input).value == "Second"
        await type_into(pilot, dialog.query_one("#due", Input), "next friday")
        dialog.query_one("#priority", Select).value = 1
        await pilot.press("ctrl+s")
        await pilot.pause()
        second = session.actions.get(second.id)
        assert second.due is not None and second.priority == 1 and second.title == "Second"
        assert str(screen.query_one("#plan-status", Static).content) == "2 actions · 1 without an owner"

        # shift+up moves it above the first; ctrl+down moves it back.
        screen.query_one("#actions", DataTable).focus()
        await pilot.press("shift+up")
        await pilot.pause()
        assert [a.id for a in session.workshop.ordered_actions()] == [second.id, first.id]
        assert [row[1] for row in table_rows(screen)] == ["Second", "First"]
        assert screen.selected_action_id == second.id
        await pilot.press("ctrl+down")
        await pilot.pause()
        assert [a.id for a in session.workshop.ordered_actions()] == [first.id, second.id]

        # space completes, space again re-opens; c does the same.
        await pilot.press("space")
        await pilot.pause()
        assert session.actions.get(second.id).status == "done"
        assert "1 done" in str(screen.query_one("#plan-status", Static).content)
        await pilot.press("c")
        await pilot.pause()
        assert session.actions.get(second.id).status == "open"

        # delete asks first; "n" keeps it, "y" deletes.
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert second.id in session.workshop.actions
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert second.id not in session.workshop.actions
        assert [row[1] for row in table_rows(screen)] == ["First"]
        assert f"Action #{second.id} deleted." in messages(app)


async def test_a_candidate_with_an_action_asks_before_a_second_one(app: WorkshopApp, built: Built) -> None:
    async with app.run_test(size=SIZE) as pilot:
        assert app.session is not None
        app.session.actions.add("Already", source_note_id=built.notes["S1"])
        await open_plan(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ActionPlanScreen)


async def test_stacked_at_80x24_and_side_by_side_when_wide(app: WorkshopApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(app, pilot)
        candidates, actions = screen.query_one("#candidates-pane"), screen.query_one("#actions-pane")
        assert not screen.has_class("-wide")
        assert candidates.region.bottom <= actions.region.y
        assert candidates.region.height >= 5 and actions.region.height >= 5
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert screen.has_class("-wide")
        assert candidates.region.right <= actions.region.x
        assert candidates.region.y == actions.region.y


# --- reaching it ------------------------------------------------------------------------------------------


async def test_the_action_plan_stage_says_press_o(app: WorkshopApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.session is not None
        plan_stage = next(s for s in app.session.workshop.agenda() if s.kind == "action_plan")
        stage = app.screen
        assert isinstance(stage, StageScreen)
        assert "Press o" not in str(stage.query_one("#stage-prompt", Static).content)
        stage.action_go_to_stage(plan_stage.id)
        await pilot.pause()
        assert "Press o for the action plan" in str(stage.query_one("#stage-prompt", Static).content)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ActionPlanScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is stage


def test_the_help_lists_the_action_plan_and_export_keys(app: WorkshopApp) -> None:
    sections = dict(help_sections(app, help_screens(type(app))))
    plan = {entry.description for entry in sections["Action plan"]}
    assert "Turn the highlighted candidate into an action (enter too)" in plan
    assert "Move the action up the plan" in plan
    assert any("Export" in heading for heading in sections)


# --- exporting ----------------------------------------------------------------------------------------------


async def open_export(app: WorkshopApp, pilot: Pilot[None], folder: Path | None) -> ExportScreen:
    await pilot.press("x")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ExportScreen)
    if folder is not None:
        field = dialog.query_one("#folder", Input)
        field.value = str(folder)
    return dialog


async def test_export_writes_the_chosen_files_and_names_them(
    app: WorkshopApp, built: Built, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    async with app.run_test(size=SIZE) as pilot:
        assert app.session is not None
        app.session.actions.add("Owned and dated", owner="Ana", due="2026-12-01")
        await open_plan(app, pilot)
        dialog = await open_export(app, pilot, out)
        assert dialog.formats == ["docx", "md", "csv", "json"]
        assert not dialog.query_one("#missing", Static).display
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        names = sorted(p.name for p in out.iterdir())
        workshop_id = built.workshop_id
        assert names == sorted(
            [
                *(exports.default_name(app.session.workshop, f) for f in ("docx", "md", "csv", "json")),
                f"{workshop_id}-notes.csv",
            ]
        )
        assert isinstance(app.screen, ActionPlanScreen)
        done = [m for m in messages(app) if m.startswith("Wrote 5 files")]
        assert done and all(name in done[0] for name in names), messages(app)
        assert f"{workshop_id}-action-plan.docx" in done[0]
        event = app.session.workshop.events[-1]
        assert event.kind == "export.written" and event.data["files"] == [
            f"{workshop_id}-action-plan.docx",
            f"{workshop_id}-minutes.md",
            f"{workshop_id}-actions.csv",
            f"{workshop_id}-notes.csv",
            f"{workshop_id}.json",
        ]
        assert "Owned and dated" in (out / f"{workshop_id}-actions.csv").read_text(encoding="utf-8")

        # Only Markdown this time, over the existing file: refused until overwrite is ticked.
        md = out / f"{workshop_id}-minutes.md"
        md.write_text("kept", encoding="utf-8")
        dialog = await open_export(app, pilot, out)
        for fmt in ("docx", "csv", "json"):
            dialog.query_one(f"#format-{fmt}", Checkbox).value = False
        assert dialog.formats == ["md"]
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is dialog
        shown = str(dialog.query_one("#export-message", Static).content)
        assert f"{md} exists" in shown and "Overwrite files that already exist" in shown
        assert md.read_text(encoding="utf-8") == "kept"
        dialog.query_one("#overwrite", Checkbox).value = True
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert md.read_text(encoding="utf-8").startswith("# ")
        assert not isinstance(app.screen, ExportScreen)


async def test_export_asks_about_actions_without_owner_or_date(app: WorkshopApp, tmp_path: Path) -> None:
    out = tmp_path / "out"
    async with app.run_test(size=SIZE) as pilot:
        assert app.session is not None
        app.session.actions.add("Nobody owns this")
        app.session.actions.add("Nor this", owner="Ana")
        assert missing_details(app.session.workshop) == "1 action has no owner and 2 have no due date"
        await pilot.press("s")  # from the summary this time
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        dialog = await open_export(app, pilot, out)
        assert "1 action has no owner and 2 have no due date" in str(
            dialog.query_one("#missing", Static).content
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is dialog and not out.exists()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(list(out.iterdir())) == 5
        assert isinstance(app.screen, SummaryScreen)


async def test_export_refuses_a_typed_folder_whose_parent_is_missing(
    app: WorkshopApp, tmp_path: Path
) -> None:
    target = tmp_path / "no" / "such" / "folder"
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(app, pilot)
        dialog = await open_export(app, pilot, target)
        await pilot.press("enter")  # enter in the folder field exports too
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is dialog
        assert "does not exist" in str(dialog.query_one("#export-message", Static).content)
        assert not (tmp_path / "no").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only folder")
async def test_export_to_a_read_only_folder_fails_cleanly(app: WorkshopApp, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_plan(app, pilot)
            dialog = await open_export(app, pilot, locked / "new")
            await pilot.press("ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.screen is dialog
            assert "read-only" in str(dialog.query_one("#export-message", Static).content)
            assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


async def test_default_folder_is_documents_when_it_exists(
    app: WorkshopApp, built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert default_export_folder("w-1") == tmp_path / "w-1"
    (tmp_path / "Documents").mkdir()
    assert default_export_folder("w-1") == tmp_path / "Documents" / "w-1"
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(app, pilot)
        dialog = await open_export(app, pilot, None)
        assert dialog.query_one("#folder", Input).value == f"~/Documents/{built.workshop_id}"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(list((tmp_path / "Documents" / built.workshop_id).iterdir())) == 5


def test_a_folder_that_cannot_be_created_is_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(ExportProblem, match="its folder is read-only"):
        prepare_folder(tmp_path / "new", create_parents=False)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ExportProblem, match="is a file, not a folder"):
        prepare_folder(tmp_path / "file", create_parents=True)
    assert prepare_folder(tmp_path, create_parents=False) is False


async def test_the_pdf_ticks_reason_reads_whole_at_80x24(
    app: WorkshopApp, built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without LibreOffice the PDF tick read "PDF action plan (.pdf): needs LibreOffice, not found o" at 80x24."""
    import screens.export_dialog as export_dialog

    monkeypatch.setattr(export_dialog, "libreoffice_found", lambda: False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(app, pilot)
        dialog = await open_export(app, pilot, tmp_path / "out")
        label = str(dialog.query_one("#format-pdf", Checkbox).label)
        assert label in screen_text(app)


async def test_pdf_tick_is_off_by_default_and_says_when_libreoffice_is_missing(
    app: WorkshopApp, built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import screens.export_dialog as export_dialog

    monkeypatch.setattr(export_dialog, "libreoffice_found", lambda: False)
    out = tmp_path / "out"
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(app, pilot)
        dialog = await open_export(app, pilot, out)
        tick = dialog.query_one("#format-pdf", Checkbox)
        assert not tick.value and "needs LibreOffice, not installed here" in str(tick.label)
        tick.value = True
        for fmt in ("docx", "md", "csv", "json"):
            dialog.query_one(f"#format-{fmt}", Checkbox).value = False
        assert dialog.formats == ["pdf"]


def test_a_row_lays_out_its_columns_as_one_cell_per_column_would() -> None:
    """Each column cut with an ellipsis or padded to its width, two blanks apart; the padding is not styled (a
    dropped action's strike-through stops at its title); ``fields_of`` reads the columns back."""
    from rich.text import Text

    from screens.action_plan import GAP, fields_of, joined

    widths = [3, 10, 4]
    row = joined([Text("12"), Text("Publish the roadmap", style="strike"), Text("Ana")], widths)
    assert row.plain == "12 " + " " * GAP + "Publish t…" + " " * GAP + "Ana "
    assert [(s.start, s.end, str(s.style)) for s in row.spans] == [(5, 15, "strike")]
    assert fields_of(row.plain, widths) == ["12", "Publish t…", "Ana"]
    wide = joined([Text("7"), Text("会議の議事録を共有する"), Text("")], widths)
    assert wide.cell_len == sum(widths) + GAP * 2, "wide characters are counted in cells"
