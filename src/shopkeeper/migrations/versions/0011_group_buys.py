"""group buys (拼团, RULES.md §4.1): offers, groups, members, a store's settings; an order held for its group

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 11:00:00.000000
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import shopkeeper.db

revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('group_buy_settings',
    sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('auto_fill', sa.Boolean(), nullable=False),
    sa.Column('auto_fill_seats', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('updated_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_group_buy_settings_store_id_stores')),
    sa.PrimaryKeyConstraint('store_id', name=op.f('pk_group_buy_settings'))
    )
    op.create_table('group_buy_offers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sku_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('group_size', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('group_price_minor', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('leader_price_minor', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('time_limit_hours', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('per_buyer_limit', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('new_customers_only', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.Column('ended_at', shopkeeper.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint('group_price_minor >= 0', name=op.f('ck_group_buy_offers_price_not_negative')),
    sa.CheckConstraint('group_size >= 2', name=op.f('ck_group_buy_offers_group_of_two_or_more')),
    sa.CheckConstraint('leader_price_minor IS NULL OR leader_price_minor <= group_price_minor', name=op.f('ck_group_buy_offers_leader_pays_no_more')),
    sa.CheckConstraint('per_buyer_limit >= 1', name=op.f('ck_group_buy_offers_limit_positive')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_group_buy_offers_sku_id_skus')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_group_buy_offers_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_buy_offers'))
    )
    with op.batch_alter_table('group_buy_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_buy_offers_store_id'), ['store_id'], unique=False)

    op.create_table('group_buys',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('offer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('leader_buyer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('size', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('paid_members', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.Column('opened_at', shopkeeper.db.UTCDateTime(), nullable=True),
    sa.Column('expires_at', shopkeeper.db.UTCDateTime(), nullable=True),
    sa.Column('completed_at', shopkeeper.db.UTCDateTime(), nullable=True),
    sa.Column('closed_at', shopkeeper.db.UTCDateTime(), nullable=True),
    sa.Column('auto_filled_seats', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.CheckConstraint('paid_members >= 0 AND paid_members <= size', name=op.f('ck_group_buys_seats_within_size')),
    sa.ForeignKeyConstraint(['leader_buyer_id'], ['buyers.id'], name=op.f('fk_group_buys_leader_buyer_id_buyers')),
    sa.ForeignKeyConstraint(['offer_id'], ['group_buy_offers.id'], name=op.f('fk_group_buys_offer_id_group_buy_offers')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_group_buys_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_buys')),
    sa.UniqueConstraint('code', name=op.f('uq_group_buys_code'))
    )
    with op.batch_alter_table('group_buys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_buys_leader_buyer_id'), ['leader_buyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_buys_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index('ix_group_buys_store_status', ['store_id', 'status'], unique=False)

    op.create_table('group_buy_members',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('offer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('buyer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('quantity', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('joined_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.Column('paid_at', shopkeeper.db.UTCDateTime(), nullable=True),
    sa.Column('left_at', shopkeeper.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['buyer_id'], ['buyers.id'], name=op.f('fk_group_buy_members_buyer_id_buyers')),
    sa.ForeignKeyConstraint(['group_id'], ['group_buys.id'], name=op.f('fk_group_buy_members_group_id_group_buys')),
    sa.ForeignKeyConstraint(['offer_id'], ['group_buy_offers.id'], name=op.f('fk_group_buy_members_offer_id_group_buy_offers')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_group_buy_members_order_id_orders')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_group_buy_members_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_buy_members')),
    sa.UniqueConstraint('order_id', name=op.f('uq_group_buy_members_order_id'))
    )
    with op.batch_alter_table('group_buy_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_buy_members_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_buy_members_group_id'), ['group_id'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_for_group', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('held_for_group')

    with op.batch_alter_table('group_buy_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_buy_members_group_id'))
        batch_op.drop_index(batch_op.f('ix_group_buy_members_buyer_id'))

    op.drop_table('group_buy_members')
    with op.batch_alter_table('group_buys', schema=None) as batch_op:
        batch_op.drop_index('ix_group_buys_store_status')
        batch_op.drop_index(batch_op.f('ix_group_buys_offer_id'))
        batch_op.drop_index(batch_op.f('ix_group_buys_leader_buyer_id'))

    op.drop_table('group_buys')
    with op.batch_alter_table('group_buy_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_buy_offers_store_id'))

    op.drop_table('group_buy_offers')
    op.drop_table('group_buy_settings')
