"""Files sent to people: letters, evidence packs and exports, with exactly one charset."""

from __future__ import annotations

import io

from flask import Response, send_file


def download(content: bytes, mimetype: str, filename: str, *, attachment: bool = True,
             no_store: bool = False) -> Response:
    """Return ``content`` as a file named ``filename``.

    A letter's type may already name its charset (``text/plain; charset=utf-8``); Flask adds
    one of its own to every text type, so the header is set from ``mimetype`` as given.
    """
    response = send_file(io.BytesIO(content), mimetype=mimetype.split(";")[0].strip(),
                         as_attachment=attachment, download_name=filename)
    response.headers["Content-Type"] = mimetype
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response
