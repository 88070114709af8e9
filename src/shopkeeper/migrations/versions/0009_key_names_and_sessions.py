"""keys have a name and a last-use time; console sessions and one-time sign-in links are kept server-side

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 09:00:00.000000
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import shopkeeper.db

revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.alter_column('label', new_column_name='name', existing_type=sa.String(length=100), existing_nullable=False)
        batch_op.add_column(sa.Column('last_used_at', shopkeeper.db.UTCDateTime(), nullable=True))

    op.create_table('console_sessions',
    sa.Column('id', ID, nullable=False),
    sa.Column('hashed', sa.String(length=64), nullable=False),
    sa.Column('key_id', ID, nullable=False),
    sa.Column('created_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.Column('ended_at', shopkeeper.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['key_id'], ['api_keys.id'], name=op.f('fk_console_sessions_key_id_api_keys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_sessions')),
    sa.UniqueConstraint('hashed', name=op.f('uq_console_sessions_hashed'))
    )
    op.create_index(op.f('ix_console_sessions_key_id'), 'console_sessions', ['key_id'], unique=False)

    op.create_table('sign_in_links',
    sa.Column('id', ID, nullable=False),
    sa.Column('hashed', sa.String(length=64), nullable=False),
    sa.Column('key_id', ID, nullable=False),
    sa.Column('created_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', shopkeeper.db.UTCDateTime(), nullable=False),
    sa.Column('used_at', shopkeeper.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['key_id'], ['api_keys.id'], name=op.f('fk_sign_in_links_key_id_api_keys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_links')),
    sa.UniqueConstraint('hashed', name=op.f('uq_sign_in_links_hashed'))
    )
    op.create_index(op.f('ix_sign_in_links_key_id'), 'sign_in_links', ['key_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_sign_in_links_key_id'), table_name='sign_in_links')
    op.drop_table('sign_in_links')
    op.drop_index(op.f('ix_console_sessions_key_id'), table_name='console_sessions')
    op.drop_table('console_sessions')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.alter_column('name', new_column_name='label', existing_type=sa.String(length=100), existing_nullable=False)
