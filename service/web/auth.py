"""Who may touch a conversation: the bearer of its token."""

from __future__ import annotations

import re

from flask import request

from ..store import Access
from .errors import ApiError

_ID = re.compile(r"^[0-9a-f]{24}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def check_id(conversation_id: str) -> str:
    """Return a well-formed conversation id or raise 404."""
    if not _ID.match(conversation_id):
        raise ApiError(404, "No conversation with that id.")
    return conversation_id


def bearer(conversation_id: str) -> Access:
    """Return the access the request's bearer token gives, or raise 401 / 404."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not _TOKEN.match(token.strip()):
        raise ApiError(401, "Send the conversation's token as Authorization: Bearer <token>.",
                       headers={"WWW-Authenticate": "Bearer"})
    return Access(check_id(conversation_id), token.strip())
