"""order allocation: rules, the store's short-stock choice and delivery promises, outcomes, SKU properties,
the buyer's shipping method and proposed changes to it

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 18:38:24.748440
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import shopkeeper.db

revision: str = '0022'
down_revision: Union[str, None] = '0021'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('allocation_rules',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_key', sa.String(length=120), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('warehouse_code', sa.String(length=32), nullable=False),
    sa.Column('channel_code', sa.String(length=64), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_allocation_rules_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_rules')),
    sa.UniqueConstraint('store_id', 'name_key', name=op.f('uq_allocation_rules_store_id_name_key'))
    )
    with op.batch_alter_table('allocation_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocation_rules_store_id'), ['store_id'], unique=False)

    op.create_table('allocation_settings',
    sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('on_short', sa.String(length=8), nullable=False),
    sa.Column('promised_days', sa.JSON(), nullable=False),
    sa.Column('updated_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_allocation_settings_store_id_stores')),
    sa.PrimaryKeyConstraint('store_id', name=op.f('pk_allocation_settings'))
    )
    op.create_table('order_allocations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rule', sa.String(length=120), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('outcome', sa.JSON(), nullable=False),
    sa.Column('allocated_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_allocations_order_id_orders')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_order_allocations_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_allocations')),
    sa.UniqueConstraint('order_id', name=op.f('uq_order_allocations_order_id'))
    )
    with op.batch_alter_table('order_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_allocations_store_id'), ['store_id'], unique=False)

    op.create_table('shipping_method_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('buyer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_method', sa.String(length=64), nullable=True),
    sa.Column('to_method', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('proposed_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.Column('answered_at', shopkeeper.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['buyer_id'], ['buyers.id'], name=op.f('fk_shipping_method_changes_buyer_id_buyers')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_shipping_method_changes_order_id_orders')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_shipping_method_changes_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipping_method_changes'))
    )
    with op.batch_alter_table('shipping_method_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipping_method_changes_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipping_method_changes_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipping_method_changes_store_id'), ['store_id'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipping_method', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('sales_channel', sa.String(length=16), server_default='own', nullable=False))

    with op.batch_alter_table('skus', schema=None) as batch_op:
        batch_op.add_column(sa.Column('properties', sa.JSON(), server_default='[]', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('skus', schema=None) as batch_op:
        batch_op.drop_column('properties')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('sales_channel')
        batch_op.drop_column('shipping_method')

    with op.batch_alter_table('shipping_method_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipping_method_changes_store_id'))
        batch_op.drop_index(batch_op.f('ix_shipping_method_changes_order_id'))
        batch_op.drop_index(batch_op.f('ix_shipping_method_changes_buyer_id'))

    op.drop_table('shipping_method_changes')
    with op.batch_alter_table('order_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_allocations_store_id'))

    op.drop_table('order_allocations')
    op.drop_table('allocation_settings')
    with op.batch_alter_table('allocation_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocation_rules_store_id'))

    op.drop_table('allocation_rules')
