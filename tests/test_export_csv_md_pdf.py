"""CSV for spreadsheets and trackers, Markdown that pastes into GitLab/GitHub/Azure DevOps without links or
mentions, and the PDF made by LibreOffice (or one line on how to get it)."""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports import csv_export, export_workshop, markdown, pdf
from exports.common import build_report
from exports.errors import ExportError
from facilitation.models import Workshop
from tests.test_exports import NOW, rich_workshop

T0 = 1_800_000_000.0
HAS_SOFFICE = shutil.which("soffice") is not None


def rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


# --- CSV ----------------------------------------------------------------------------------------------------------


def test_actions_csv_holds_the_whole_source_note_and_its_id() -> None:
    ws = rich_workshop()
    long_note = "A long source note. " * 40 + "The end."
    action = next(a for a in ws.actions.values() if a.source_note_id is not None)
    ws.notes[action.source_note_id].text = long_note
    row = next(r for r in rows(csv_export.render(ws)) if r["action id"] == str(action.id))
    assert row["source note"] == long_note.strip()
    assert row["source note id"] == str(action.source_note_id)
    assert long_note.strip() in row["description"]
    assert f"From note {action.source_note_id} in the " in row["description"]


def test_notes_csv_lists_every_live_note_without_anonymous_authors(tmp_path: Path) -> None:
    ws = rich_workshop()
    paths = export_workshop(ws, ["csv"], tmp_path)
    assert [p.name for p in paths] == ["kickoff-1a2b-actions.csv", "kickoff-1a2b-notes.csv"]
    notes = rows(paths[1].read_text(encoding="utf-8-sig"))
    assert list(notes[0]) == list(csv_export.NOTE_COLUMNS)
    live = [n for n in ws.notes.values() if not n.deleted]
    assert sorted(int(r["note id"]) for r in notes) == sorted(n.id for n in live)
    for row in notes:
        note = ws.notes[int(row["note id"])]
        expected = ws.participant_name(note.author_id) if note.author_id is not None else ""
        assert row["author"] == csv_export.neutralise(expected)
        assert row["text"] == csv_export.neutralise(markdown_free(note.text))
    assert any(r["dots"] for r in notes) and any(r["mark"] == "Decision" for r in notes)


def test_a_shared_rank_reads_as_on_the_result_screen_and_sorts_in_a_spreadsheet(tmp_path: Path) -> None:
    """Vision's vote has notes 1 and 3 tied at rank 2. The documents wrote it "=2" (the result screen, phones
    and the projector write "2=", docs/VOTING.md too), and the notes CSV's rank cell was "=2", which the
    formula guard turned into text behind an invisible character: it neither sorted nor filtered as a number."""
    ws = rich_workshop()
    notes = {r["note id"]: r for r in rows(export_workshop(ws, ["csv"], tmp_path)[1].read_text("utf-8-sig"))}
    assert [(notes[i]["rank"], notes[i]["tied"]) for i in ("2", "1", "3", "4")] == [
        ("1", ""),
        ("2", "yes"),
        ("2", "yes"),
        ("4", ""),
    ]
    minutes = markdown.render(ws, now=NOW)
    assert "**1. 4 dots**" in minutes and minutes.count("**2= 2 dots**") == 2
    assert "=2" not in minutes


def markdown_free(value: str) -> str:
    from exports.common import safe

    return safe(value)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_option(tmp_path: Path, delimiter: str) -> None:
    paths = export_workshop(rich_workshop(), ["csv"], tmp_path, delimiter=delimiter)
    for path in paths:
        text = path.read_text(encoding="utf-8-sig")
        header = text.split("\r\n", 1)[0]
        assert header.count(delimiter) >= 6
        assert rows(text, delimiter)


def test_an_unknown_delimiter_is_refused_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="delimiter"):
        export_workshop(rich_workshop(), ["csv", "md"], tmp_path, delimiter="|")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_notes_csv_stops_the_whole_export(tmp_path: Path) -> None:
    (tmp_path / "kickoff-1a2b-notes.csv").write_text("keep me", encoding="utf-8")
    with pytest.raises(ExportError, match="exists"):
        export_workshop(rich_workshop(), ["md", "csv"], tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kickoff-1a2b-notes.csv"]


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_the_guard_is_only_ever_one_invisible_character(value: str) -> None:
    guarded = csv_export.neutralise(value)
    assert guarded.removeprefix(csv_export.GUARD) == value
    assert not guarded.startswith(csv_export.FORMULA_STARTS)


def _calc_cells(path: Path, folder: Path) -> list[str] | None:
    """The cells as LibreOffice Calc shows them, with formulas evaluated on import; ``None`` without Calc."""
    options = "CSV:44,34,76,1,,0,false,true,false,false,false,-1,true"  # last: evaluate formulas
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            f"--infilter={options}",
            "--convert-to",
            "html",
            "--outdir",
            str(folder / "out"),
            str(path),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    html = folder / "out" / (path.stem + ".html")
    if not html.exists():
        return None
    text = html.read_text(encoding="utf-8", errors="replace")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", text, re.S)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_no_cell_runs_and_the_guard_is_not_shown_in_libreoffice_calc(tmp_path: Path) -> None:
    ws = rich_workshop()
    action = ws.actions[1]
    action.title = '=HYPERLINK("http://evil.example","click")'
    action.measure = "=1+1"
    action.owner = "@ana"
    [actions, _] = export_workshop(ws, ["csv"], tmp_path)
    cells = _calc_cells(actions, tmp_path)
    if cells is None:
        pytest.skip("LibreOffice Calc (libreoffice-calc-nogui) is not installed")
    width = len(csv_export.ACTION_COLUMNS)
    table = [
        dict(zip(cells[:width], cells[i : i + width], strict=True)) for i in range(width, len(cells), width)
    ]
    row = next(r for r in table if r["action id"] == "1")
    shown = {key: value.replace("\u200b", "") for key, value in row.items()}
    # nothing was evaluated: the cells show the text as typed (an evaluated =1+1 shows 2, a link shows "click")
    assert shown["title"] == '=HYPERLINK("http://evil.example","click")'
    assert shown["measure of success"] == "=1+1" and shown["assignee"] == "@ana"
    assert not any(cell.startswith("'") for cell in cells)  # no visible apostrophe


# --- Markdown ------------------------------------------------------------------------------------------------------

REFERENCES = [
    re.compile(r"#\d"),  # issues, work items (GitLab, GitHub, Azure DevOps)
    re.compile(r"(?<![\w.+-])@\w"),  # mentions
    re.compile(r"![\d]"),  # merge / pull requests (GitLab, Azure DevOps)
    re.compile(r"[$&%~]\w"),  # GitLab snippets, epics, milestones, labels
]


def test_minutes_hold_no_issue_links_or_mentions() -> None:
    ws = rich_workshop()
    ws.notes[1].text = "As Marta said in note #14: ask @Marta and !7, see $3 ~bug %sprint &2 and owner/repo#9"
    ws.participants[2].name = "@Marta"
    text = markdown.render(ws, now=NOW)
    assert "Note #" not in text
    for pattern in REFERENCES:
        assert not pattern.search(text), (pattern.pattern, pattern.search(text))
    plain = text.replace(markdown.WORD_JOINER, "")
    assert "note #14: ask @Marta and !7" in plain


def test_minutes_render_the_text_unchanged_in_commonmark() -> None:
    markdown_it = pytest.importorskip("markdown_it")
    ws = rich_workshop()
    ws.notes[1].text = "Ask @Marta about #14"
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(markdown.render(ws, now=NOW))
    assert "Ask @\u2060Marta about #\u206014" in html
    assert "<a " not in html


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(alphabet=st.sampled_from("#@!$&%~ a1Z_é-./"), max_size=30))
def test_no_typed_text_becomes_a_reference(value: str) -> None:
    escaped = markdown.escape(value)
    for pattern in REFERENCES:
        assert not pattern.search(escaped), (value, escaped)


# --- PDF ------------------------------------------------------------------------------------------------------------


def test_without_libreoffice_pdf_says_how_to_get_it_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(pdf, "CANDIDATES", ())
    with pytest.raises(ExportError) as caught:
        export_workshop(rich_workshop(), ["docx", "pdf"], tmp_path)
    message = str(caught.value)
    assert "\n" not in message and "LibreOffice" in message and "apt install" in message
    assert list(tmp_path.iterdir()) == []  # refused before anything was written


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_pdf_export_with_libreoffice(tmp_path: Path) -> None:
    [path] = export_workshop(rich_workshop(), ["pdf"], tmp_path)
    assert path.name == "kickoff-1a2b-action-plan.pdf"
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no profile or temporary left behind


# --- minutes ------------------------------------------------------------------------------------------------------


def _minutes_workshop() -> Workshop:
    from facilitation.models import Ballot, Event, Note, Participant, Stage, Vote

    ws = Workshop(id="m", title="Minutes", created_at=T0)
    ws.participants = {1: Participant(1, "Ana"), 2: Participant(2, "Ben"), 3: Participant(3, "Chloé")}
    ws.stages[1] = Stage(id=1, key="vision", title="Vision", minutes=10, position=1)
    ws.notes[1] = Note(id=1, stage_id=1, text="Kept", position=1)
    ws.notes[2] = Note(id=2, stage_id=1, text="Secret draft that was deleted", position=2, deleted_at=T0 + 9)
    ws.notes[3] = Note(id=3, stage_id=1, text="Also kept", position=3)
    ws.ballots[1] = Ballot(
        id=1,
        stage_id=1,
        title="Vision vote",
        note_ids=[1, 3],
        budget=3,
        cap=3,
        status="closed",
        submitted=[1, 2],
    )
    ws.ballots[2] = Ballot(
        id=2, stage_id=1, title="Vision vote", note_ids=[1, 3], budget=3, cap=3, run=2, submitted=[3]
    )
    ws.votes = {
        1: Vote(1, 1, 1, 1),
        2: Vote(2, 1, 2, 3),
        3: Vote(3, 1, 2, 3),
        4: Vote(4, 2, 3, 1),
    }
    log = [
        ("note.added", "Vision: note #1 by anonymous: Kept", {"note_id": 1}),
        ("note.added", "Vision: note #2 by anonymous: Secret draft", {"note_id": 2}),
        ("note.added", "Vision: note #3 by anonymous: Also kept", {"note_id": 3}),
        ("note.deleted", "Note #2 deleted: Secret draft", {"note_id": 2}),
        ("note.restored", "Note #2 restored", {"note_id": 2}),
        ("note.deleted", "Note #2 deleted: Secret draft", {"note_id": 2}),
        ("vote.opened", "Vision vote opened", {"ballot_id": 1}),
        ("vote.cast", "Vision vote: a dot cast", {"ballot_id": 1, "vote_id": 1}),
        ("vote.submitted", "Vision vote: Ana has voted", {"ballot_id": 1, "participant_id": 1}),
        ("vote.cast", "Vision vote: a dot cast", {"ballot_id": 1, "vote_id": 2}),
        ("vote.cast", "Vision vote: a dot cast", {"ballot_id": 1, "vote_id": 3}),
        ("vote.submitted", "Vision vote: Ben has voted", {"ballot_id": 1, "participant_id": 2}),
        (
            "vote.revealed",
            "Vision vote revealed",
            {"ballot_id": 1, "run": 1, "result": [[3, 2, 1], [1, 1, 2]]},
        ),
        ("vote.opened", "Vision vote opened", {"ballot_id": 2}),
        ("vote.cast", "Vision vote: a dot cast", {"ballot_id": 2, "vote_id": 4}),
        ("vote.submitted", "Vision vote: Chloé has voted", {"ballot_id": 2, "participant_id": 3}),
    ]
    ws.events = [
        Event(id=i, at=T0 + 60 * i, kind=kind, summary=summary, stage_id=1, data=data)
        for i, (kind, summary, data) in enumerate(log, start=1)
    ]
    return ws


def test_minutes_show_no_deleted_note_no_undo_and_one_line_per_vote_run() -> None:
    summaries = [m.summary for m in build_report(_minutes_workshop(), now=T0 + 3600).minutes]
    assert summaries == [
        "Vision: 2 notes added",
        "Vision vote opened",
        "Vision vote revealed: Ana and Ben voted, 3 dots",
        "Vision vote opened",
        "Vision vote (run 2) still open: Chloé voted so far, 1 dot",
    ]
    text = markdown.render(_minutes_workshop(), now=T0 + 3600)
    assert "Secret draft" not in text and "restored" not in text


def test_minutes_never_cut_a_word() -> None:
    from exports.common import whole_words

    assert whole_words(
        "Note #2 marked as decision: Every team can find who solved their problem, in mi…"
    ) == ("Note #2 marked as decision: Every team can find who solved their problem, in…")
    assert whole_words("Vision vote opened") == "Vision vote opened"
    assert whole_words("Note #3 added: word …") == "Note #3 added: word…"


def test_markdown_action_plan_sets_done_and_dropped_apart_and_lists_owners() -> None:
    from tests.test_docx_plan import with_closed_actions

    text = markdown.render(with_closed_actions(), now=NOW)
    plan = text.split("## Action plan", 1)[1].split("\n## ", 1)[0]
    open_part, rest = plan.split("### Done and dropped", 1)
    closed_part, owners = rest.split("### By owner", 1)
    assert "Retire the old wiki" in closed_part and "Retire the old wiki" not in open_part + owners
    assert "| Done |" in closed_part and "| Dropped |" in closed_part
    assert "**Ben Okafor**" in owners and "(action " in owners
    assert "\n- 1." not in owners  # never a list inside a list item
