"""The database schema as SQLAlchemy 2.0 typed models.

Records that travel between machines carry a UUID ``id``, the id of their current version
(``head``) and a tombstone flag; every version of every record, with its whole content, is kept in
``record_version``. The typed tables hold the current state so lists and reports can query it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pwdesk.domain.statuses import ActionStatus, Status

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite keeps no zone, so it is stored as UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("pwdesk stores only timezone-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class JsonList(TypeDecorator[list[Any]]):
    """A JSON array column, which says so, so content checks can require a list."""

    impl = JSON
    cache_ok = True

    @property
    def python_type(self) -> type[list[Any]]:
        return list


class JsonObject(TypeDecorator[dict[str, Any]]):
    """A JSON object column, which says so, so content checks can require a mapping."""

    impl = JSON
    cache_ok = True

    @property
    def python_type(self) -> type[dict[str, Any]]:
        return dict


class Base(DeclarativeBase):
    """The one declarative base: naming convention and type map for every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        str: String(200),
        datetime: UtcDateTime(),
        dict[str, Any]: JsonObject(),
        list[Any]: JsonList(),
    }


UUID_LENGTH = 36
VERSION_LENGTH = 64


class Setting(Base):
    """Key/value settings of this database: device id and name, authority, user, role."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RecordVersion(Base):
    """One version of one record: whole content, parent versions, who, where and when."""

    __tablename__ = "record_version"

    id: Mapped[str] = mapped_column(String(VERSION_LENGTH), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(UUID_LENGTH), index=True)
    parents: Mapped[list[Any]]
    content: Mapped[dict[str, Any]]
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    device_id: Mapped[str] = mapped_column(String(UUID_LENGTH))
    author: Mapped[str]
    created_at: Mapped[datetime]


class AuditLogEntry(Base):
    """Append-only: who did what, when, on which device. Holds ids, never a child's details."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    device_id: Mapped[str] = mapped_column(String(UUID_LENGTH))
    user: Mapped[str]
    action: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str | None] = mapped_column(String(32))
    record_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    version_id: Mapped[str | None] = mapped_column(String(VERSION_LENGTH))
    detail: Mapped[str] = mapped_column(Text, default="")


class StoredTemplate(Base):
    """A form template imported by a QA officer, kept verbatim so it can travel in exports."""

    __tablename__ = "form_template"

    template_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str]
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime]


class DraftBuffer(Base):
    """Unsaved typing, kept within a second of each keystroke so nothing is lost in a crash.

    Not a record: it never travels and makes no version. It is cleared when the form is saved.
    """

    __tablename__ = "draft_buffer"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    payload: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class ConflictHead(Base):
    """One of several concurrent current versions of a record, kept until the QA officer resolves
    the conflict. A record with no rows here has exactly one current version: its ``head``."""

    __tablename__ = "conflict_head"

    record_id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    version_id: Mapped[str] = mapped_column(String(VERSION_LENGTH), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(32))


class MergeLogEntry(Base):
    """A package merged into this database: which file, signed by whom, with what outcome."""

    __tablename__ = "merge_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    merged_at: Mapped[datetime]
    file_name: Mapped[str]
    sha256: Mapped[str] = mapped_column(String(64))
    signer: Mapped[str] = mapped_column(String(64))
    device_name: Mapped[str]
    counts: Mapped[dict[str, Any]]


class Signer(Base):
    """A device whose packages this database has seen; the QA officer may mark it trusted."""

    __tablename__ = "signer"

    public_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_name: Mapped[str]
    first_seen: Mapped[datetime]
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    # The device id the key was first trusted for: that id is pinned to this key.
    device_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))


class Versioned:
    """Columns every travelling record has; the other columns are its versioned content."""

    RECORD_TYPE: ClassVar[str]
    # Object fields merged key by key (an audit's answers), so edits to different keys combine.
    MERGE_BY_KEY: ClassVar[frozenset[str]] = frozenset()

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    head: Mapped[str] = mapped_column(String(VERSION_LENGTH))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class PracticeWeek(Versioned, Base):
    """A Practice Week: code such as ``2018-09``, title, theme, dates and its templates."""

    __tablename__ = "practice_week"
    RECORD_TYPE = "week"

    code: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str]
    theme: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    case_audit_template: Mapped[str] = mapped_column(String(64))
    observation_templates: Mapped[list[Any]]
    # The QA officer's words for the summary report; they travel with the week.
    summary: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    recommendations: Mapped[str] = mapped_column(Text, default="")


class Cohort(Versioned, Base):
    """A group of children a week audits, defined by rules on their dates."""

    __tablename__ = "cohort"
    RECORD_TYPE = "cohort"

    week_id: Mapped[str] = mapped_column(ForeignKey("practice_week.id"), index=True)
    name: Mapped[str]
    rules: Mapped[list[Any]]
    position: Mapped[int] = mapped_column(Integer, default=0)


class Child(Versioned, Base):
    """A child known by case reference only; dates the cohort rules need; no name."""

    __tablename__ = "child"
    RECORD_TYPE = "child"

    case_reference: Mapped[str] = mapped_column(String(64), index=True)
    date_of_birth: Mapped[date | None]
    entered_care: Mapped[date | None]
    legal_status: Mapped[str] = mapped_column(String(64), default="")
    placement_type: Mapped[str] = mapped_column(String(64), default="")
    team: Mapped[str] = mapped_column(default="")


class CohortMember(Versioned, Base):
    """A child's place in a cohort of a week."""

    __tablename__ = "cohort_member"
    RECORD_TYPE = "cohort-member"

    cohort_id: Mapped[str] = mapped_column(ForeignKey("cohort.id"), index=True)
    child_id: Mapped[str] = mapped_column(ForeignKey("child.id"), index=True)


class Practitioner(Versioned, Base):
    """A social worker whose practice is audited or observed; known by name and team."""

    __tablename__ = "practitioner"
    RECORD_TYPE = "practitioner"

    name: Mapped[str] = mapped_column(index=True)
    team: Mapped[str] = mapped_column(default="")
    role: Mapped[str] = mapped_column(default="")


class Auditor(Versioned, Base):
    """A senior leader who audits cases and observes practice."""

    __tablename__ = "auditor"
    RECORD_TYPE = "auditor"

    name: Mapped[str] = mapped_column(index=True)
    role: Mapped[str] = mapped_column(default="")


class Assessment(Versioned, Base):
    """One filled-in form: a case-discussion audit or an observation of practice.

    ``answers`` maps template item ids to ``{"value": ..., "note": ...}``.
    """

    __tablename__ = "assessment"
    RECORD_TYPE = "assessment"
    MERGE_BY_KEY = frozenset({"answers"})

    week_id: Mapped[str] = mapped_column(ForeignKey("practice_week.id"))
    kind: Mapped[str] = mapped_column(String(32))
    template_id: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    child_id: Mapped[str | None] = mapped_column(ForeignKey("child.id"), index=True)
    practitioner_id: Mapped[str | None] = mapped_column(ForeignKey("practitioner.id"), index=True)
    auditor_id: Mapped[str | None] = mapped_column(ForeignKey("auditor.id"), index=True)
    held_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default=Status.DRAFT.value)
    answers: Mapped[dict[str, Any]]

    __table_args__ = (Index(None, "week_id", "kind"),)


class Allocation(Versioned, Base):
    """Who does what in a week: a child's case audit given to a senior leader, or an
    observation of practice scheduled for an observer. It travels in the week's set-up."""

    __tablename__ = "allocation"
    RECORD_TYPE = "allocation"

    week_id: Mapped[str] = mapped_column(ForeignKey("practice_week.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # case-audit, or observation
    observation_type: Mapped[str] = mapped_column(String(32), default="")
    auditor_id: Mapped[str] = mapped_column(ForeignKey("auditor.id"), index=True)
    child_id: Mapped[str | None] = mapped_column(ForeignKey("child.id"))
    practitioner_id: Mapped[str | None] = mapped_column(ForeignKey("practitioner.id"))
    planned_on: Mapped[date | None]


class Moderation(Versioned, Base):
    """A second look at a completed audit: the moderator's grade for each aspect reviewed.

    ``grades`` maps item ids to ``{"grade": grade id, "reason": "..."}``; a grade that differs
    from the auditor's carries the reason. Reports use moderated grades where they exist.
    """

    __tablename__ = "moderation"
    RECORD_TYPE = "moderation"
    MERGE_BY_KEY = frozenset({"grades"})

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id"), index=True)
    moderator: Mapped[str]
    moderated_on: Mapped[date | None]
    grades: Mapped[dict[str, Any]]
    note: Mapped[str] = mapped_column(Text, default="")


class Action(Versioned, Base):
    """An agreed action: what, who owns it, by when, and how it stands."""

    __tablename__ = "action"
    RECORD_TYPE = "action"

    week_id: Mapped[str] = mapped_column(ForeignKey("practice_week.id"), index=True)
    assessment_id: Mapped[str | None] = mapped_column(ForeignKey("assessment.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(default="")
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default=ActionStatus.OPEN.value)


VERSIONED_MODELS: tuple[type[Versioned], ...] = (
    PracticeWeek,
    Cohort,
    Child,
    CohortMember,
    Practitioner,
    Auditor,
    Assessment,
    Allocation,
    Moderation,
    Action,
)
"""Every travelling record type, parents before the records that refer to them."""

MODELS: dict[str, type[Versioned]] = {model.RECORD_TYPE: model for model in VERSIONED_MODELS}
"""Every travelling record type by the name packages and the command line give it."""
