"""idea_box: indexes matching the list of ideas' filters and sorts

The list filtered by neighbourhood and sorted newest first or by supports, and the whole list
newest first, are read in index order (a page stops after its rows instead of sorting every
idea of the neighbourhood).

Revision ID: idea_box_0002
Revises: idea_box_0001
Create Date: 2026-11-25 14:15:00
"""
from alembic import op


revision = "idea_box_0002"
down_revision = "idea_box_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("idea_box_idea", schema=None) as batch_op:
        batch_op.create_index("ix_idea_box_idea_neighbourhood_newest",
                              ["neighbourhood_id", "published_at", "id"], unique=False)
        batch_op.create_index("ix_idea_box_idea_neighbourhood_supports",
                              ["neighbourhood_id", "support_count", "published_at", "id"], unique=False)
        batch_op.create_index("ix_idea_box_idea_newest", ["published_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("idea_box_idea", schema=None) as batch_op:
        batch_op.drop_index("ix_idea_box_idea_newest")
        batch_op.drop_index("ix_idea_box_idea_neighbourhood_supports")
        batch_op.drop_index("ix_idea_box_idea_neighbourhood_newest")
