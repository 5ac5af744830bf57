"""council_draw: councils as bodies of the core, and probabilities computed in the background

A council becomes a body of the core's "bodies and meetings" service (its members, meetings and
minutes); a member who accepts a seat is linked to their membership of that body. A draw keeps
why its probabilities could not be computed, when the worker computed them and failed.

Revision ID: council_draw_0002
Revises: council_draw_0001
Create Date: 2026-11-25 14:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = "council_draw_0002"
down_revision = "council_draw_0001"
branch_labels = None
depends_on = "core_0002"


def upgrade():
    with op.batch_alter_table("council_draw_council") as batch_op:
        batch_op.add_column(sa.Column("body_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_council_draw_council_body_id_body", "body",
                                    ["body_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("council_draw_draw") as batch_op:
        batch_op.add_column(sa.Column("problem", sa.String(length=20), nullable=False,
                                      server_default=""))
    with op.batch_alter_table("council_draw_member") as batch_op:
        batch_op.add_column(sa.Column("body_member_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_council_draw_member_body_member_id_body_member",
                                    "body_member", ["body_member_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("council_draw_member") as batch_op:
        batch_op.drop_constraint("fk_council_draw_member_body_member_id_body_member",
                                 type_="foreignkey")
        batch_op.drop_column("body_member_id")
    with op.batch_alter_table("council_draw_draw") as batch_op:
        batch_op.drop_column("problem")
    with op.batch_alter_table("council_draw_council") as batch_op:
        batch_op.drop_constraint("fk_council_draw_council_body_id_body", type_="foreignkey")
        batch_op.drop_column("body_id")
