"""Load and save conversations; every payload sealed with the conversation's own key."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..engine import Conversation
from . import crypto
from .models import ConversationRow, UploadRow, utcnow


class NotFound(LookupError):
    """No conversation (or upload) with that id."""


class Unauthorized(PermissionError):
    """The token is missing or does not belong to the conversation."""


class Stale(Exception):
    """Someone else changed the conversation first (optimistic locking)."""


@dataclass(frozen=True)
class Access:
    """A conversation id with the token that opens it."""

    id: str
    token: str

    @property
    def key(self) -> bytes:
        """Return the conversation's encryption key."""
        return crypto.derive_key(self.token, self.id)


def new_id() -> str:
    """Return a fresh, unguessable conversation or upload id."""
    return secrets.token_hex(12)


def _encode(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engines(url: str) -> tuple[Engine, Engine]:
    """Return (reading, writing) engines; on SQLite writers take the lock at BEGIN.

    SQLite in WAL mode cannot upgrade a reading transaction to a writing one once another
    writer has committed, so writes begin IMMEDIATE and wait their turn (busy timeout);
    reads stay concurrent. Other databases use one engine for both.
    """
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
        return engine, engine
    engines = []
    for immediate in (False, True):
        engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False,
                                                  "isolation_level": None})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate if immediate else
                     (lambda conn: conn.exec_driver_sql("BEGIN")))
        engines.append(engine)
    return engines[0], engines[1]


class Store:
    """The persistence of conversations and uploads."""

    def __init__(self, url: str) -> None:
        self.engine, self.write_engine = make_engines(url)
        self.reads = sessionmaker(self.engine, expire_on_commit=False)
        self.sessions = sessionmaker(self.write_engine, expire_on_commit=False)

    def dispose(self) -> None:
        """Close every pooled connection (after a fork, or at shutdown)."""
        self.engine.dispose()
        self.write_engine.dispose()

    # -- conversations ------------------------------------------------------------------------

    def _row(self, session: Session, access: Access) -> ConversationRow:
        row = session.get(ConversationRow, access.id)
        if row is None:
            raise NotFound(access.id)
        if not crypto.same_hash(access.token, row.token_hash):
            raise Unauthorized(access.id)
        return row

    def _to_conversation(self, row: ConversationRow, access: Access) -> Conversation:
        private = json.loads(crypto.unseal(access.key, row.payload, row.id))
        return Conversation(id=row.id, flow=row.flow, flow_version=row.flow_version,
                            state=row.state, version=row.version, status=row.status, **private)

    def create(self, conv: Conversation, token: str) -> None:
        """Store a new conversation, keeping only the hash of its token."""
        access = Access(conv.id, token)
        row = ConversationRow(id=conv.id, flow=conv.flow, flow_version=conv.flow_version,
                              token_hash=crypto.token_hash(token), state=conv.state,
                              status=conv.status,
                              payload=crypto.seal(access.key, _encode(conv.payload()), conv.id))
        with self.sessions.begin() as session:
            session.add(row)
        conv.version = row.version

    def load(self, access: Access) -> Conversation:
        """Return the conversation, decrypted; raise NotFound or Unauthorized."""
        with self.reads() as session:
            return self._to_conversation(self._row(session, access), access)

    def save(self, conv: Conversation, access: Access, read_version: int) -> None:
        """Write ``conv`` if nobody wrote since ``read_version``; raise Stale otherwise."""
        try:
            with self.sessions.begin() as session:
                row = self._row(session, access)
                if row.version != read_version:
                    raise Stale(conv.id)
                row.state, row.status = conv.state, conv.status
                row.payload = crypto.seal(access.key, _encode(conv.payload()), conv.id)
                session.flush()
                conv.version = row.version
        except StaleDataError as exc:
            raise Stale(conv.id) from exc

    def delete(self, access: Access) -> None:
        """Erase the conversation and everything tied to it."""
        with self.sessions.begin() as session:
            self._row(session, access)
            session.execute(delete(UploadRow).where(UploadRow.conversation_id == access.id))
            session.execute(delete(ConversationRow).where(ConversationRow.id == access.id))

    def purge(self, before: datetime) -> int:
        """Erase every conversation not touched since ``before``; return how many."""
        with self.sessions.begin() as session:
            old = select(ConversationRow.id).where(ConversationRow.updated_at < before)
            ids = list(session.scalars(old))
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                session.execute(delete(UploadRow).where(UploadRow.conversation_id.in_(chunk)))
                session.execute(delete(ConversationRow).where(ConversationRow.id.in_(chunk)))
            return len(ids)

    # -- uploads --------------------------------------------------------------------------------

    def add_upload(self, access: Access, fmt: str, rows: int, data: dict[str, Any]) -> str:
        """Store a parsed upload for the conversation; return its id."""
        upload_id = new_id()
        with self.sessions.begin() as session:
            self._row(session, access)
            session.add(UploadRow(id=upload_id, conversation_id=access.id, format=fmt, rows=rows,
                                  payload=crypto.seal(access.key, _encode(data), upload_id)))
        return upload_id

    def get_upload(self, access: Access, upload_id: str) -> dict[str, Any] | None:
        """Return a parsed upload of this conversation, or None."""
        with self.reads() as session:
            row = session.get(UploadRow, upload_id)
            if row is None or row.conversation_id != access.id:
                return None
            data: dict[str, Any] = json.loads(crypto.unseal(access.key, row.payload, upload_id))
            return data

    def uploads(self, access: Access) -> list[dict[str, Any]]:
        """Return the uploads' descriptions (not their contents)."""
        with self.reads() as session:
            self._row(session, access)
            rows = session.scalars(select(UploadRow).where(
                UploadRow.conversation_id == access.id).order_by(UploadRow.created_at))
            return [{"upload": r.id, "format": r.format, "rows": r.rows,
                     "created_at": r.created_at.isoformat()} for r in rows]

    # -- operations -------------------------------------------------------------------------------

    def ping(self) -> bool:
        """Return whether the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False


__all__ = ["Access", "NotFound", "Stale", "Store", "Unauthorized", "make_engines", "new_id",
           "utcnow"]
