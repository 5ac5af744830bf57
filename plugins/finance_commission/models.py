"""The finance commission's tables: the accounts of each year, the comparable cities' averages
and the residents' questions.

Bodies, members and meetings are the core's "bodies and meetings" service; answers, follows,
moderation and the questions' timeline are core services keyed on the question.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Float, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.content import ContentMixin
from core.database import UTCDateTime, db, utcnow

from .workflow import ANSWER, MODERATE, PUBLIC_STATES


class FinanceYear(db.Model):
    """The accounts of one year, as imported, with the population of that year."""

    __tablename__ = "finance_year"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    population: Mapped[int] = mapped_column(Integer)
    # Outstanding debt on 31 December (from the annex of the administrative account), euros.
    outstanding_debt: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    # SCDL BGT_NATDEC: "compte administratif" (actual), "budget primitif"...
    stage: Mapped[str] = mapped_column(String(40), default="compte administratif")
    source_format: Mapped[str] = mapped_column(String(10), default="scdl")
    siret: Mapped[str] = mapped_column(String(14), default="")
    entity_name: Mapped[str] = mapped_column(String(200), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    lines: Mapped[list[AccountLine]] = relationship(
        back_populates="finance_year", cascade="all, delete-orphan", passive_deletes=True,
        order_by="AccountLine.id",
    )


class AccountLine(db.Model):
    """One line of the accounts: a section, a direction, a real or order operation, an account."""

    __tablename__ = "finance_account_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("finance_year.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(1))  # "F" operating, "I" investment
    direction: Mapped[str] = mapped_column(String(1))  # "D" expenditure, "R" revenue
    is_real: Mapped[bool] = mapped_column(Boolean, default=True)
    chapter: Mapped[str] = mapped_column(String(10), default="")
    account: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(250), default="")
    function: Mapped[str] = mapped_column(String(10), default="")
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))

    finance_year: Mapped[FinanceYear] = relationship(back_populates="lines")


class Comparison(db.Model):
    """The average of comparable cities for an indicator and a year, entered by staff."""

    __tablename__ = "finance_comparison"
    __table_args__ = (UniqueConstraint("year", "indicator", name="uq_finance_comparison_year_indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(60))
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(250), default="")


class Question(ContentMixin, db.Model):
    """A resident's question to the commission about the city's finances."""

    __tablename__ = "finance_question"
    content_type_name = "finance_commission.question"

    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")

    def allows(self, user, action: str) -> bool:
        """``view``: everyone once published; before, its author and moderators. ``moderate``:
        moderators while it waits. ``answer``: commission members and staff once published."""
        if action == "view":
            if self.is_public or self.is_author(user):
                return True
            return user.can(MODERATE) or user.can("moderation.moderate")
        if action == "moderate":
            return self.state == "pending" and user.can(MODERATE)
        if action == "answer":
            return self.state in PUBLIC_STATES and user.can(ANSWER)
        return False
