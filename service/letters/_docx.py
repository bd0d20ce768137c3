"""DOCX output with python-docx: every value goes in as a text run, never as XML."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from functools import cache
from io import BytesIO
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph

from ._markup import Block, lines_of, tight

__all__ = ["render_docx"]

_GREY = RGBColor(0x55, 0x55, 0x55)
_FILL = "_" * 28
_TITLE_MAX = 255  # the most a DOCX core property holds
#: Parts of python-docx's template the letters do without: Word 2010 style effects (430 KB of
#: XML), a custom XML item and the thumbnail picture.
_DROPPED = ("/stylesWithEffects", "/customXml", "/thumbnail")
_BULLET = "List Bullet"


def _runs(paragraph: Paragraph, text: str, *, bold: bool = False, size: float | None = None,
          grey: bool = False) -> None:
    """Append block text as runs, a line break for every newline in it."""
    for number, line in enumerate(lines_of(text)):
        if number:
            paragraph.add_run().add_break()
        for piece, _answer in line:
            run = paragraph.add_run(piece)
            run.bold = bold or None
            if size:
                run.font.size = Pt(size)
            if grey:
                run.font.color.rgb = _GREY


def _paragraph(doc: DocumentObject, block: Block, bullet: Any) -> Paragraph:
    """Add one block as a paragraph in its style (``bullet``: the list style, looked up once)."""
    if block.kind == "item":
        paragraph = doc.add_paragraph(style=bullet)
        _runs(paragraph, block.text)
        return paragraph
    paragraph = doc.add_paragraph()
    if block.kind in ("title", "heading"):
        _runs(paragraph, block.text, bold=True, size=12.5 if block.kind == "title" else None)
        paragraph.paragraph_format.keep_with_next = True
    elif block.kind == "field":
        _runs(paragraph, block.label + ": ", bold=True)
        _runs(paragraph, block.text)
    elif block.kind == "blank":
        _runs(paragraph, block.text + ": ", bold=True)
        paragraph.add_run(f"{_FILL}  (write by hand)")
    elif block.kind == "sign":
        paragraph.paragraph_format.space_before = Pt(30)
        paragraph.add_run("_" * 36).add_break()
        _runs(paragraph, block.text)
    elif block.kind == "note":
        _runs(paragraph, block.text, size=8.5, grey=True)
    else:
        _runs(paragraph, block.text)
    return paragraph


def _kept_styles(doc: DocumentObject) -> set[str]:
    """Return the ids of the default styles, the bullet style and every style they build on."""
    by_id = {style.get(qn("w:styleId")): style for style in doc.styles.element.findall(
        qn("w:style"))}
    wanted = [key for key, style in by_id.items() if style.get(qn("w:default")) in ("1", "true")]
    wanted.append(doc.styles[_BULLET].style_id)
    kept: set[str] = set()
    while wanted:
        key = wanted.pop()
        if key in kept or key not in by_id:
            continue
        kept.add(key)
        wanted += [ref.get(qn("w:val")) for tag in ("w:basedOn", "w:next", "w:link")
                   for ref in by_id[key].findall(qn(tag))]
    return kept


def _slim(doc: DocumentObject) -> None:
    """Drop the template's parts and styles the letters never use."""
    for owner in (doc.part, doc.part.package):
        for rel_id, rel in list(owner.rels.items()):
            if rel.reltype.endswith(_DROPPED):
                del owner.rels[rel_id]
    styles = doc.styles.element
    kept = _kept_styles(doc)
    for element in list(styles):
        if element.tag == qn("w:latentStyles") or (
                element.tag == qn("w:style") and element.get(qn("w:styleId")) not in kept):
            styles.remove(element)


@cache
def _skeleton() -> bytes:
    """Return the letters' blank document, made once per process: US Letter, Georgia 11 pt.

    python-docx's template carries 800 KB of style XML that every document would parse and
    compress again; cut to the styles the letters use, it opens and saves in a fraction.
    """
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    normal = doc.styles["Normal"]
    normal.font.name = "Georgia"
    normal.font.size = Pt(11)
    _slim(doc)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _document(title: str, today: date) -> DocumentObject:
    """Return an empty letter document with its title and dates."""
    doc = Document(BytesIO(_skeleton()))
    properties = doc.core_properties
    properties.title = title[:_TITLE_MAX]
    properties.author = properties.last_modified_by = "Bearings"
    properties.comments = ""
    properties.created = properties.modified = datetime.combine(today, time(), UTC)
    return doc


def render_docx(blocks: Sequence[Block], title: str, today: date) -> bytes:
    """Return the letter as a Word document the person can edit."""
    doc = _document(title, today)
    bullet = doc.styles[_BULLET]
    paragraphs = [_paragraph(doc, block, bullet) for block in blocks]
    for index, paragraph in enumerate(paragraphs):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        close = following is not None and tight(blocks[index], following)
        paragraph.paragraph_format.space_after = Pt(0 if close else 8)
        if following is not None and following.kind == "sign":  # "Sincerely," with its signature
            paragraph.paragraph_format.keep_with_next = True
        if blocks[index].kind == "sign":
            paragraph.paragraph_format.keep_together = True
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
