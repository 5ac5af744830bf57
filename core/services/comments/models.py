"""The comments' table, and what a comment knows of itself (its item, author, who may edit it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.content import load_item
from core.database import UTCDateTime, db, utcnow

STANCES = (
    ("for", _l("In favour")),
    ("against", _l("Against")),
    ("neutral", _l("Neutral")),
)
MAX_LENGTH = 5000


class Comment(db.Model):
    """A comment on a piece of content, or a reply within a thread of comments."""

    __tablename__ = "comment"
    __table_args__ = (Index("ix_comment_content", "content_type", "content_id", "parent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(String(100))
    content_id: Mapped[int] = mapped_column(Integer)
    # The first comment of the thread (None for that first comment itself).
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    # The comment this one answers (the parent, or another reply of the same thread).
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    stance: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # Shown in place of the text; None while hidden only by reports, awaiting a moderator.
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author = relationship("User", foreign_keys=[author_id], lazy="joined")

    @property
    def item(self):
        """The piece of content this comment is on (loaded once)."""
        cached = self.__dict__.get("_civique_item")
        if cached is None:
            cached = load_item(self.content_type, self.content_id)
            self.__dict__["_civique_item"] = cached
        return cached

    def attach_item(self, item) -> None:
        """Tell the comment its item, already loaded (no query when the thread is shown)."""
        self.__dict__["_civique_item"] = item

    @property
    def author_name(self):
        return self.author.public_name if self.author is not None else _l("Deleted participant")

    @property
    def stance_label(self):
        return dict(STANCES).get(self.stance or "")

    @property
    def edit_deadline(self) -> datetime:
        return self.created_at + timedelta(minutes=current_app.config["COMMENT_EDIT_MINUTES"])

    def is_author(self, user) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.id == self.author_id

    def allows(self, user, action: str) -> bool:
        """``view``: whoever may see the item; ``edit``: the author, for a short while."""
        item = self.item
        if item is None or not item.allows(user, "view"):
            return False
        if action == "view":
            return True
        if action == "edit":
            return self.is_author(user) and not self.is_hidden and utcnow() < self.edit_deadline
        return False
