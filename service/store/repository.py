"""Load and save conversations; every payload sealed with the conversation's own key."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    bindparam,
    create_engine,
    delete,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..engine import Conversation
from . import crypto
from ._lock import WriteLock
from .models import ConversationRow, UploadRow, utcnow

_TABLE = ConversationRow.__table__
_C = _TABLE.c
#: The hot statements, built once (SQLAlchemy caches their compiled form).
_READ = select(_C.id, _C.flow, _C.flow_version, _C.token_hash, _C.status, _C.version,
               _C.payload).where(_C.id == bindparam("conversation_id"))
_CREATE = insert(_TABLE)
_SAVE = update(_TABLE).where(
    _C.id == bindparam("conversation_id"), _C.version == bindparam("read_version"),
    _C.token_hash == bindparam("hashed"),
).values(status=bindparam("new_status"),
         payload=bindparam("sealed"), version=bindparam("new_version"),
         updated_at=bindparam("now"))


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

    @cached_property
    def key(self) -> bytes:
        """Return the conversation's encryption key (derived once per request)."""
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
    writer has committed, so writes begin IMMEDIATE and wait their turn; reads are single
    statements in autocommit mode, each its own consistent snapshot, and stay concurrent.
    Other databases use one engine for both.
    """
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
        return engine, engine
    engines = []
    for immediate in (False, True):
        engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False,
                                                  "isolation_level": None})
        event.listen(engine, "connect", _sqlite_pragmas)
        if immediate:
            event.listen(engine, "begin", _begin_immediate)
        engines.append(engine)
    return engines[0], engines[1]


def _write_lock(engine: Engine) -> AbstractContextManager[Any]:
    """Return the lock writers queue on: per SQLite file; none for other databases."""
    if engine.dialect.name != "sqlite":
        return nullcontext()
    database = engine.url.database
    on_disk = bool(database) and database != ":memory:" and not database.startswith("file:")
    return WriteLock(f"{database}-writer.lock" if on_disk else None)


class Store:
    """The persistence of conversations and uploads."""

    def __init__(self, url: str) -> None:
        self.engine, self.write_engine = make_engines(url)
        self.reads = sessionmaker(self.engine, expire_on_commit=False)
        self.sessions = sessionmaker(self.write_engine, expire_on_commit=False)
        self.write_lock = _write_lock(self.write_engine)

    def dispose(self) -> None:
        """Close every pooled connection (after a fork, or at shutdown)."""
        self.engine.dispose()
        self.write_engine.dispose()
        if isinstance(self.write_lock, WriteLock):
            self.write_lock.close()

    # -- conversations ------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """Yield a connection in a write transaction, this store's writers queued one by one."""
        with self.write_lock, self.write_engine.begin() as connection:
            yield connection

    def _row(self, session: Session, access: Access) -> ConversationRow:
        row = session.get(ConversationRow, access.id)
        if row is None:
            raise NotFound(access.id)
        if not crypto.same_hash(access.token, row.token_hash):
            raise Unauthorized(access.id)
        return row

    def _read(self, access: Access) -> Row[Any]:
        """Return the conversation's row, checked against the token; one SELECT, no ORM."""
        with self.engine.connect() as connection:
            row = connection.execute(_READ, {"conversation_id": access.id}).first()
        if row is None:
            raise NotFound(access.id)
        if not crypto.same_hash(access.token, row.token_hash):
            raise Unauthorized(access.id)
        return row

    def create(self, conv: Conversation, token: str) -> None:
        """Store a new conversation, keeping only the hash of its token."""
        access = Access(conv.id, token)
        payload = crypto.seal(access.key, _encode(conv.payload()), conv.id)
        with self.writing() as connection:
            connection.execute(_CREATE, {
                "id": conv.id, "flow": conv.flow, "flow_version": conv.flow_version,
                "token_hash": crypto.token_hash(token), "status": conv.status, "version": 1,
                "payload": payload})
        conv.version = 1

    def load(self, access: Access) -> Conversation:
        """Return the conversation, decrypted; raise NotFound or Unauthorized."""
        row = self._read(access)
        private = json.loads(crypto.unseal(access.key, row.payload, row.id))
        private.setdefault("state", private["history"][-1])  # sealed before 0002
        return Conversation(id=row.id, flow=row.flow, flow_version=row.flow_version,
                            version=row.version, status=row.status, **private)

    def save(self, conv: Conversation, access: Access, read_version: int) -> None:
        """Write ``conv`` if nobody wrote since ``read_version``; raise Stale otherwise."""
        payload = crypto.seal(access.key, _encode(conv.payload()), conv.id)
        with self.writing() as connection:
            written = connection.execute(_SAVE, {
                "conversation_id": access.id, "read_version": read_version,
                "hashed": crypto.token_hash(access.token), "new_status": conv.status,
                "sealed": payload, "new_version": read_version + 1,
                "now": utcnow()}).rowcount
        if written != 1:
            self._read(access)  # NotFound or Unauthorized, if either is why
            raise Stale(conv.id)
        conv.version = read_version + 1

    def delete(self, access: Access) -> None:
        """Erase the conversation and everything tied to it."""
        with self.write_lock, self.sessions.begin() as session:
            self._row(session, access)
            session.execute(delete(UploadRow).where(UploadRow.conversation_id == access.id))
            session.execute(delete(ConversationRow).where(ConversationRow.id == access.id))

    def purge(self, before: datetime) -> int:
        """Erase every conversation not touched since ``before``; return how many."""
        with self.write_lock, self.sessions.begin() as session:
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
        with self.write_lock, self.sessions.begin() as session:
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
