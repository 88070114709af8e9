"""open-ended promotions and coupons: no end only when said on purpose (issue 10)

Rows that have no end today were made before the rule: they are kept as open-ended, which is what they did.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 09:00:00.000000
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_ENDS = {'promotions': ('ends_at', 'ends_or_open_ended'), 'coupon_templates': ('claim_until', 'claim_ends_or_open_ended')}


def upgrade() -> None:
    for table, (column, constraint) in _ENDS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('open_ended', sa.Boolean(), nullable=False, server_default=sa.false()))
        op.execute(sa.text(f'UPDATE {table} SET open_ended = true WHERE {column} IS NULL'))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('open_ended', server_default=None)
            batch_op.create_check_constraint(op.f(f'ck_{table}_{constraint}'), f'open_ended OR {column} IS NOT NULL')


def downgrade() -> None:
    for table, (_column, constraint) in _ENDS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{constraint}'), type_='check')
            batch_op.drop_column('open_ended')
