"""Persistence: SQLAlchemy Core tables, encryption at rest, the repository and migrations."""

from __future__ import annotations

from .crypto import Undecryptable, new_token
from .migrate import upgrade
from .repository import Access, NotFound, Stale, Store, Unauthorized, new_id

__all__ = ["Access", "NotFound", "Stale", "Store", "Unauthorized", "Undecryptable", "new_id",
           "new_token", "upgrade"]
