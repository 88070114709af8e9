"""a short-quantity case's proof: shipped quantity = ordered, the buyer signed on delivery (RULES.md §7.2.2)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 17:30:00.000000
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipped_quantity_matches', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('buyer_signed', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.alter_column('shipped_quantity_matches', server_default=None)
        batch_op.alter_column('buyer_signed', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('buyer_signed')
        batch_op.drop_column('shipped_quantity_matches')
