"""What a merge checks against this database before it writes: that every reference resolves,
that every form cited is known, and that every version new here keeps the rules a local save
keeps (services.checks)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from pwdesk.domain.templates import parse_template
from pwdesk.exchange.checking import (
    CheckedPackage,
    fault,
)
from pwdesk.exchange.package import (
    PackageError,
)
from pwdesk.services.checks import (
    MAX_PROBLEMS,
    Cited,
    Forms,
    record_problems,
)
from pwdesk.services.templates import TemplateCatalogue, catalogue
from pwdesk.store.database import Database
from pwdesk.store.models import (
    MODELS,
    VERSIONED_MODELS,
    Assessment,
    PracticeWeek,
    RecordVersion,
)
from pwdesk.store.records import (
    checked_content,
)

_CHUNK = 500


def chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    """The items in slices small enough for one IN (...) query."""
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def check_references(
    session: Session, packages: Sequence[CheckedPackage], templates: set[tuple[str, int]]
) -> None:
    """Every record must refer to records that exist here or arrive with it, and to known forms."""
    arriving: dict[str, set[str]] = {}
    for package in packages:
        for record in package.records:
            arriving.setdefault(record.type, set()).add(record.id)
    foreign = {
        "week_id": "week",
        "cohort_id": "cohort",
        "child_id": "child",
        "practitioner_id": "practitioner",
        "auditor_id": "auditor",
        "assessment_id": "assessment",
    }
    for model in VERSIONED_MODELS:
        others = sorted(
            rid for kind, ids in arriving.items() if kind != model.RECORD_TYPE for rid in ids
        )
        for chunk in chunks(others):
            clash = session.scalar(select(model.id).where(model.id.in_(chunk)).limit(1))
            if clash is not None:
                raise PackageError(
                    f"The packages hold record {clash} as another kind of record than the "
                    f"{model.RECORD_TYPE} this database has under that id."
                )
    wanted: dict[str, set[str]] = {}
    for package in packages:
        for record in package.records:
            for version in record.versions:
                if record.type == "assessment":
                    key = (version.content["template_id"], version.content["template_version"])
                    if key not in templates:
                        raise fault(
                            package.name,
                            f"it holds records of an unknown form "
                            f"template ({key[0]} version {key[1]}).",
                        )
                for column, target in foreign.items():
                    linked = version.content.get(column)
                    if linked and linked not in arriving.get(target, set()):
                        wanted.setdefault(target, set()).add(linked)
    for target, ids in wanted.items():
        model = MODELS[target]
        present: set[str] = set()
        for chunk in chunks(sorted(ids)):
            present |= set(session.scalars(select(model.id).where(model.id.in_(chunk))))
        missing = ids - present
        if missing:
            raise PackageError(
                f"The packages refer to a {target} that is neither in them nor in this database "
                f"({sorted(missing)[0]}); merge the package that holds it too."
            )


def forms_for(db: Database, packages: Sequence[CheckedPackage]) -> TemplateCatalogue:
    """The templates the packages' records may cite: this database's and those they carry."""
    known = catalogue(db)
    entries = [(template, "known") for template in known.all_templates()]
    for package in packages:
        for template_id, _, source in package.templates:
            entries.append((parse_template(source, template_id), "arriving"))
    return TemplateCatalogue(entries)


def check_values(
    session: Session, packages: Sequence[CheckedPackage], templates: TemplateCatalogue
) -> None:
    """Every incoming version must keep the rules a local save keeps (services.checks): the
    first few problems are named, and nothing is written."""
    cited: dict[str, Cited] = {}
    for package in packages:
        for record in package.records:
            if record.type == Assessment.RECORD_TYPE:
                for version in record.versions:
                    if version.id in record.heads:
                        content = version.content
                        cited[record.id] = (
                            content["template_id"],
                            content["template_version"],
                            content["kind"],
                        )

    def of_assessment(assessment_id: str) -> Cited | None:
        if assessment_id not in cited:
            audit = session.get(Assessment, assessment_id)
            if audit is None:
                return None
            cited[assessment_id] = (audit.template_id, audit.template_version, audit.kind)
        return cited[assessment_id]

    forms = Forms.known(templates, of_assessment=of_assessment)
    arriving = {v.id for package in packages for record in package.records for v in record.versions}
    # A version this database holds already was checked when it came (or was saved here), and
    # its id fixes its content: only versions new here need the rules.
    seen: set[str] = set()
    ordered = sorted(arriving)
    for chunk in chunks(ordered):
        seen |= set(session.scalars(select(RecordVersion.id).where(RecordVersion.id.in_(chunk))))
    problems: list[str] = []
    for package in packages:
        for record in package.records:
            model = MODELS[record.type]
            for version in record.versions:
                if version.id in seen:
                    continue
                seen.add(version.id)
                values = checked_content(model, version.content)
                for problem in record_problems(model, values, forms):
                    problems.append(
                        f"{package.name}: {record.type} {record.id[:8]} (version "
                        f"{version.id[:12]}): {problem}"
                    )
                if len(problems) >= MAX_PROBLEMS:
                    raise PackageError(" ".join(problems[:MAX_PROBLEMS]))
    if problems:
        raise PackageError(" ".join(problems))
    _check_week_codes(session, packages)


def _check_week_codes(session: Session, packages: Sequence[CheckedPackage]) -> None:
    """A week's code names one week: a package may not bring a second week under a code this
    database, or another package, already gives a different week."""
    owners: dict[str, str] = {
        code: week_id
        for week_id, code in session.execute(
            select(PracticeWeek.id, PracticeWeek.code).where(PracticeWeek.deleted.is_(False))
        )
    }
    for package in packages:
        for record in package.records:
            if record.type != PracticeWeek.RECORD_TYPE:
                continue
            for version in record.versions:
                if version.id in record.heads and not version.deleted:
                    code = version.content["code"]
                    if owners.setdefault(code, record.id) != record.id:
                        raise fault(
                            package.name,
                            f"it holds a Practice Week with the code {code}, which another "
                            "week here already has.",
                        )
