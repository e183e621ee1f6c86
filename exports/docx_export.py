"""The Word action plan: a document a manager can forward without editing it first.

Layout: a title page (with a "draft, in progress at <stage>" line when exported mid-workshop); the contents (a
``TOC`` field whose shown entries link to bookmarks on their headings, so it works in any viewer without an update;
Word can still rebuild it with page numbers); a one-page summary (vision, top priorities in full, readiness); the
action plan (open actions with their status, done and dropped ones apart, then each owner's open actions); one
section per discipline (purpose, decisions, notes ranked by the revealed vote); the readiness check with charts
drawn as shaded table cells; the timing report (finished, running and not-run stages totalled apart); an appendix
with what the body does not show (notes without dots) and the minutes (one line per vote run). Headings use Word's
own Heading 1-3 styles so the navigation pane works; the footer says "Page X of Y" through ``PAGE``/``NUMPAGES``.

Pages: no table row splits across pages, headings keep with what follows, a short table (and a table's totals)
stays together, and every header word fits its column in DejaVu Sans, the wider font LibreOffice substitutes for
Calibri on Linux (``fitted``). The package is cleaned by ``exports.docx_package`` (current compatibility mode, this
app's name, no thumbnail or unused parts).

Speed: python-docx's ``table.cell(i, j)`` rebuilds the whole cell grid on every call (2,000 rows took 34 minutes),
so tables are built here as XML: one template row per table, deep-copied with lxml for every data row, its text
written as ``w:t`` elements directly (``set_run_text``). A 20,000-note workshop exports as a whole command in about
3 s (``benchmarks/export_command_bench.py``).

Every string passes through ``facilitation.text.clean`` (in ``exports.common`` and again in ``_run_text``):
python-docx refuses control characters and lone surrogates, and Word refuses files that contain them.
"""

from __future__ import annotations

import dataclasses
import io
import unicodedata
from collections.abc import Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree

from exports import docx_package, docx_template
from exports.common import (
    SUMMARY_LIMIT,
    ActionRow,
    NoteView,
    Report,
    StageView,
    build_report,
    check_target,
    plural,
    safe,
    write_atomically,
)
from facilitation.models import Workshop
from facilitation.readiness import DisciplineScore, ReadinessRound
from facilitation.stage_kinds import rules_of
from facilitation.voting import TIE_BREAK

FONT = "Calibri"
ACCENT = "1F4E79"
"""Headings, table headers and chart bars: one restrained dark blue."""
TINT = "D6E3F0"
"""The accent's light tint: the range in the readiness chart."""
RULE = "BFBFBF"
MUTED = "595959"
WARNING = "9C5700"
"""The draft line on the title page: dark amber, readable in black and white print too."""
TEXT_WIDTH_CM = 17.0
"""A4 (21 cm) minus 2 cm margins each side."""
CORE_PROPERTY_LIMIT = 255
"""Word refuses longer core properties (python-docx raises ``ValueError``)."""
BY_OWNER_TITLE = 90
"""Characters of an action's title in the by-owner list (cut between words; the plan's table has it in full)."""
APPENDIX_LIMIT = 200
"""Most notes without dots the appendix lists per stage; the rest are counted and found in the notes CSV."""
KEEP_TOGETHER_ROWS = 8
"""Tables with at most this many rows never break across a page."""
TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'

_W = nsdecls("w")


def _run_text(value: object) -> str:
    """Never ``None`` or a number into python-docx, never a character it refuses."""
    return safe(value)


def is_rtl(value: str) -> bool:
    """Whether the first letter with a strong direction is right-to-left (Arabic, Hebrew …)."""
    for char in value:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _shorten(value: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut between words (never inside one) with an ellipsis."""
    flat = " ".join(value.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut and not flat[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—·") + "…"


_BEFORE_BIDI = {
    qn(f"w:{name}")
    for name in (
        "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
        "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
        "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
    )
}  # fmt: skip
"""The paragraph properties the OOXML schema puts before ``w:bidi``."""


def _mark_rtl(ppr: Any) -> None:
    """A right-to-left paragraph (``w:bidi``, where the schema orders it among the paragraph's properties)."""
    index = 0
    for position, child in enumerate(ppr):
        if child.tag in _BEFORE_BIDI:
            index = position + 1
    ppr.insert(index, OxmlElement("w:bidi"))


def _short_date(iso: str) -> str:
    try:
        day = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    return f"{day.day} {day:%b %Y}"


# --- tables as XML --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    width_cm: float
    align: str = "left"
    """``left``, ``right`` or ``center``."""


@dataclass(frozen=True)
class Cell:
    """A cell with formatting; plain strings are cells without any."""

    text: str = ""
    fill: str | None = None
    bold: bool = False
    color: str | None = None


def _twips(cm: float) -> int:
    return round(cm / 2.54 * 1440)


HEADER_CHAR_CM = 0.23
"""Widest average advance of a bold 10 pt header letter in DejaVu Sans, the wide font LibreOffice lays Calibri
out in on Linux when Carlito is missing (Calibri's is about 0.19 cm): a header word must fit at this width."""
CELL_PADDING_CM = 0.36
"""Left and right cell margins (80 twips each) plus a little slack."""


def min_width_cm(header: str) -> float:
    """The narrowest a column can be without breaking its header's longest word, in the widest font expected."""
    longest = max((len(word) for word in header.split()), default=0)
    return round(longest * HEADER_CHAR_CM + CELL_PADDING_CM, 2) if longest else 0.0


def fitted(columns: Sequence[Column]) -> list[Column]:
    """``columns`` with every header word fitting (see ``min_width_cm``): a column too narrow takes what it
    needs from the widest one, so the table keeps its total width."""
    result = list(columns)
    for index, column in enumerate(result):
        needed = min_width_cm(column.header)
        if column.width_cm < needed:
            widest = max(range(len(result)), key=lambda i: result[i].width_cm)
            extra = needed - column.width_cm
            result[widest] = Column(
                result[widest].header, result[widest].width_cm - extra, result[widest].align
            )
            result[index] = Column(column.header, needed, column.align)
    return result


def _cell_xml(width: int, align: str, *, header: bool, keep_next: bool = False) -> str:
    jc = f'<w:jc w:val="{align}"/>' if align != "left" else ""
    keep = "<w:keepNext/>" if keep_next else ""
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{ACCENT}"/>' if header else ""
    rpr = '<w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>' if header else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="TableText"/>{keep}{jc}</w:pPr><w:r>{rpr}</w:r></w:p></w:tc>'
    )


def _set_cell(tc: Any, value: str | Cell) -> None:
    """Fill a copied template cell: its single run gets the text, its properties the formatting."""
    paragraph = tc[-1]
    run = paragraph[-1]
    if isinstance(value, Cell):
        content = value.text
        if value.fill:
            shd = OxmlElement("w:shd")
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:color"), "auto")
            shd.set(qn("w:fill"), value.fill)
            tc[0].append(shd)
        if value.bold or value.color:
            rpr = run.get_or_add_rPr()
            if value.bold:
                rpr.append(OxmlElement("w:b"))
            if value.color:
                color = OxmlElement("w:color")
                color.set(qn("w:val"), value.color)
                rpr.append(color)
    else:
        content = value
    content = _run_text(content)
    set_run_text(run, content)
    if content and is_rtl(content):
        _mark_rtl(paragraph[0])


_T, _BR, _TAB = qn("w:t"), qn("w:br"), qn("w:tab")
_PRESERVE = qn("xml:space")


def set_run_text(run: Any, content: str) -> None:
    """``run.text = content`` without python-docx's character-by-character parse (most of the time of a 20,000-note
    export): lines become ``w:t`` elements with ``w:br`` between them, tabs ``w:tab``."""
    for index, line in enumerate(content.split("\n")):
        if index:
            etree.SubElement(run, _BR)
        for part_index, part in enumerate(line.split("\t")):
            if part_index:
                etree.SubElement(run, _TAB)
            if part:
                element = etree.SubElement(run, _T)
                element.text = part
                if part[0].isspace() or part[-1].isspace():
                    element.set(_PRESERVE, "preserve")


def add_table(
    document: DocumentObject,
    columns: Sequence[Column],
    rows: Iterable[Sequence[str | Cell]],
    *,
    header: bool = True,
    borders: str = "rules",
    keep_together: int = KEEP_TOGETHER_ROWS,
    keep_last: bool = False,
) -> Any:
    """Append a table built as XML (see the module docstring for why) and return its ``w:tbl`` element.

    No row ever splits across pages (``w:cantSplit``), and the header row repeats on every page the table spans
    and stays with the first row. A table of at most ``keep_together`` rows stays on one page; ``keep_last`` keeps
    the last row (a total) with the row before it. ``borders``: ``rules`` (thin grey lines between rows), ``gaps``
    (white space between rows, for charts) or ``none``. Columns are widened where a header word would break
    (``fitted``).
    """
    columns = fitted(columns)
    rows = list(rows)
    widths = [_twips(c.width_cm) for c in columns]
    horizontal = {
        "rules": f'w:val="single" w:sz="4" w:space="0" w:color="{RULE}"',
        "gaps": 'w:val="single" w:sz="24" w:space="0" w:color="FFFFFF"',
        "none": 'w:val="nil"',
    }[borders]
    border_xml = (
        f'<w:tblBorders><w:top {horizontal}/><w:left w:val="nil"/><w:bottom {horizontal}/>'
        f'<w:right w:val="nil"/><w:insideH {horizontal}/><w:insideV w:val="nil"/></w:tblBorders>'
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    tbl = parse_xml(
        f'<w:tbl {_W}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>{border_xml}'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="80" w:type="dxa"/>'
        '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid></w:tbl>"
    )
    if header:
        head = parse_xml(
            f"<w:tr {_W}><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
            + "".join(
                _cell_xml(w, c.align, header=True, keep_next=bool(rows))
                for w, c in zip(widths, columns, strict=True)
            )
            + "</w:tr>"
        )
        for tc, column in zip(head.iterchildren(qn("w:tc")), columns, strict=True):
            tc[-1][-1].text = _run_text(column.header)
        tbl.append(head)
    templates = {
        keep: parse_xml(
            f"<w:tr {_W}><w:trPr><w:cantSplit/></w:trPr>"
            + "".join(
                _cell_xml(w, c.align, header=False, keep_next=keep)
                for w, c in zip(widths, columns, strict=True)
            )
            + "</w:tr>"
        )
        for keep in (False, True)
    }
    together = len(rows) <= keep_together
    for index, values in enumerate(rows):
        last = index == len(rows) - 1
        keep = not last and (together or (keep_last and index == len(rows) - 2))
        tr = deepcopy(templates[keep])
        for tc, value in zip(tr.iterchildren(qn("w:tc")), values, strict=True):
            _set_cell(tc, value)
        tbl.append(tr)
    document.element.body.sectPr.addprevious(tbl)
    return tbl


# --- fields, styles, settings ---------------------------------------------------------------------------------


def _field_char(paragraph: Paragraph, kind: str, *, dirty: bool = False) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if dirty:
        element.set(qn("w:dirty"), "true")
    paragraph.add_run()._r.append(element)


def _begin_field(paragraph: Paragraph, instruction: str, *, dirty: bool = False) -> None:
    """The start of a complex field: begin, the instruction, separate; the shown result comes next."""
    _field_char(paragraph, "begin", dirty=dirty)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    _field_char(paragraph, "separate")


def add_field(paragraph: Paragraph, instruction: str, placeholder: str, *, dirty: bool = False) -> None:
    """A complex field in one paragraph (python-docx has no field API), showing ``placeholder`` until updated;
    ``dirty`` asks Word to update it when the file opens."""
    _begin_field(paragraph, instruction, dirty=dirty)
    paragraph.add_run(placeholder)
    _field_char(paragraph, "end")


def _plain_fonts(rpr: Any) -> None:
    """Latin text in Calibri: theme attributes win over explicit names, so they must go. Complex scripts
    (Arabic, Hebrew) keep the theme's font, which has their glyphs."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), FONT)


def _style_color(style: Any, hex_color: str) -> None:
    color = style.element.get_or_add_rPr().find(qn("w:color"))
    if color is not None:
        for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(attribute), None)
    style.font.color.rgb = RGBColor.from_string(hex_color)


def _setup_styles(document: DocumentObject) -> None:
    """One look throughout: Calibri 11, dark-blue headings, compact table text."""
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    _plain_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size, before, after in (
        ("Title", 30, 0, 6),
        ("Subtitle", 15, 0, 24),
        ("Heading 1", 17, 18, 8),
        ("Heading 2", 13.5, 14, 4),
        ("Heading 3", 11.5, 10, 2),
        ("TOC Heading", 17, 0, 12),
    ):
        style = styles[name]
        rpr = style.element.get_or_add_rPr()
        _plain_fonts(rpr)
        style.font.size = Pt(size)
        style.font.italic = False
        _style_color(style, ACCENT if name != "Subtitle" else MUTED)
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
    title_border = styles["Title"].element.pPr.find(qn("w:pBdr"))
    if title_border is not None:
        styles["Title"].element.pPr.remove(title_border)
    styles["Title"].font.bold = True

    table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = Pt(10)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0

    for level in (1, 2, 3):
        toc = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style = normal
        toc.font.bold = level == 1
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.space_before = Pt(6 if level == 1 else 0)
        toc.paragraph_format.space_after = Pt(1)
        toc.paragraph_format.tab_stops.add_tab_stop(
            Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )

    small = styles.add_style("Small Print", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    small.font.size = Pt(9)
    small.font.italic = True
    small.font.color.rgb = RGBColor.from_string(MUTED)
    small.paragraph_format.space_before = Pt(2)
    small.paragraph_format.space_after = Pt(6)

    vision = styles.add_style("Vision Statement", WD_STYLE_TYPE.PARAGRAPH)
    vision.base_style = normal
    vision.font.size = Pt(14)
    vision.font.italic = True
    vision.font.color.rgb = RGBColor.from_string(ACCENT)
    vision.paragraph_format.left_indent = Cm(0.6)
    vision.paragraph_format.space_before = Pt(4)
    vision.paragraph_format.space_after = Pt(4)
    border = parse_xml(
        f'<w:pBdr {_W}><w:left w:val="single" w:sz="24" w:space="10" w:color="{ACCENT}"/></w:pBdr>'
    )
    vision.element.get_or_add_pPr().insert(0, border)


def _truncate(value: str) -> str:
    return value if len(value) <= CORE_PROPERTY_LIMIT else value[: CORE_PROPERTY_LIMIT - 1] + "…"


def _core_properties(document: DocumentObject, report: Report) -> None:
    """Title, author and subject travel into the PDF's metadata and the file's properties."""
    props = document.core_properties
    props.title = _truncate(report.title)
    props.author = _truncate(report.facilitator)
    props.last_modified_by = _truncate(report.facilitator)
    subject = "Six Disciplines workshop action plan"
    props.subject = _truncate(f"{subject} — {report.organisation}" if report.organisation else subject)
    props.keywords = "workshop; collaboration; action-plan"
    props.category = "Workshop action plan"
    props.comments = ""
    props.revision = 1
    generated = datetime.fromtimestamp(report.generated_at, UTC).replace(tzinfo=None)
    props.created = generated
    props.modified = generated


# --- the document ---------------------------------------------------------------------------------------------


class _Writer:
    """Builds the document top to bottom; one method per part."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.headings: list[tuple[str, int, str]] = []
        """(title, level, bookmark) of every heading, for the contents."""
        self.toc: Paragraph | None = None
        self._style_ids: dict[str, str] = {}
        self.doc = Document(docx_template.template())
        _setup_styles(self.doc)
        _core_properties(self.doc, report)
        self._page_setup()

    # --- small building blocks -------------------------------------------------------------------------------

    def _style_id(self, name: str) -> str:
        """A paragraph style's id, looked up once: python-docx searches the styles part on every use."""
        found = self._style_ids.get(name)
        if found is None:
            found = self._style_ids[name] = self.doc.styles[name].style_id
        return found

    def para(self, value: str = "", style: str | None = None, *, bold: bool = False) -> Paragraph:
        value = _run_text(value)
        paragraph = self.doc.add_paragraph()
        if style is not None:
            paragraph._p.style = self._style_id(style)
        if value:
            run = paragraph.add_run()
            set_run_text(run._r, value)
            run.bold = bold or None
        if is_rtl(value):
            _mark_rtl(paragraph._p.get_or_add_pPr())
        return paragraph

    def heading(self, value: str, level: int, *, listed: bool = True) -> Paragraph:
        """A heading (Word's Heading 1-3: the navigation pane and the contents use them) with a bookmark the
        contents link to. Headings keep with what follows them (the styles' ``keepNext``)."""
        title = " ".join(_run_text(value).split()) or "Untitled"
        bookmark = f"_Toc{len(self.headings) + 1:06d}"
        self.headings.append((title, level if listed else 9, bookmark))
        paragraph = self.doc.add_heading(title, level)
        paragraph.paragraph_format.keep_with_next = True
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(len(self.headings)))
        start.set(qn("w:name"), bookmark)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(len(self.headings)))
        paragraph._p.insert(1, start)
        paragraph._p.append(end)
        return paragraph

    def small(self, value: str, *, keep_with_next: bool = False) -> Paragraph:
        paragraph = self.para(value, "Small Print")
        paragraph.paragraph_format.keep_with_next = keep_with_next
        return paragraph

    def labelled(self, label: str, value: str, style: str | None = None) -> Paragraph:
        paragraph = self.doc.add_paragraph(style=style)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(_run_text(value))
        return paragraph

    def bullet(self, value: str, tail: str = "") -> Paragraph:
        paragraph = self.para(value, "List Bullet")
        if tail:
            run = paragraph.add_run(f"  {_run_text(tail)}")
            run.italic = True
            run.font.color.rgb = RGBColor.from_string(MUTED)
        return paragraph

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # --- page furniture ----------------------------------------------------------------------------------------

    def _page_setup(self) -> None:
        section = self.doc.sections[0]
        section.start_type = WD_SECTION_START.NEW_PAGE
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
        section.header_distance = section.footer_distance = Cm(1.0)
        section.different_first_page_header_footer = True

        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        label = " · ".join(part for part in (self.report.title, self.report.organisation) if part)
        if self.report.progress:
            label += f" · {self.report.progress}"
        run = header.add_run(_run_text(_shorten(label, 120)))
        run.font.size = Pt(8.5)
        run.font.color.rgb = RGBColor.from_string(MUTED)

        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        add_field(footer, "PAGE", "1")
        footer.add_run(" of ")
        add_field(footer, "NUMPAGES", "1")
        for run in footer.runs:
            run.font.size = Pt(9)
            run.font.color.rgb = RGBColor.from_string(MUTED)

    # --- the parts -----------------------------------------------------------------------------------------

    def title_page(self) -> None:
        r = self.report
        spacer = self.doc.add_paragraph()
        spacer.paragraph_format.space_before = Pt(120)
        self.para(r.title, "Title")
        self.para("Workshop action plan", "Subtitle")
        if r.progress:
            draft = self.para(
                f"{r.progress[0].upper()}{r.progress[1:]} (exported {r.generated_text})", bold=True
            )
            for run in draft.runs:
                run.font.color.rgb = RGBColor.from_string(WARNING)
                run.font.size = Pt(13)
        rows: list[Sequence[str | Cell]] = []
        for label, value in (
            ("Organisation", r.organisation),
            ("Date", r.date),
            ("Facilitator", r.facilitator),
            (f"Participants ({len(r.participants)})", ", ".join(r.participants) or "none recorded"),
        ):
            if value:
                rows.append([Cell(label, bold=True, color=ACCENT), value])
        add_table(self.doc, [Column("", 4.0), Column("", 13.0)], rows, header=False, borders="none")
        spacer = self.doc.add_paragraph()
        spacer.paragraph_format.space_before = Pt(60)
        self.small(
            "Six disciplines of a collaborative organisation: Vision, Strategy, Purpose, Launch, Guide, Adapt "
            f"(Bradley and McDonald, The Social Organization). Generated {r.generated_text}."
        )
        self.page_break()

    def contents(self) -> None:
        """The contents: a ``TOC`` field whose shown result ``fill_contents`` writes once the headings are known."""
        self.para("Contents", "TOC Heading")
        self.toc = self.doc.add_paragraph(style="toc 1")
        self.small(
            "Each entry links to its part. In Word, right-click the list and choose Update Field to add page numbers."
        )
        self.page_break()

    def fill_contents(self) -> None:
        """Write the TOC field's shown result as entries that link to their headings' bookmarks: usable in any
        viewer without updating a field (Outlook's preview, Protected View, Word Online, Google Docs, LibreOffice);
        Word can still rebuild it with page numbers, since the field stays."""
        assert self.toc is not None
        entries = [h for h in self.headings if h[1] <= 2] or [("Contents", 1, "")]
        paragraph = self.toc
        _begin_field(paragraph, TOC_INSTRUCTION)
        for index, (title, level, bookmark) in enumerate(entries):
            if index:
                new = Paragraph(parse_xml(f"<w:p {_W}/>"), paragraph._parent)
                paragraph._p.addnext(new._p)
                paragraph = new
            paragraph.style = self.doc.styles[f"toc {level}"]
            link = OxmlElement("w:hyperlink")
            if bookmark:
                link.set(qn("w:anchor"), bookmark)
                link.set(qn("w:history"), "1")
            run = OxmlElement("w:r")
            text_element = OxmlElement("w:t")
            text_element.text = title
            text_element.set(qn("xml:space"), "preserve")
            run.append(text_element)
            link.append(run)
            paragraph._p.append(link)
        _field_char(paragraph, "end")

    def summary(self) -> None:
        r = self.report
        self.heading("Summary", 1)
        self.heading("Vision", 2)
        if r.vision:
            self.para(r.vision.text, "Vision Statement")
            source = (
                "Decision of the Vision stage" if r.vision.mark == "decision" else "Top-voted Vision note"
            )
            if r.vision.dots is not None:
                source += f", {r.vision.dots_label}"
            self.small(source + (f"; written by {r.vision.author}" if r.vision.author else "") + ".")
        else:
            self.small("No vision statement was decided or voted on.")

        self.heading("Top priorities", 2)
        if r.priorities:
            self.small(
                f"From the vote “{r.priorities_source}”."
                if r.priorities_source
                else "No final-priorities vote was closed: these are the decisions of each stage.",
                keep_with_next=True,
            )
            for i, item in enumerate(r.summary_priorities, start=1):
                paragraph = self.doc.add_paragraph()
                paragraph.paragraph_format.left_indent = Cm(0.8)
                paragraph.paragraph_format.first_line_indent = Cm(-0.8)
                paragraph.paragraph_format.space_after = Pt(3)
                paragraph.add_run(f"{i}.\t").bold = True
                paragraph.add_run(_run_text(item.text))
                extra = [item.stage_title] if item.stage_title else []
                if item.dots is not None:
                    extra.append(plural(item.dots, "dot"))
                if extra:
                    run = paragraph.add_run(f"  ({_run_text(', '.join(extra))})")
                    run.italic = True
                    run.font.color.rgb = RGBColor.from_string(MUTED)
                paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(0.8))
            if len(r.priorities) > SUMMARY_LIMIT:
                self.small(f"… and {len(r.priorities) - SUMMARY_LIMIT} more in the discipline sections.")
        else:
            self.small("No priorities were voted on or decided.")

        self.heading("Readiness", 2)
        if not r.readiness:
            self.small("No readiness check was recorded.")
        for rnd in r.readiness:
            self.bullet(rnd.sentence)

        self.heading("At a glance", 2)
        high = sum(1 for a in r.actions if a.priority == 1 and a.live)
        self.para(
            f"{plural(len(r.participants), 'participant')} · {plural(r.note_count, 'note')} · "
            f"{plural(r.decision_count, 'decision')} · {plural(len(r.actions), 'action')}"
            + (f" ({high} open, high priority)" if high else "")
            + (f" · finished stages: {r.timing.over_under_text}" if r.timing.ran else "")
        )
        self.page_break()

    def action_plan(self) -> None:
        self.heading("Action plan", 1)
        actions = self.report.actions
        numbers = {a.id: i for i, a in enumerate(actions, start=1)}
        live = [a for a in actions if a.live]
        closed = [a for a in actions if not a.live]
        if not actions:
            self.small("No actions were recorded.")
        else:
            done = f"; {plural(len(closed), 'action')} done or dropped, listed after them" if closed else ""
            self.small(
                f"{plural(len(live), 'open action')}, sorted by priority, then due date (actions without a date "
                f"last){done}.",
                keep_with_next=True,
            )
        columns = [
            Column("#", 1.0, "right"),
            Column("Action", 4.8),
            Column("Status", 2.1),
            Column("Owner", 2.4),
            Column("Due", 2.1),
            Column("Measure of success", 2.4),
            Column("Priority", 2.2),
        ]

        def row(a: ActionRow, *, muted: bool) -> list[str | Cell]:
            color = MUTED if muted else None
            return [
                Cell(str(numbers[a.id]), color=color),
                Cell(a.title, color=color),
                Cell(a.status, bold=not muted and a.status == "In progress", color=color),
                Cell(a.owner or "—", color=color),
                Cell(_short_date(a.due) if a.due else "—", color=color),
                Cell(a.measure or "—", color=color),
                Cell(
                    a.priority_label,
                    bold=a.priority == 1 and not muted,
                    color=color or (ACCENT if a.priority == 1 else None),
                ),
            ]

        if live:
            add_table(self.doc, columns, [row(a, muted=False) for a in live])
        if closed:
            self.heading("Done and dropped", 2)
            add_table(self.doc, columns, [row(a, muted=True) for a in closed])
        written = [a for a in self.report.actions if a.details]
        if written:
            self.heading("Actions in full", 2)
            for a in written:
                title = self.para(f"#{numbers[a.id]} {a.title}", bold=True)
                title.paragraph_format.keep_with_next = True
                self.para(a.details)
        if live:
            self.by_owner(live, numbers)
        for stage in self.report.sections:
            if rules_of(stage.kind).action_plan and stage.board:
                self.heading(f"Notes from the {stage.title} stage", 2)
                self.stage_notes(stage, 3)

    def by_owner(self, actions: Sequence[ActionRow], numbers: dict[int, int]) -> None:
        """Each owner's open actions, the part a sponsor forwards to that person."""
        self.heading("By owner", 2)
        owners: dict[str, list[ActionRow]] = {}
        for action in actions:
            owners.setdefault(action.owner, []).append(action)
        for owner in sorted(owners, key=lambda name: (not name, name.casefold())):
            mine = owners[owner]
            title = self.para(f"{owner or 'No owner yet'} ({plural(len(mine), 'action')})", bold=True)
            title.paragraph_format.keep_with_next = True
            title.paragraph_format.space_after = Pt(2)
            for index, action in enumerate(mine):
                details = [
                    f"due {_short_date(action.due)}" if action.due else "no due date",
                    action.priority_label.lower(),
                ]
                if action.status != "Open":
                    details.append(action.status.lower())
                short = _shorten(action.title, BY_OWNER_TITLE)
                paragraph = self.bullet(f"#{numbers[action.id]} {short}", f"({', '.join(details)})")
                paragraph.paragraph_format.keep_with_next = index < len(mine) - 1

    def stage_notes(self, stage: StageView, level: int = 2) -> None:
        """A stage's decisions, candidate actions and notes (ranked by votes when a vote was revealed), under
        headings of ``level``."""
        if stage.decisions:
            self.heading("Decisions", level, listed=False)
            for note in stage.decisions:
                self.bullet(note.text, _note_tail(note))
        if stage.candidates:
            self.heading("Candidate actions", level, listed=False)
            for note in stage.candidates:
                self.bullet(note.text, _note_tail(note))
        if stage.voted:
            self.heading("Notes ranked by votes", level, listed=False)
            voters = f" from {plural(stage.voters, 'voter')}" if stage.voters else ""
            self.small(
                f"{stage.ballot_title}: {plural(stage.total_dots, 'dot')}{voters}. {TIE_BREAK}",
                keep_with_next=True,
            )
            ranked = stage.with_dots
            if ranked:
                columns = [
                    Column("Rank", 1.4, "center"),
                    Column("Dots", 1.4, "center"),
                    Column("Note", 9.1),
                    Column("By", 2.7),
                    Column("Marked", 2.4),
                ]
                add_table(
                    self.doc,
                    columns,
                    ([n.rank_label, str(n.dots), n.text, n.author, n.mark_label] for n in ranked),
                )
            if stage.without_dots:
                self.small(
                    f"{plural(stage.without_dots, 'more note')} received no dots: listed in the appendix."
                )
        else:
            self.heading("Notes", level, listed=False)
            self.small("No vote was revealed in this stage; the notes in board order.", keep_with_next=True)
            add_table(
                self.doc,
                [Column("#", 1.0, "center"), Column("Note", 10.9), Column("By", 2.7), Column("Marked", 2.4)],
                ([str(n.board_position), n.text, n.author, n.mark_label] for n in stage.board),
            )

    def stage_section(self, stage: StageView) -> None:
        self.heading(stage.title, 1)
        if stage.skipped:
            self.small("This stage was skipped in the workshop.")
        if stage.purpose:
            paragraph = self.para(stage.purpose)
            for run in paragraph.runs:
                run.italic = True
        if stage.output:
            self.labelled("What the room produces", stage.output)
        if not stage.board:
            self.small("Not run yet." if stage.not_run else "No notes were written in this stage.")
            return
        if not stage.decisions and not stage.not_run:
            self.small("No decisions were marked in this stage.")
        self.stage_notes(stage)

    def readiness(self) -> None:
        self.heading("Readiness check", 1)
        for stage in self.report.sections:
            if rules_of(stage.kind).readiness_check and stage.board:
                self.heading(f"Notes from the {stage.title} stage", 2)
                self.stage_notes(stage, 3)
        if not self.report.readiness:
            self.small("No readiness check was recorded.")
            return
        self.para(
            "Each participant named the attitude toward collaboration they see in the organisation today "
            "(least to most ready) and scored each discipline from 1 (absent) to 5 (a strength)."
        )
        for rnd in self.report.readiness:
            self.heading(rnd.label, 2)
            self.para(f"{plural(rnd.responses, 'participant')} answered.")
            if rnd.attitude_answers:
                self.heading("Attitude toward collaboration", 3)
                self._attitude_chart(rnd)
            if rnd.scored:
                self.heading("Scores per discipline", 3)
                self._score_chart(rnd.disciplines)
                self.small(
                    "Each cell shows how many people gave that score. Light shading: the range of scores "
                    "given; dark: the median."
                )
            if rnd.disagreement:
                widest = next(d for d in rnd.disciplines if d.title == rnd.disagreement[0])
                self.para(
                    f"The room disagrees most on {', '.join(rnd.disagreement)} "
                    f"(scores {widest.range_text}): worth discussing before deciding."
                )

    def _attitude_chart(self, rnd: ReadinessRound) -> None:
        """One bar per attitude; the full width is everyone who answered, so a bar reads as a share."""
        answers = max(1, rnd.attitude_answers)
        slots = min(answers, 20)
        columns = [
            Column("Attitude", 3.0),
            Column("", 1.2, "right"),
            *(Column("", 12.8 / slots) for _ in range(slots)),
        ]
        rows: list[list[str | Cell]] = []
        for name, count in rnd.attitudes:
            filled = round(count * slots / answers)
            bar = [Cell(fill=ACCENT if i < filled else "F2F2F2") for i in range(slots)]
            rows.append([name, Cell(str(count), bold=bool(count)), *bar])
        add_table(self.doc, columns, rows, header=False, borders="gaps")
        if rnd.most_named:
            top = max(n for _, n in rnd.attitudes)
            self.small(
                f"Most named: {' and '.join(rnd.most_named)} ({top} of {rnd.attitude_answers} answers)."
            )

    def _score_chart(self, scores: Sequence[DisciplineScore]) -> None:
        columns = [
            Column("Discipline", 3.6),
            *(Column(str(value), 1.7, "center") for value in range(1, 6)),
            Column("Median", 1.6, "right"),
            Column("Range", 1.6, "right"),
            Column("IQR", 1.7, "right"),
        ]
        rows = []
        for d in scores:
            cells: list[str | Cell] = [d.title]
            for value in range(1, 6):
                count = d.histogram[value - 1]
                shown = str(count) if count else ""
                if d.median is not None and abs(value - d.median) < 0.75:
                    cells.append(Cell(shown, fill=ACCENT, bold=True, color="FFFFFF"))
                elif d.minimum is not None and d.maximum is not None and d.minimum <= value <= d.maximum:
                    cells.append(Cell(shown, fill=TINT))
                else:
                    cells.append(shown)
            cells += [d.median_text or "—", d.range_text or "—", f"{d.iqr:g}" if d.count else "—"]
            rows.append(cells)
        add_table(self.doc, columns, rows)

    def timing(self) -> None:
        timing = self.report.timing
        self.heading("Timing report", 1)
        self.small(
            "Planned against actual time per stage. Actual time runs from a stage's start to its end, pauses "
            f"included; skipped stages are left out. {timing.summary_text}",
            keep_with_next=True,
        )
        columns = [
            Column("Stage", 5.6),
            Column("Started", 2.2, "right"),
            Column("Planned", 2.6, "right"),
            Column("Actual", 3.0, "right"),
            Column("Over / under", 3.6, "right"),
        ]
        rows: list[Sequence[str | Cell]] = [
            [r.title, r.started, r.planned_text, r.actual_text, r.delta_text] for r in timing.rows
        ]
        totals = timing.totals
        rows += [
            [
                Cell(label, bold=True),
                "",
                Cell(planned, bold=True),
                Cell(actual, bold=True),
                Cell(delta, bold=True),
            ]
            for label, planned, actual, delta in totals
        ]
        table = add_table(self.doc, columns, rows, keep_together=20)
        # the totals stay together and with the last stage row above them
        for tr in list(table.iterchildren(qn("w:tr")))[-len(totals) - 1 : -1] if totals else []:
            for ppr in tr.iter(qn("w:pPr")):
                if ppr.find(qn("w:keepNext")) is None:
                    ppr.insert(1, OxmlElement("w:keepNext"))

    def appendix(self) -> None:
        self.heading("Appendix", 1)
        unvoted = [(s, [n for n in s.board if not n.dots]) for s in self.report.stages if s.voted]
        unvoted = [(s, notes) for s, notes in unvoted if notes]
        if unvoted:
            self.heading("Notes without dots", 2)
            self.small(
                "The notes of voted stages that received no dots, in board order; every other note is in its "
                "stage's section. The notes CSV and the JSON export hold every note."
            )
            for stage, notes in unvoted:
                self.heading(stage.title, 3, listed=False)
                shown = notes[:APPENDIX_LIMIT]
                add_table(
                    self.doc,
                    [
                        Column("#", 1.0, "center"),
                        Column("Note", 10.9),
                        Column("By", 2.7),
                        Column("Marked", 2.4),
                    ],
                    ([str(n.board_position), n.text, n.author, n.mark_label] for n in shown),
                )
                if len(notes) > len(shown):
                    self.small(
                        f"… and {plural(len(notes) - len(shown), 'more note')} without dots in this stage, left out "
                        "to keep this document readable: they are in the notes CSV (--format csv) and the JSON export."
                    )
        self.heading("Minutes", 2)
        if not self.report.minutes:
            self.small("The event log is empty.")
            return
        self.small(
            "What happened, in order. Each vote is one line: who voted and how many dots, never who voted for what. "
            "Deleted notes and undone changes are left out; the JSON export keeps the whole log."
        )
        add_table(
            self.doc,
            [Column("Time", 2.2), Column("Stage", 2.8), Column("What happened", 12.0)],
            ([m.when, m.stage, m.detail] for m in self.report.minutes),
        )

    def build(self) -> DocumentObject:
        self.title_page()
        self.contents()
        self.summary()
        self.action_plan()
        # the action-plan and readiness stages' notes go under the Action plan and Readiness check parts
        sections = [
            s
            for s in self.report.sections
            if not (rules_of(s.kind).action_plan or rules_of(s.kind).readiness_check)
        ]
        taken = {"Summary", "Action plan", "Readiness check", "Timing report", "Appendix", "Contents"}
        for index, stage in enumerate(sections):
            if index == 0:
                self.page_break()
            if stage.title in taken:
                stage = dataclasses.replace(stage, title=f"{stage.title} (stage)")
            taken.add(stage.title)
            self.stage_section(stage)
        self.page_break()
        self.readiness()
        self.timing()
        self.page_break()
        self.appendix()
        self.fill_contents()
        docx_package.clean(self.doc, company=self.report.organisation)
        return self.doc


def _note_tail(note: NoteView) -> str:
    bits = [note.dots_label] if note.dots is not None else []
    if note.author:
        bits.append(note.author)
    return f"({', '.join(bits)})" if bits else ""


def build_document(workshop: Workshop, *, now: float | None = None) -> DocumentObject:
    """The action plan as a python-docx ``Document``, for callers that want to add to it."""
    return _Writer(build_report(workshop, now=now)).build()


def render(workshop: Workshop, *, now: float | None = None) -> bytes:
    """The ``.docx`` file's bytes."""
    buffer = io.BytesIO()
    build_document(workshop, now=now).save(buffer)
    return buffer.getvalue()


def write_file(workshop: Workshop, path: Path, *, force: bool = False, now: float | None = None) -> Path:
    """Write the Word action plan atomically; an existing file is kept unless ``force``."""
    check_target(path, force=force)
    return write_atomically(Path(path), render(workshop, now=now), force=force)
