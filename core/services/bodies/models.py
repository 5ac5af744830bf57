"""The bodies' tables: bodies, their members, their meetings and the meetings' documents."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import UTCDateTime, db, utcnow

MEMBER_KINDS = (
    ("resident", _l("Resident")),
    ("elected", _l("Elected official")),
    ("staff", _l("City staff")),
    ("expert", _l("Qualified person")),
    # Associations, shopkeepers, professionals: the second college of a citizens' council.
    ("local_actor", _l("Local actor")),
)


class Body(db.Model):
    """A commission, a council, a committee: owned by the plugin that runs it."""

    __tablename__ = "body"
    __table_args__ = (UniqueConstraint("owner", "slug", name="uq_body_owner_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[BodyMember]] = relationship(
        back_populates="body", cascade="all, delete-orphan", passive_deletes=True,
        order_by="[BodyMember.position, BodyMember.id]",
    )
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="body", cascade="all, delete-orphan", passive_deletes=True,
        order_by="[Meeting.starts_at.desc(), Meeting.id.desc()]",
    )

    def __str__(self) -> str:
        return self.name

    def current_members(self, today: date | None = None) -> list[BodyMember]:
        today = today or utcnow().date()
        return [m for m in self.members if m.until is None or m.until >= today]


class BodyMember(db.Model):
    """A member of a body: a person (with or without an account), their kind and role."""

    __tablename__ = "body_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(20), default="resident")
    # Free text: "Chair", "Secretary", "Deputy for finance"...
    role: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    since: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)

    body: Mapped[Body] = relationship(back_populates="members")
    user = relationship("User", lazy="joined")

    @property
    def kind_label(self) -> str:
        return str(dict(MEMBER_KINDS).get(self.kind, self.kind))


class Meeting(db.Model):
    """A meeting of a body: when, where, its agenda, its documents and, afterwards, its minutes."""

    __tablename__ = "body_meeting"
    # Found by the site's search (the source declared by the service).
    search_source_name = "bodies.meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(250), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship(back_populates="meetings")
    documents: Mapped[list[MeetingDocument]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True,
        order_by="MeetingDocument.id",
    )

    @property
    def has_taken_place(self) -> bool:
        return self.starts_at <= utcnow()

    @property
    def minutes_published(self) -> bool:
        return self.minutes_published_at is not None

    def allows(self, user, action: str) -> bool:
        """``view``: everyone, while the plugin that owns the body is enabled (its pages exist)."""
        return action == "view" and f"{self.body.owner}.meeting" in current_app.view_functions


class MeetingDocument(db.Model):
    """A document of a meeting (a report, a presentation), published as a link."""

    __tablename__ = "body_meeting_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("body_meeting.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))

    meeting: Mapped[Meeting] = relationship(back_populates="documents")
