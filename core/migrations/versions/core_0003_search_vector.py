"""Core: search ranks from a stored tsvector (PostgreSQL), not from the text parsed again per row.

Adds ``search_entry.search_vector`` (PostgreSQL: the document's French ``tsvector``, filled here
for the existing entries, with a GIN index that replaces the index on the expression; SQLite: an
empty text column (its index too), its full-text search stays in the FTS5 table ``search_fts``).

Revision ID: core_0003
Revises: core_0002
Create Date: 2026-11-25 14:10:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = "core_0003"
down_revision = "core_0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_vector", postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"), nullable=True)
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE search_entry SET search_vector = to_tsvector('french', document)")
        op.execute("DROP INDEX IF EXISTS ix_search_entry_fts")
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.create_index("ix_search_entry_vector", ["search_vector"], unique=False,
                              postgresql_using="gin")


def downgrade():
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_search_entry_vector")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_search_entry_fts ON search_entry "
            "USING gin (to_tsvector('french', document))"
        )
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.drop_column("search_vector")
