"""council_draw: initial schema

The first revision of the ``council_draw`` branch: enabling the plugin later and running
``flask --app core db upgrade`` creates only these tables. They refer to the core's
``user_account`` and ``neighbourhood`` tables.

Revision ID: council_draw_0001
Revises:
Create Date: 2026-11-25 12:30:00
"""
from alembic import op
import sqlalchemy as sa
import core.database


revision = "council_draw_0001"
down_revision = None
branch_labels = ("council_draw",)
depends_on = "core_0001"


def upgrade():
    op.create_table('council_draw_council',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('term_start', sa.Date(), nullable=False),
    sa.Column('term_end', sa.Date(), nullable=False),
    sa.Column('minimum_age', sa.Integer(), nullable=False),
    sa.Column('call_opens_on', sa.Date(), nullable=True),
    sa.Column('call_closes_on', sa.Date(), nullable=True),
    sa.Column('call_text', sa.Text(), nullable=False),
    sa.Column('is_published', sa.Boolean(), nullable=False),
    sa.Column('created_at', core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('erased_at', core.database.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_draw_council'))
    )
    op.create_table('council_draw_college',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council_draw_council.id'], name=op.f('fk_council_draw_college_council_id_council_draw_council'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_draw_college'))
    )
    op.create_index(op.f('ix_council_draw_college_council_id'), 'council_draw_college', ['council_id'], unique=False)
    op.create_table('council_draw_council_neighbourhood',
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council_draw_council.id'], name=op.f('fk_council_draw_council_neighbourhood_council_id_council_draw_council'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_council_draw_council_neighbourhood_neighbourhood_id_neighbourhood'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('council_id', 'neighbourhood_id', name=op.f('pk_council_draw_council_neighbourhood'))
    )
    op.create_table('council_draw_feature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council_draw_council.id'], name=op.f('fk_council_draw_feature_council_id_council_draw_council'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_draw_feature')),
    sa.UniqueConstraint('council_id', 'key', name='uq_council_draw_feature_key')
    )
    op.create_index(op.f('ix_council_draw_feature_council_id'), 'council_draw_feature', ['council_id'], unique=False)
    op.create_table('council_draw_candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('college_id', sa.Integer(), nullable=True),
    sa.Column('pseudonym', sa.String(length=12), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('address', sa.String(length=250), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=True),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('features', sa.JSON(), nullable=False),
    sa.Column('consent_at', core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ineligibility', sa.String(length=40), nullable=True),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('in_pool', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['college_id'], ['council_draw_college.id'], name=op.f('fk_council_draw_candidate_college_id_council_draw_college'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['council_id'], ['council_draw_council.id'], name=op.f('fk_council_draw_candidate_council_id_council_draw_council'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['council_draw_candidate.id'], name=op.f('fk_council_draw_candidate_duplicate_of_id_council_draw_candidate'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_council_draw_candidate_neighbourhood_id_neighbourhood'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_council_draw_candidate_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_draw_candidate')),
    sa.UniqueConstraint('council_id', 'pseudonym', name='uq_council_draw_candidate_pseudonym')
    )
    op.create_index(op.f('ix_council_draw_candidate_college_id'), 'council_draw_candidate', ['college_id'], unique=False)
    op.create_index(op.f('ix_council_draw_candidate_council_id'), 'council_draw_candidate', ['council_id'], unique=False)
    op.create_index(op.f('ix_council_draw_candidate_duplicate_of_id'), 'council_draw_candidate', ['duplicate_of_id'], unique=False)
    op.create_index(op.f('ix_council_draw_candidate_email'), 'council_draw_candidate', ['email'], unique=False)
    op.create_index(op.f('ix_council_draw_candidate_neighbourhood_id'), 'council_draw_candidate', ['neighbourhood_id'], unique=False)
    op.create_index(op.f('ix_council_draw_candidate_user_id'), 'council_draw_candidate', ['user_id'], unique=False)
    op.create_table('council_draw_draw',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('algorithm', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('ceremony_place', sa.String(length=200), nullable=False),
    sa.Column('ceremony_planned_at', core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('seed', sa.String(length=200), nullable=True),
    sa.Column('witnesses', sa.JSON(), nullable=False),
    sa.Column('created_at', core.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('drawn_at', core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council_draw_council.id'], name=op.f('fk_council_draw_draw_council_id_council_draw_council'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_council_draw_draw_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_draw_draw'))
    )
    op.create_index(op.f('ix_council_draw_draw_council_id'), 'council_draw_draw', ['council_id'], unique=False)
    op.create_index(op.f('ix_council_draw_draw_created_by_id'), 'council_draw_draw', ['created_by_id'], unique=False)
    op.create_index(op.f('ix_council_draw_draw_status'), 'council_draw_draw', ['status'], unique=False)
    op.create_table('council_draw_feature_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feature_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('max_age', sa.Integer(), nullable=True),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['feature_id'], ['council_draw_feature.id'], name=op.f('fk_council_draw_feature_value_feature_id_council_draw_feature'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_council_draw_feature_value_neighbourhood_id_neighbourhood'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_draw_feature_value')),
    sa.UniqueConstraint('feature_id', 'key', name='uq_council_draw_feature_value_key')
    )
    op.create_index(op.f('ix_council_draw_feature_value_feature_id'), 'council_draw_feature_value', ['feature_id'], unique=False)
    op.create_index(op.f('ix_council_draw_feature_value_neighbourhood_id'), 'council_draw_feature_value', ['neighbourhood_id'], unique=False)
    op.create_table('council_draw_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('college_key', sa.String(length=40), nullable=False),
    sa.Column('college_id', sa.Integer(), nullable=True),
    sa.Column('candidate_id', sa.Integer(), nullable=True),
    sa.Column('pseudonym', sa.String(length=12), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('public_name', sa.String(length=150), nullable=True),
    sa.Column('invited_at', core.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('responded_at', core.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['council_draw_candidate.id'], name=op.f('fk_council_draw_member_candidate_id_council_draw_candidate'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['college_id'], ['council_draw_college.id'], name=op.f('fk_council_draw_member_college_id_council_draw_college'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['draw_id'], ['council_draw_draw.id'], name=op.f('fk_council_draw_member_draw_id_council_draw_draw'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaces_id'], ['council_draw_member.id'], name=op.f('fk_council_draw_member_replaces_id_council_draw_member'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_draw_member')),
    sa.UniqueConstraint('draw_id', 'pseudonym', name='uq_council_draw_member_draw_pseudonym'),
    sa.UniqueConstraint('token_hash', name=op.f('uq_council_draw_member_token_hash'))
    )
    op.create_index(op.f('ix_council_draw_member_candidate_id'), 'council_draw_member', ['candidate_id'], unique=False)
    op.create_index(op.f('ix_council_draw_member_college_id'), 'council_draw_member', ['college_id'], unique=False)
    op.create_index(op.f('ix_council_draw_member_draw_id'), 'council_draw_member', ['draw_id'], unique=False)
    op.create_index(op.f('ix_council_draw_member_status'), 'council_draw_member', ['status'], unique=False)
    op.create_table('council_draw_quota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('college_id', sa.Integer(), nullable=False),
    sa.Column('value_id', sa.Integer(), nullable=False),
    sa.Column('minimum', sa.Integer(), nullable=False),
    sa.Column('maximum', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['college_id'], ['council_draw_college.id'], name=op.f('fk_council_draw_quota_college_id_council_draw_college'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['value_id'], ['council_draw_feature_value.id'], name=op.f('fk_council_draw_quota_value_id_council_draw_feature_value'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_draw_quota')),
    sa.UniqueConstraint('college_id', 'value_id', name='uq_council_draw_quota_college_value')
    )
    op.create_index(op.f('ix_council_draw_quota_college_id'), 'council_draw_quota', ['college_id'], unique=False)
    op.create_index(op.f('ix_council_draw_quota_value_id'), 'council_draw_quota', ['value_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_council_draw_quota_value_id'), table_name='council_draw_quota')
    op.drop_index(op.f('ix_council_draw_quota_college_id'), table_name='council_draw_quota')
    op.drop_table('council_draw_quota')
    op.drop_index(op.f('ix_council_draw_member_status'), table_name='council_draw_member')
    op.drop_index(op.f('ix_council_draw_member_draw_id'), table_name='council_draw_member')
    op.drop_index(op.f('ix_council_draw_member_college_id'), table_name='council_draw_member')
    op.drop_index(op.f('ix_council_draw_member_candidate_id'), table_name='council_draw_member')
    op.drop_table('council_draw_member')
    op.drop_index(op.f('ix_council_draw_feature_value_neighbourhood_id'), table_name='council_draw_feature_value')
    op.drop_index(op.f('ix_council_draw_feature_value_feature_id'), table_name='council_draw_feature_value')
    op.drop_table('council_draw_feature_value')
    op.drop_index(op.f('ix_council_draw_draw_status'), table_name='council_draw_draw')
    op.drop_index(op.f('ix_council_draw_draw_created_by_id'), table_name='council_draw_draw')
    op.drop_index(op.f('ix_council_draw_draw_council_id'), table_name='council_draw_draw')
    op.drop_table('council_draw_draw')
    op.drop_index(op.f('ix_council_draw_candidate_user_id'), table_name='council_draw_candidate')
    op.drop_index(op.f('ix_council_draw_candidate_neighbourhood_id'), table_name='council_draw_candidate')
    op.drop_index(op.f('ix_council_draw_candidate_email'), table_name='council_draw_candidate')
    op.drop_index(op.f('ix_council_draw_candidate_duplicate_of_id'), table_name='council_draw_candidate')
    op.drop_index(op.f('ix_council_draw_candidate_council_id'), table_name='council_draw_candidate')
    op.drop_index(op.f('ix_council_draw_candidate_college_id'), table_name='council_draw_candidate')
    op.drop_table('council_draw_candidate')
    op.drop_index(op.f('ix_council_draw_feature_council_id'), table_name='council_draw_feature')
    op.drop_table('council_draw_feature')
    op.drop_table('council_draw_council_neighbourhood')
    op.drop_index(op.f('ix_council_draw_college_council_id'), table_name='council_draw_college')
    op.drop_table('council_draw_college')
    op.drop_table('council_draw_council')
