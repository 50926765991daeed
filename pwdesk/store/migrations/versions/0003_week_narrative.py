"""Week narrative: the QA officer's executive summary, findings and recommendations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("summary", "findings", "recommendations")


def upgrade() -> None:
    with op.batch_alter_table("practice_week", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("practice_week", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
