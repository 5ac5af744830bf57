"""Database helpers shared by the core and plugins.

Plugins import what they need from here: ``db`` (Flask-SQLAlchemy), ``Base`` (the typed
declarative base, through ``db.Model``), ``UTCDateTime`` and ``utcnow``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.types import TypeDecorator

from .extensions import Base, db

__all__ = ["Base", "db", "UTCDateTime", "insert_unless_present", "utcnow"]

log = logging.getLogger(__name__)


# Marks in a request's WSGI environment (scoped to the request, where ``g`` lives as long as
# the app context, which tests share between requests): the request committed a transaction
# (core.events); the database failed it (core.web's 503, after which nothing reads it again).
COMMITTED_MARK = "civique.committed"
UNAVAILABLE_MARK = "civique.unavailable"


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


def insert_unless_present(model, unique: tuple[str, ...], **values) -> bool:
    """Insert one row of ``model`` unless a row with the same ``unique`` columns (a unique
    constraint of the table) is there already: one statement, ``ON CONFLICT (...) DO NOTHING``,
    on PostgreSQL and SQLite alike, so that a duplicate sent at the same time by another request
    undoes nothing (any other conflict still fails). True when the row was inserted. The caller
    commits."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = model.__table__
    statement = (insert(table).values(**values).on_conflict_do_nothing(index_elements=list(unique))
                 .returning(*table.primary_key))
    return db.session.execute(statement).first() is not None


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def close_session(exception=None) -> None:
    """``teardown_appcontext``, just before Flask-SQLAlchemy removes the session: close it, so
    that a connection lost under the request (the database restarting) ends in a log line and
    not in an error raised after the response was made (a bare 500 from the WSGI server).
    SQLAlchemy has already discarded that connection; the next request gets a new one."""
    try:
        db.session.close()
    except (OperationalError, InterfaceError, DisconnectionError) as error:
        log.warning("The database connection was lost at the end of a request: %s", error)
        try:
            db.session().invalidate()  # its connections are not given back to the pool
        except (OperationalError, InterfaceError, DisconnectionError):
            pass
        db.session.registry.clear()
