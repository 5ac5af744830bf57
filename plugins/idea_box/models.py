"""The idea box's tables: ideas, the city's departments, campaigns, feasibility studies and
implementation steps.

Supports, comments, follows, official answers, attachments, reports and the status timeline are
core services keyed on the idea (``"idea_box.idea"`` and its id): they need no table here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.content import ContentMixin
from core.database import UTCDateTime, db, utcnow

from .workflow import MANAGE, MODERATE, PRIVATE_STATES


class Department(db.Model):
    """A municipal department that studies and carries out ideas (roads, parks, culture...)."""

    __tablename__ = "idea_box_department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    def __str__(self) -> str:
        return self.name


class Campaign(db.Model):
    """A campaign of the idea box (campaign mode): when ideas, supports, studies and results come."""

    __tablename__ = "idea_box_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    submission_start: Mapped[date] = mapped_column(Date)
    submission_end: Mapped[date] = mapped_column(Date)
    support_end: Mapped[date] = mapped_column(Date)
    study_end: Mapped[date] = mapped_column(Date)
    results_date: Mapped[date] = mapped_column(Date)

    def __str__(self) -> str:
        return self.name

    def accepts_submissions(self, today: date) -> bool:
        return self.submission_start <= today <= self.submission_end

    def accepts_supports(self, today: date) -> bool:
        return self.submission_start <= today <= self.support_end

    def phase(self, today: date) -> str:
        """``upcoming``, ``submission``, ``support``, ``study``, ``results`` or ``over``."""
        if today < self.submission_start:
            return "upcoming"
        if today <= self.submission_end:
            return "submission"
        if today <= self.support_end:
            return "support"
        if today < self.results_date:
            return "study"
        return "results"


class Idea(ContentMixin, db.Model):
    """An idea for the common good, put forward by a resident."""

    __tablename__ = "idea_box_idea"
    __table_args__ = (
        # The list of ideas filtered by neighbourhood and sorted (newest, most supported), and
        # the whole list newest first: read in index order, a page stops after its rows.
        Index("ix_idea_box_idea_neighbourhood_newest", "neighbourhood_id", "published_at", "id"),
        Index("ix_idea_box_idea_neighbourhood_supports", "neighbourhood_id", "support_count",
              "published_at", "id"),
        Index("ix_idea_box_idea_newest", "published_at", "id"),
    )
    content_type_name = "idea_box.idea"

    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text, default="")
    place_address: Mapped[str | None] = mapped_column(String(250))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # What the author thinks it would cost, in whole euros.
    estimated_cost: Mapped[int | None] = mapped_column(Integer)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea_box_campaign.id", ondelete="SET NULL"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea_box_department.id", ondelete="SET NULL"), index=True
    )
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea_box_idea.id", ondelete="SET NULL"), index=True
    )
    # Implementation follow-up of an accepted idea (from its latest step).
    progress: Mapped[int] = mapped_column(Integer, default=0)
    budget_spent: Mapped[int | None] = mapped_column(Integer)

    department: Mapped[Department | None] = relationship(lazy="joined")
    campaign: Mapped[Campaign | None] = relationship(lazy="joined")
    merged_into: Mapped[Idea | None] = relationship(remote_side="Idea.id", lazy="select")
    study: Mapped[Study | None] = relationship(
        back_populates="idea", uselist=False, lazy="select", cascade="all, delete-orphan",
        passive_deletes=True,
    )
    steps: Mapped[list[ImplementationStep]] = relationship(
        back_populates="idea", lazy="select", cascade="all, delete-orphan", passive_deletes=True,
        order_by="[ImplementationStep.happened_on, ImplementationStep.id]",
    )

    def allows(self, user, action: str) -> bool:
        """Who may do what with this idea.

        ``view``: everyone once published; a draft only its author; an idea awaiting moderation
        (or hidden by moderators) its author, moderators and the staff. ``edit`` and ``delete``:
        the author, while it is a draft. ``moderate``: idea moderators, while it awaits
        moderation. ``manage`` (study, decide, follow up): the staff, once it is published.
        """
        if action == "view":
            if self.is_author(user):
                return True
            if self.state == "draft":
                return False
            if self.is_public:
                return True
            return user.can(MODERATE) or user.can(MANAGE) or user.can("moderation.moderate")
        if action in ("edit", "delete"):
            return self.is_author(user) and self.state == "draft"
        if action == "moderate":
            return self.state == "pending" and user.can(MODERATE)
        if action == "manage":
            return self.state not in PRIVATE_STATES and user.can(MANAGE)
        return False


class Study(db.Model):
    """The feasibility study of an idea, written by the staff."""

    __tablename__ = "idea_box_study"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(
        ForeignKey("idea_box_idea.id", ondelete="CASCADE"), unique=True
    )
    technical: Mapped[str] = mapped_column(Text, default="")
    legal: Mapped[str] = mapped_column(Text, default="")
    within_competence: Mapped[bool] = mapped_column(Boolean, default=True)
    # Whole euros, and months.
    estimated_cost: Mapped[int | None] = mapped_column(Integer)
    estimated_delay_months: Mapped[int | None] = mapped_column(Integer)
    studied_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    idea: Mapped[Idea] = relationship(back_populates="study")


class ImplementationStep(db.Model):
    """A dated step of an accepted idea's implementation, with the progress it brought."""

    __tablename__ = "idea_box_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(
        ForeignKey("idea_box_idea.id", ondelete="CASCADE"), index=True
    )
    happened_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # Whole euros spent so far, when the staff give it.
    budget_spent: Mapped[int | None] = mapped_column(Integer)
    # A photo of the step (an attachment of the idea, through the core's attachments service).
    photo_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachment.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    idea: Mapped[Idea] = relationship(back_populates="steps")
