"""The tables of citizens' councils: councils and their territory, colleges, features and their
values, quotas, candidates, draws and the members (and reserve) a draw gives.

Candidates' personal data (names, contact, birth date, address, motivation) lives only in
:class:`Candidate`, visible to holders of :data:`CANDIDATES`; draws refer to candidates by a
pseudonym, and their public record (:attr:`Draw.record`) holds no personal data.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import (JSON, Boolean, Column, Date, ForeignKey, Integer, String, Table, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.services.bodies import Body, BodyMember
from core.database import UTCDateTime, db, utcnow
from core.taxonomy import Neighbourhood

from .workflow import CANDIDATES, DRAW_LIFE, ENDED, MANAGE, MEMBER_LIFE, SEATED

# Pseudonyms: no letters or digits that read alike (0/O, 1/I/L).
PSEUDONYM_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PSEUDONYM_LENGTH = 6

council_neighbourhood = Table(
    "council_draw_council_neighbourhood",
    db.metadata,
    Column("council_id", ForeignKey("council_draw_council.id", ondelete="CASCADE"),
           primary_key=True),
    Column("neighbourhood_id", ForeignKey("neighbourhood.id", ondelete="CASCADE"),
           primary_key=True),
)


class Council(db.Model):
    """A citizens' council: its territory, term, eligibility and call for candidates."""

    __tablename__ = "council_draw_council"
    # Found by the site's search (the source declared in the plugin's manifest).
    search_source_name = "council_draw.council"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date] = mapped_column(Date)
    minimum_age: Mapped[int] = mapped_column(Integer, default=16)
    call_opens_on: Mapped[date | None] = mapped_column(Date)
    call_closes_on: Mapped[date | None] = mapped_column(Date)
    call_text: Mapped[str] = mapped_column(Text, default="")
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the candidates' personal data was erased (after the term and the retention period).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The council as a body of the core's "bodies and meetings" service: its members (those who
    # accepted their seat), its meetings, agendas and minutes.
    body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id", ondelete="SET NULL"))

    neighbourhoods: Mapped[list[Neighbourhood]] = relationship(
        secondary=council_neighbourhood, order_by="Neighbourhood.position", lazy="selectin"
    )
    colleges: Mapped[list[College]] = relationship(
        back_populates="council", order_by="[College.position, College.id]",
        cascade="all, delete-orphan", passive_deletes=True,
    )
    features: Mapped[list[Feature]] = relationship(
        back_populates="council", order_by="[Feature.position, Feature.id]",
        cascade="all, delete-orphan", passive_deletes=True,
    )
    draws: Mapped[list[Draw]] = relationship(
        back_populates="council", order_by="Draw.id", cascade="all, delete-orphan",
        passive_deletes=True,
    )

    body: Mapped[Body | None] = relationship()

    def __str__(self) -> str:
        return self.name

    def call_is_open(self, today: date) -> bool:
        return (self.erased_at is None and self.call_opens_on is not None
                and self.call_closes_on is not None
                and self.call_opens_on <= today <= self.call_closes_on)

    @property
    def current_draw(self) -> Draw | None:
        """The latest draw that is neither cancelled nor failed."""
        live = [d for d in self.draws if d.status not in ENDED]
        return live[-1] if live else None

    def allows(self, user, action: str) -> bool:
        """``view``: everyone once published, else its managers. ``manage``: holders of
        :data:`MANAGE`. ``candidates`` (personal data): holders of :data:`CANDIDATES`."""
        if action == "view":
            return self.is_published or user.can(MANAGE) or user.can(CANDIDATES)
        if action == "manage":
            return user.can(MANAGE)
        if action == "candidates":
            return user.can(CANDIDATES)
        return False


class College(db.Model):
    """A college of a council (residents drawn by lot, local actors...) and its seats."""

    __tablename__ = "council_draw_college"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(
        ForeignKey("council_draw_council.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default="residents")
    seats: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    council: Mapped[Council] = relationship(back_populates="colleges")
    # Deleted by the ORM with the college (not left to the database's cascade, which SQLite
    # does not apply): no quota outlives what it counts.
    quotas: Mapped[list[Quota]] = relationship(
        back_populates="college", cascade="all, delete-orphan",
    )

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        """The college's name in the public record."""
        return f"college-{self.id}"


class Feature(db.Model):
    """Something quotas may count: gender, age band, neighbourhood, or any the city wants."""

    __tablename__ = "council_draw_feature"
    __table_args__ = (UniqueConstraint("council_id", "key", name="uq_council_draw_feature_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(
        ForeignKey("council_draw_council.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default="custom")
    position: Mapped[int] = mapped_column(Integer, default=0)

    council: Mapped[Council] = relationship(back_populates="features")
    # Deleted by the ORM with the feature, and their quotas with them (see ``College.quotas``).
    values: Mapped[list[FeatureValue]] = relationship(
        back_populates="feature", order_by="[FeatureValue.position, FeatureValue.id]",
        cascade="all, delete-orphan",
    )

    def __str__(self) -> str:
        return self.name

    def value_by_key(self, key: str) -> FeatureValue | None:
        return next((v for v in self.values if v.key == key), None)


class FeatureValue(db.Model):
    """A value of a feature; an age band has its ages, a neighbourhood value its neighbourhood."""

    __tablename__ = "council_draw_feature_value"
    __table_args__ = (
        UniqueConstraint("feature_id", "key", name="uq_council_draw_feature_value_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feature_id: Mapped[int] = mapped_column(
        ForeignKey("council_draw_feature.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="SET NULL"), index=True
    )

    feature: Mapped[Feature] = relationship(back_populates="values")
    # A value that goes (renamed, removed, a neighbourhood out of the territory) takes its
    # quotas with it.
    quotas: Mapped[list[Quota]] = relationship(back_populates="value", cascade="all")

    def __str__(self) -> str:
        return self.label


class Quota(db.Model):
    """Between ``minimum`` and ``maximum`` of a college's seats for one feature value."""

    __tablename__ = "council_draw_quota"
    __table_args__ = (
        UniqueConstraint("college_id", "value_id", name="uq_council_draw_quota_college_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    college_id: Mapped[int] = mapped_column(
        ForeignKey("council_draw_college.id", ondelete="CASCADE"), index=True
    )
    value_id: Mapped[int] = mapped_column(
        ForeignKey("council_draw_feature_value.id", ondelete="CASCADE"), index=True
    )
    minimum: Mapped[int] = mapped_column(Integer, default=0)
    maximum: Mapped[int] = mapped_column(Integer)

    college: Mapped[College] = relationship(back_populates="quotas")
    value: Mapped[FeatureValue] = relationship(back_populates="quotas", lazy="joined")


def new_pseudonym() -> str:
    return "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(PSEUDONYM_LENGTH))


class Candidate(db.Model):
    """A person who volunteered (form) or was entered by staff (import): personal data."""

    __tablename__ = "council_draw_candidate"
    __table_args__ = (
        UniqueConstraint("council_id", "pseudonym", name="uq_council_draw_candidate_pseudonym"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(
        ForeignKey("council_draw_council.id", ondelete="CASCADE"), index=True
    )
    college_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_draw_college.id", ondelete="SET NULL"), index=True
    )
    pseudonym: Mapped[str] = mapped_column(String(12), default=new_pseudonym)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    birth_date: Mapped[date] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(250), default="")
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="SET NULL"), index=True
    )
    motivation: Mapped[str] = mapped_column(Text, default="")
    # Feature key -> value key (gender, age band, neighbourhood, the city's own features).
    features: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(10), default="form")
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Why the candidate is not eligible (a code of eligibility.REASONS), if they are not.
    ineligibility: Mapped[str | None] = mapped_column(String(40))
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_draw_candidate.id", ondelete="SET NULL"), index=True
    )
    # In the pool of the draw: true unless flagged (staff may decide otherwise).
    in_pool: Mapped[bool] = mapped_column(Boolean, default=True)

    council: Mapped[Council] = relationship()
    college: Mapped[College | None] = relationship(lazy="joined")
    neighbourhood: Mapped[Neighbourhood | None] = relationship(lazy="joined")
    duplicate_of: Mapped[Candidate | None] = relationship(remote_side="Candidate.id")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def initials(self) -> str:
        return "".join(f"{part[0]}." for part in (self.first_name, self.last_name) if part)

    @property
    def flagged(self) -> bool:
        return bool(self.ineligibility or self.duplicate_of_id)

    def allows(self, user, action: str) -> bool:
        """Everything about a candidate needs :data:`CANDIDATES`: their data is personal."""
        return user.can(CANDIDATES)


class Draw(db.Model):
    """A draw of a council: computing (the probabilities of its pool; a large pool's by the
    worker), failed (it could not: :attr:`problem` says why), prepared (probabilities for
    staff), published (awaiting the ceremony), done (seed entered, members drawn) or cancelled
    (:data:`.workflow.DRAW_LIFE`)."""

    __tablename__ = "council_draw_draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(
        ForeignKey("council_draw_council.id", ondelete="CASCADE"), index=True
    )
    algorithm: Mapped[str] = mapped_column(String(20), default="leximin")
    status: Mapped[str] = mapped_column(String(12), default=DRAW_LIFE.initial, index=True)
    # The public record (see selection.record): no personal data.
    record: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    # Why the probabilities could not be computed (a :data:`draws.PROBLEMS` key), when failed.
    problem: Mapped[str] = mapped_column(String(20), default="")
    ceremony_place: Mapped[str] = mapped_column(String(200), default="")
    ceremony_planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seed: Mapped[str | None] = mapped_column(String(200))
    witnesses: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    council: Mapped[Council] = relationship(back_populates="draws")
    members: Mapped[list[Member]] = relationship(
        back_populates="draw", order_by="[Member.college_key, Member.role.desc(), Member.rank]",
        cascade="all, delete-orphan", passive_deletes=True, foreign_keys="Member.draw_id",
    )

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and DRAW_LIFE.state(self.status).public

    def allows(self, user, action: str) -> bool:
        """``view``: everyone once published (on a published council); ``manage``: managers."""
        if action == "view":
            return (self.is_public and self.council.is_published) or user.can(MANAGE)
        if action == "manage":
            return user.can(MANAGE)
        return False


class Member(db.Model):
    """A candidate a draw selected (``role`` "selected") or put on the reserve list (``role``
    "reserve", ranked), and how they answered.

    Status (:data:`.workflow.MEMBER_LIFE`): ``reserve`` (waiting on the list), ``invited``,
    ``accepted``, ``declined``, ``withdrawn`` (left after accepting). A reserve called in is
    ``invited`` and ``replaces`` the member whose seat they take.
    """

    __tablename__ = "council_draw_member"
    __table_args__ = (
        UniqueConstraint("draw_id", "pseudonym", name="uq_council_draw_member_draw_pseudonym"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(
        ForeignKey("council_draw_draw.id", ondelete="CASCADE"), index=True
    )
    college_key: Mapped[str] = mapped_column(String(40))
    college_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_draw_college.id", ondelete="SET NULL"), index=True
    )
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_draw_candidate.id", ondelete="SET NULL"), index=True
    )
    pseudonym: Mapped[str] = mapped_column(String(12))
    role: Mapped[str] = mapped_column(String(10))
    rank: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default=MEMBER_LIFE.initial, index=True)
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_draw_member.id", ondelete="SET NULL")
    )
    # SHA-256 of the secret in the member's answer link.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # How the council's public page names them, as they chose when accepting.
    public_name: Mapped[str | None] = mapped_column(String(150))
    # Their membership of the council's body, from the day they accepted.
    body_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("body_member.id", ondelete="SET NULL")
    )
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    draw: Mapped[Draw] = relationship(back_populates="members", foreign_keys=[draw_id])
    college: Mapped[College | None] = relationship(lazy="joined")
    candidate: Mapped[Candidate | None] = relationship(lazy="joined")
    replaces: Mapped[Member | None] = relationship(remote_side="Member.id",
                                                   foreign_keys=[replaces_id])
    body_member: Mapped[BodyMember | None] = relationship()

    @property
    def holds_seat(self) -> bool:
        """Invited (not answered yet) or accepted: counts in the panel."""
        return self.status in SEATED
