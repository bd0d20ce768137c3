"""One reading-level measure for every test: textstat's Flesch-Kincaid grade."""

from __future__ import annotations

import textstat


def grade_level(sentences: list[str]) -> float:
    """Return the US school grade needed to read ``sentences``."""
    return float(textstat.flesch_kincaid_grade(" ".join(sentences)))
