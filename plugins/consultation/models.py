"""The consultation's tables: consultations, their questions and options, the participants'
responses and answers, and the proposals participants submit.

Arguments for and against a consultation are the core's comments with a position (``for`` or
``against``); supports, comments, follows, attachments (the documents), moderation reports and
the status timeline are core services keyed on the content (``"consultation.consultation"`` or
``"consultation.proposal"`` and its id): they need no table here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON, Boolean, Column, Date, Float, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.content import ContentMixin
from core.database import UTCDateTime, db, utcnow

from .workflow import MANAGE, PUBLIC_STATES

# The kinds of question, in the order the staff's form offers them.
SINGLE, MULTIPLE, RANKING, SCALE, SHORT_TEXT, LONG_TEXT = (
    "single", "multiple", "ranking", "scale", "short_text", "long_text",
)
QUESTION_KINDS = (SINGLE, MULTIPLE, RANKING, SCALE, SHORT_TEXT, LONG_TEXT)
CHOICE_KINDS = (SINGLE, MULTIPLE, RANKING)
TEXT_KINDS = (SHORT_TEXT, LONG_TEXT)

# Who may take part.
EVERYONE, RESIDENTS = "everyone", "residents"

# What the city did with a proposal.
OUTCOMES = ("taken", "partly_taken", "not_taken")

# The moderation of a free-text answer before it is listed in the results.
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"



consultation_neighbourhood = Table(
    "consultation_neighbourhood",
    db.metadata,
    Column("consultation_id", ForeignKey("consultation_consultation.id", ondelete="CASCADE"),
           primary_key=True),
    Column("neighbourhood_id", ForeignKey("neighbourhood.id", ondelete="CASCADE"), primary_key=True),
)


class Consultation(ContentMixin, db.Model):
    """A consultation of the residents on a local project, run by the city."""

    __tablename__ = "consultation_consultation"
    content_type_name = "consultation.consultation"

    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # The context of the project, in Markdown.
    body: Mapped[str] = mapped_column(Text, default="")
    opens_on: Mapped[date] = mapped_column(Date)
    # The last day answers are accepted (inclusive).
    closes_on: Mapped[date] = mapped_column(Date)
    eligibility: Mapped[str] = mapped_column(String(20), default=EVERYONE)
    has_questionnaire: Mapped[bool] = mapped_column(Boolean, default=True)
    has_proposals: Mapped[bool] = mapped_column(Boolean, default=False)
    has_arguments: Mapped[bool] = mapped_column(Boolean, default=False)
    # Written by the staff once it is closed: "what we heard", "what we decided and why".
    synthesis: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    # The questionnaire's counts, kept once it is closed (answers can no longer change): the
    # results page of a consultation of 100,000 responses then reads them instead of counting
    # a million answers at each visit. See results.figures.
    results_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Where the project is, when it has a place: an address or a landmark, and a point.
    place_address: Mapped[str | None] = mapped_column(String(250))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    neighbourhoods = relationship("Neighbourhood", secondary=consultation_neighbourhood,
                                  lazy="selectin", order_by="Neighbourhood.position")
    questions: Mapped[list[ConsultationQuestion]] = relationship(
        back_populates="consultation", lazy="selectin", cascade="all, delete-orphan",
        passive_deletes=True, order_by="[ConsultationQuestion.position, ConsultationQuestion.id]",
    )

    def allows(self, user, action: str) -> bool:
        """Who may do what with this consultation.

        ``view``: everyone once it is published (upcoming or later); a draft only the staff
        (who preview it). ``manage`` and ``edit`` (its documents): the staff, in every state.
        """
        if action == "view":
            return (self.state in PUBLIC_STATES and not self.is_hidden) or user.can(MANAGE)
        if action in ("manage", "edit"):
            return user.can(MANAGE)
        return False


class ConsultationQuestion(db.Model):
    """A question of a consultation's questionnaire (``Question`` for short in this plugin)."""

    __tablename__ = "consultation_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_consultation.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(300))
    help: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    # Multiple choice: how many options one may tick at most (none: no limit).
    max_choices: Mapped[int | None] = mapped_column(Integer)
    # Scale: the lowest and highest values, and what they mean.
    scale_min: Mapped[int] = mapped_column(Integer, default=1)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)
    scale_min_label: Mapped[str] = mapped_column(String(100), default="")
    scale_max_label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="questions")
    options: Mapped[list[Option]] = relationship(
        back_populates="question", lazy="selectin", cascade="all, delete-orphan",
        passive_deletes=True, order_by="[Option.position, Option.id]",
    )

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    @property
    def scale_values(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))


# The name the plugin's code uses (another plugin's model is called ``Question`` too, so the
# mapped class carries the plugin's name for the ORM's registry).
Question = ConsultationQuestion


class Option(db.Model):
    """A possible answer of a single choice, multiple choice or ranking question."""

    __tablename__ = "consultation_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(200))

    question: Mapped[ConsultationQuestion] = relationship(back_populates="options")


class Response(db.Model):
    """One participant's answers to a consultation (one per person, changed until it closes)."""

    __tablename__ = "consultation_response"
    __table_args__ = (
        UniqueConstraint("consultation_id", "user_id", name="uq_consultation_response_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_consultation.id", ondelete="CASCADE"), index=True
    )
    # Emptied when the person deletes their account: the answers still count, anonymously.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    consultation: Mapped[Consultation] = relationship()
    values: Mapped[list[AnswerValue]] = relationship(
        back_populates="response", lazy="selectin", cascade="all, delete-orphan",
        passive_deletes=True, order_by="AnswerValue.id",
    )


class AnswerValue(db.Model):
    """One piece of an answer: a chosen option (with its rank), a scale value, or a text."""

    __tablename__ = "consultation_answer"
    __table_args__ = (
        Index("ix_consultation_answer_question_option", "question_id", "option_id"),
        # A question's published texts, in order, without reading the others.
        Index("ix_consultation_answer_question_moderation", "question_id", "moderation", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_response.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_question.id", ondelete="CASCADE")
    )
    option_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_option.id", ondelete="CASCADE")
    )
    rank: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    # Free text is listed in the results only once the staff approved it.
    moderation: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)

    response: Mapped[Response] = relationship(back_populates="values")


class Proposal(ContentMixin, db.Model):
    """A proposal a participant put forward during a consultation; others support it."""

    __tablename__ = "consultation_proposal"
    content_type_name = "consultation.proposal"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_consultation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text, default="")
    # What the city did with it, and why (written with the decision).
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_reason: Mapped[str] = mapped_column(Text, default="")

    consultation: Mapped[Consultation] = relationship()

    def allows(self, user, action: str) -> bool:
        """``view``: whoever may view its consultation, unless moderators hid it (then the
        author and the staff). ``manage`` (mark the outcome): the staff."""
        if action == "view":
            if not self.consultation.allows(user, "view"):
                return False
            if self.is_hidden:
                return self.is_author(user) or user.can(MANAGE) or user.can("moderation.moderate")
            return True
        if action == "manage":
            return user.can(MANAGE)
        return False
