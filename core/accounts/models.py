"""The account of a person, and the roles they were given."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, db, utcnow
from ..taxonomy import Neighbourhood

NOTIFICATION_FREQUENCIES = ("each", "daily", "none")


class User(UserMixin, db.Model):
    """A person with an account. Deleting an account anonymises this row; it is never removed,
    so that what the person wrote in public stays attributed to "a deleted participant"."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="SET NULL"), index=True
    )
    locale: Mapped[str | None] = mapped_column(String(8))
    notification_frequency: Mapped[str] = mapped_column(String(10), default="each")
    # Bumped when the password changes or the account is deleted: ends every other session.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    residency_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    neighbourhood: Mapped[Neighbourhood | None] = relationship(lazy="joined")
    # Loaded when asked for (the signed-in person's permissions), not with every author shown
    # on a page; a list of people that shows their roles loads them in one query (selectinload).
    role_grants: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="select"
    )

    # --- Flask-Login ---------------------------------------------------------------------
    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.deleted_at is None

    # --- What others see -----------------------------------------------------------------
    @property
    def public_name(self):
        """The name shown next to what the person wrote."""
        if self.deleted_at is not None:
            return _l("Deleted participant")
        return self.display_name

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def role_names(self) -> set[str]:
        """Roles held: every confirmed, active account is a resident; others are granted."""
        names = {grant.role for grant in self.role_grants}
        if self.is_active and self.is_confirmed:
            names.add("resident")
        return names

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    def can(self, permission: str) -> bool:
        """Whether one of this person's roles grants ``permission``."""
        from ..permissions import roles_granting

        return self.is_active and bool(self.role_names & roles_granting(permission))

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserRole(db.Model):
    """A role given to a person by an admin (``resident`` is implicit and never stored)."""

    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role", name="uq_user_role_user_id_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="role_grants")
