"""consultation: where the project is (an address or a landmark, and a point on the map)

Revision ID: consultation_0003
Revises: consultation_0002
Create Date: 2026-12-03 14:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = "consultation_0003"
down_revision = "consultation_0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultation_consultation") as batch_op:
        batch_op.add_column(sa.Column("place_address", sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("consultation_consultation") as batch_op:
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
        batch_op.drop_column("place_address")
