"""The answers' table: the city's answer to an item, held or published."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.content import load_item
from core.database import UTCDateTime, db, utcnow

PERMISSION = "answers.answer"


class Answer(db.Model):
    """The city's answer to an item: a state of its workflow and a public text."""

    __tablename__ = "answer"
    __table_args__ = (Index("ix_answer_item", "content_type", "content_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(String(80))
    content_id: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    # "held" (written, not public yet) or "published".
    status: Mapped[str] = mapped_column(String(10), default="held", index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author = relationship("User", lazy="joined")

    @property
    def item(self):
        return load_item(self.content_type, self.content_id)
