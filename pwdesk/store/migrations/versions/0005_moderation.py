"""Moderation: a second look at completed audits, grade by grade.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "moderation",
        sa.Column("assessment_id", sa.String(length=36), nullable=False),
        sa.Column("moderator", sa.String(length=200), nullable=False),
        sa.Column("moderated_on", sa.Date(), nullable=True),
        sa.Column("grades", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_moderation_assessment_id_assessment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation")),
    )
    with op.batch_alter_table("moderation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderation_assessment_id"), ["assessment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("moderation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_assessment_id"))
    op.drop_table("moderation")
