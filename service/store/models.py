"""The tables: conversations and their uploads. Everything a person typed is encrypted.

Plain SQLAlchemy Core tables: the store runs a handful of statements and maps no objects, so
the ORM (and the time it takes to import) stays out of every worker.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
)


def utcnow() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)


metadata = MetaData()

#: One conversation: flow and version in the clear; its state and every answer sealed.
conversations = Table(
    "conversations", metadata,
    Column("id", String(32), primary_key=True),
    Column("flow", String(64), nullable=False),
    Column("flow_version", String(32), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("resume_hash", String(64), index=True, nullable=True),
    Column("resume_box", LargeBinary, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, default=utcnow),
    Column("updated_at", DateTime(timezone=True), nullable=False, default=utcnow,
           onupdate=utcnow, index=True),
)

#: An uploaded exchange export, parsed; the transactions are sealed.
uploads = Table(
    "uploads", metadata,
    Column("id", String(32), primary_key=True),
    Column("conversation_id", ForeignKey("conversations.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("format", String(32), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, default=utcnow),
)
