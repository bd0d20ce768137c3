"""Receive an exchange export from a multipart request and parse it."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, request
from werkzeug.datastructures import FileStorage

from .. import importers
from .errors import ApiError, invalid
from .shown import format_name

#: Said instead of a header that is not readable text, so no raw byte of a file is echoed.
NOT_TEXT = ("This file is not a CSV text file. It looks like a spreadsheet, PDF, picture or "
            "other kind of file. On your exchange's website, export your trade history as CSV "
            "and upload that file.")


def _readable(text: str) -> bool:
    """Return whether ``text`` holds only printable characters (no NUL, no U+FFFD)."""
    return all(ch.isprintable() and ch != "\ufffd" for ch in text)


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0abfnrtv])")


def _plain_value(match: re.Match[str]) -> str:
    value = match.group(1)
    return match.group(0) if _readable(value) and not _ESCAPE.search(value) else (
        "a value that is not readable text")


def row_message(message: str) -> str:
    """Return a bad row's message with any unreadable value from the file put in words."""
    cleaned = _QUOTED.sub(_plain_value, message)
    return cleaned if _readable(cleaned) else "This row holds characters that are not text."


def row_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the bad rows with messages that echo no unreadable byte of the file."""
    return [{**error, "message": row_message(str(error.get("message", "")))} for error in errors]


def unknown_format_message(exc: importers.UnknownFormat) -> str:
    """Return the importer's message, or words of our own when it would echo unreadable bytes."""
    message = str(exc)
    return message if _readable(message) else NOT_TEXT


def parse_part(part: FileStorage | None) -> importers.ImportResult:
    """Parse one uploaded file; raise 413 or 422 with a clear message."""
    if part is None or not part.filename:
        raise invalid({"file": ["Choose a CSV file exported from your exchange."]})
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    try:
        return importers.parse(part.stream, max_bytes=limit)
    except importers.TooLarge:
        raise ApiError(413, f"The file is larger than {limit // (1024 * 1024)} MB.") from None
    except importers.UnknownFormat as exc:
        raise invalid({"file": [unknown_format_message(exc)]}) from None


def receive_upload() -> importers.ImportResult:
    """Parse the request's ``file`` part; raise 413, 415 or 422 with a clear message."""
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "Upload the file as multipart/form-data, in a part named 'file'.")
    return parse_part(request.files.get("file"))


def stored(parsed: importers.ImportResult) -> dict[str, Any]:
    """Return what the store keeps of an upload."""
    return {"format": parsed.format, "rows": parsed.rows,
            "transactions": parsed.transactions, "errors": row_errors(parsed.errors)}


def read_summary(data: dict[str, Any], *, shown_rows: int = 3) -> list[str]:
    """Return, in words, what was read from an upload and which rows could not be read."""
    rows, errors = int(data.get("rows") or 0), data.get("errors") or []
    lines = [f"Your file is read: a {format_name(str(data.get('format', '')))} file with "
             f"{rows} row{'' if rows == 1 else 's'}."]
    if errors:
        count = len(errors)
        lines.append(f"{count} row{' was' if count == 1 else 's were'} not read, so "
                     f"{'it is' if count == 1 else 'they are'} left out of your figures:")
        lines.extend(f"Row {e.get('row')}: {row_message(str(e.get('message', '')))}"
                     for e in errors[:shown_rows])
        if count > shown_rows:
            lines.append(f"And {count - shown_rows} more.")
    return lines
