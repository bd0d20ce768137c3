"""The letter registry and rendering: answers → template markup → blocks → pdf|docx|txt|html."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from marshmallow import ValidationError

from ._catalog import CATALOG
from ._markup import Block, environment, parse, plain
from ._text_formats import render_html, render_txt
from ._types import LetterType
from ._vocabulary import spec

__all__ = ["FORMATS", "Rendered", "UnknownLetter", "compose", "describe", "documents_for", "get",
           "letter_types", "missing", "render", "resolve"]

FORMATS = ("pdf", "docx", "txt", "html")
MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
_BY_ID = {letter.id: letter for letter in CATALOG}
#: Plain values a readiness digest may be taken of (their repr says exactly what they are).
_PLAIN = (str, int, float, bool, type(None))
#: A key per process: a digest of someone's answers cannot be matched against guesses.
_DIGEST_KEY = secrets.token_bytes(32)
READINESS_KEPT = 4096
_readiness: dict[bytes, tuple[str, ...]] = {}


class UnknownLetter(LookupError):
    """Raised for a letter type or document id that does not exist."""


@dataclass(frozen=True)
class Rendered:
    """One rendered document, ready to send as an HTTP response or write to a file."""

    content: bytes
    mimetype: str
    filename: str


def letter_types() -> list[LetterType]:
    """Return every letter type, in the order a person would usually send them."""
    return list(CATALOG)


def resolve(document_id: str) -> tuple[LetterType, dict[str, str]]:
    """Return the letter type of a document id and the answers its id fixes.

    A type with a variant (the bureau of a credit freeze) also answers to ``<type>-<choice>``,
    such as ``credit-bureau-freeze-equifax``.
    """
    if document_id in _BY_ID:
        return _BY_ID[document_id], {}
    for letter in CATALOG:
        if letter.variant and document_id.startswith(letter.id + "-"):
            choice = document_id.removeprefix(letter.id + "-")
            if choice in dict(spec(letter.variant).choices):
                return letter, {letter.variant: choice}
    raise UnknownLetter(document_id)


def get(type_id: str) -> LetterType:
    """Return the letter type called ``type_id`` (a variant's document id also works)."""
    return resolve(type_id)[0]


def describe() -> list[dict[str, Any]]:
    """Return every letter type with the fields it needs, as the API lists them."""
    return [{"type": letter.id, "title": letter.title, "purpose": letter.purpose,
             "fields": letter.fields()} for letter in CATALOG]


def _context(letter: LetterType, loaded: dict[str, Any], today: date) -> dict[str, Any]:
    """Return the template's variables: every field (None when not answered) and extras."""
    values: dict[str, Any] = dict.fromkeys(letter.names)
    values.update(loaded)
    values.update(letter.context(loaded, today))
    values.update(today=today, letter_id=letter.id)
    return values


def compose(document_id: str, data: Mapping[str, Any], today: date | None = None,
            results: Mapping[str, Any] | None = None) -> tuple[LetterType, str, list[Block]]:
    """Validate the answers and return the letter type, the title and the letter's blocks."""
    letter, preset = resolve(document_id)
    if not isinstance(data, Mapping):
        raise ValidationError({"_schema": ["Send a JSON object."]})
    loaded = letter.load({**data, **letter.from_results(results or {}), **preset})
    day = today or date.today()
    source = environment().get_template(f"{letter.id}.j2").render(_context(letter, loaded, day))
    blocks = parse(source)
    title = next((plain(block.text) for block in blocks if block.kind == "title"), letter.title)
    return letter, title, blocks


def _pdf(blocks: list[Block], title: str, today: date) -> bytes:
    """Render a PDF (fpdf2 and fontTools load on the first one)."""
    from ._pdf import render_pdf

    return render_pdf(blocks, title, today)


def _docx(blocks: list[Block], title: str, today: date) -> bytes:
    """Render a DOCX (python-docx loads on the first one)."""
    from ._docx import render_docx

    return render_docx(blocks, title, today)


_RENDERERS: dict[str, Callable[[list[Block], str, date], bytes]] = {
    "pdf": _pdf,
    "docx": _docx,
    "txt": lambda blocks, title, today: render_txt(blocks).encode("utf-8"),
    "html": lambda blocks, title, today: render_html(blocks, title).encode("utf-8"),
}


def render(type_id: str, data: Mapping[str, Any], fmt: str, *, today: date | None = None,
           results: Mapping[str, Any] | None = None) -> Rendered:
    """Render one letter in ``fmt`` (pdf, docx, txt or html).

    :param type_id: a letter type id, or a variant's document id.
    :param data: the answers, by field name; other keys are ignored.
    :param fmt: the output format.
    :param today: the letter's date and the day reply-by dates count from; today when absent.
    :param results: calculator results by name, for letters that quote them (CPA intake).
    :raises ValidationError: naming each missing or invalid field (or ``format``).
    :raises UnknownLetter: for an unknown type.
    """
    if fmt not in FORMATS:
        get(type_id)
        raise ValidationError({"format": [f"Choose one of: {', '.join(FORMATS)}."]})
    day = today or date.today()
    _, title, blocks = compose(type_id, data, day, results)
    content = _RENDERERS[fmt](blocks, title, day)
    return Rendered(content, MIMETYPES[fmt], f"{type_id}-{day.isoformat()}.{fmt}")


def missing(letter: LetterType, data: Mapping[str, Any]) -> list[str]:
    """Return the fields a letter still lacks (or has in a form it cannot use), in field order."""
    try:
        letter.load(data)
    except ValidationError as exc:
        errors = exc.messages if isinstance(exc.messages, dict) else {}
        return [name for name in letter.names if name in errors]
    return []


def _is_plain(value: Any) -> bool:
    """Tell whether ``value`` is JSON-like data whose repr is exact (no Decimal, no objects)."""
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, list):
        return all(_is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(type(k) is str and _is_plain(v) for k, v in value.items())
    return False


def lacking(letter: LetterType, data: Mapping[str, Any]) -> list[str]:
    """Return :func:`missing`, remembered per keyed digest of the answers the letter reads.

    Validating every wanted letter on every step read is the costly part of the documents
    list; the outcome depends only on the letter's own fields, so it is kept under a keyed
    BLAKE2 digest of them (never the answers themselves), at most 4096 outcomes per process.
    """
    relevant = sorted((name, data[name]) for name in letter.names if name in data)
    if not all(_is_plain(value) for _, value in relevant):
        return missing(letter, data)
    key = hashlib.blake2b(repr((letter.id, relevant)).encode(), key=_DIGEST_KEY,
                          digest_size=16).digest()
    known = _readiness.get(key)
    if known is None:
        known = tuple(missing(letter, data))
        if len(_readiness) >= READINESS_KEPT:
            _readiness.clear()
        _readiness[key] = known
    return list(known)


def _document(document_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return one entry of the documents list."""
    letter, preset = resolve(document_id)
    title = letter.title
    if preset:
        title += ": " + dict(spec(letter.variant or "").choices)[next(iter(preset.values()))]
    lacking_now = lacking(letter, {**data, **preset})
    return {"id": document_id, "title": title, "formats": list(FORMATS),
            "ready": not lacking_now, "missing": lacking_now}


def documents_for(facts: Mapping[str, Any], results: Mapping[str, Any],
                  wanted: Iterable[str]) -> list[dict[str, Any]]:
    """List the documents a conversation wants, each marked ready or with what it lacks.

    A type with a variant whose answer is not known (which bureau) is listed once per choice.

    :param facts: the conversation's answers, by field name.
    :param results: calculator results, by calculator name.
    :param wanted: letter type or document ids, in the order to list them.
    """
    documents = []
    for document_id in wanted:
        letter, preset = resolve(document_id)
        data = {**facts, **letter.from_results(results)}
        ids = [document_id]
        if letter.variant and not preset and not data.get(letter.variant):
            ids = [f"{letter.id}-{value}" for value, _ in spec(letter.variant).choices
                   if letter.offers(value, data)]
        documents.extend(_document(each, data) for each in ids)
    return documents
