"""community leaders' payouts: a payout's payee is a promoter or a leader

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 15:50:00.000000
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: Union[str, None] = '0019'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leader_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.alter_column('promoter_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                              nullable=True)
        batch_op.create_index(batch_op.f('ix_payouts_leader_id'), ['leader_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_payouts_leader_id_community_leaders'), 'community_leaders',
                                    ['leader_id'], ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_payouts_one_payee'),
            "(promoter_id IS NOT NULL AND leader_id IS NULL) OR (promoter_id IS NULL AND leader_id IS NOT NULL)")


def downgrade() -> None:
    op.execute("DELETE FROM payouts WHERE leader_id IS NOT NULL")  # leaders' payouts have no payee without the column
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_payouts_one_payee'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_payouts_leader_id_community_leaders'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_payouts_leader_id'))
        batch_op.alter_column('promoter_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                              nullable=False)
        batch_op.drop_column('leader_id')
