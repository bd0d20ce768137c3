"""The bundled DejaVu fonts, parsed once per process and handed to each PDF cheaply.

fpdf2 parses a TrueType font in ``add_font`` and subsets it in place when it writes the PDF,
so every document needs a font object of its own. Parsing DejaVu Sans (6,000 glyphs) twice
per letter costs more than laying the letter out. So the fonts are parsed once: each PDF
gets a copy of the parsed metrics (read-only) and a lazily loaded font for the subset. Text
that stays within the common Latin, Greek and Cyrillic ranges uses a smaller cut of the same
fonts (about 1,500 glyphs), made once in memory; any other text uses the full fonts.

Most PDFs draw from a few hundred code points, so :func:`cut_for` cuts the fonts further, to
what a PDF draws plus :data:`BASE` (what nearly every letter draws). Rounding up to
``BASE`` gives every plain-English letter the same cut, and all of one person's letters
theirs; the last few cuts are kept, so a cut is made once and each PDF made with it skips
recompiling the font (:class:`_SavedTTFont`).

Fonts are opened without recalculating bounding boxes, as fontTools' own subsetter does by
default: subsetting never moves an outline, and recalculating them means decompiling and
recompiling every glyph on each save, the most expensive step of writing a PDF.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.util import find_spec
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from fontTools import subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

__all__ = ["BASE", "FAMILY", "FONT_DIR", "SHAPING", "FontCut", "coverage", "cut_for",
           "install_fonts"]

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
#: Code points every cut holds: printable ASCII, the no-break space, typographic quotes,
#: dashes, the bullet, the ellipsis, and the pound and euro signs.
BASE = frozenset(range(0x20, 0x7F)) | frozenset(map(ord, "\u00a0‘’“”–—•…£€"))
#: Tables a cut leaves out: fpdf2 drops them from every PDF, and unshaped text never uses them.
UNUSED_TABLES = ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta"]
#: How many cuts each process keeps (each about 90 KB with its compiled subsets).
CUTS_KEPT = 16


#: How every font here is opened: saved with its bounding boxes and timestamp as they are.
_KEEP = {"recalcBBoxes": False, "recalcTimestamp": False}


def _open(data: bytes, lazy: bool | None = None) -> TTFont:
    """Return a font read from ``data`` that keeps its bounding boxes and timestamp on save."""
    return TTFont(BytesIO(data), lazy=lazy, **_KEEP)


def _cut(data: bytes, points: frozenset[int] | None = None) -> bytes:
    """Return the font cut down to ``points`` (default the COMMON ones), glyph names kept."""
    font = _open(data)
    keep = [point for point in font.getBestCmap()
            if (point in points if points is not None else
                any(low <= point <= high for low, high in COMMON))]
    options = subset.Options(glyph_names=True, notdef_outline=True, recommended_glyphs=True,
                             layout_features=[])
    options.drop_tables += UNUSED_TABLES
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
    maps = [frozenset(_open(_font_bytes(style, common), lazy=True).getBestCmap())
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
        super().__init__(BytesIO(data), lazy=True, **_KEEP)
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
    for all of them (see :class:`_SavedTTFont`) instead of once per PDF and style. A cut is
    shared between threads: two that compile the same subset at once store equal bytes.
    """

    drawn: frozenset[int]
    common: bool
    data: dict[str, bytes]
    saved: dict[str, dict[tuple[str, ...], bytes]] = field(default_factory=dict)


def cut_for(drawn: set[int]) -> FontCut | None:
    """Return a cut of the fonts for PDFs drawing ``drawn`` (None when fpdf2 shapes text).

    The cut holds ``drawn`` and :data:`BASE`; the last :data:`CUTS_KEPT` cuts are reused.
    """
    if SHAPING:  # shaped text draws glyphs beyond the character map: no shared cut
        return None
    return _kept_cut(frozenset(drawn | BASE))


@lru_cache(maxsize=CUTS_KEPT)
def _kept_cut(points: frozenset[int]) -> FontCut:
    """Return the cut of the fonts to ``points``, from the smaller fonts when they cover them."""
    common = points <= coverage(True)
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
    """Give ``pdf`` the bundled fonts cut to what it draws (``cut`` when that covers ``drawn``).

    Without a cut that covers ``drawn``, the PDF gets the kept cut for ``drawn``, or the whole
    fonts when fpdf2 shapes text. Falls back to ``add_font`` should fpdf2's font object
    change shape.
    """
    if cut is None or not drawn <= cut.drawn:
        cut = cut_for(drawn)
    try:
        if cut is not None:
            _install_cut(pdf, cut)
            return
        for key, (prototype, data) in _prototypes(False).items():
            font = copy.copy(prototype)
            font.ttfont = _open(data, lazy=True)
            font.subset = SubsetMap(font)
            font.missing_glyphs = []
            pdf.fonts[key] = font
    except (AttributeError, TypeError):  # pragma: no cover - only with another fpdf2
        pdf.fonts.clear()
        for style, name in FILES.items():
            pdf.add_font(FAMILY, style, FONT_DIR / name)
