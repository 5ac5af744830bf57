"""consultation: the questionnaire's counts kept once a consultation is closed, and an index
for a question's published texts

Revision ID: consultation_0002
Revises: consultation_0001
Create Date: 2026-11-25 15:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = "consultation_0002"
down_revision = "consultation_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultation_consultation") as batch_op:
        batch_op.add_column(sa.Column("results_snapshot", sa.JSON(), nullable=True))
    with op.batch_alter_table("consultation_answer") as batch_op:
        batch_op.create_index("ix_consultation_answer_question_moderation",
                              ["question_id", "moderation", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("consultation_answer") as batch_op:
        batch_op.drop_index("ix_consultation_answer_question_moderation")
    with op.batch_alter_table("consultation_consultation") as batch_op:
        batch_op.drop_column("results_snapshot")
