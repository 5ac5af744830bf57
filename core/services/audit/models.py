"""The audit log's table, and :func:`record`, which adds an entry to it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request
from flask_babel import force_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import UTCDateTime, db, utcnow


# Where a translatable summary's message and values are kept in an entry's details.
SUMMARY_KEY = "_summary"


class AuditEntry(db.Model):
    """One recorded action: who, when, what, on which object."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(100), index=True)
    object_type: Mapped[str | None] = mapped_column(String(100), index=True)
    object_id: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(64))

    actor = relationship("User", lazy="joined")


def record(
    action: str,
    obj: Any = None,
    *,
    summary: str | LazyString = "",
    actor=None,
    object_type: str | None = None,
    object_id: Any = None,
    **details: Any,
) -> AuditEntry:
    """Add an audit entry to the session (the caller's commit saves it with the change).

    ``action`` is a dotted name (``"accounts.role_granted"``); ``obj`` is the object acted on,
    whose table name and primary key are recorded; ``details`` must be JSON-serialisable.
    ``summary`` says what happened in a sentence: a lazy string with named values
    (``_l("Neighbourhood %(name)s renamed %(new)s", name=..., new=...)``) is shown to each
    reader in their language.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    if obj is not None:
        object_type = object_type or getattr(obj, "__tablename__", type(obj).__name__)
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    if isinstance(summary, LazyString):
        # Written in every reader's language: the message and its values are kept, and the
        # summary column holds it in English, for exports and logs.
        details = {**details, SUMMARY_KEY: {"message": summary._args[0], "values": summary._kwargs}}
        with force_locale("en"):
            summary = str(summary)
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        summary=summary,
        details=details,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
