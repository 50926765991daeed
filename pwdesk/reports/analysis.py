"""The analysis every report, dashboard and ``pwdesk stats`` is built from: counts and percentages.

Pure functions over plain data, so each number is computed in one place only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pwdesk.domain.answers import value_of
from pwdesk.domain.grades import GradeScale
from pwdesk.domain.templates import OBSERVATION_TYPES, FormTemplate


@dataclass(frozen=True)
class AuditFacts:
    """A completed case audit, as the analysis sees it."""

    child_id: str | None
    auditor_id: str | None
    answers: Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class ObservationFacts:
    """A completed observation of practice."""

    observation_type: str
    auditor_id: str | None


@dataclass(frozen=True)
class CohortFacts:
    """A cohort of a week, with its members."""

    name: str
    rules: str
    child_ids: frozenset[str]


@dataclass(frozen=True)
class AspectResult:
    """How one graded aspect was graded across a week's audits."""

    id: str
    label: str
    section: str
    counts: dict[str, int]  # by grade id, scale order, Not applicable last
    graded: int  # answers with a real grade (Not applicable left out)
    good_or_better_pct: float | None


@dataclass(frozen=True)
class CohortResult:
    """A cohort's size and how many of its children were audited."""

    name: str
    rules: str
    children: int
    audited: int


@dataclass(frozen=True)
class WeekStats:
    """Everything counted for one Practice Week."""

    scale: GradeScale
    children: int
    audits: int
    observations: dict[str, int]  # by observation type, every known type listed
    cohorts: tuple[CohortResult, ...]
    aspects: tuple[AspectResult, ...]
    overall: AspectResult
    senior_leaders: int
    drafts: int = 0
    observation_labels: dict[str, str] = field(default_factory=dict)

    @property
    def observations_total(self) -> int:
        """All completed observations, whatever their type."""
        return sum(self.observations.values())


def grade_aspect(
    template: FormTemplate, item_id: str, audits: Sequence[AuditFacts]
) -> AspectResult:
    """Count the grades given to one item across audits; unanswered items are not counted."""
    item = template.item(item_id)
    section = next(s.title for s in template.sections if item in s.items)
    grades = (value_of(audit.answers, item_id) for audit in audits)
    counts = template.scale.count(
        grade for grade in grades if isinstance(grade, str) and template.scale.knows(grade)
    )
    graded = sum(counts[grade_id] for grade_id in template.scale.ids)
    return AspectResult(
        id=item.id,
        label=item.label,
        section=section,
        counts=counts,
        graded=graded,
        good_or_better_pct=template.scale.good_or_better_pct(counts),
    )


def analyse_week(
    template: FormTemplate,
    audits: Sequence[AuditFacts],
    observations: Sequence[ObservationFacts],
    cohorts: Sequence[CohortFacts],
    *,
    drafts: int = 0,
) -> WeekStats:
    """The week's figures, from its completed audits and observations and its cohorts."""
    audited = {audit.child_id for audit in audits if audit.child_id is not None}
    by_type = Counter(observation.observation_type for observation in observations)
    observation_counts = {kind: by_type.get(kind, 0) for kind in OBSERVATION_TYPES}
    observation_counts.update(by_type)
    leaders = {a.auditor_id for a in audits} | {o.auditor_id for o in observations}
    leaders.discard(None)
    return WeekStats(
        scale=template.scale,
        children=len(audited),
        audits=len(audits),
        observations=observation_counts,
        cohorts=tuple(
            CohortResult(c.name, c.rules, len(c.child_ids), len(c.child_ids & audited))
            for c in cohorts
        ),
        aspects=tuple(grade_aspect(template, item.id, audits) for item in template.aspects()),
        overall=grade_aspect(template, template.overall.id, audits),
        senior_leaders=len(leaders),
        drafts=drafts,
        observation_labels={k: OBSERVATION_TYPES.get(k, k) for k in observation_counts},
    )
