"""The legal pages' texts that admins wrote, one per page and language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.database import UTCDateTime, db, utcnow


class LegalText(db.Model):
    """An admin's text for one legal page (``slug``) in one language; without one, the page
    shows the default text written for it in that language."""

    __tablename__ = "legal_text"
    __table_args__ = (UniqueConstraint("slug", "locale", name="uq_legal_text_slug_locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
