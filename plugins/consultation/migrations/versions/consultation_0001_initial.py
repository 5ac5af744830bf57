"""consultation: initial schema

The first revision of the ``consultation`` branch: enabling the plugin later and running
``flask --app core db upgrade`` creates only these tables. They refer to the core's
``user_account``, ``neighbourhood`` and ``category`` tables.

Revision ID: consultation_0001
Revises:
Create Date: 2026-11-25 14:30:00
"""
from alembic import op
import sqlalchemy as sa
import core.database


revision = "consultation_0001"
down_revision = None
branch_labels = ("consultation",)
depends_on = "core_0002"


def _content_columns():
    """The columns every piece of content has (core.content.ContentMixin)."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", core.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", core.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.Column("support_count", sa.Integer(), nullable=False),
        sa.Column("comment_count", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
    ]


def _content_constraints(table):
    return [
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"],
                                name=op.f(f"fk_{table}_author_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["category_id"], ["category.id"],
                                name=op.f(f"fk_{table}_category_id_category"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["neighbourhood_id"], ["neighbourhood.id"],
                                name=op.f(f"fk_{table}_neighbourhood_id_neighbourhood"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


CONTENT_INDEXES = ("author_id", "category_id", "created_at", "is_hidden", "neighbourhood_id", "state",
                   "support_count")


def _indexes(table, columns):
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade():
    op.create_table(
        "consultation_consultation",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("eligibility", sa.String(length=20), nullable=False),
        sa.Column("has_questionnaire", sa.Boolean(), nullable=False),
        sa.Column("has_proposals", sa.Boolean(), nullable=False),
        sa.Column("has_arguments", sa.Boolean(), nullable=False),
        sa.Column("synthesis", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        *_content_columns(),
        *_content_constraints("consultation_consultation"),
    )
    _indexes("consultation_consultation", CONTENT_INDEXES)

    op.create_table(
        "consultation_neighbourhood",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation_consultation.id"],
                                name=op.f("fk_consultation_neighbourhood_consultation_id_consultation_consultation"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["neighbourhood_id"], ["neighbourhood.id"],
                                name=op.f("fk_consultation_neighbourhood_neighbourhood_id_neighbourhood"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("consultation_id", "neighbourhood_id", name=op.f("pk_consultation_neighbourhood")),
    )

    op.create_table(
        "consultation_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("help", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=True),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("scale_min_label", sa.String(length=100), nullable=False),
        sa.Column("scale_max_label", sa.String(length=100), nullable=False),
        sa.Column("created_at", core.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation_consultation.id"],
                                name=op.f("fk_consultation_question_consultation_id_consultation_consultation"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_question")),
    )
    _indexes("consultation_question", ("consultation_id",))

    op.create_table(
        "consultation_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["consultation_question.id"],
                                name=op.f("fk_consultation_option_question_id_consultation_question"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_option")),
    )
    _indexes("consultation_option", ("question_id",))

    op.create_table(
        "consultation_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", core.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", core.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation_consultation.id"],
                                name=op.f("fk_consultation_response_consultation_id_consultation_consultation"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_consultation_response_user_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_response")),
        sa.UniqueConstraint("consultation_id", "user_id", name="uq_consultation_response_user"),
    )
    _indexes("consultation_response", ("consultation_id", "user_id"))

    op.create_table(
        "consultation_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("moderation", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["option_id"], ["consultation_option.id"],
                                name=op.f("fk_consultation_answer_option_id_consultation_option"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["consultation_question.id"],
                                name=op.f("fk_consultation_answer_question_id_consultation_question"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["response_id"], ["consultation_response.id"],
                                name=op.f("fk_consultation_answer_response_id_consultation_response"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_answer")),
    )
    _indexes("consultation_answer", ("moderation", "response_id"))
    with op.batch_alter_table("consultation_answer", schema=None) as batch_op:
        batch_op.create_index("ix_consultation_answer_question_option", ["question_id", "option_id"], unique=False)

    op.create_table(
        "consultation_proposal",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=False),
        *_content_columns(),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation_consultation.id"],
                                name=op.f("fk_consultation_proposal_consultation_id_consultation_consultation"),
                                ondelete="CASCADE"),
        *_content_constraints("consultation_proposal"),
    )
    _indexes("consultation_proposal", CONTENT_INDEXES + ("consultation_id",))


def downgrade():
    op.drop_table("consultation_proposal")
    op.drop_table("consultation_answer")
    op.drop_table("consultation_response")
    op.drop_table("consultation_option")
    op.drop_table("consultation_question")
    op.drop_table("consultation_neighbourhood")
    op.drop_table("consultation_consultation")
