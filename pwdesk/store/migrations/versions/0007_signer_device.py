"""Signers: the device id each trusted key speaks for, so a device id is pinned to one key.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("signer") as batch:
        batch.add_column(sa.Column("device_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signer") as batch:
        batch.drop_column("device_id")
