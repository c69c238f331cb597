"""Declarative base, shared column types and the transaction helpers.

SQLite is the zero-set-up default and PostgreSQL the production database. On SQLite
we run WAL with foreign keys on, and a transaction that reads then writes (a ballot,
a fund approval) takes the write lock up front with ``BEGIN IMMEDIATE``, because
``SELECT ... FOR UPDATE`` is silently dropped there. On PostgreSQL services lock the
contended rows with ``with_for_update()`` inside the same helper.
"""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TypeAlias

from flask import Flask, g, request
from sqlalchemy import DateTime, Enum, MetaData, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, registry, scoped_session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# What services are given: a Session, or Flask-SQLAlchemy's request-scoped
# ``db.session``, which passes calls on to a Session without being one. Any, because
# scoped_session's parameter is invariant and db.session holds Flask-SQLAlchemy's subclass.
DbSession: TypeAlias = Session | scoped_session[Any]


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use engage.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def enum_type(enum_class: type[enum.Enum]) -> Enum:
    """Store an enum by its value as plain text, so adding a member needs no type migration."""
    return Enum(
        enum_class,
        native_enum=False,
        length=40,
        values_callable=lambda members: [member.value for member in members],
    )


class CreatedAtMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- SQLite behaviour ------------------------------------------------------------

_begin_immediate: ContextVar[bool] = ContextVar("engage_begin_immediate", default=False)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event issue BEGIN itself, so we can choose IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(connection: Any) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _begin_immediate.get() else "BEGIN")


_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask) -> None:
    """On SQLite, a request that may change data (a POST) takes the write lock at its
    first statement. Otherwise two such requests that have both read could not both
    upgrade to writing: the second would fail with "database is locked" at once
    instead of waiting its turn (SQLite has one writer at a time anyway)."""

    def take_write_lock_for_changes() -> None:
        if request.method not in _READ_ONLY_METHODS:
            g.engage_write_lock = _begin_immediate.set(True)

    def release_write_lock(error: BaseException | None) -> None:
        token = g.pop("engage_write_lock", None)
        if token is not None:
            _begin_immediate.reset(token)

    # First, before any hook (signing in, the staff session rules) reads the database.
    app.before_request_funcs.setdefault(None, []).insert(0, take_write_lock_for_changes)
    app.teardown_request(release_write_lock)


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run a read-then-write unit of work in its own transaction and commit it.

    Whatever read-only transaction the request already holds is ended first, so the
    new one starts with the write lock on SQLite; on PostgreSQL the service inside
    locks its rows. Any exception rolls everything back and propagates.
    """
    from engage.extensions import db

    session = db.session
    session.rollback()
    token = _begin_immediate.set(True)
    try:
        session.connection()  # begin now, while the flag is set
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _begin_immediate.reset(token)
