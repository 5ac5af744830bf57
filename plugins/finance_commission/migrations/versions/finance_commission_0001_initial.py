"""finance_commission: initial schema

The first revision of the ``finance_commission`` branch: the years of accounts and their lines,
the comparable cities' averages and the residents' questions. The commission's members and
meetings are the core's bodies tables (core_0002).

Revision ID: finance_commission_0001
Revises:
Create Date: 2026-11-26 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import core.database


revision = "finance_commission_0001"
down_revision = None
branch_labels = ("finance_commission",)
depends_on = "core_0002"


def upgrade():
    op.create_table(
        "finance_comparison",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=250), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_comparison")),
        sa.UniqueConstraint("year", "indicator", name="uq_finance_comparison_year_indicator"),
    )
    op.create_table(
        "finance_year",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("outstanding_debt", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("source_format", sa.String(length=10), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=False),
        sa.Column("entity_name", sa.String(length=200), nullable=False),
        sa.Column("imported_at", core.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["imported_by_id"], ["user_account.id"],
                                name=op.f("fk_finance_year_imported_by_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_year")),
        sa.UniqueConstraint("year", name=op.f("uq_finance_year_year")),
    )
    with op.batch_alter_table("finance_year", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finance_year_imported_by_id"), ["imported_by_id"], unique=False)
    op.create_table(
        "finance_account_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=1), nullable=False),
        sa.Column("direction", sa.String(length=1), nullable=False),
        sa.Column("is_real", sa.Boolean(), nullable=False),
        sa.Column("chapter", sa.String(length=10), nullable=False),
        sa.Column("account", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=250), nullable=False),
        sa.Column("function", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.ForeignKeyConstraint(["year_id"], ["finance_year.id"],
                                name=op.f("fk_finance_account_line_year_id_finance_year"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_account_line")),
    )
    with op.batch_alter_table("finance_account_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finance_account_line_year_id"), ["year_id"], unique=False)
    op.create_table(
        "finance_question",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
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
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"],
                                name=op.f("fk_finance_question_author_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["category_id"], ["category.id"],
                                name=op.f("fk_finance_question_category_id_category"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["neighbourhood_id"], ["neighbourhood.id"],
                                name=op.f("fk_finance_question_neighbourhood_id_neighbourhood"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_question")),
    )
    with op.batch_alter_table("finance_question", schema=None) as batch_op:
        for column in ("author_id", "category_id", "created_at", "is_hidden", "neighbourhood_id",
                       "state", "support_count"):
            batch_op.create_index(batch_op.f(f"ix_finance_question_{column}"), [column], unique=False)


def downgrade():
    op.drop_table("finance_question")
    op.drop_table("finance_account_line")
    op.drop_table("finance_year")
    op.drop_table("finance_comparison")
