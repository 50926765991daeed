"""The analysis every report, dashboard and ``pwdesk stats`` is built from: counts and percentages.

Pure functions over plain data, so each number is computed in one place only.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pwdesk.domain.agreement import (
    PairTable,
    agreements_within_one,
    exact_agreements,
    grade_pair_table,
    gwet_ac2,
    weighted_kappa,
)
from pwdesk.domain.agreement import (
    cohens_kappa as cohens_kappa,  # re-exported: agreement was measured here first
)
from pwdesk.domain.answers import note_of, value_of
from pwdesk.domain.grades import GradeScale
from pwdesk.domain.templates import OBSERVATION_TYPES, FormTemplate
from pwdesk.domain.wording import half_up, percent_of


@dataclass(frozen=True)
class AuditFacts:
    """A completed case audit, as the analysis sees it."""

    child_id: str | None
    auditor_id: str | None
    answers: Mapping[str, Mapping[str, Any]]
    moderated: Mapping[str, str] = field(default_factory=dict)  # item id -> moderated grade id

    def grade(self, item_id: str) -> Any:
        """The grade that counts: the moderator's where there is one, else the auditor's."""
        return self.moderated.get(item_id) or value_of(self.answers, item_id)


@dataclass(frozen=True)
class ObservationFacts:
    """A completed observation of practice."""

    observation_type: str
    auditor_id: str | None
    overall: str | None = None  # the observation's overall grade id


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
class CohortAspects:
    """The grades of one cohort's audits: every aspect, and the overall grade."""

    name: str
    audits: int
    aspects: tuple[AspectResult, ...]
    overall: AspectResult


@dataclass(frozen=True)
class CommentCount:
    """A comment as written in the records, and how many records wrote it."""

    text: str
    count: int


@dataclass(frozen=True)
class AspectComments:
    """What auditors wrote about one aspect: where it was good or better, and where it was not."""

    id: str
    label: str
    strengths: tuple[CommentCount, ...]
    development: tuple[CommentCount, ...]


@dataclass(frozen=True)
class AspectChange:
    """Good or better for one aspect now and in the week compared with."""

    id: str
    label: str
    current: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        """Percentage points gained (positive) or lost since the compared week."""
        if self.current is None or self.previous is None:
            return None
        return half_up(self.current - self.previous, 1)


SMALL_NUMBER = 10  # agreement over fewer pairs than this is flagged: read it with care


@dataclass(frozen=True)
class AgreementResult:
    """How far the moderator agreed with the auditor on one graded item (or on every item
    pooled), over the pairs where both gave a real grade of the scale."""

    id: str
    label: str
    moderated: int  # pairs of real grades: the auditor's and the moderator's
    agreed: int  # pairs with the same grade
    within_one: int = 0  # pairs at most one grade apart
    weighted_kappa: float | None = None  # Cohen's, linear weights
    gwet_ac2: float | None = None  # Gwet's AC2, linear weights
    kappa: float | None = None  # Cohen's unweighted, for comparison
    grade_pairs: PairTable = ()  # k x k counts: auditor's grade down, moderator's across

    @property
    def agreement_pct(self) -> float | None:
        """Exact agreement as a percentage, to one decimal place, halves up."""
        return percent_of(self.agreed, self.moderated)

    @property
    def within_one_pct(self) -> float | None:
        """Agreement within one grade as a percentage, to one decimal place, halves up."""
        return percent_of(self.within_one, self.moderated)

    @property
    def small(self) -> bool:
        """Whether the figures rest on fewer than SMALL_NUMBER pairs."""
        return self.moderated < SMALL_NUMBER


ALL_GRADES = "all"  # the id of the agreement pooled over every graded item


@dataclass(frozen=True)
class ModerationStats:
    """The moderation of a week: agreement per item, and over every grade reviewed (pooled)."""

    audits: int
    items: tuple[AgreementResult, ...]
    kappa: float | None  # None when nothing was moderated, or every grade was the same
    pooled: AgreementResult = field(
        default_factory=lambda: AgreementResult(ALL_GRADES, "All grades reviewed", 0, 0)
    )
    grade_ids: tuple[str, ...] = ()  # the scale's grades, the order of the grade-pair table

    @property
    def weighted_kappa(self) -> float | None:
        """Cohen's linearly weighted kappa over every pair."""
        return self.pooled.weighted_kappa

    @property
    def gwet_ac2(self) -> float | None:
        """Gwet's AC2 (linear weights) over every pair."""
        return self.pooled.gwet_ac2

    @property
    def exact_pct(self) -> float | None:
        """Exact agreement over every pair, as a percentage."""
        return self.pooled.agreement_pct

    @property
    def within_one_pct(self) -> float | None:
        """Agreement within one grade over every pair, as a percentage."""
        return self.pooled.within_one_pct

    @property
    def pairs_total(self) -> int:
        """Every pair of real grades reviewed, all items together."""
        return self.pooled.moderated

    @property
    def grade_pairs(self) -> PairTable:
        """Every pair counted by grade: auditor's grade down, moderator's across."""
        return self.pooled.grade_pairs

    @property
    def small(self) -> bool:
        """Whether the pooled figures rest on fewer than SMALL_NUMBER pairs."""
        return self.pooled.small


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
    by_cohort: tuple[CohortAspects, ...] = ()
    comments: tuple[AspectComments, ...] = ()
    observation_overall: dict[str, dict[str, int]] = field(default_factory=dict)  # by type
    moderation: ModerationStats | None = None

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
    grades = (audit.grade(item_id) for audit in audits)
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


def comment_key(text: str) -> str:
    """What two comments share when they differ only in capitals, spacing or punctuation."""
    kept = (_mark_replaced(ch) if unicodedata.category(ch)[0] in "PZ" else ch for ch in text)
    return " ".join("".join(kept).casefold().split())


def _mark_replaced(ch: str) -> str:
    """Apostrophes and hyphens join a word ("don't", "well-being"); other marks part words."""
    return "" if ch in "'\u2019-\u2010\u2011" else " "


def _collate(texts: Sequence[str]) -> tuple[CommentCount, ...]:
    """Comments that differ only in capitals, spacing or punctuation counted together, most
    frequent first; each is shown as first written (its spacing tidied)."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, str] = {}
    for text in texts:
        words = " ".join(text.split())
        key = comment_key(words)
        if key:
            first_seen.setdefault(key, words)
            counts[key] += 1
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], first_seen[pair[0]]))
    return tuple(CommentCount(first_seen[key], count) for key, count in ordered)


def collate_comments(
    template: FormTemplate, item_id: str, audits: Sequence[AuditFacts]
) -> AspectComments:
    """The evidence written for one aspect, split by whether its grade was good or better."""
    strengths: list[str] = []
    development: list[str] = []
    for audit in audits:
        grade = audit.grade(item_id)
        if not isinstance(grade, str) or grade not in template.scale.ids:
            continue
        note = note_of(audit.answers, item_id)
        (strengths if template.scale.is_good_or_better(grade) else development).append(note)
    return AspectComments(
        item_id, template.item(item_id).label, _collate(strengths), _collate(development)
    )


def agreement_of(
    item_id: str, label: str, pairs: Sequence[tuple[str, str]], grade_ids: Sequence[str]
) -> AgreementResult:
    """Every agreement figure for pairs (auditor's grade, moderator's grade) of one item or
    many; pairs where either grade is not of the scale are left out."""
    real = [(a, m) for a, m in pairs if a in grade_ids and m in grade_ids]
    return AgreementResult(
        id=item_id,
        label=label,
        moderated=len(real),
        agreed=exact_agreements(real, grade_ids),
        within_one=agreements_within_one(real, grade_ids),
        weighted_kappa=weighted_kappa(real, grade_ids),
        gwet_ac2=gwet_ac2(real, grade_ids),
        kappa=cohens_kappa(real),
        grade_pairs=grade_pair_table(real, grade_ids),
    )


def moderation_stats(template: FormTemplate, audits: Sequence[AuditFacts]) -> ModerationStats:
    """Agreement between auditors and moderators, per graded item and over every item pooled.

    Only real grades on both sides count (Not applicable is left out, as in percentages).
    """
    moderated = [audit for audit in audits if audit.moderated]
    grade_ids = template.scale.ids
    items = []
    pairs: list[tuple[str, str]] = []
    for item in (*template.aspects(), template.overall):
        both = [
            (value_of(audit.answers, item.id), audit.moderated[item.id])
            for audit in moderated
            if item.id in audit.moderated
        ]
        pairs += both
        items.append(agreement_of(item.id, item.label, both, grade_ids))
    pooled = agreement_of(ALL_GRADES, "All grades reviewed", pairs, grade_ids)
    return ModerationStats(len(moderated), tuple(items), pooled.kappa, pooled, grade_ids)


def compare_weeks(current: WeekStats, previous: WeekStats) -> tuple[AspectChange, ...]:
    """Good or better per aspect (and overall, last) against the compared week, by aspect id."""
    before = {aspect.id: aspect.good_or_better_pct for aspect in previous.aspects}
    changes = [
        AspectChange(aspect.id, aspect.label, aspect.good_or_better_pct, before.get(aspect.id))
        for aspect in current.aspects
    ]
    changes.append(
        AspectChange(
            current.overall.id,
            current.overall.label,
            current.overall.good_or_better_pct,
            previous.overall.good_or_better_pct,
        )
    )
    return tuple(changes)


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
        by_cohort=tuple(_cohort_aspects(template, cohort, audits) for cohort in cohorts),
        comments=tuple(collate_comments(template, item.id, audits) for item in template.aspects()),
        moderation=moderation_stats(template, audits) if any(a.moderated for a in audits) else None,
        observation_overall={
            kind: template.scale.count(
                o.overall
                for o in observations
                if o.observation_type == kind and o.overall and template.scale.knows(o.overall)
            )
            for kind in observation_counts
        },
    )


def _cohort_aspects(
    template: FormTemplate, cohort: CohortFacts, audits: Sequence[AuditFacts]
) -> CohortAspects:
    mine = [audit for audit in audits if audit.child_id in cohort.child_ids]
    return CohortAspects(
        name=cohort.name,
        audits=len(mine),
        aspects=tuple(grade_aspect(template, item.id, mine) for item in template.aspects()),
        overall=grade_aspect(template, template.overall.id, mine),
    )
