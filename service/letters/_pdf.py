"""PDF output with fpdf2 and the bundled DejaVu Sans, safe for any Unicode a person types."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from fpdf import FPDF
from fpdf.bidi import BidiParagraph
from fpdf.enums import TextDirection, XPos, YPos

from ._fonts import FAMILY, SHAPING, FontCut, coverage, install_fonts
from ._markup import Block, plain, tight
from ._wrap import wrap

__all__ = ["LetterPDF", "drawn", "pdf_text", "render_pdf"]

_SIZE, _LINE = 10.5, 4.9  # points, millimetres
_GAP = 2.6
_GREY = (85, 85, 85)
_RTL = frozenset({"R", "AL"})
#: What the renderer itself writes besides the letter's text.
_OWN_TEXT = "•_ (write by hand): Page 0123456789 of"


def _drawable(char: str, covered: frozenset[int]) -> str:
    """Return ``char`` if the font has it; else nothing for a mark, a replacement sign otherwise."""
    if char == "\n" or ord(char) in covered:
        return char
    return "" if unicodedata.category(char) in ("Mn", "Me", "Cf") else "\ufffd"


def _drawn(text: str) -> set[int]:
    """Return the code points the PDF will draw for ``text`` (its own words included)."""
    covered = coverage()
    composed = unicodedata.normalize("NFC", text)
    return {ord(shown) for char in set(composed) - {"\n"} if (shown := _drawable(char, covered))}


def _visual(line: str) -> str:
    """Return one line with right-to-left runs in display order (used without a shaper)."""
    if SHAPING or not any(unicodedata.bidirectional(char) in _RTL for char in line):
        return line
    return BidiParagraph(line, base_direction=TextDirection.LTR).get_reordered_string()


def pdf_text(text: str) -> str:
    """Return text the PDF font can draw: composed, uncovered signs replaced."""
    covered = coverage()
    composed = unicodedata.normalize("NFC", text)
    return "".join(_drawable(char, covered) for char in composed)


class LetterPDF(FPDF):
    """A US Letter page with the bundled font and a page number at the foot."""

    def __init__(self, title: str, today: date, text: str = "",
                 cut: FontCut | None = None) -> None:
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self._widths: dict[tuple[str, float, str], float] = {}
        install_fonts(self, _drawn(title + text + _OWN_TEXT), cut)
        if SHAPING:
            self.set_text_shaping(True)
        self.set_margins(25, 20, 25)
        self.set_auto_page_break(True, margin=18)
        self.set_title(pdf_text(title))
        self.set_creator("Bearings")
        self.set_creation_date(datetime.combine(today, time(), UTC))
        self.add_page()
        self.set_font(FAMILY, size=_SIZE)

    def footer(self) -> None:
        """Print the page number at the foot of every page."""
        self.set_y(-13)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*_GREY)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0)

    def width(self, text: str) -> float:
        """Return the width of ``text`` in the current font, measured once per font and size.

        Line breaking measures the same words over and over (and each paragraph twice where
        a closing is kept with its signature); fpdf2 measures a string in many steps.
        """
        key = (self.font_style, self.font_size_pt, text)
        found = self._widths.get(key)
        if found is None:
            found = self._widths[key] = self.get_string_width(text)
        return found

    def lines(self, lines: list[str], indent: float = 0.0) -> None:
        """Write lines already broken to fit, each from the left margin plus ``indent``."""
        for line in lines:
            self.set_x(self.l_margin + indent)
            self.cell(self.epw - indent, self.font_size_pt * _LINE / _SIZE, _visual(line),
                      new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str, *, size: float = _SIZE, style: str = "",
                  indent: float = 0.0) -> None:
        """Write wrapped text from the left margin plus ``indent``."""
        self.set_font(FAMILY, style, size)
        self.lines(wrap(self.width, pdf_text(text), self.epw - indent), indent)
        self.set_font(FAMILY, "", _SIZE)

    def labelled(self, label: str, value: str) -> None:
        """Write a bold label and its value, flowing onto the next lines when long."""
        self.set_font(FAMILY, "B", _SIZE)
        label = pdf_text(label) + ": "
        width = self.width(label)
        self.set_font(FAMILY, "", _SIZE)
        first, *rest = wrap(self.width, pdf_text(value), self.epw,
                            first=self.epw - width)
        if self.will_page_break(_LINE):
            self.add_page()
        self.set_x(self.l_margin)
        self.set_font(FAMILY, "B", _SIZE)
        self.cell(width, _LINE, _visual(label))
        self.set_font(FAMILY, "", _SIZE)
        self.cell(self.epw - width, _LINE, _visual(first), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.lines(rest)


def _item(pdf: LetterPDF, block: Block) -> None:
    """Write one list item with a bullet."""
    pdf.set_x(pdf.l_margin + 1.5)
    pdf.cell(4, _LINE, "•")
    pdf.paragraph(plain(block.text), indent=6)


def _height(pdf: LetterPDF, block: Block) -> float:
    """Return how tall a paragraph or a signature block will be on the page."""
    lines = len(wrap(pdf.width, pdf_text(plain(block.text)), pdf.epw)) * _LINE
    return lines + (_LINE * 2 + 1 if block.kind == "sign" else 0)


def _keep_closing_together(pdf: LetterPDF, block: Block, following: Block | None) -> None:
    """Start a new page before a closing ("Sincerely,") that would leave its signature alone."""
    if block.kind != "para" or following is None or following.kind != "sign":
        return
    if pdf.will_page_break(_height(pdf, block) + _GAP + _height(pdf, following)):
        pdf.add_page()


def _signature(pdf: LetterPDF, block: Block) -> None:
    """Write a signature line with the name under it."""
    if pdf.will_page_break(_height(pdf, block)):
        pdf.add_page()
    pdf.ln(_LINE * 2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 75, pdf.get_y())
    pdf.ln(1)
    pdf.paragraph(plain(block.text))


def _block(pdf: LetterPDF, block: Block) -> None:
    """Write one block in its style."""
    text = plain(block.text)
    if block.kind == "title":
        pdf.paragraph(text, size=11.5, style="B")
    elif block.kind == "heading":
        pdf.paragraph(text, style="B")
    elif block.kind == "item":
        _item(pdf, block)
    elif block.kind == "field":
        pdf.labelled(plain(block.label), text)
    elif block.kind == "blank":
        pdf.labelled(text, "_" * 28 + "  (write by hand)")
    elif block.kind == "sign":
        _signature(pdf, block)
    elif block.kind == "note":
        pdf.set_text_color(*_GREY)
        pdf.paragraph(text, size=8.5)
        pdf.set_text_color(0)
    else:
        pdf.paragraph(text)


def drawn(blocks: Sequence[Block], title: str) -> set[int]:
    """Return the code points a PDF of ``blocks`` draws (for a font cut shared by PDFs)."""
    return _drawn(title + plain("".join(block.label + block.text for block in blocks))
                  + _OWN_TEXT)


def render_pdf(blocks: Sequence[Block], title: str, today: date,
               cut: FontCut | None = None) -> bytes:
    """Return the letter as a PDF document (``cut``: fonts shared with other PDFs)."""
    text = "".join(block.label + block.text for block in blocks)
    pdf = LetterPDF(title, today, plain(text), cut)
    previous: Block | None = None
    for number, block in enumerate(blocks):
        if previous is not None and not tight(previous, block):
            pdf.ln(_GAP if block.kind != "title" else _GAP * 2)
        _keep_closing_together(pdf, block, blocks[number + 1] if number + 1 < len(blocks)
                               else None)
        _block(pdf, block)
        previous = block
    return bytes(pdf.output())
