"""Core: a neighbourhood may carry its outline (GeoJSON), drawn on the maps.

Revision ID: core_0006
Revises: core_0005
Create Date: 2026-12-03 14:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = "core_0006"
down_revision = "core_0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("neighbourhood") as batch:
        batch.add_column(sa.Column("boundary", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("neighbourhood") as batch:
        batch.drop_column("boundary")
