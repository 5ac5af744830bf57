"""Core: SQLite's full-text index holds French stems, so that "jardins" finds "jardin".

Rewrites the FTS5 table ``search_fts`` from the stored documents (SQLite only; PostgreSQL
already stems with its French configuration).

Revision ID: core_0005
Revises: core_0004
Create Date: 2026-12-02 18:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = "core_0005"
down_revision = "core_0004"
branch_labels = None
depends_on = None


def _rewrite(document_of):
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    rows = bind.execute(sa.text("SELECT id, document FROM search_entry")).all()
    bind.execute(sa.text("DELETE FROM search_fts"))
    for entry_id, document in rows:
        bind.execute(sa.text("INSERT INTO search_fts (rowid, document) VALUES (:id, :document)"),
                     {"id": entry_id, "document": document_of(document or "")})


def upgrade():
    from core.services.search.models import stems

    _rewrite(lambda document: " ".join(stems(document)))


def downgrade():
    _rewrite(lambda document: document)
