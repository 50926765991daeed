"""The figures of a Practice Week: what ``pwdesk stats`` prints and every report is built from."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select

from pwdesk.domain.analysis import (
    AspectResult,
    AuditFacts,
    CohortFacts,
    ModerationStats,
    ObservationFacts,
    WeekStats,
    analyse_week,
)
from pwdesk.domain.answers import value_of
from pwdesk.domain.cohorts import describe_rules, rules_from_list
from pwdesk.domain.statuses import Status
from pwdesk.domain.templates import FormTemplate, TemplateKind
from pwdesk.services.assessments import records_of_week, week_moderations
from pwdesk.services.templates import TemplateCatalogue, UnknownTemplate, catalogue
from pwdesk.services.weeks import WeekSummary, find_week
from pwdesk.store.database import Database
from pwdesk.store.models import Assessment, Cohort, CohortMember


@dataclass(frozen=True)
class WeekFacts:
    """What the analysis of a week needs, read from the database."""

    week: WeekSummary
    template: FormTemplate
    audits: list[AuditFacts]
    observations: list[ObservationFacts]
    cohorts: list[CohortFacts]
    drafts: int


def week_stats(
    db: Database, week_code: str, rows: Sequence[Row[Any]] | None = None
) -> tuple[WeekSummary, WeekStats]:
    """Load a week's completed records and cohorts, and analyse them (from ``rows`` of
    assessments.week_rows, when they were read already)."""
    facts = load_week_facts(db, week_code, rows)
    return facts.week, analyse(facts)


def analyse(facts: WeekFacts) -> WeekStats:
    """The analysis of loaded facts (a separate step so its cost can be measured alone)."""
    return analyse_week(
        facts.template, facts.audits, facts.observations, facts.cohorts, drafts=facts.drafts
    )


def audit_template(
    templates: TemplateCatalogue, template_id: str, versions: Sequence[int]
) -> FormTemplate:
    """The case-audit form a week's figures are read with: the version most of its audits were
    filled in with (the newest of those on a tie; the newest there is when it has none yet). A
    later version of the form, whoever brings it, never re-reads audits made with another."""
    counts = Counter(versions)
    if counts:
        version = max(counts, key=lambda v: (counts[v], v))
        try:
            return templates.get(template_id, version)
        except UnknownTemplate:
            pass
    return templates.get(template_id)


def week_audit_template(db: Database, week: WeekSummary) -> FormTemplate:
    """audit_template for a week, reading its case audits' versions."""
    with db.read() as session:
        versions = list(
            session.scalars(
                select(Assessment.template_version).where(
                    Assessment.week_id == week.id,
                    Assessment.template_id == week.case_audit_template,
                    Assessment.deleted.is_(False),
                )
            )
        )
    return audit_template(catalogue(db), week.case_audit_template, versions)


def load_week_facts(
    db: Database, week_code: str, rows: Sequence[Row[Any]] | None = None
) -> WeekFacts:
    """Read a week's records and cohorts as the analysis's plain facts (the records from
    ``rows`` of assessments.week_rows, when they were read already)."""
    week = find_week(db, week_code)
    templates = catalogue(db)
    with db.read() as session:
        records = rows if rows is not None else session.execute(records_of_week(week.id)).all()
        cohorts = session.execute(
            select(Cohort.id, Cohort.name, Cohort.rules)
            .where(Cohort.week_id == week.id, Cohort.deleted.is_(False))
            .order_by(Cohort.position, Cohort.name)
        ).all()
        members: dict[str, set[str]] = defaultdict(set)
        for cohort_id, child_id in session.execute(
            select(CohortMember.cohort_id, CohortMember.child_id).where(
                CohortMember.cohort_id.in_([c.id for c in cohorts]),
                CohortMember.deleted.is_(False),
            )
        ):
            members[cohort_id].add(child_id)
        moderated: dict[str, dict[str, str]] = {
            assessment_id: {item: str(value["grade"]) for item, value in grades.items()}
            for assessment_id, grades in week_moderations(session, week.id).items()
        }
    template = audit_template(
        templates,
        week.case_audit_template,
        [r.template_version for r in records if r.template_id == week.case_audit_template],
    )
    audits: list[AuditFacts] = []
    observations: list[ObservationFacts] = []
    drafts = 0
    for r in records:
        if r.status != Status.COMPLETED:
            drafts += 1
        elif r.kind == TemplateKind.CASE_AUDIT:
            grades = moderated.get(r.id, {})
            audits.append(AuditFacts(r.child_id, r.auditor_id, r.answers, grades))
        else:
            form = templates.get(r.template_id, r.template_version)
            overall = value_of(r.answers, form.overall.id)
            observations.append(
                ObservationFacts(
                    form.observation_type or "other",
                    r.auditor_id,
                    overall if isinstance(overall, str) else None,
                )
            )
    cohort_facts = [
        CohortFacts(name, describe_rules(rules_from_list(rules)), frozenset(members[cohort_id]))
        for cohort_id, name, rules in cohorts
    ]
    return WeekFacts(week, template, audits, observations, cohort_facts, drafts)


def _aspect_json(aspect: AspectResult, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "id": aspect.id,
        "label": aspect.label,
        "section": aspect.section,
        "counts": {labels[grade_id]: count for grade_id, count in aspect.counts.items()},
        "graded": aspect.graded,
        "good_or_better_pct": aspect.good_or_better_pct,
    }


def _moderation_json(moderation: ModerationStats, labels: dict[str, str]) -> dict[str, Any]:
    """Agreement between auditors and moderators: pooled over every pair, then per item."""
    return {
        "audits": moderation.audits,
        "pairs": moderation.pairs_total,
        "exact_pct": moderation.exact_pct,
        "within_one_pct": moderation.within_one_pct,
        "kappa": moderation.kappa,
        "weighted_kappa": moderation.weighted_kappa,
        "gwet_ac2": moderation.gwet_ac2,
        "small": moderation.small,
        "grade_pairs": {
            "grades": [labels[grade_id] for grade_id in moderation.grade_ids],
            "rows": [list(row) for row in moderation.grade_pairs],
        },
        "items": [
            {
                "id": item.id,
                "label": item.label,
                "moderated": item.moderated,
                "agreed": item.agreed,
                "agreement_pct": item.agreement_pct,
                "within_one": item.within_one,
                "within_one_pct": item.within_one_pct,
                "kappa": item.kappa,
                "weighted_kappa": item.weighted_kappa,
                "gwet_ac2": item.gwet_ac2,
                "small": item.small,
            }
            for item in moderation.items
        ],
    }


def stats_json(week: WeekSummary, stats: WeekStats) -> dict[str, Any]:
    """The figures as the one JSON object ``pwdesk stats --json`` prints."""
    labels = {grade.id: grade.label for grade in stats.scale.choices}
    return {
        "week": {
            "code": week.code,
            "title": week.title,
            "theme": week.theme,
            "starts_on": week.starts_on.isoformat(),
            "ends_on": week.ends_on.isoformat(),
        },
        "scale": [{"id": grade.id, "label": grade.label} for grade in stats.scale.choices],
        "children": stats.children,
        "audits": stats.audits,
        "drafts": stats.drafts,
        "senior_leaders": stats.senior_leaders,
        "observations": {
            "total": stats.observations_total,
            "by_type": {
                stats.observation_labels[kind]: count for kind, count in stats.observations.items()
            },
            "overall_by_type": {
                stats.observation_labels[kind]: {labels[g]: n for g, n in counts.items()}
                for kind, counts in stats.observation_overall.items()
            },
        },
        "cohorts": [
            {"name": c.name, "rules": c.rules, "children": c.children, "audited": c.audited}
            for c in stats.cohorts
        ],
        "aspects": [_aspect_json(aspect, labels) for aspect in stats.aspects],
        "by_cohort": [
            {
                "name": cohort.name,
                "audits": cohort.audits,
                "aspects": [_aspect_json(aspect, labels) for aspect in cohort.aspects],
                "overall": _aspect_json(cohort.overall, labels)["counts"],
                "overall_good_or_better_pct": cohort.overall.good_or_better_pct,
            }
            for cohort in stats.by_cohort
        ],
        "overall": _aspect_json(stats.overall, labels)["counts"],
        "moderation": None
        if stats.moderation is None
        else _moderation_json(stats.moderation, labels),
        "overall_good_or_better_pct": stats.overall.good_or_better_pct,
    }
