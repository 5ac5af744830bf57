"""idea_box: initial schema

The first revision of the ``idea_box`` branch: enabling the plugin later and running
``flask --app core db upgrade`` creates only these tables. They refer to the core's
``user_account``, ``neighbourhood``, ``category`` and ``attachment`` tables.

Revision ID: idea_box_0001
Revises:
Create Date: 2026-11-25 11:20:00
"""
from alembic import op
import sqlalchemy as sa
import core.database


revision = "idea_box_0001"
down_revision = None
branch_labels = ("idea_box",)
depends_on = "core_0001"


def upgrade():
    op.create_table(
        "idea_box_campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("submission_start", sa.Date(), nullable=False),
        sa.Column("submission_end", sa.Date(), nullable=False),
        sa.Column("support_end", sa.Date(), nullable=False),
        sa.Column("study_end", sa.Date(), nullable=False),
        sa.Column("results_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_box_campaign")),
    )
    op.create_table(
        "idea_box_department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_box_department")),
        sa.UniqueConstraint("name", name=op.f("uq_idea_box_department_name")),
    )
    op.create_table(
        "idea_box_idea",
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("place_address", sa.String(length=250), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("estimated_cost", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("budget_spent", sa.Integer(), nullable=True),
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
                                name=op.f("fk_idea_box_idea_author_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["campaign_id"], ["idea_box_campaign.id"],
                                name=op.f("fk_idea_box_idea_campaign_id_idea_box_campaign"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["category_id"], ["category.id"],
                                name=op.f("fk_idea_box_idea_category_id_category"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["department_id"], ["idea_box_department.id"],
                                name=op.f("fk_idea_box_idea_department_id_idea_box_department"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["merged_into_id"], ["idea_box_idea.id"],
                                name=op.f("fk_idea_box_idea_merged_into_id_idea_box_idea"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["neighbourhood_id"], ["neighbourhood.id"],
                                name=op.f("fk_idea_box_idea_neighbourhood_id_neighbourhood"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_box_idea")),
    )
    with op.batch_alter_table("idea_box_idea", schema=None) as batch_op:
        for column in ("author_id", "campaign_id", "category_id", "created_at", "department_id", "is_hidden",
                       "merged_into_id", "neighbourhood_id", "state", "support_count"):
            batch_op.create_index(batch_op.f(f"ix_idea_box_idea_{column}"), [column], unique=False)

    op.create_table(
        "idea_box_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("budget_spent", sa.Integer(), nullable=True),
        sa.Column("photo_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", core.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_idea_box_step_created_by_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["idea_id"], ["idea_box_idea.id"],
                                name=op.f("fk_idea_box_step_idea_id_idea_box_idea"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["photo_id"], ["attachment.id"],
                                name=op.f("fk_idea_box_step_photo_id_attachment"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_box_step")),
    )
    with op.batch_alter_table("idea_box_step", schema=None) as batch_op:
        for column in ("created_by_id", "idea_id", "photo_id"):
            batch_op.create_index(batch_op.f(f"ix_idea_box_step_{column}"), [column], unique=False)

    op.create_table(
        "idea_box_study",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("technical", sa.Text(), nullable=False),
        sa.Column("legal", sa.Text(), nullable=False),
        sa.Column("within_competence", sa.Boolean(), nullable=False),
        sa.Column("estimated_cost", sa.Integer(), nullable=True),
        sa.Column("estimated_delay_months", sa.Integer(), nullable=True),
        sa.Column("studied_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", core.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["idea_id"], ["idea_box_idea.id"],
                                name=op.f("fk_idea_box_study_idea_id_idea_box_idea"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["studied_by_id"], ["user_account.id"],
                                name=op.f("fk_idea_box_study_studied_by_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_box_study")),
        sa.UniqueConstraint("idea_id", name=op.f("uq_idea_box_study_idea_id")),
    )
    with op.batch_alter_table("idea_box_study", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_box_study_studied_by_id"), ["studied_by_id"], unique=False)


def downgrade():
    op.drop_table("idea_box_study")
    op.drop_table("idea_box_step")
    op.drop_table("idea_box_idea")
    op.drop_table("idea_box_department")
    op.drop_table("idea_box_campaign")
