"""a store's own carriers and their shipping classes, the class a shipment got, receipt extensions (RULES.md §5.6, §15 #6, §17.1)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 09:00:00.000000
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import shopkeeper.db

revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('store_carriers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('name_key', sa.String(length=64), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('shipping_class', sa.String(length=16), nullable=False),
    sa.Column('created_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_store_carriers_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_store_carriers')),
    sa.UniqueConstraint('store_id', 'name_key', name=op.f('uq_store_carriers_store_id_name_key'))
    )
    with op.batch_alter_table('store_carriers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_store_carriers_store_id'), ['store_id'], unique=False)

    op.create_table('receipt_extensions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('by', sa.String(length=8), nullable=False),
    sa.Column('days', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.Column('confirm_by_before', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.Column('confirm_by_after', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('days > 0', name=op.f('ck_receipt_extensions_days_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_receipt_extensions_order_id_orders')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_receipt_extensions_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt_extensions'))
    )
    with op.batch_alter_table('receipt_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipt_extensions_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipt_extensions_store_id'), ['store_id'], unique=False)

    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipping_class', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_column('shipping_class')

    with op.batch_alter_table('receipt_extensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipt_extensions_store_id'))
        batch_op.drop_index(batch_op.f('ix_receipt_extensions_order_id'))

    op.drop_table('receipt_extensions')
    with op.batch_alter_table('store_carriers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_store_carriers_store_id'))

    op.drop_table('store_carriers')
