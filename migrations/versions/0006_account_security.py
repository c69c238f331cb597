"""Authenticator-app secret for two-factor sign-in; erased accounts

Revision ID: 0006_account_security
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_account_security"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("erased_at")
        batch_op.drop_column("totp_secret")
