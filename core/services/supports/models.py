"""The supports' table: one row per person and item."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.database import UTCDateTime, db, utcnow


class Support(db.Model):
    """``user`` supports the item ``content_type``/``content_id``."""

    __tablename__ = "support"
    __table_args__ = (
        UniqueConstraint("user_id", "content_type", "content_id", name="uq_support_user_item"),
        Index("ix_support_item", "content_type", "content_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    content_type: Mapped[str] = mapped_column(String(80))
    content_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
