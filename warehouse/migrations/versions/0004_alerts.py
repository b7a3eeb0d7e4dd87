"""alerts: alerts with their daily sightings, evidence and lifecycle events, evaluation runs, payees seen, ML models

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 10:36:13.595519
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=40), nullable=False),
    sa.Column('subject_level', sa.String(length=16), nullable=False),
    sa.Column('subject_code', sa.Text(), nullable=False),
    sa.Column('subject_name', sa.Text(), nullable=True),
    sa.Column('region_code', sa.String(length=16), nullable=True),
    sa.Column('unit_code', sa.String(length=16), nullable=True),
    sa.Column('category', sa.String(length=8), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('figure', sa.String(length=40), nullable=True),
    sa.Column('threshold', sa.String(length=40), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('evidence_hash', sa.String(length=64), nullable=False),
    sa.Column('first_seen', sa.Date(), nullable=False),
    sa.Column('last_seen', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rule_id', 'subject_level', 'subject_code', name='uq_alert_subject')
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index('ix_alert_last_seen', ['last_seen'], unique=False)
        batch_op.create_index('ix_alert_status', ['status'], unique=False)

    op.create_table('alert_model',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('trained_at', sa.DateTime(), nullable=False),
    sa.Column('trained_from', sa.Date(), nullable=False),
    sa.Column('trained_through', sa.Date(), nullable=False),
    sa.Column('vouchers', sa.Integer(), nullable=False),
    sa.Column('model', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('month')
    )
    op.create_table('alert_payee',
    sa.Column('payee_account', sa.Text(), nullable=False),
    sa.Column('payee_name', sa.Text(), nullable=False),
    sa.Column('first_date', sa.Date(), nullable=False),
    sa.Column('region_code', sa.String(length=16), nullable=False),
    sa.Column('voucher_no', sa.Text(), nullable=False),
    sa.Column('unit_code', sa.String(length=16), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('payee_account', 'payee_name', name='pk_alert_payee')
    )
    op.create_table('alert_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('rules_source', sa.Text(), nullable=False),
    sa.Column('fired', sa.Integer(), nullable=False),
    sa.Column('new_alerts', sa.Integer(), nullable=False),
    sa.Column('reopened', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.JSON(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_run', schema=None) as batch_op:
        batch_op.create_index('ix_alert_run_date', ['date'], unique=False)

    op.create_table('alert_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('who', sa.String(length=64), nullable=False),
    sa.Column('from_status', sa.String(length=8), nullable=True),
    sa.Column('to_status', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('assigned_dept', sa.String(length=64), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('severity', sa.String(length=8), nullable=True),
    sa.Column('evidence_hash', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_event', schema=None) as batch_op:
        batch_op.create_index('ix_alert_event_alert', ['alert_id', 'as_of'], unique=False)

    op.create_table('alert_evidence',
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('evidence_hash', sa.String(length=64), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('alert_id', 'evidence_hash', name='pk_alert_evidence')
    )
    op.create_table('alert_sighting',
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('figure', sa.String(length=40), nullable=True),
    sa.Column('threshold', sa.String(length=40), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('evidence_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('alert_id', 'date', name='pk_alert_sighting')
    )
    with op.batch_alter_table('alert_sighting', schema=None) as batch_op:
        batch_op.create_index('ix_alert_sighting_date', ['date'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('alert_sighting', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_sighting_date')

    op.drop_table('alert_sighting')
    op.drop_table('alert_evidence')
    with op.batch_alter_table('alert_event', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_event_alert')

    op.drop_table('alert_event')
    with op.batch_alter_table('alert_run', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_run_date')

    op.drop_table('alert_run')
    op.drop_table('alert_payee')
    op.drop_table('alert_model')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_status')
        batch_op.drop_index('ix_alert_last_seen')

    op.drop_table('alert')
