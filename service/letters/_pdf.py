"""PDF output with fpdf2 and the bundled DejaVu Sans, safe for any Unicode a person types."""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from functools import cache
from importlib.util import find_spec
from io import BytesIO
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.bidi import BidiParagraph
from fpdf.enums import TextDirection, XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont

from ._markup import Block, plain, tight

__all__ = ["FONT_DIR", "pdf_text", "render_pdf"]

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
_FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
_SIZE, _LINE = 10.5, 4.9  # points, millimetres
_GAP = 2.6
_LABEL_WIDTH = 50.0
_GREY = (85, 85, 85)
_RTL = frozenset({"R", "AL"})
#: With uharfbuzz installed fpdf2 shapes Arabic and orders right-to-left runs itself.
SHAPING = find_spec("uharfbuzz") is not None


@cache
def _coverage() -> frozenset[int]:
    """Return the code points both bundled fonts can draw."""
    maps = []
    for name in _FONTS.values():
        with TTFont(FONT_DIR / name, lazy=True) as font:
            maps.append(set(font.getBestCmap()))
    return frozenset.intersection(*map(frozenset, maps))


def _drawable(char: str, covered: frozenset[int]) -> str:
    """Return ``char`` if the font has it; else nothing for a mark, a replacement sign otherwise."""
    if char == "\n" or ord(char) in covered:
        return char
    return "" if unicodedata.category(char) in ("Mn", "Me", "Cf") else "\ufffd"


def _visual(line: str) -> str:
    """Return one line with right-to-left runs in display order (used without a shaper)."""
    if SHAPING or not any(unicodedata.bidirectional(char) in _RTL for char in line):
        return line
    return BidiParagraph(line, base_direction=TextDirection.LTR).get_reordered_string()


def pdf_text(text: str) -> str:
    """Return text the PDF font can draw: composed, uncovered signs replaced, RTL ordered."""
    covered = _coverage()
    composed = unicodedata.normalize("NFC", text)
    safe = "".join(_drawable(char, covered) for char in composed)
    return "\n".join(_visual(line) for line in safe.split("\n"))


@cache
def _prototypes() -> dict[str, tuple[TTFFont, bytes]]:
    """Return each font parsed once (metrics and character map) with its file's bytes."""
    pdf = FPDF()
    for style, name in _FONTS.items():
        pdf.add_font(FAMILY, style, FONT_DIR / name)
    files = {f"{FAMILY.lower()}{style}": (FONT_DIR / name).read_bytes()
             for style, name in _FONTS.items()}
    return {key: (font, files[key]) for key, font in pdf.fonts.items()}


def _install_fonts(pdf: FPDF) -> None:
    """Give ``pdf`` the bundled fonts without parsing them again.

    fpdf2 parses a TrueType font in ``add_font`` and subsets it in place when writing, so
    each document needs its own font object. This copies the parsed metrics of a prototype
    (read-only) and opens a lazily loaded copy of the font for the subset: about half the
    time of ``add_font`` per document. Should fpdf2's font object change shape, it falls back
    to ``add_font``.
    """
    try:
        for key, (prototype, data) in _prototypes().items():
            font = copy.copy(prototype)
            font.ttfont = TTFont(BytesIO(data), lazy=True)
            font.subset = SubsetMap(font)
            font.missing_glyphs = []
            pdf.fonts[key] = font
    except (AttributeError, TypeError):  # pragma: no cover - only with another fpdf2
        pdf.fonts.clear()
        for style, name in _FONTS.items():
            pdf.add_font(FAMILY, style, FONT_DIR / name)


class LetterPDF(FPDF):
    """A US Letter page with the bundled font and a page number at the foot."""

    def __init__(self, title: str, today: date) -> None:
        super().__init__(orientation="portrait", unit="mm", format="letter")
        _install_fonts(self)
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

    def paragraph(self, text: str, *, size: float = _SIZE, style: str = "",
                  indent: float = 0.0) -> None:
        """Write wrapped text from the left margin plus ``indent``."""
        self.set_font(FAMILY, style, size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, _LINE * size / _SIZE, pdf_text(text), align="L",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", _SIZE)

    def labelled(self, label: str, value: str) -> None:
        """Write a bold label and its value, flowing onto the next lines when long."""
        self.set_x(self.l_margin)
        self.set_font(FAMILY, "B", _SIZE)
        self.write(_LINE, pdf_text(label) + ": ")
        self.set_font(FAMILY, "", _SIZE)
        self.write(_LINE, pdf_text(value))
        self.ln(_LINE)


def _item(pdf: LetterPDF, block: Block) -> None:
    """Write one list item with a bullet."""
    pdf.set_x(pdf.l_margin + 1.5)
    pdf.cell(4, _LINE, "•")
    pdf.paragraph(plain(block.text), indent=6)


def _signature(pdf: LetterPDF, block: Block) -> None:
    """Write a signature line with the name under it."""
    if pdf.will_page_break(_LINE * 4):
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


def render_pdf(blocks: Sequence[Block], title: str, today: date) -> bytes:
    """Return the letter as a PDF document."""
    pdf = LetterPDF(title, today)
    previous: Block | None = None
    for block in blocks:
        if previous is not None and not tight(previous, block):
            pdf.ln(_GAP if block.kind != "title" else _GAP * 2)
        _block(pdf, block)
        previous = block
    return bytes(pdf.output())
