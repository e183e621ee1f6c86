"""The Word action plan as its readers get it: status and owner views, honest timing, a draft line mid-workshop,
rows that never split, headings kept with their text, linked contents, a clean current package, a compact
appendix; validated as OOXML with openxml-audit, and laid out by LibreOffice with DejaVu Sans."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from exports import docx_export, docx_package
from exports.common import build_report
from facilitation.models import ActionItem, Note, Workshop
from tests.test_exports import NOW, rich_workshop

HAS_RENDERER = shutil.which("soffice") is not None and shutil.which("pdftotext") is not None
ROOT = Path(__file__).resolve().parent.parent


def render(ws: Workshop) -> bytes:
    return docx_export.render(ws, now=NOW)


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def with_closed_actions() -> Workshop:
    ws = rich_workshop()
    ws.actions[6] = ActionItem(
        id=6, title="Retire the old wiki", owner="Ben Okafor", status="done", position=9
    )
    ws.actions[7] = ActionItem(
        id=7, title="Weekly newsletter", owner="Ana Souza", status="dropped", position=10
    )
    return ws


def table_rows(document: docx.document.Document, *header: str) -> list[list[list[str]]]:
    found = []
    for table in document.tables:
        first = [c.text for c in table.rows[0].cells]
        if first[: len(header)] == list(header):
            found.append([[c.text for c in row.cells] for row in table.rows[1:]])
    return found


def headings(document: docx.document.Document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]


# --- content -----------------------------------------------------------------------------------------------------


def test_action_table_has_status_and_sets_done_and_dropped_apart() -> None:
    document = open_docx(render(with_closed_actions()))
    live, closed = table_rows(
        document, "#", "Action", "Status", "Owner", "Due", "Measure of success", "Priority"
    )
    assert {row[2] for row in live} <= {"Open", "In progress"}
    assert [(row[1], row[2]) for row in closed] == [
        ("Retire the old wiki", "Done"),
        ("Weekly newsletter", "Dropped"),
    ]
    titles = [text for _, text in headings(document)]
    assert titles.index("Done and dropped") < titles.index("By owner")


def test_by_owner_lists_each_owners_open_actions() -> None:
    document = open_docx(render(with_closed_actions()))
    texts = [p.text for p in document.paragraphs]
    start = next(
        i for i, p in enumerate(document.paragraphs) if p.style.name == "Heading 2" and p.text == "By owner"
    )
    section = texts[start : start + 20]
    assert any(t.startswith("Ben Okafor (") for t in section)
    assert any(t.startswith("No owner yet (") for t in section) or all(
        a.owner for a in rich_workshop().actions.values()
    )
    assert not any("Retire the old wiki" in t for t in section)  # done: not forwarded as work


def test_mid_workshop_plan_says_draft_and_stages_not_run_say_so() -> None:
    ws = rich_workshop()
    report = build_report(ws, now=NOW)
    assert report.progress.startswith("draft, in progress")
    document = open_docx(render(ws))
    texts = [p.text for p in document.paragraphs]
    assert any(t.startswith("Draft, in progress at ") for t in texts[:8])
    assert "Not run yet." in texts
    assert (
        "Draft" in document.sections[0].header.paragraphs[0].text
        or "draft" in document.sections[0].header.paragraphs[0].text
    )


def test_a_finished_workshop_is_not_a_draft() -> None:
    ws = rich_workshop()
    for stage in ws.stages.values():
        stage.skipped = stage.skipped or not stage.timer
        if stage.timer:
            stage.timer = {
                **stage.timer,
                "status": "finished",
                "finished_at": stage.timer.get("finished_at") or NOW - 60,
            }
            stage.timer["accumulated_seconds"] = stage.timer["finished_at"] - stage.timer["started_at"]
            stage.timer["running_since_wall"] = None
    assert build_report(ws, now=NOW).progress == ""
    texts = [p.text for p in open_docx(render(ws)).paragraphs]
    assert not any(t.startswith("Draft") for t in texts)


def test_timing_totals_compare_like_with_like() -> None:
    document = open_docx(render(rich_workshop()))
    (rows,) = table_rows(document, "Stage", "Started", "Planned", "Actual", "Over / under")
    labels = [row[0] for row in rows]
    assert "Total" not in labels
    finished = next(row for row in rows if row[0].startswith("Finished ("))
    assert finished[4].endswith(("over", "under")) or finished[4] == "on time"
    assert "ahead" not in " ".join(" ".join(r) for r in rows)
    assert any(label.startswith("Not run yet (") for label in labels)


def test_one_heading_per_thing() -> None:
    ws = rich_workshop()
    plan_stage = next(s for s in ws.stages.values() if s.kind == "action_plan")
    ws.notes[90] = Note(id=90, stage_id=plan_stage.id, text="Who owns the budget?", position=1)
    document = open_docx(render(ws))
    level_one = [text for style, text in headings(document) if style == "Heading 1"]
    assert len(level_one) == len(set(level_one)), level_one
    assert level_one.count("Action plan") == 1
    assert f"Notes from the {plan_stage.title} stage" in [text for _, text in headings(document)]


def test_long_priorities_are_never_cut() -> None:
    ws = rich_workshop()
    decision = next(n for n in ws.notes.values() if n.mark == "decision")
    decision.text = "A decision that goes on " + "and on " * 80 + "to the end."
    text = "\n".join(p.text for p in open_docx(render(ws)).paragraphs)
    assert decision.text in text


def test_shorten_never_cuts_a_word() -> None:
    assert (
        docx_export._shorten("Collaboration Kick-off · Northwind Field Services", 30)
        == "Collaboration Kick-off…"
    )
    assert docx_export._shorten("short", 30) == "short"


def test_appendix_holds_only_what_the_body_does_not() -> None:
    document = open_docx(render(rich_workshop()))
    titles = [text for _, text in headings(document)]
    appendix = titles[titles.index("Appendix") :]
    assert "All notes" not in appendix
    body_notes = {row[2] for table in table_rows(document, "Rank", "Dots", "Note") for row in table}
    later = document.paragraphs
    del later
    for table in table_rows(document, "#", "Note", "By", "Marked"):
        for row in table:
            assert row[1] not in body_notes


# --- layout properties ------------------------------------------------------------------------------------------


def test_rows_never_split_and_header_rows_repeat() -> None:
    document = open_docx(render(rich_workshop()))
    for table in document.tables:
        for tr in table._tbl.iterchildren(qn("w:tr")):
            assert tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None


def test_headings_keep_with_next_and_totals_keep_with_their_table() -> None:
    document = open_docx(render(rich_workshop()))
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            assert paragraph.paragraph_format.keep_with_next, paragraph.text
    timing = next(t for t in document.tables if t.rows[0].cells[0].text == "Stage")
    rows = list(timing._tbl.iterchildren(qn("w:tr")))
    totals = [
        tr for tr in rows if "".join(tr.itertext()).startswith(("Finished", "Running now", "Not run yet"))
    ]
    for tr in rows[rows.index(totals[0]) - 1 : -1]:
        assert all(ppr.find(qn("w:keepNext")) is not None for ppr in tr.iter(qn("w:pPr")))


def test_contents_entries_link_to_bookmarked_headings_and_keep_the_field() -> None:
    document = open_docx(render(rich_workshop()))
    body = document.element.body
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    links = [h for h in body.iter(qn("w:hyperlink")) if h.get(qn("w:anchor"))]
    assert links and all(h.get(qn("w:anchor")) in bookmarks for h in links)
    linked = ["".join(t.text or "" for t in h.iter(qn("w:t"))) for h in links]
    assert {"Summary", "Action plan", "Timing report", "Appendix"} <= set(linked)
    assert 'TOC \\o "1-3" \\h \\z \\u' in body.xml
    assert "w:updateFields" not in document.settings.element.xml


def test_a_clean_current_package() -> None:
    data = render(rich_workshop())
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())
        app = package.read("docProps/app.xml").decode("utf-8")
        settings = package.read("word/settings.xml").decode("utf-8")
        styles = package.read("word/styles.xml").decode("utf-8")
        rels = (
            package.read("_rels/.rels").decode("utf-8")
            + package.read("word/_rels/document.xml.rels").decode()
        )
    assert not {
        n
        for n in names
        if "thumbnail" in n or "stylesWithEffects" in n or "webSettings" in n or "customXml" in n
    }
    assert "thumbnail" not in rels and "customXml" not in rels
    assert f"<Application>{docx_package.APP_NAME}</Application>" in app
    assert "Macintosh" not in app and "<Pages>" not in app and "<Words>" not in app
    assert (
        'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"' in settings
    )
    assert "latentStyles" not in styles and len(styles) < 60_000
    document = open_docx(data)
    assert document.core_properties.title == "Collaboration Kick-off"


def test_every_header_word_fits_in_dejavu_sans() -> None:
    document = open_docx(render(with_closed_actions()))
    for table in document.tables:
        cells = table.rows[0].cells
        widths = [tc.get_or_add_tcPr().find(qn("w:tcW")) for tc in (c._tc for c in cells)]
        for cell, width in zip(cells, widths, strict=True):
            if cell.text and table.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None:
                cm = int(width.get(qn("w:w"))) / 1440 * 2.54
                assert cm + 0.01 >= docx_export.min_width_cm(cell.text), (cell.text, cm)


@pytest.mark.parametrize(
    "make", [rich_workshop, with_closed_actions, lambda: Workshop(id="e", title="Empty")]
)
def test_the_docx_is_valid_ooxml(tmp_path: Path, make: object) -> None:
    openxml_audit = pytest.importorskip("openxml_audit")
    path = tmp_path / "plan.docx"
    path.write_bytes(render(make()))  # type: ignore[operator]
    result = openxml_audit.OpenXmlValidator().validate(path)
    assert result.is_valid, [str(e) for e in result.errors[:10]]


def test_the_shipped_example_is_valid_ooxml() -> None:
    openxml_audit = pytest.importorskip("openxml_audit")
    result = openxml_audit.OpenXmlValidator().validate(ROOT / "docs" / "examples" / "demo-action-plan.docx")
    assert result.is_valid, [str(e) for e in result.errors[:10]]


# --- laid out by LibreOffice ---------------------------------------------------------------------------------


def _demo_docx(tmp_path: Path) -> Path:
    import copy
    import tempfile

    from facilitation.clock import FakeClock
    from workshop.demo import build_demo
    from workshop.store import Store

    with tempfile.TemporaryDirectory() as data:
        session = build_demo(Store(Path(data)), clock=FakeClock(wall=1_795_597_200.0))
        try:
            workshop = copy.deepcopy(session.workshop)
        finally:
            session.close()
    path = tmp_path / "demo.docx"
    path.write_bytes(docx_export.render(workshop, now=1_795_597_200.0 + 2100))
    return path


def _in_dejavu(path: Path) -> Path:
    """The same document with Calibri replaced by DejaVu Sans, the wider font LibreOffice falls back to."""
    out = path.with_name(path.stem + "-dejavu.docx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith(".xml"):
                data = data.replace(b"Calibri", b"DejaVu Sans")
            target.writestr(item, data)
    return out


def _pdf_pages(docx_path: Path, folder: Path) -> list[str]:
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx_path),
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    pdf = folder / (docx_path.stem + ".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    return text.decode("utf-8").split("\f")


@pytest.mark.skipif(
    not HAS_RENDERER, reason="LibreOffice (soffice) and poppler (pdftotext) are not installed"
)
@pytest.mark.parametrize("font", ["Calibri (Carlito where installed)", "DejaVu Sans"])
def test_demo_plan_pages_in_libreoffice(tmp_path: Path, font: str) -> None:
    path = _demo_docx(tmp_path)
    if font == "DejaVu Sans":
        path = _in_dejavu(path)
    document = docx.Document(str(path))
    heading_texts = {p.text.strip() for p in document.paragraphs if p.style.name.startswith("Heading")}
    pages = [page for page in _pdf_pages(path, tmp_path) if page.strip()]
    assert len(pages) >= 5
    for number, page in enumerate(pages[:-1], start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not re.fullmatch(r"Page \d+ of \d+", line)]
        assert body[-1] not in heading_texts, f"page {number} ends with the heading {body[-1]!r}"
    text = "\n".join(pages)
    words = {
        word
        for table in document.tables
        if table.rows and table.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        for cell in table.rows[0].cells
        for word in cell.text.split()
    }
    for word in words:
        assert re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), (
            f"the header word {word!r} is broken in {font}"
        )


def test_the_package_is_built_from_the_repositorys_own_parts() -> None:
    from exports import docx_template

    with zipfile.ZipFile(io.BytesIO(render(rich_workshop()))) as package:
        names = set(package.namelist())
    expected = set(docx_template.PARTS) | {"word/header1.xml", "word/footer1.xml"}
    assert names <= expected | {f"word/header{i}.xml" for i in range(2, 4)} | {
        f"word/footer{i}.xml" for i in range(2, 4)
    }
    assert set(docx_template.PARTS) <= names
