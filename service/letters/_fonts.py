"""The bundled DejaVu fonts, parsed once per process and handed to each PDF cheaply.

fpdf2 parses a TrueType font in ``add_font`` and subsets it in place when it writes the PDF,
so every document needs a font object of its own. Parsing DejaVu Sans (6,000 glyphs) twice
per letter costs more than laying the letter out. So the fonts are parsed once: each PDF
gets a copy of the parsed metrics (read-only) and a lazily loaded font for the subset. Text
that stays within the common Latin, Greek and Cyrillic ranges uses a smaller cut of the same
fonts (about 1,500 glyphs), made once in memory; any other text uses the full fonts.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field
from functools import cache
from importlib.util import find_spec
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from fontTools import subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

__all__ = ["FAMILY", "FONT_DIR", "SHAPING", "FontCut", "coverage", "cut_for", "install_fonts"]

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
#: With uharfbuzz installed fpdf2 shapes Arabic and orders right-to-left runs itself.
SHAPING = find_spec("uharfbuzz") is not None
#: Code points of the smaller cut: Latin (with Vietnamese), combining marks, Greek, Cyrillic,
#: punctuation, currency signs, a few letterlike symbols and the replacement character.
COMMON = ((0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF),
          (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x2122),
          (0xFFFD, 0xFFFD))


def _cut(data: bytes, points: frozenset[int] | None = None) -> bytes:
    """Return the font cut down to ``points`` (default the COMMON ones), glyph names kept."""
    font = TTFont(BytesIO(data))
    keep = [point for point in font.getBestCmap()
            if (point in points if points is not None else
                any(low <= point <= high for low, high in COMMON))]
    options = subset.Options(glyph_names=True, notdef_outline=True, recommended_glyphs=True,
                             layout_features=[], name_IDs=["*"])
    quiet = logging.getLogger("fontTools.subset")
    level, quiet.level = quiet.level, logging.ERROR
    try:
        cutter = subset.Subsetter(options)
        cutter.populate(unicodes=keep)
        cutter.subset(font)
    finally:
        quiet.level = level
    buffer = BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@cache
def _font_bytes(style: str, common: bool) -> bytes:
    """Return one style's font file, whole or cut to the common ranges."""
    data = (FONT_DIR / FILES[style]).read_bytes()
    return _cut(data) if common else data


@cache
def coverage(common: bool = False) -> frozenset[int]:
    """Return the code points both styles can draw, in the common cut or the full fonts."""
    maps = [frozenset(TTFont(BytesIO(_font_bytes(style, common)), lazy=True).getBestCmap())
            for style in FILES]
    return frozenset.intersection(*maps)


@cache
def _prototypes(common: bool) -> dict[str, tuple[TTFFont, bytes]]:
    """Return each style parsed once, by fpdf2's font key, with its bytes."""
    pdf = FPDF()
    found = {}
    for style in FILES:
        key, data = f"{FAMILY.lower()}{style}", _font_bytes(style, common)
        pdf.fonts[key] = TTFFont(pdf, BytesIO(data), key, style)  # type: ignore[arg-type]
        found[key] = (pdf.fonts[key], data)
    return found


class _SavedTTFont(TTFont):  # type: ignore[misc]
    """A font whose ``save`` reuses the bytes of an earlier save of the same glyph order.

    fpdf2 subsets the font for each PDF and then saves it, recompiling every outline; PDFs
    that draw the same glyphs from the same source get identical bytes, so they are kept.
    """

    def __init__(self, data: bytes, saved: dict[tuple[str, ...], bytes]) -> None:
        super().__init__(BytesIO(data), lazy=True)
        self._saved = saved

    def save(self, file: IO[bytes], reorderTables: bool = True) -> None:  # noqa: N803
        """Write the font, compiled once per glyph order."""
        key = tuple(self.getGlyphOrder())
        data = self._saved.get(key)
        if data is None:
            buffer = BytesIO()
            super().save(buffer, reorderTables)
            data = self._saved[key] = buffer.getvalue()
        file.write(data)


@dataclass
class FontCut:
    """The fonts cut to the code points of several PDFs, so that they share one subset.

    Every PDF made with the cut carries the same glyphs, so fpdf2 compiles the subset once
    for all of them (see :class:`_SavedTTFont`) instead of once per PDF and style.
    """

    drawn: frozenset[int]
    common: bool
    data: dict[str, bytes]
    saved: dict[str, dict[tuple[str, ...], bytes]] = field(default_factory=dict)


def cut_for(drawn: set[int]) -> FontCut | None:
    """Return a cut of the fonts for PDFs drawing ``drawn`` (None when fpdf2 shapes text)."""
    if SHAPING:  # shaped text draws glyphs beyond the character map: no shared cut
        return None
    common = drawn <= coverage(True)
    points = frozenset(drawn | {0x20})
    return FontCut(points, common, {style: _cut(_font_bytes(style, common), points)
                                    for style in FILES}, {style: {} for style in FILES})


def _install_cut(pdf: FPDF, cut: FontCut) -> None:
    """Give ``pdf`` the cut fonts with every code point of the cut already picked."""
    prototypes = _prototypes(cut.common)
    for style in FILES:
        key = f"{FAMILY.lower()}{style}"
        font: Any = copy.copy(prototypes[key][0])
        font.ttfont = _SavedTTFont(cut.data[style], cut.saved[style])
        font.subset = SubsetMap(font)
        font.missing_glyphs = []
        for point in sorted(cut.drawn):
            font.subset.pick(point)
        pdf.fonts[key] = font


def install_fonts(pdf: FPDF, drawn: set[int], cut: FontCut | None = None) -> None:
    """Give ``pdf`` the bundled fonts, the smaller cut when it covers every code point drawn.

    With ``cut`` (covering ``drawn``) the PDF shares that cut with others. Falls back to
    ``add_font`` should fpdf2's font object change shape.
    """
    common = not SHAPING and drawn <= coverage(True)
    try:
        if cut is not None and drawn <= cut.drawn:
            _install_cut(pdf, cut)
            return
        for key, (prototype, data) in _prototypes(common).items():
            font = copy.copy(prototype)
            font.ttfont = TTFont(BytesIO(data), lazy=True)
            font.subset = SubsetMap(font)
            font.missing_glyphs = []
            pdf.fonts[key] = font
    except (AttributeError, TypeError):  # pragma: no cover - only with another fpdf2
        pdf.fonts.clear()
        for style, name in FILES.items():
            pdf.add_font(FAMILY, style, FONT_DIR / name)
