"""The moderation's tables: reports (one per person and target) and moderators' decisions."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import UTCDateTime, db, utcnow

PERMISSION = "moderation.moderate"
COMMENT = "comment"

REASONS = (
    ("spam", _l("Spam or advertising")),
    ("abuse", _l("Insults, harassment or hatred")),
    ("personal_data", _l("Personal information about someone")),
    ("illegal", _l("Illegal content")),
    ("off_topic", _l("Off topic")),
    ("other", _l("Something else")),
)


class Report(db.Model):
    """One person's report of a target: ``pending``, then ``dismissed`` or ``upheld``."""

    __tablename__ = "moderation_report"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "reporter_id", name="uq_moderation_report_target_reporter"),
        Index("ix_moderation_report_target", "target_type", "target_id", "status"),
        Index("ix_moderation_report_content", "content_type", "content_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(100))
    target_id: Mapped[int] = mapped_column(Integer)
    # The piece of content the target belongs to: itself, or the item a comment is on.
    content_type: Mapped[str] = mapped_column(String(100))
    content_id: Mapped[int] = mapped_column(Integer)
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    reporter = relationship("User", lazy="joined")

    @property
    def reason_label(self):
        return dict(REASONS).get(self.reason, self.reason)


class Decision(db.Model):
    """A moderator's decision on a target: ``hide`` (with the public reason) or ``show``."""

    __tablename__ = "moderation_decision"
    __table_args__ = (Index("ix_moderation_decision_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(100))
    target_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    moderator = relationship("User", lazy="joined")
