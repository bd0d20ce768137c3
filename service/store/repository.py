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
from sqlalchemy.sql import ClauseElement

from ..engine import Conversation
from . import crypto
from ._lock import WriteLock
from .models import conversations, uploads, utcnow

_C = conversations.c
_U = uploads.c
#: The statements every request runs, written once; each engine compiles them once (below).
_READ = select(_C.id, _C.flow, _C.flow_version, _C.token_hash, _C.status, _C.version,
               _C.payload).where(_C.id == bindparam("conversation_id"))
_CREATE = insert(conversations).values(
    id=bindparam("id"), flow=bindparam("flow"), flow_version=bindparam("flow_version"),
    token_hash=bindparam("token_hash"), status=bindparam("status"),
    version=bindparam("version"),
    payload=bindparam("payload"), created_at=bindparam("now"), updated_at=bindparam("now"))
_SAVE = update(conversations).where(
    _C.id == bindparam("conversation_id"), _C.version == bindparam("read_version"),
    _C.token_hash == bindparam("hashed"),
).values(status=bindparam("new_status"),
         payload=bindparam("sealed"), version=bindparam("new_version"),
         updated_at=bindparam("now"))


class _Statement:
    """A statement compiled once for one database, run straight on a DB-API cursor.

    For the one-row statements of every request, SQLAlchemy's execute costs several times
    what the database itself does; this keeps SQLAlchemy's SQL for the dialect and its
    conversion of each parameter, and leaves out the rest.
    """

    def __init__(self, statement: ClauseElement, engine: Engine) -> None:
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self.order = tuple(compiled.positiontup or ()) if compiled.positional else None
        self.convert = {}
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self.convert[name] = process

    def params(self, values: dict[str, Any]) -> Any:
        """Return ``values`` (a fresh dict, converted in place) laid out for the driver."""
        for name, process in self.convert.items():
            values[name] = process(values[name])
        return values if self.order is None else [values[name] for name in self.order]


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
        self.write_lock = _write_lock(self.write_engine)
        self._sqlite = self.write_engine.dialect.name == "sqlite"
        self._read_sql = _Statement(_READ, self.engine)
        self._create_sql = _Statement(_CREATE, self.write_engine)
        self._save_sql = _Statement(_SAVE, self.write_engine)

    def dispose(self) -> None:
        """Close every pooled connection (after a fork, or at shutdown)."""
        self.engine.dispose()
        self.write_engine.dispose()
        if isinstance(self.write_lock, WriteLock):
            self.write_lock.close()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """Yield a connection in a write transaction, this store's writers queued one by one."""
        with self.write_lock, self.write_engine.begin() as connection:
            yield connection

    # -- the statements of every request, on the driver's own cursor ---------------------------

    @staticmethod
    @contextmanager
    def _cursor(engine: Engine) -> Iterator[tuple[Any, Any]]:
        """Yield (connection, cursor) of the driver, from ``engine``'s pool and back to it."""
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                yield connection, cursor
            finally:
                cursor.close()
        finally:
            connection.close()

    def _fetch(self, conversation_id: str) -> Any:
        """Return the conversation's row (id, flow, ..., payload) or None."""
        with self._cursor(self.engine) as (_, cursor):
            cursor.execute(self._read_sql.sql,
                           self._read_sql.params({"conversation_id": conversation_id}))
            return cursor.fetchone()

    def _write(self, statement: _Statement, values: dict[str, Any]) -> int:
        """Run one write as its own transaction, queued with the others; return rows changed.

        Only the statement itself runs under the write lock: on SQLite, in autocommit mode, a
        single statement is a whole transaction that takes the write lock as it starts, and
        every extra call made under the lock is one more wait for the interpreter lock while
        the other writers queue.
        """
        params = statement.params(values)
        with self._cursor(self.write_engine) as (connection, cursor):
            try:
                with self.write_lock:
                    cursor.execute(statement.sql, params)
                    if not self._sqlite:
                        connection.commit()
            except BaseException:
                connection.rollback()
                raise
            changed: int = cursor.rowcount
        return changed

    # -- conversations ------------------------------------------------------------------------

    def _check(self, connection: Connection, access: Access) -> None:
        """Raise NotFound or Unauthorized unless ``access`` opens a stored conversation."""
        stored = connection.execute(select(_C.token_hash).where(_C.id == access.id)).scalar()
        if stored is None:
            raise NotFound(access.id)
        if not crypto.same_hash(access.token, stored):
            raise Unauthorized(access.id)

    def _read(self, access: Access) -> tuple[Any, ...]:
        """Return the conversation's row, checked against the token; one SELECT."""
        row = self._fetch(access.id)
        if row is None:
            raise NotFound(access.id)
        if not crypto.same_hash(access.token, row[3]):
            raise Unauthorized(access.id)
        return tuple(row)

    def create(self, conv: Conversation, token: str) -> None:
        """Store a new conversation, keeping only the hash of its token."""
        access = Access(conv.id, token)
        payload = crypto.seal(access.key, _encode(conv.payload()), conv.id)
        self._write(self._create_sql, {
            "id": conv.id, "flow": conv.flow, "flow_version": conv.flow_version,
            "token_hash": crypto.token_hash(token), "status": conv.status, "version": 1,
            "payload": payload, "now": utcnow()})
        conv.version = 1

    def load(self, access: Access) -> Conversation:
        """Return the conversation, decrypted; raise NotFound or Unauthorized."""
        conv_id, flow, flow_version, _, status, version, payload = self._read(access)
        private = json.loads(crypto.unseal(access.key, bytes(payload), conv_id))
        private.setdefault("state", private["history"][-1])  # sealed before 0002
        return Conversation(id=conv_id, flow=flow, flow_version=flow_version,
                            version=version, status=status, **private)

    def save(self, conv: Conversation, access: Access, read_version: int) -> None:
        """Write ``conv`` if nobody wrote since ``read_version``; raise Stale otherwise."""
        payload = crypto.seal(access.key, _encode(conv.payload()), conv.id)
        written = self._write(self._save_sql, {
            "conversation_id": access.id, "read_version": read_version,
            "hashed": crypto.token_hash(access.token), "new_status": conv.status,
            "sealed": payload, "new_version": read_version + 1, "now": utcnow()})
        if written != 1:
            self._read(access)  # NotFound or Unauthorized, if either is why
            raise Stale(conv.id)
        conv.version = read_version + 1

    def delete(self, access: Access) -> None:
        """Erase the conversation and everything tied to it."""
        with self.writing() as connection:
            self._check(connection, access)
            connection.execute(delete(uploads).where(_U.conversation_id == access.id))
            connection.execute(delete(conversations).where(_C.id == access.id))

    def purge(self, before: datetime) -> int:
        """Erase every conversation not touched since ``before``; return how many."""
        with self.writing() as connection:
            ids = list(connection.execute(select(_C.id).where(_C.updated_at < before)).scalars())
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                connection.execute(delete(uploads).where(_U.conversation_id.in_(chunk)))
                connection.execute(delete(conversations).where(_C.id.in_(chunk)))
            return len(ids)

    # -- uploads --------------------------------------------------------------------------------

    def add_upload(self, access: Access, fmt: str, rows: int, data: dict[str, Any]) -> str:
        """Store a parsed upload for the conversation; return its id."""
        upload_id = new_id()
        with self.writing() as connection:
            self._check(connection, access)
            connection.execute(insert(uploads).values(
                id=upload_id, conversation_id=access.id, format=fmt, rows=rows,
                payload=crypto.seal(access.key, _encode(data), upload_id)))
        return upload_id

    def get_upload(self, access: Access, upload_id: str) -> dict[str, Any] | None:
        """Return a parsed upload of this conversation, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(select(_U.payload).where(
                _U.id == upload_id, _U.conversation_id == access.id)).first()
        if row is None:
            return None
        data: dict[str, Any] = json.loads(crypto.unseal(access.key, row.payload, upload_id))
        return data

    def uploads(self, access: Access) -> list[dict[str, Any]]:
        """Return the uploads' descriptions (not their contents)."""
        with self.engine.connect() as connection:
            self._check(connection, access)
            rows = connection.execute(select(_U.id, _U.format, _U.rows, _U.created_at).where(
                _U.conversation_id == access.id).order_by(_U.created_at)).all()
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
