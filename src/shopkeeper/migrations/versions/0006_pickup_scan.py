"""the carrier's pickup scan on orders; a campaign period's own ship-by time

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 17:10:00.000000
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import shopkeeper.db

revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('picked_up_at', shopkeeper.db.UTCDateTime(), nullable=True))

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ship_within_hours', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_check_constraint(op.f('ck_campaigns_ship_within_positive'), 'ship_within_hours IS NULL OR ship_within_hours > 0')


def downgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_campaigns_ship_within_positive'), type_='check')
        batch_op.drop_column('ship_within_hours')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('picked_up_at')
