"""Baseline: settings, record versions, the append-only audit log, templates and records.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=True),
        sa.Column("record_id", sa.String(length=36), nullable=True),
        sa.Column("version_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "auditor",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auditor")),
    )
    with op.batch_alter_table("auditor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auditor_name"), ["name"], unique=False)

    op.create_table(
        "child",
        sa.Column("case_reference", sa.String(length=64), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("entered_care", sa.Date(), nullable=True),
        sa.Column("legal_status", sa.String(length=64), nullable=False),
        sa.Column("placement_type", sa.String(length=64), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child")),
    )
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_child_case_reference"), ["case_reference"], unique=False
        )

    op.create_table(
        "form_template",
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("template_id", "version", name=op.f("pk_form_template")),
    )
    op.create_table(
        "practice_week",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("theme", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("case_audit_template", sa.String(length=64), nullable=False),
        sa.Column("observation_templates", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_week")),
    )
    with op.batch_alter_table("practice_week", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_week_code"), ["code"], unique=False)

    op.create_table(
        "practitioner",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practitioner")),
    )
    with op.batch_alter_table("practitioner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practitioner_name"), ["name"], unique=False)

    op.create_table(
        "record_version",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("parents", sa.JSON(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_version")),
    )
    with op.batch_alter_table("record_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_version_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "assessment",
        sa.Column("week_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=True),
        sa.Column("practitioner_id", sa.String(length=36), nullable=True),
        sa.Column("auditor_id", sa.String(length=36), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["auditor_id"], ["auditor.id"], name=op.f("fk_assessment_auditor_id_auditor")
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_assessment_child_id_child")
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_assessment_practitioner_id_practitioner"),
        ),
        sa.ForeignKeyConstraint(
            ["week_id"], ["practice_week.id"], name=op.f("fk_assessment_week_id_practice_week")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_auditor_id"), ["auditor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_child_id"), ["child_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assessment_practitioner_id"), ["practitioner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_week_id_kind"), ["week_id", "kind"], unique=False
        )

    op.create_table(
        "cohort",
        sa.Column("week_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["week_id"], ["practice_week.id"], name=op.f("fk_cohort_week_id_practice_week")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort")),
    )
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cohort_week_id"), ["week_id"], unique=False)

    op.create_table(
        "action",
        sa.Column("week_id", sa.String(length=36), nullable=False),
        sa.Column("assessment_id", sa.String(length=36), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessment.id"], name=op.f("fk_action_assessment_id_assessment")
        ),
        sa.ForeignKeyConstraint(
            ["week_id"], ["practice_week.id"], name=op.f("fk_action_week_id_practice_week")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action")),
    )
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_action_week_id"), ["week_id"], unique=False)

    op.create_table(
        "cohort_member",
        sa.Column("cohort_id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_cohort_member_child_id_child")
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohort.id"], name=op.f("fk_cohort_member_cohort_id_cohort")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort_member")),
    )
    with op.batch_alter_table("cohort_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cohort_member_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohort_member_cohort_id"), ["cohort_id"], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        # The audit log is append-only: no update, no delete, and no INSERT OR REPLACE over an
        # existing row (REPLACE deletes without firing DELETE triggers).
        refuse = "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log {refuse}"
            )
        op.execute(
            "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
            f"WHEN NEW.id IN (SELECT id FROM audit_log) {refuse}"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_replace")
    with op.batch_alter_table("cohort_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohort_member_cohort_id"))
        batch_op.drop_index(batch_op.f("ix_cohort_member_child_id"))

    op.drop_table("cohort_member")
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_week_id"))
        batch_op.drop_index(batch_op.f("ix_action_assessment_id"))

    op.drop_table("action")
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohort_week_id"))

    op.drop_table("cohort")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_week_id_kind"))
        batch_op.drop_index(batch_op.f("ix_assessment_practitioner_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_child_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_auditor_id"))

    op.drop_table("assessment")
    op.drop_table("setting")
    with op.batch_alter_table("record_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_version_record_id"))

    op.drop_table("record_version")
    with op.batch_alter_table("practitioner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practitioner_name"))

    op.drop_table("practitioner")
    with op.batch_alter_table("practice_week", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_week_code"))

    op.drop_table("practice_week")
    op.drop_table("form_template")
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_case_reference"))

    op.drop_table("child")
    with op.batch_alter_table("auditor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auditor_name"))

    op.drop_table("auditor")
    op.drop_table("audit_log")
