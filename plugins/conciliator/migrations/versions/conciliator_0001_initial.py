"""conciliator: initial schema

The first revision of the ``conciliator`` branch: enabling the plugin later and running
``flask --app core db upgrade`` creates only these tables (services, cases, private messages
and notes, invitations of staff). They refer to the core's ``user_account``, ``neighbourhood``
and ``category`` tables.

Revision ID: conciliator_0001
Revises:
Create Date: 2026-11-25 11:50:00
"""
from alembic import op
import sqlalchemy as sa
import core.database


revision = "conciliator_0001"
down_revision = None
branch_labels = ("conciliator",)
depends_on = "core_0001"


def upgrade():
    op.create_table('conciliator_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conciliator_service')),
    sa.UniqueConstraint('name', name=op.f('uq_conciliator_service_name'))
    )
    op.create_table('conciliator_case',
    sa.Column('reference', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('prior_complaint_date', sa.Date(), nullable=True),
    sa.Column('prior_steps', sa.Text(), nullable=False),
    sa.Column('hoped_outcome', sa.Text(), nullable=False),
    sa.Column('acknowledged_at', core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('reminders_sent', sa.String(length=100), nullable=False),
    sa.Column('anonymised_at', core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('state', sa.String(length=40), nullable=False),
    sa.Column('is_hidden', sa.Boolean(), nullable=False),
    sa.Column('support_count', sa.Integer(), nullable=False),
    sa.Column('comment_count', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_conciliator_case_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_conciliator_case_category_id_category'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_conciliator_case_neighbourhood_id_neighbourhood'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['conciliator_service.id'], name=op.f('fk_conciliator_case_service_id_conciliator_service'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conciliator_case')),
    sa.UniqueConstraint('reference', name=op.f('uq_conciliator_case_reference'))
    )
    op.create_index(op.f('ix_conciliator_case_author_id'), 'conciliator_case', ['author_id'], unique=False)
    op.create_index(op.f('ix_conciliator_case_category_id'), 'conciliator_case', ['category_id'], unique=False)
    op.create_index(op.f('ix_conciliator_case_closed_at'), 'conciliator_case', ['closed_at'], unique=False)
    op.create_index(op.f('ix_conciliator_case_created_at'), 'conciliator_case', ['created_at'], unique=False)
    op.create_index(op.f('ix_conciliator_case_is_hidden'), 'conciliator_case', ['is_hidden'], unique=False)
    op.create_index(op.f('ix_conciliator_case_neighbourhood_id'), 'conciliator_case', ['neighbourhood_id'], unique=False)
    op.create_index(op.f('ix_conciliator_case_outcome'), 'conciliator_case', ['outcome'], unique=False)
    op.create_index(op.f('ix_conciliator_case_service_id'), 'conciliator_case', ['service_id'], unique=False)
    op.create_index(op.f('ix_conciliator_case_state'), 'conciliator_case', ['state'], unique=False)
    op.create_index(op.f('ix_conciliator_case_support_count'), 'conciliator_case', ['support_count'], unique=False)
    op.create_table('conciliator_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('created_at', core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', core.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['asked_by_id'], ['user_account.id'], name=op.f('fk_conciliator_invitation_asked_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['conciliator_case.id'], name=op.f('fk_conciliator_invitation_case_id_conciliator_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['user_account.id'], name=op.f('fk_conciliator_invitation_staff_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conciliator_invitation'))
    )
    op.create_index(op.f('ix_conciliator_invitation_case_id'), 'conciliator_invitation', ['case_id'], unique=False)
    op.create_index(op.f('ix_conciliator_invitation_staff_id'), 'conciliator_invitation', ['staff_id'], unique=False)
    op.create_table('conciliator_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', core.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_conciliator_message_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['conciliator_case.id'], name=op.f('fk_conciliator_message_case_id_conciliator_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conciliator_message'))
    )
    op.create_index(op.f('ix_conciliator_message_author_id'), 'conciliator_message', ['author_id'], unique=False)
    op.create_index(op.f('ix_conciliator_message_case_id'), 'conciliator_message', ['case_id'], unique=False)


def downgrade():
    op.drop_table("conciliator_message")
    op.drop_table("conciliator_invitation")
    op.drop_table("conciliator_case")
    op.drop_table("conciliator_service")
