"""A clean, current Word package around the document: no leftovers of an old template.

The plan starts from ``exports.docx_template`` (built in code here), not from python-docx's own ``default.docx``
(Word 2010 for Mac), which opens in "[Compatibility Mode]", carries a blank thumbnail, claims "Microsoft Macintosh
Word" with 1 page and 0 words, and ships parts nothing uses. ``clean`` is the last step before saving and makes
sure of it whatever template a document came from:

- ``compatibilityMode`` 15: Word 2013 and later open it as a current document;
- the thumbnail, ``stylesWithEffects``, ``webSettings`` and the custom XML item are dropped, with their
  relationships (a part without a relationship is not written);
- ``docProps/app.xml`` names this app and its version, and claims no page, word or line counts (Word counts them
  itself; a stale count is worse than none);
- styles that no paragraph, run or table uses, directly or through ``basedOn``/``next``/``link``, are removed,
  and so are the latent-style declarations (Word knows its own built-in styles).
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from workshop import __version__

APP_NAME = "Six Disciplines Workshop"
COMPATIBILITY_MODE = "15"
"""Word 2013 and later; what a document saved by a current Word says."""
UNUSED_PARTS = (
    RT.THUMBNAIL,
    RT.WEB_SETTINGS,
    RT.CUSTOM_XML,
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
)
APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>{app}</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<Company>{company}</Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    "<HyperlinksChanged>false</HyperlinksChanged><AppVersion>{version}</AppVersion></Properties>"
)


def _app_version() -> str:
    """``AppVersion`` must look like ``XX.YYYY`` (the OOXML schema's pattern): 0.1.0 becomes ``00.0100``."""
    parts = [int(p) if p.isdigit() else 0 for p in __version__.split(".")[:3]] + [0, 0, 0]
    return f"{parts[0]:02d}.{parts[1]:02d}{parts[2]:02d}"


def _drop_unused_parts(document: DocumentObject) -> None:
    main = document.part
    for rel_id, rel in list(main.rels.items()):
        if rel.reltype in UNUSED_PARTS:
            main.rels.pop(rel_id)
    package_rels = main.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype in UNUSED_PARTS:
            package_rels.pop(rel_id)


def _extended_properties(document: DocumentObject, company: str) -> None:
    for rel in document.part.package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            xml = APP_XML.format(app=APP_NAME, company=escape(company), version=_app_version())
            rel.target_part._blob = xml.encode("utf-8")


def _compatibility(document: DocumentObject) -> None:
    settings = document.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is None:
        return
    for setting in compat.findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), COMPATIBILITY_MODE)
    use_fe = compat.find(qn("w:useFELayout"))
    if use_fe is not None:
        compat.remove(use_fe)


def _used_styles(document: DocumentObject) -> set[str]:
    roots: list[Any] = [document.element]
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not part.is_linked_to_previous:
                roots.append(part._element)
    used: set[str] = set()
    for root in roots:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            used.update(el.get(qn("w:val")) for el in root.iter(qn(tag)))
    return used


def _prune_styles(document: DocumentObject) -> None:
    styles = document.styles.element
    by_id = {style.get(qn("w:styleId")): style for style in styles.findall(qn("w:style"))}
    keep = _used_styles(document)
    keep |= {sid for sid, style in by_id.items() if style.get(qn("w:default")) in ("1", "true")}
    queue = list(keep)
    while queue:
        style = by_id.get(queue.pop())
        if style is None:
            continue
        for tag in ("w:basedOn", "w:next", "w:link"):
            linked = style.find(qn(tag))
            if linked is not None and linked.get(qn("w:val")) not in keep:
                keep.add(linked.get(qn("w:val")))
                queue.append(linked.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in keep:
            styles.remove(style)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)


def clean(document: DocumentObject, *, company: str = "") -> None:
    """Make ``document`` a clean, current package (see the module docstring); call it last, before saving."""
    _drop_unused_parts(document)
    _extended_properties(document, company)
    _compatibility(document)
    _prune_styles(document)
