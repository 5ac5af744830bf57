"""Core: the workers' heartbeat, and who holds a job or a mail being sent, so that the work of
a worker that died is taken back at once (and never done twice).

Revision ID: core_0007
Revises: core_0006
Create Date: 2026-12-03 17:10:00
"""
from alembic import op
import sqlalchemy as sa

from core.database import UTCDateTime


revision = "core_0007"
down_revision = "core_0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "worker_beat",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("beat_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("round_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("round_error", sa.Text(), nullable=True),
    )
    op.create_index("ix_worker_beat_beat_at", "worker_beat", ["beat_at"])
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("worker", sa.String(200), nullable=True))
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(200), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("claimed_by")
    with op.batch_alter_table("job") as batch:
        batch.drop_column("worker")
    op.drop_index("ix_worker_beat_beat_at", table_name="worker_beat")
    op.drop_table("worker_beat")
