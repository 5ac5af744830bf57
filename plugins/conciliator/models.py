"""The conciliator's tables: the services cases are about, the cases, their private
correspondence, and the questions put to a service's staff.

The status timeline and the attachments of a case are core services keyed on the case
(``"conciliator.case"`` and its id); they follow the case's own access rule (:meth:`Case.allows`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.content import ContentMixin
from core.database import UTCDateTime, db, utcnow

from .workflow import HANDLE, OPEN_STATES


class Service(db.Model):
    """A municipal service a resident may have a dispute with (a list the staff maintain)."""

    __tablename__ = "conciliator_service"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.name


class Case(ContentMixin, db.Model):
    """A resident's referral (saisine) to the municipal mediator, handled in confidence."""

    __tablename__ = "conciliator_case"
    content_type_name = "conciliator.case"

    reference: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("conciliator_service.id", ondelete="SET NULL"), index=True
    )
    prior_complaint_date: Mapped[date | None] = mapped_column(Date)
    prior_steps: Mapped[str] = mapped_column(Text, default="")
    hoped_outcome: Mapped[str] = mapped_column(Text, default="")
    # Set when a conciliator first opens the case (the acknowledgement deadline).
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the case was declared admissible or inadmissible.
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # agreement, recommendation, unresolved or withdrawn (closed cases only).
    outcome: Mapped[str | None] = mapped_column(String(20), index=True)
    # The reminders already sent, as "acknowledgement,admissibility,answer".
    reminders_sent: Mapped[str] = mapped_column(String(100), default="")
    # Set when the retention period passed and the case was anonymised.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    service = relationship("Service", lazy="joined")

    def is_conciliator(self, user) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.can(HANDLE)

    def is_invited(self, user) -> bool:
        """Whether ``user`` is a staff member asked a question about this case."""
        if not getattr(user, "is_authenticated", False) or self.id is None:
            return False
        return db.session.scalar(
            select(Invitation.id).where(Invitation.case_id == self.id,
                                        Invitation.staff_id == user.id).limit(1)
        ) is not None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def allows(self, user, action: str) -> bool:
        """Who may do what with a case; everyone else is told it does not exist.

        ``view``: the resident who referred it, the conciliators and the staff invited to it.
        ``message`` and ``add_file``: the resident while the case is open, the conciliators.
        ``edit`` (the core's attachment routes), ``handle``, ``note``, ``invite``: conciliators.
        ``answer``: the invited staff. ``withdraw``: the resident while the case is open.
        """
        if not getattr(user, "is_authenticated", False):
            return False
        conciliator = self.is_conciliator(user)
        resident = self.is_author(user) and self.anonymised_at is None
        if action == "view":
            return resident or conciliator or self.is_invited(user)
        if action in ("message", "add_file"):
            return conciliator or (resident and self.is_open)
        if action == "withdraw":
            return resident and self.is_open
        if action == "answer":
            return self.is_invited(user)
        if action in ("edit", "handle", "note", "invite"):
            return conciliator
        return False


class CaseMessage(db.Model):
    """A message of a case's private thread (resident and conciliator) or an internal note."""

    __tablename__ = "conciliator_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("conciliator_case.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # "message" (seen by the resident) or "note" (conciliators only).
    kind: Mapped[str] = mapped_column(String(10), default="message")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", lazy="joined")


class Invitation(db.Model):
    """A request for information sent to a staff member of the service concerned.

    It gives that account access to this case only, to read it and answer inside it.
    """

    __tablename__ = "conciliator_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("conciliator_case.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    asked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    staff = relationship("User", foreign_keys=[staff_id], lazy="joined")
    asked_by = relationship("User", foreign_keys=[asked_by_id], lazy="joined")
