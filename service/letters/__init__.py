"""Letters: a registry of letter types, their fields, and rendering to pdf, docx, txt and html.

Each type has one Jinja2 template (``templates/letters/<id>.j2``) from which all four formats
come. Letters know nothing of HTTP; the web layer and the CLI call these functions.
"""

from __future__ import annotations

from ._check import check_answers, vocabulary_type
from ._pack import evidence_pack
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

__all__ = [
    "check_answers",
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
