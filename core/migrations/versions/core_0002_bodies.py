"""Core: bodies and meetings (commissions, councils: members, meetings, documents, minutes).

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-11-26 09:00:00
"""
from alembic import op
import sqlalchemy as sa
import core.database


revision = "core_0002"
down_revision = "core_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "body",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", core.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body")),
        sa.UniqueConstraint("owner", "slug", name="uq_body_owner_slug"),
    )
    with op.batch_alter_table("body", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_body_owner"), ["owner"], unique=False)

    op.create_table(
        "body_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"], name=op.f("fk_body_member_body_id_body"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_body_member_user_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_member")),
    )
    with op.batch_alter_table("body_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_body_member_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_body_member_user_id"), ["user_id"], unique=False)

    op.create_table(
        "body_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", core.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=250), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("minutes_published_at", core.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", core.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"], name=op.f("fk_body_meeting_body_id_body"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_meeting")),
    )
    with op.batch_alter_table("body_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_body_meeting_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_body_meeting_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "body_meeting_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["body_meeting.id"],
                                name=op.f("fk_body_meeting_document_meeting_id_body_meeting"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_meeting_document")),
    )
    with op.batch_alter_table("body_meeting_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_body_meeting_document_meeting_id"), ["meeting_id"], unique=False)


def downgrade():
    with op.batch_alter_table("body_meeting_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_meeting_document_meeting_id"))
    op.drop_table("body_meeting_document")
    with op.batch_alter_table("body_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_meeting_starts_at"))
        batch_op.drop_index(batch_op.f("ix_body_meeting_body_id"))
    op.drop_table("body_meeting")
    with op.batch_alter_table("body_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_member_user_id"))
        batch_op.drop_index(batch_op.f("ix_body_member_body_id"))
    op.drop_table("body_member")
    with op.batch_alter_table("body", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_owner"))
    op.drop_table("body")
