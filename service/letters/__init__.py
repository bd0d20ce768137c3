"""Letters: a registry of letter types, their fields, and rendering to pdf, docx, txt and html.

Each type has one Jinja2 template (``templates/letters/<id>.j2``) from which all four formats
come. Letters know nothing of HTTP; the web layer and the CLI call these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from ._check import check_answers, vocabulary_constraints, vocabulary_type
from ._render import (
    FORMATS,
    Rendered,
    UnknownLetter,
    describe,
    documents_for,
    get,
    letter_types,
    render,
    resolve,
)
from ._types import LetterType
from ._vocabulary import VOCABULARY


def evidence_pack(*, facts: Mapping[str, Any], results: Mapping[str, Any],
                  documents: Iterable[Any], timeline: Any,
                  checklist: Iterable[Mapping[str, Any]], deadlines: Any, plan: Any = None,
                  today: date | None = None, calendar_id: str = "bearings") -> bytes:
    """Return the evidence pack ZIP: see :func:`service.letters._pack.evidence_pack`.

    The pack's modules (fpdf2, fontTools, python-docx, icalendar) load on first use, so that
    starting a worker does not pay for them.
    """
    from ._pack import evidence_pack as build

    return build(facts=facts, results=results, documents=documents, timeline=timeline,
                 checklist=checklist, deadlines=deadlines, plan=plan, today=today,
                 calendar_id=calendar_id)

__all__ = [
    "check_answers",
    "vocabulary_constraints",
    "vocabulary_type",
    "FORMATS",
    "LetterType",
    "Rendered",
    "UnknownLetter",
    "VOCABULARY",
    "describe",
    "documents_for",
    "evidence_pack",
    "get",
    "letter_types",
    "render",
    "resolve",
]
