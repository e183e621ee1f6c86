"""The Word, Markdown and CSV exports: content, order, privacy, hostile text, and safe writing.

The workshop is built by hand from the models (no store, no session), so these tests pin the exports alone.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports import csv_export, docx_export, export_workshop, markdown
from exports.common import build_report
from exports.interchange import ExportError
from facilitation import catalogue
from facilitation.models import (
    ActionItem,
    Ballot,
    Event,
    Note,
    Participant,
    ReadinessResponse,
    Stage,
    Vote,
    Workshop,
)

T0 = 1_800_000_000.0
"""Wall-clock start of the hand-built workshop (15 January 2027)."""
NOW = T0 + 3 * 3600

EMOJI_NOTE = "Ship the community hub 🚀👩🏽‍💻 by spring"
RTL_NOTE = "نريد أن يشعر كل موظف بأن صوته مسموع — everyone's voice is heard."
PIPE_NOTE = "Measure | adoption | not logins"
MULTILINE_NOTE = "First line of a longer thought\n\nSecond paragraph:\n- a dash item\n# not a heading"
ANON_NOTE = "Stop writing status reports nobody reads"
VISION_DECISION = "Every team finds who already solved their problem, in minutes not weeks."


def _timer(started: float, finished: float | None, minutes: int) -> dict[str, object]:
    return {
        "version": 1,
        "status": "finished" if finished else "running",
        "planned_seconds": minutes * 60.0,
        "extended_seconds": 0.0,
        "accumulated_seconds": (finished - started) if finished else 0.0,
        "running_since_wall": None if finished else started,
        "started_at": started,
        "finished_at": finished,
    }


def rich_workshop() -> Workshop:
    """A workshop mid-way: readiness done, votes in two stages (one a room tally), a final vote, actions."""
    ws = Workshop(
        id="kickoff-1a2b",
        title="Collaboration Kick-off",
        organisation="Northwind Field Services",
        facilitator="Maya Chen",
        date="2027-01-15",
        created_at=T0 - 600,
    )
    names = ["Ana Souza", "Ben Okafor", "Chloé Martin", "فاطمة الزهراء", "Dev Patel"]
    for i, name in enumerate(names, start=1):
        ws.participants[i] = Participant(id=i, name=name, active=i != 5)
    agenda = [*catalogue.default_agenda(), catalogue.custom_stage("Parking lot", 5)]
    for i, template in enumerate(agenda, start=1):
        ws.stages[i] = Stage(
            id=i,
            key=template.key,
            title=template.title,
            minutes=template.minutes,
            kind=template.kind,
            purpose=template.purpose,
            prompts=list(template.prompts),
            output=template.output,
            position=i,
            skipped=template.key == "adapt",
        )
    stage = {s.key: s.id for s in ws.stages.values()}
    stage["parking"] = 9
    # readiness 11 min, vision 25 min (over), strategy 18 min (under), purpose running for 10 min
    ws.stages[1].timer = _timer(T0, T0 + 660, 10)
    ws.stages[2].timer = _timer(T0 + 660, T0 + 2160, 20)
    ws.stages[3].timer = _timer(T0 + 2160, T0 + 3240, 20)
    ws.stages[4].timer = _timer(NOW - 600, None, 20)
    ws.current_stage_id = 4

    def note(nid: int, key: str, body: str, author: int | None, mark: str | None = None) -> None:
        ws.notes[nid] = Note(
            id=nid,
            stage_id=stage[key],
            text=body,
            author_id=author,
            created_at=T0 + nid,
            position=nid,
            mark=mark,
        )

    note(1, "vision", EMOJI_NOTE, 1)
    note(2, "vision", VISION_DECISION, 2, "decision")
    note(3, "vision", RTL_NOTE, 4)
    note(4, "vision", ANON_NOTE, None)
    note(5, "vision", MULTILINE_NOTE, 3)
    note(6, "vision", "A deleted thought", 1)
    ws.notes[6].deleted_at = T0 + 100
    note(7, "strategy", "Cut time-to-answer for field engineers by 30% by June", 2, "decision")
    note(8, "strategy", PIPE_NOTE, None, "candidate")
    note(9, "strategy", "Customer community deflects 15% of tickets", 1)
    note(10, "purpose", "Engineers swap fixes for the top 20 faults", 3)
    note(11, "parking", "*Bold* claim with _underscores_ and <b>html</b> & [a link](http://x)", 5)

    # Vision: private ballot, closed (ranks: note 2 has 4 dots, 1 and 3 tie at 2, 4 has 1, 5 has 0).
    ws.ballots[1] = Ballot(
        id=1,
        stage_id=stage["vision"],
        title="Vision vote",
        note_ids=[1, 2, 3, 4, 5, 6],
        budget=3,
        cap=2,
        status="closed",
        opened_at=T0 + 1800,
        closed_at=T0 + 2000,
        eligible=[1, 2, 3, 4],
        submitted=[1, 2, 3, 4],
    )
    dots = [(1, 2), (1, 2), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (3, 1), (4, 4), (4, 6)]
    for vid, (participant, note_id) in enumerate(dots, start=1):
        ws.votes[vid] = Vote(
            id=vid, ballot_id=1, participant_id=participant, note_id=note_id, cast_at=T0 + 1900
        )
    # An earlier, re-run ballot whose result must be ignored.
    ws.ballots[2] = Ballot(
        id=2,
        stage_id=stage["vision"],
        title="Vision vote",
        note_ids=[1, 2],
        budget=1,
        cap=1,
        status="closed",
        opened_at=T0 + 1700,
        closed_at=T0 + 1750,
    )
    ws.votes[20] = Vote(id=20, ballot_id=2, participant_id=1, note_id=5, cast_at=T0 + 1720)
    # Strategy: room tally.
    ws.ballots[3] = Ballot(
        id=3,
        stage_id=stage["strategy"],
        title="Strategy vote",
        note_ids=[7, 8, 9],
        budget=3,
        cap=3,
        mode="tally",
        status="closed",
        tally={7: 5, 8: 2, 9: 0},
        opened_at=T0 + 3000,
        closed_at=T0 + 3100,
    )
    # Purpose: still open, so no dots are shown.
    ws.ballots[4] = Ballot(
        id=4, stage_id=stage["purpose"], title="Purpose vote", note_ids=[10], budget=1, cap=1, status="open"
    )
    ws.votes[30] = Vote(id=30, ballot_id=4, participant_id=2, note_id=10)
    # Final priorities across stages.
    ws.ballots[5] = Ballot(
        id=5,
        stage_id=None,
        title="Final priorities",
        note_ids=[2, 7, 8],
        budget=2,
        cap=1,
        status="closed",
        opened_at=T0 + 3300,
        closed_at=T0 + 3400,
        anonymous=True,
    )
    for vid, (participant, note_id) in enumerate([(1, 7), (2, 7), (3, 2), (1, 8)], start=40):
        ws.votes[vid] = Vote(id=vid, ballot_id=5, participant_id=participant, note_id=note_id)

    ws.actions = {
        1: ActionItem(
            id=1,
            title="Publish first-response time weekly",
            owner="Ben Okafor",
            due="2027-03-01",
            measure="Dashboard reviewed monthly",
            priority=2,
            source_note_id=7,
            source_stage_id=stage["strategy"],
            position=1,
            created_at=T0 + 3500,
        ),
        2: ActionItem(
            id=2,
            title='=HYPERLINK("http://evil.example","click")',
            owner="@ana",
            due=None,
            measure="-5% churn",
            priority=1,
            position=2,
            created_at=T0 + 3510,
        ),
        3: ActionItem(
            id=3,
            title="Name a community manager",
            owner="",
            due="2027-02-01",
            measure="+1 hire",
            priority=1,
            source_note_id=8,
            source_stage_id=stage["strategy"],
            position=3,
            created_at=T0 + 3520,
        ),
        4: ActionItem(
            id=4,
            title="Review incentives\nwith HR",
            owner="Chloé Martin",
            due="2027-02-01",
            measure="",
            priority=3,
            status="in progress",
            position=4,
            created_at=T0 + 3530,
        ),
        5: ActionItem(
            id=5,
            title="Seed the hub 🚀",
            owner="فاطمة الزهراء",
            due="2027-01-20",
            priority=1,
            source_note_id=1,
            source_stage_id=stage["vision"],
            position=5,
            created_at=T0 + 3540,
        ),
    }

    scores = [
        ("fearful", {"vision": 2, "strategy": 2, "purpose": 3, "launch": 2, "guide": 1, "adapt": 1}),
        ("flippant", {"vision": 3, "strategy": 2, "purpose": 2, "launch": 3, "guide": 2, "adapt": 2}),
        ("fearful", {"vision": 2, "strategy": 1, "purpose": 5, "launch": 2, "guide": 2, "adapt": 1}),
        ("forging", {"vision": 4, "strategy": 3, "purpose": 1, "launch": 3, "guide": 2, "adapt": 3}),
    ]
    for rid, (attitude, answer) in enumerate(scores, start=1):
        ws.readiness[rid] = ReadinessResponse(
            id=rid, participant_id=rid, attitude=attitude, scores=answer, recorded_at=T0 + 60 * rid
        )
    ws.readiness[9] = ReadinessResponse(
        id=9, participant_id=1, round="end", attitude="formulating", scores={}
    )

    summaries = [
        (T0 - 600, "workshop.created", "Workshop “Collaboration Kick-off” created", None, {}),
        (T0, "timer.start", "Readiness check: timer started", 1, {}),
        (T0 + 700, "note.added", "Vision: note #4 by anonymous: Stop writing status reports", 2, {}),
        *[(T0 + 1900 + i, "vote.cast", "Vision vote: a dot cast", 2, {"ballot_id": 1}) for i in range(10)],
        (T0 + 1950, "vote.retracted", "Vision vote: a dot taken back", 2, {"ballot_id": 1}),
        (T0 + 2000, "vote.revealed", "Vision vote revealed: 4 voted; top: #2 (4)", 2, {"ballot_id": 1}),
        (
            T0 + 3500,
            "action.added",
            "Action #1: Publish first-response time weekly (owner Ben Okafor)",
            3,
            {},
        ),
    ]
    for eid, (at, kind, summary, stage_id, data) in enumerate(summaries, start=1):
        ws.events.append(Event(id=eid, at=at, kind=kind, summary=summary, stage_id=stage_id, data=data))
    return ws


def empty_workshop() -> Workshop:
    """A workshop with its agenda and nothing else: no notes, votes, actions, readiness or events."""
    ws = Workshop(id="empty-0000", title="Empty", date="2027-01-15")
    for i, template in enumerate(catalogue.default_agenda(), start=1):
        ws.stages[i] = Stage(
            id=i,
            key=template.key,
            title=template.title,
            minutes=template.minutes,
            kind=template.kind,
            position=i,
        )
    return ws


# --- helpers ----------------------------------------------------------------------------------------------------


def _open_docx(path: Path) -> docx.document.Document:
    return docx.Document(str(path))


def _headings(document: docx.document.Document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]


def _table_with_header(document: docx.document.Document, *header: str) -> list:
    """Every table whose header row starts with ``header``, as lists of row texts (header row excluded)."""
    found = []
    for table in document.tables:
        first = [c.text for c in table.rows[0].cells]
        if first[: len(header)] == list(header):
            found.append([[c.text for c in row.cells] for row in table.rows[1:]])
    return found


def _all_cell_text(document: docx.document.Document) -> list[str]:
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


def _export(ws: Workshop, tmp_path: Path) -> dict[str, Path]:
    paths = export_workshop(ws, ["docx", "md", "csv"], tmp_path)
    return {
        ("notes.csv" if path.name.endswith("-notes.csv") else path.suffix.lstrip(".")): path for path in paths
    }


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


EXPECTED_ACTION_ORDER = [5, 3, 2, 1, 4]
"""High (due 20 Jan, due 1 Feb, no date), then Medium, then Low."""


# --- the shared view --------------------------------------------------------------------------------------------


def test_report_ranks_by_latest_closed_vote_and_ignores_open_and_deleted() -> None:
    report = build_report(rich_workshop(), now=NOW)
    vision = next(s for s in report.stages if s.key == "vision")
    assert [n.id for n in vision.ranked] == [2, 1, 3, 4, 5]  # 4, 2, 2 (tie in board order), 1, 0 dots
    assert [n.rank_label for n in vision.ranked] == ["1", "2=", "2=", "4", "5"]
    assert vision.ranked[-1].dots == 0  # the re-run's earlier dot on note 5 does not count
    assert 6 not in {n.id for n in vision.board}  # deleted
    assert vision.voters == 4 and vision.total_dots == 9
    strategy = next(s for s in report.stages if s.key == "strategy")
    assert [(n.id, n.dots) for n in strategy.ranked] == [(7, 5), (8, 2), (9, 0)]  # room tally
    purpose = next(s for s in report.stages if s.key == "purpose")
    assert not purpose.voted and purpose.ranked[0].dots is None  # its vote is still open


def test_report_summary_vision_priorities_readiness_timing_minutes() -> None:
    report = build_report(rich_workshop(), now=NOW)
    assert report.vision is not None and report.vision.text == VISION_DECISION
    assert report.priorities_source == "Final priorities"
    assert [p.text for p in report.priorities][:2] == [
        "Cut time-to-answer for field engineers by 30% by June",
        VISION_DECISION,
    ]
    start = report.readiness[0]
    assert dict(start.attitudes)["Fearful"] == 2
    assert start.disagreement == ("Purpose",)
    purpose = next(d for d in start.disciplines if d.key == "purpose")
    assert (purpose.median, purpose.minimum, purpose.maximum, purpose.spread) == (2.5, 1, 5, 4)
    assert report.timing.over_under_seconds == pytest.approx(4 * 60)  # +1, +5, -2 over the finished stages
    assert "Adapt" not in [r.title for r in report.timing.rows]  # skipped
    revealed = "Vision vote revealed: Ana Souza, Ben Okafor, Chloé Martin and فاطمة الزهراء voted, 10 dots"
    assert any(m.summary == revealed for m in report.minutes)
    assert not any("dot cast" in m.summary or "taken back" in m.summary for m in report.minutes)


def test_priorities_fall_back_to_decisions_and_vision_to_top_voted_note() -> None:
    ws = rich_workshop()
    del ws.ballots[5]
    ws.notes[2].mark = None
    report = build_report(ws, now=NOW)
    assert report.priorities_source == ""
    assert [p.text for p in report.priorities] == ["Cut time-to-answer for field engineers by 30% by June"]
    assert report.vision is not None and report.vision.text == VISION_DECISION  # top-voted, not decided


# --- Word -------------------------------------------------------------------------------------------------------


def test_docx_headings_in_order(tmp_path: Path) -> None:
    document = _open_docx(_export(rich_workshop(), tmp_path)["docx"])
    level_one = [text for style, text in _headings(document) if style == "Heading 1"]
    assert level_one == [
        "Summary",
        "Action plan",
        "Vision",
        "Strategy",
        "Purpose",
        "Launch",
        "Guide",
        "Adapt",
        "Parking lot",
        "Readiness check",
        "Timing report",
        "Appendix",
    ]
    level_two = [text for style, text in _headings(document) if style == "Heading 2"]
    assert level_two[:4] == ["Vision", "Top priorities", "Readiness", "At a glance"]
    assert "Notes ranked by votes" in level_two and "Minutes" in level_two


def test_docx_action_plan_table_matches_actions_in_order(tmp_path: Path) -> None:
    ws = rich_workshop()
    document = _open_docx(_export(ws, tmp_path)["docx"])
    (rows,) = _table_with_header(document, "#", "Action", "Status", "Owner", "Due")
    assert [row[1] for row in rows] == [ws.actions[i].title for i in EXPECTED_ACTION_ORDER]
    assert rows[0] == ["1", "Seed the hub 🚀", "Open", "فاطمة الزهراء", "20 Jan 2027", "—", "High"]
    assert rows[2][3] == "@ana"  # Word is not a spreadsheet: no guard here
    table = next(t for t in document.tables if t.rows[0].cells[1].text == "Action")
    header_row = table.rows[0]._tr
    assert (
        header_row.find(f"{{{docx.oxml.ns.nsmap['w']}}}trPr/{{{docx.oxml.ns.nsmap['w']}}}tblHeader")
        is not None
    )


def test_docx_note_texts_exact_and_anonymous_without_author(tmp_path: Path) -> None:
    document = _open_docx(_export(rich_workshop(), tmp_path)["docx"])
    cells = _all_cell_text(document)
    for text in (EMOJI_NOTE, RTL_NOTE, PIPE_NOTE, MULTILINE_NOTE, ANON_NOTE):
        assert text in cells
    ranked = _table_with_header(document, "Rank", "Dots", "Note")[0]
    anonymous = next(row for row in ranked if row[2] == ANON_NOTE)
    assert anonymous[3] == ""
    assert next(row for row in ranked if row[2] == EMOJI_NOTE)[3] == "Ana Souza"
    assert "A deleted thought" not in cells
    assert [row[2] for row in ranked] == [VISION_DECISION, EMOJI_NOTE, RTL_NOTE, ANON_NOTE]
    assert [row[0] for row in ranked] == ["1", "2=", "2=", "4"]  # as on the result screen


def test_docx_properties_footer_fields_and_contents(tmp_path: Path) -> None:
    document = _open_docx(_export(rich_workshop(), tmp_path)["docx"])
    props = document.core_properties
    assert props.title == "Collaboration Kick-off"
    assert props.author == "Maya Chen"
    assert "Northwind Field Services" in props.subject
    footer = document.sections[0].footer._element.xml
    assert " PAGE " in footer and " NUMPAGES " in footer
    body = document.element.body.xml
    assert 'TOC \\o "1-3" \\h \\z \\u' in body
    assert "w:updateFields" not in document.settings.element.xml  # no security prompt: the entries are links
    assert document.styles["Normal"].font.name == "Calibri"


def test_docx_long_title_is_truncated_in_properties(tmp_path: Path) -> None:
    ws = rich_workshop()
    ws.title = "T" * 400
    ws.facilitator = "F" * 300
    document = _open_docx(_export(ws, tmp_path)["docx"])
    assert len(document.core_properties.title) == 255
    assert len(document.core_properties.author) == 255


# --- Markdown ---------------------------------------------------------------------------------------------------


def test_markdown_sections_and_escaping(tmp_path: Path) -> None:
    text = _export(rich_workshop(), tmp_path)["md"].read_text(encoding="utf-8")
    for heading in (
        "# Collaboration Kick-off",
        "## Details",
        "## Summary",
        "### Vision",
        "### Top priorities",
        "## Action plan",
        "## Vision",
        "## Strategy",
        "### Notes ranked by votes",
        "## Readiness check",
        "## Timing report",
        "## Minutes",
    ):
        assert f"\n{heading}\n" in f"\n{text}"
    assert "| Measure \\| adoption \\| not logins" not in text  # not an action
    assert "Measure \\| adoption \\| not logins" in text
    assert "Review incentives<br>with HR" in text
    assert "\\*Bold\\* claim with \\_underscores\\_ and \\<b\\>html\\</b\\>" in text
    assert "\\# not a heading" in text and "\\- a dash item" in text
    assert "\n# not a heading" not in text
    assert "> Every team finds who already solved their problem" in text
    anonymous = next(line for line in text.splitlines() if ANON_NOTE in line and "dot" in line)
    assert "*(" not in anonymous
    assert EMOJI_NOTE in text and RTL_NOTE in text
    # every table row has the same number of unescaped pipes as its header
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.startswith("|")]
        counts = {line.replace("\\|", "").count("|") for line in lines}
        assert len(counts) <= 1, block


def test_markdown_renders_room_text_literally() -> None:
    """Rendered by a CommonMark parser, notes stay text: no extra headings, lists, links, HTML or emphasis."""
    markdown_it = pytest.importorskip("markdown_it")
    ws = rich_workshop()
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(markdown.render(ws, now=NOW))
    assert html.count("<h1>") == 1 and "<a " not in html and "<b>" not in html
    assert "*Bold* claim with _underscores_ and &lt;b&gt;html&lt;/b&gt; &amp; [a link](http://x)" in html
    assert "- a dash item <br />\n# not a heading" in html
    assert "Measure | adoption | not logins" in html


def test_markdown_escape_keeps_text_literal() -> None:
    assert markdown.escape("1. not a list") == "1\\. not a list"
    assert markdown.escape("- no\n+ items\n---") == "\\- no\n\\+ items\n\\---"
    assert markdown.escape("2.5 and -5%") == "2.5 and -5%"
    assert markdown.escape("snake_case stays") == "snake_case stays"
    assert markdown.cell("a | b\nc") == "a \\| b<br>c"
    assert markdown.cell("") == "—"


# --- CSV --------------------------------------------------------------------------------------------------------


def test_csv_rows_order_and_formula_neutralisation(tmp_path: Path) -> None:
    ws = rich_workshop()
    path = _export(ws, tmp_path)["csv"]
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _csv_rows(path)
    assert list(rows[0]) == list(csv_export.ACTION_COLUMNS)
    assert list(rows[0])[:5] == ["title", "description", "assignee", "due date", "labels"]
    assert [int(r["action id"]) for r in rows] == EXPECTED_ACTION_ORDER
    by_id = {int(r["action id"]): r for r in rows}
    guard = csv_export.GUARD
    assert by_id[2]["title"] == guard + ws.actions[2].title
    assert by_id[2]["assignee"] == guard + "@ana"
    assert by_id[2]["measure of success"] == guard + "-5% churn"
    assert by_id[3]["measure of success"] == guard + "+1 hire"
    assert by_id[4]["title"] == "Review incentives\nwith HR"
    assert by_id[5]["title"] == "Seed the hub 🚀" and by_id[5]["assignee"] == "فاطمة الزهراء"
    assert by_id[1]["priority"] == "Medium" and by_id[5]["priority"] == "High"
    assert by_id[1]["due date"] == "2027-03-01" and by_id[2]["due date"] == ""
    assert by_id[1]["source stage"] == "Strategy"
    assert by_id[1]["source note"] == "Cut time-to-answer for field engineers by 30% by June"
    assert by_id[1]["labels"] == "workshop,strategy,priority-medium"
    assert by_id[4]["status"] == "In progress"
    assert by_id[1]["created"].startswith("2027-01-15T")


# --- edge cases -------------------------------------------------------------------------------------------------


def test_empty_workshop_exports_every_format(tmp_path: Path) -> None:
    files = _export(empty_workshop(), tmp_path)
    document = _open_docx(files["docx"])
    level_one = [text for style, text in _headings(document) if style == "Heading 1"]
    assert level_one[:2] == ["Summary", "Action plan"]
    assert {"Vision", "Strategy", "Purpose", "Launch", "Guide", "Adapt"} <= set(level_one)
    text = files["md"].read_text(encoding="utf-8")
    assert "*No actions were recorded.*" in text and "*No readiness check was recorded.*" in text
    assert _csv_rows(files["csv"]) == []
    assert (
        files["csv"].read_text(encoding="utf-8-sig").startswith("title,description,assignee,due date,labels")
    )
    assert _csv_rows(files["notes.csv"]) == []


def test_control_characters_and_lone_surrogates_are_dropped(tmp_path: Path) -> None:
    ws = rich_workshop()
    dirty = "bad\x00\x07\x1b[31mred\x1b[0m\x0b\ufffe end\ud800!"
    ws.title = "Kick\x0c-off\udfff"
    ws.notes[1].text = dirty
    ws.participants[1].name = "Ana\x1b"
    ws.actions[1].title = dirty
    ws.actions[1].measure = "\x00=1+1"
    files = _export(ws, tmp_path)
    expected = "badred end\ufffd!"
    assert expected in _all_cell_text(_open_docx(files["docx"]))
    assert _open_docx(files["docx"]).core_properties.title == "Kick-off\ufffd"
    assert expected in files["md"].read_text(encoding="utf-8")
    by_id = {int(r["action id"]): r for r in _csv_rows(files["csv"])}
    assert by_id[1]["title"] == expected
    assert by_id[1]["measure of success"] == csv_export.GUARD + "=1+1"


def test_hundred_kilobyte_note(tmp_path: Path) -> None:
    ws = rich_workshop()
    big = ("A long pasted document line with emoji 🧭 and العربية.\n" * 2000)[:100_000].strip()
    ws.notes[4].text = big
    files = _export(ws, tmp_path)
    assert big in _all_cell_text(_open_docx(files["docx"]))
    assert len(files["md"].read_text(encoding="utf-8")) > 100_000


@pytest.mark.parametrize("fmt", ["docx", "md", "csv"])
def test_existing_file_is_kept_without_force(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"out.{fmt}"
    target.write_bytes(b"yesterday's file")
    with pytest.raises(ExportError, match="exists; use --force"):
        export_workshop(rich_workshop(), [fmt], target)
    assert target.read_bytes() == b"yesterday's file"
    export_workshop(rich_workshop(), [fmt], target, force=True)
    assert target.read_bytes() != b"yesterday's file"


def test_several_formats_write_nothing_when_one_target_exists(tmp_path: Path) -> None:
    (tmp_path / "kickoff-1a2b-actions.csv").write_text("old")
    with pytest.raises(ExportError, match="exists"):
        export_workshop(rich_workshop(), ["docx", "md", "csv"], tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kickoff-1a2b-actions.csv"]


@pytest.mark.parametrize("fmt", ["docx", "md", "csv"])
def test_missing_folder_is_a_clear_error(tmp_path: Path, fmt: str) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export_workshop(rich_workshop(), [fmt], tmp_path / "nowhere" / f"out.{fmt}")


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export format"):
        export_workshop(rich_workshop(), ["rtf"], tmp_path)


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write to read-only folders"
)
def test_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="read-only"):
            export_workshop(rich_workshop(), ["md"], folder / "out.md")
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize("fmt", ["docx", "md", "csv"])
def test_failure_mid_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    def broken_replace(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    existing = tmp_path / f"kept.{fmt}"
    existing.write_bytes(b"old")
    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ExportError, match=r"(?i)no space left"):
        export_workshop(rich_workshop(), [fmt], tmp_path / f"new.{fmt}")
    with pytest.raises(ExportError):
        export_workshop(rich_workshop(), [fmt], existing, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"kept.{fmt}"]
    assert existing.read_bytes() == b"old"


# --- arbitrary text ---------------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    note=st.text(),
    title=st.text(),
    name=st.text(),
    action=st.text(),
    owner=st.text(),
    measure=st.text(),
)
def test_any_text_goes_through_every_exporter(
    note: str, title: str, name: str, action: str, owner: str, measure: str
) -> None:
    ws = rich_workshop()
    ws.notes[1].text = note
    ws.title = title
    ws.organisation = title
    ws.participants[1].name = name
    ws.stages[2].title = title
    ws.actions[5].title = action
    ws.actions[5].owner = owner
    ws.actions[5].measure = measure
    document = docx.Document(io.BytesIO(docx_export.render(ws, now=NOW)))
    assert document.tables
    assert markdown.render(ws, now=NOW).startswith("# ")
    rows = list(csv.DictReader(io.StringIO(csv_export.render(ws), newline="")))
    first = next(r for r in rows if r["action id"] == "5")
    assert first["title"] == csv_export.neutralise(build_report(ws).actions[0].title)
    assert len(rows) == len(ws.actions)


# --- a real renderer --------------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_docx_converts_to_pdf_with_libreoffice(tmp_path: Path) -> None:
    path = _export(rich_workshop(), tmp_path)["docx"]
    out = tmp_path / "pdf"
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    pdf = out / (path.stem + ".pdf")
    assert pdf.exists(), result.stderr.decode(errors="replace")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_right_to_left_overrides_left_open_stay_inside_their_own_text(tmp_path: Path) -> None:
    """A title, name, note or action holding a right-to-left override (U+202E) or isolate (U+2067) with no closer
    turned round the rest of its line in Word, Markdown and CSV: the page header read "Kick-off · <reversed
    organisation and status>". Every field is closed at its own end, so nothing after it is turned round."""
    rlo, rli = "\u202e", "\u2067"
    ws = rich_workshop()
    ws.title = f"Kick-off {rlo}2027"
    ws.organisation = f"North{rli}wind"
    ws.participants[1].name = f"Ana {rlo}Souza"
    for note in ws.notes.values():
        note.text = f"{rlo}{note.text}"
    for action in ws.actions.values():
        action.title, action.owner, action.measure = f"{rlo}{action.title}", f"{rli}Ben", f"{rlo}90 %"
    files = _export(ws, tmp_path)
    document = _open_docx(files["docx"])
    header = [p.text for section in document.sections for p in section.header.paragraphs]
    lines = [p.text for p in document.paragraphs] + _all_cell_text(document) + header
    lines += files["md"].read_text(encoding="utf-8").splitlines()
    lines += [
        cell for row in _csv_rows(files["csv"]) + _csv_rows(files["notes.csv"]) for cell in row.values()
    ]
    assert any(rlo in line for line in header) and any(rli in line for line in header)
    for line in lines:
        assert line.count(rlo) == line.count("\u202c") and line.count(rli) == line.count("\u2069"), repr(line)
