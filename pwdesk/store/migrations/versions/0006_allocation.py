"""Allocation: who audits which child, and which observations are scheduled, in a week.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "allocation",
        sa.Column("week_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("observation_type", sa.String(length=32), nullable=False),
        sa.Column("auditor_id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=True),
        sa.Column("practitioner_id", sa.String(length=36), nullable=True),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["auditor_id"], ["auditor.id"], name=op.f("fk_allocation_auditor_id_auditor")
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_allocation_child_id_child")
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_allocation_practitioner_id_practitioner"),
        ),
        sa.ForeignKeyConstraint(
            ["week_id"], ["practice_week.id"], name=op.f("fk_allocation_week_id_practice_week")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation")),
    )
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allocation_auditor_id"), ["auditor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_allocation_week_id"), ["week_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_week_id"))
        batch_op.drop_index(batch_op.f("ix_allocation_auditor_id"))
    op.drop_table("allocation")
