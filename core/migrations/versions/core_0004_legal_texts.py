"""Core: the legal pages' texts written by admins, one per page and language.

Revision ID: core_0004
Revises: core_0003
Create Date: 2026-12-02 18:10:00
"""
from alembic import op
import sqlalchemy as sa

import core.database


revision = "core_0004"
down_revision = "core_0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "legal_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", core.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug", "locale", name="uq_legal_text_slug_locale"),
    )


def downgrade():
    op.drop_table("legal_text")
