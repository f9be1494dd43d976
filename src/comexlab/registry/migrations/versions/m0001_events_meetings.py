"""events (missions, fairs, B2B rounds), their participants, meetings and meeting outcomes

Revision ID: m0001
Revises: 0002
Create Date: 2026-11-30 14:21:51

Branch matching (issue 15), chained after main's head when main was merged in (0002, the
source plants); if another revision lands on main first, re-chain this file after it.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'm0001'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('city', sa.String(length=200), nullable=True),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=True),
    sa.Column('slots', sa.Integer(), nullable=True),
    sa.Column('tables', sa.Integer(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], name=op.f('fk_event_program_id_program'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event')),
    sa.UniqueConstraint('code', name=op.f('uq_event_code'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_program_id'), ['program_id'], unique=False)

    op.create_table('event_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=True),
    sa.Column('firm_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_participant_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['firm_id'], ['firm.id'], name=op.f('fk_event_participant_firm_id_firm'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_participant')),
    sa.UniqueConstraint('event_id', 'external_id', name=op.f('uq_event_participant_event_id'))
    )
    with op.batch_alter_table('event_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_participant_firm_id'), ['firm_id'], unique=False)

    op.create_table('event_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('table_no', sa.Integer(), nullable=False),
    sa.Column('participant_a_id', sa.Integer(), nullable=False),
    sa.Column('participant_b_id', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=True),
    sa.Column('held', sa.Boolean(), nullable=True),
    sa.CheckConstraint('participant_a_id <> participant_b_id', name=op.f('ck_event_meeting_two_people')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_meeting_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_a_id'], ['event_participant.id'], name=op.f('fk_event_meeting_participant_a_id_event_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_b_id'], ['event_participant.id'], name=op.f('fk_event_meeting_participant_b_id_event_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_meeting')),
    sa.UniqueConstraint('event_id', 'slot', 'table_no', name=op.f('uq_event_meeting_event_id'))
    )
    with op.batch_alter_table('event_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_meeting_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_meeting_participant_a_id'), ['participant_a_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_meeting_participant_b_id'), ['participant_b_id'], unique=False)

    op.create_table('meeting_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('value_usd', sa.Float(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['event_meeting.id'], name=op.f('fk_meeting_outcome_meeting_id_event_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_outcome')),
    sa.UniqueConstraint('meeting_id', 'outcome', name=op.f('uq_meeting_outcome_meeting_id'))
    )
    with op.batch_alter_table('meeting_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_outcome_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_outcome_outcome'), ['outcome'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('meeting_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_outcome_outcome'))
        batch_op.drop_index(batch_op.f('ix_meeting_outcome_meeting_id'))

    op.drop_table('meeting_outcome')
    with op.batch_alter_table('event_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_meeting_participant_b_id'))
        batch_op.drop_index(batch_op.f('ix_event_meeting_participant_a_id'))
        batch_op.drop_index(batch_op.f('ix_event_meeting_event_id'))

    op.drop_table('event_meeting')
    with op.batch_alter_table('event_participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_participant_firm_id'))

    op.drop_table('event_participant')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_program_id'))
        batch_op.drop_index(batch_op.f('ix_event_kind'))

    op.drop_table('event')
