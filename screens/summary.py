"""The summary: what each stage produced so far, readable from the back of the room, and the export key.

It is the screen the facilitator shows at the end ("here is what we decided") and the place the export and the
action plan grow from, so each stage is one plain block: its expected output, the counts, the decisions, the
candidate actions and, once a vote was revealed, its top notes.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from facilitation import text, voting
from facilitation.models import Stage, Workshop
from facilitation.stage_kinds import rules_of
from screens.base import WorkshopScreenMixin
from workshop.session import WorkshopSession

TOP_NOTES = 5
"""How many of a vote's notes the summary lists (more when tied with the last)."""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _bullets(marker: str, lines: list[str]) -> Table:
    """Marked lines with a hanging indent, so a long note wraps under its own text, not under the marker."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for line in lines:
        grid.add_row(f"  {marker}", line)
    return grid


def stage_block(session: WorkshopSession, stage: Stage, number: int | None) -> Group:
    """One stage as the room reads it: title and counts, expected output, decisions, candidates, top votes."""
    ws = session.workshop
    heading = Text(f"{number}. {stage.title}" if number else stage.title, style="bold underline")
    if stage.skipped:
        heading.append("  (skipped)", style="dim")
        return Group(heading)
    notes = ws.stage_notes(stage.id)
    decisions = [n for n in notes if n.mark == "decision"]
    candidates = [n for n in notes if n.mark == "candidate"]
    actions = [a for a in ws.actions.values() if a.source_stage_id == stage.id]
    counts = []
    rules = rules_of(stage.kind)
    if rules.readiness_check:
        counts.append(_plural(len(ws.readiness), "readiness answer"))
    if notes or rules.counts_notes:
        counts += [_plural(len(notes), "note"), _plural(len(decisions), "decision")]
        counts.append(_plural(len(candidates), "candidate"))
    if rules.action_plan:
        counts.append(_plural(len(ws.actions), "action") + " in the plan")
    elif actions:
        counts.append(_plural(len(actions), "action"))
    heading.append("   " + " · ".join(counts), style="not underline")
    parts: list[RenderableType] = [heading]
    if stage.output:
        parts.append(Text(f"Expected: {stage.output}", style="italic"))
    if decisions:
        parts.append(Text("Decisions", style="bold green"))
        parts.append(_bullets("✔", [text.preview(n.text, 200) for n in decisions]))
    if candidates:
        parts.append(Text("Candidate actions", style="bold"))
        parts.append(_bullets("→", [text.preview(n.text, 200) for n in candidates]))
    parts.extend(_vote_lines(session, stage.id))
    return Group(*parts)


def _vote_lines(session: WorkshopSession, stage_id: int) -> list[RenderableType]:
    """The top notes of the stage's latest vote, once it has been revealed (never a vote still open)."""
    ballot = session.votes.latest(stage_id)
    if ballot is None or ballot.status != "closed":
        return []
    result = session.votes.result(ballot.id)
    voted = [r for r in result.ranked if r.dots > 0]
    who = f"{_plural(result.voters, 'voter')}, " if ballot.mode == "private" else "room tally, "
    heading = Text(f"Vote: {ballot.title} ({who}{_plural(result.total_dots, 'dot')})", style="bold")
    if not voted:
        return [heading, Text("  no dots were cast", style="dim")]
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(ratio=1)
    for item in voting.top(voted, TOP_NOTES):
        note = session.workshop.notes.get(item.note_id)
        label = text.preview(note.text, 160) if note else f"note #{item.note_id}"
        place = f"  {item.rank}{'=' if item.tied else '.'}"
        grid.add_row(place, Text(_plural(item.dots, "dot"), style="bold"), label)
    return [heading, grid]


class SummaryScreen(WorkshopScreenMixin, Screen[None]):
    """What the workshop produced, stage by stage."""

    AUTO_FOCUS = "#summary"
    DEFAULT_CSS = """
    SummaryScreen #summary-head { height: auto; padding: 0 1; background: $panel; }
    SummaryScreen #summary { height: 1fr; padding: 0 1; }
    SummaryScreen .stage-block { height: auto; margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the stage"),
        Binding("x", "export", "Export…", tooltip="Export: choose Word, Markdown, CSV, JSON and the folder"),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Redraw the summary"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="summary-head")
        yield VerticalScroll(id="summary", can_focus=True)
        yield Footer()

    async def on_mount(self) -> None:
        self.sub_title = "Summary"
        await self.refresh_summary()

    async def on_screen_resume(self) -> None:
        await self.refresh_summary()

    async def refresh_summary(self) -> None:
        session = self.workshop_app.session
        if session is None:
            return
        ws = session.workshop
        self.query_one("#summary-head", Static).update(self._head(ws))
        body = self.query_one("#summary", VerticalScroll)
        await body.remove_children()
        blocks = []
        number = 0
        for stage in ws.agenda():
            counted = not stage.skipped and rules_of(stage.kind).numbered
            if counted:
                number += 1
            shown = number if counted else None
            blocks.append(Static(stage_block(session, stage, shown), classes="stage-block"))
        await body.mount_all(blocks)

    @staticmethod
    def _head(ws: Workshop) -> Text:
        details = " · ".join(x for x in (ws.organisation, ws.date, ws.facilitator) if x)
        notes = ws.live_notes()
        decisions = sum(1 for n in notes if n.mark == "decision")
        return Text.assemble(
            (ws.title, "bold"),
            f"  {details}\n" if details else "\n",
            f"{_plural(len(ws.active_participants()), 'participant')} · {_plural(len(notes), 'note')} · "
            f"{_plural(decisions, 'decision')} · {_plural(len(ws.actions), 'action')}",
        )

    # --- export ------------------------------------------------------------------------------------------

    def action_export(self) -> None:
        """Choose formats and folder in the export dialog, which writes the files in the background."""
        from screens.export_dialog import ExportScreen

        self.app.push_screen(ExportScreen())

    # --- navigation --------------------------------------------------------------------------------------

    async def action_refresh(self) -> None:
        await self.refresh_summary()

    def action_back(self) -> None:
        if not self.is_active:
            return  # a key typed ahead, handled after this screen had already closed
        app = self.workshop_app
        if len(app.screen_stack) > 2:
            app.pop_screen()
        elif app.session is not None:
            from screens.stage import StageScreen

            app.switch_to(StageScreen())
        else:
            app.show_home()
