"""Receive an exchange export from a multipart request and parse it."""

from __future__ import annotations

from flask import current_app, request

from .. import importers
from .errors import ApiError, invalid


def receive_upload() -> importers.ImportResult:
    """Parse the request's ``file`` part; raise 413, 415 or 422 with a clear message."""
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "Upload the file as multipart/form-data, in a part named 'file'.")
    part = request.files.get("file")
    if part is None or not part.filename:
        raise invalid({"file": ["Choose a CSV file exported from your exchange."]})
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    try:
        return importers.parse(part.stream, max_bytes=limit)
    except importers.TooLarge:
        raise ApiError(413, f"The file is larger than {limit // (1024 * 1024)} MB.") from None
    except importers.UnknownFormat as exc:
        raise invalid({"file": [str(exc)]}) from None
