"""A fictional Practice Week like the reference one, and the week before it, for trying pwdesk.

Everything here is invented: case references, people, grades and words. The same seed always
gives the same weeks, children, records and grades.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pwdesk.domain.answers import answer
from pwdesk.domain.cohorts import AgeUnder, EnteredCareBetween, InCareAtLeast
from pwdesk.domain.statuses import ActionStatus, Status
from pwdesk.domain.templates import FormTemplate
from pwdesk.services.actions import ActionDetails, save_action
from pwdesk.services.assessments import AssessmentDraft, save_assessment
from pwdesk.services.common import InvalidRecord
from pwdesk.services.demo_text import (
    ACTIONS,
    EVIDENCE,
    NARRATIVES,
    OBSERVATION_NOTES,
    PRACTITIONERS,
    REFERENCE_DEVELOPMENT,
    REFERENCE_STRENGTHS,
    REFLECTIONS,
    SENIOR_LEADERS,
    STEADY,
    STRONG,
    WEAK,
)
from pwdesk.services.people import (
    AuditorDetails,
    ChildDetails,
    PractitionerDetails,
    add_auditor,
    add_child,
    add_practitioner,
)
from pwdesk.services.templates import catalogue
from pwdesk.services.weeks import (
    CohortDetails,
    WeekDetails,
    add_cohort,
    create_week,
    list_weeks,
    place_children,
    save_week_narrative,
)
from pwdesk.store.database import Database


@dataclass(frozen=True)
class DemoSummary:
    """What the demo created."""

    weeks: tuple[str, ...]
    children: int
    audits: int
    observations: int
    actions: int


@dataclass(frozen=True)
class _WeekPlan:
    details: WeekDetails
    cohort_names: tuple[str, str]
    long_stay: int  # children in the first cohort: in care 12 months or more, aged under 12
    recent: int  # children in the second: came into care in the three months before the week
    recent_from: date
    recent_to: date
    profiles: dict[str, tuple[float, ...]]
    observations: dict[str, int]
    observation_profile: tuple[float, ...]
    actions_done: float  # the share of the week's actions already done


def _weeks() -> tuple[_WeekPlan, _WeekPlan]:
    september = _WeekPlan(
        details=WeekDetails(
            code="2018-09",
            title="Practice Week September 2018",
            theme="Permanency planning for children in care",
            starts_on=date(2018, 9, 17),
            ends_on=date(2018, 9, 21),
        ),
        cohort_names=(
            "In care for 12 months or more, aged under 12",
            "Came into care June to August 2018",
        ),
        long_stay=24,
        recent=18,
        recent_from=date(2018, 6, 1),
        recent_to=date(2018, 8, 31),
        profiles={
            **dict.fromkeys(REFERENCE_STRENGTHS, STRONG),
            **dict.fromkeys(REFERENCE_DEVELOPMENT, WEAK),
        },
        observations={"home-visit": 6, "cp-conference": 4, "core-group": 4},
        observation_profile=STRONG,
        actions_done=0.0,
    )
    march = _WeekPlan(
        details=WeekDetails(
            code="2018-03",
            title="Practice Week March 2018",
            theme="Care planning for children in care",
            starts_on=date(2018, 3, 12),
            ends_on=date(2018, 3, 16),
        ),
        cohort_names=(
            "In care for 12 months or more, aged under 12",
            "Came into care December 2017 to February 2018",
        ),
        long_stay=16,
        recent=14,
        recent_from=date(2017, 12, 1),
        recent_to=date(2018, 2, 28),
        profiles={
            **dict.fromkeys(REFERENCE_STRENGTHS, STEADY),
            **dict.fromkeys(REFERENCE_DEVELOPMENT, WEAK),
            "management-oversight": (0.01, 0.22, 0.52, 0.25),
        },
        observations={"home-visit": 4, "cp-conference": 3, "core-group": 2},
        observation_profile=STEADY,
        actions_done=0.7,
    )
    return march, september


@contextmanager
def _seeded_ids(db: Database, rng: random.Random) -> Iterator[None]:
    """Make record ids come from the seed too, so the same seed gives the same records."""
    previous = db.new_id
    db.new_id = lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4))
    try:
        yield
    finally:
        db.new_id = previous


class _DemoBuilder:
    def __init__(self, db: Database, rng: random.Random) -> None:
        self.db = db
        self.rng = rng
        self.templates = catalogue(db)
        self.references: set[str] = set()
        self.counts = {"children": 0, "audits": 0, "observations": 0, "actions": 0}
        self.leaders = [add_auditor(db, AuditorDetails(n, r)).id for n, r in SENIOR_LEADERS]
        self.practitioners = [
            (add_practitioner(db, PractitionerDetails(n, t)).id, n) for n, t in PRACTITIONERS
        ]

    def case_reference(self) -> str:
        while True:
            reference = f"CR{self.rng.randint(100000, 999999)}"
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def child(self, week: _WeekPlan, recent: bool) -> str:
        start = week.details.starts_on
        if recent:
            entered = self.day_between(week.recent_from, week.recent_to)
            born = self.day_between(start - timedelta(days=17 * 365), entered - timedelta(days=30))
        else:
            born = self.day_between(
                start - timedelta(days=11 * 365 + 300), start - timedelta(days=500)
            )
            entered = self.day_between(born + timedelta(days=14), start - timedelta(days=380))
        details = ChildDetails(
            case_reference=self.case_reference(),
            date_of_birth=born,
            entered_care=entered,
            legal_status=self.rng.choice(("Interim care order", "Care order", "Section 20")),
            placement_type=self.rng.choice(("Foster care", "Kinship care", "Residential care")),
            team=self.rng.choice(("Children Looked After 1", "Children Looked After 2")),
        )
        self.counts["children"] += 1
        return add_child(self.db, details).id

    def grade(self, weights: Sequence[float], not_applicable: float) -> str:
        if self.rng.random() < not_applicable:
            return "not-applicable"
        return self.rng.choices(
            ("outstanding", "good", "requires-improvement", "inadequate"), weights
        )[0]

    def evidence(self, grade: str, good: str, poor: str) -> str:
        return {
            "outstanding": f"{good} Exemplary practice, consistently evidenced on file.",
            "good": good,
            "requires-improvement": f"Some good work, but: {poor[0].lower()}{poor[1:]}",
            "inadequate": f"{poor} This needs the team manager's attention now.",
            "not-applicable": "Not applicable for this child at the moment.",
        }[grade]

    def audit(self, week: _WeekPlan, week_id: str, child_id: str, template: FormTemplate) -> None:
        leader = self.rng.choice(self.leaders)
        practitioner_id, practitioner = self.rng.choice(self.practitioners)
        held_on = self.day_between(week.details.starts_on, week.details.ends_on)
        answers: dict[str, dict[str, Any]] = {}
        ranks = {"outstanding": 0, "good": 1, "requires-improvement": 2, "inadequate": 3}
        graded: list[tuple[int, str]] = []
        for item in template.aspects():
            weights = week.profiles.get(item.id, STEADY)
            grade = self.grade(weights, 0.15 if item.id == "parallel-planning" else 0.02)
            answers[item.id] = answer(grade, self.evidence(grade, *EVIDENCE[item.id]))
            if grade in ranks:
                graded.append((ranks[grade], item.id))
        graded.sort()
        mean_rank = sum(rank for rank, _ in graded) / len(graded)
        overall = ("outstanding", "good", "requires-improvement", "inadequate")[round(mean_rank)]
        best = [item_id for rank, item_id in graded[:2] if rank <= 1] or [graded[0][1]]
        worst = [item_id for rank, item_id in reversed(graded[-2:]) if rank >= 2] or [graded[-1][1]]
        direct_work_good = answers["direct-work"]["value"] in ("outstanding", "good")
        answers.update(
            {
                "overall": answer(overall),
                "strengths": answer(" ".join(EVIDENCE[i][0] for i in best)),
                "areas-for-development": answer(" ".join(EVIDENCE[i][1] for i in worst)),
                "child-seen": answer(self.rng.choices(("yes", "partly"), (0.85, 0.15))[0]),
                "child-seen-alone": answer(self.rng.choice(("yes", "yes", "partly", "no"))),
                "life-story-work": answer("yes" if direct_work_good else "no"),
                "placement-moves": answer(
                    self.rng.choices((0, 1, 2, 3), (0.6, 0.25, 0.1, 0.05))[0]
                ),
                "placement-type": answer(
                    self.rng.choices(
                        ("foster-care", "kinship-care", "residential"), (0.7, 0.2, 0.1)
                    )[0]
                ),
                "last-visit": answer(
                    (held_on - timedelta(days=self.rng.randint(3, 40))).isoformat()
                ),
            }
        )
        if self.rng.random() < 0.5:
            answers["practitioner-reflection"] = answer(self.rng.choice(REFLECTIONS))
        draft = AssessmentDraft(
            week_id=week_id,
            template_id=template.id,
            template_version=template.version,
            child_id=child_id,
            practitioner_id=practitioner_id,
            auditor_id=leader,
            held_on=held_on,
            answers=answers,
        )
        record_id = save_assessment(self.db, None, draft, status=Status.COMPLETED).id
        self.counts["audits"] += 1
        for item_id in worst[: self.rng.randint(1, 2)]:
            self.action(week, week_id, record_id, ACTIONS[item_id], practitioner)

    def action(self, week: _WeekPlan, week_id: str, record_id: str, text: str, owner: str) -> None:
        done = self.rng.random() < week.actions_done
        details = ActionDetails(
            week_id=week_id,
            assessment_id=record_id,
            description=text,
            owner=owner,
            due_on=week.details.ends_on + timedelta(days=self.rng.choice((14, 28, 42))),
            status=ActionStatus.DONE if done else ActionStatus.OPEN,
        )
        save_action(self.db, None, details)
        self.counts["actions"] += 1

    def observation(self, week: _WeekPlan, week_id: str, template: FormTemplate) -> None:
        observation_type = template.observation_type or ""
        good, poor = OBSERVATION_NOTES[observation_type]
        answers: dict[str, dict[str, Any]] = {}
        grades = []
        for item in template.aspects():
            grade = self.grade(week.observation_profile, 0.03)
            answers[item.id] = answer(grade, good if grade in ("outstanding", "good") else poor)
            grades.append(grade)
        real = [g for g in grades if g != "not-applicable"]
        overall = max(dict.fromkeys(real), key=real.count)  # a tie goes to the first seen
        answers["overall"] = answer(overall)
        answers["strengths"] = answer(good)
        answers["areas-for-development"] = answer(poor)
        practitioner_id, _ = self.rng.choice(self.practitioners)
        draft = AssessmentDraft(
            week_id=week_id,
            template_id=template.id,
            template_version=template.version,
            practitioner_id=practitioner_id,
            auditor_id=self.rng.choice(self.leaders),
            held_on=self.day_between(week.details.starts_on, week.details.ends_on),
            answers=answers,
        )
        save_assessment(self.db, None, draft, status=Status.COMPLETED)
        self.counts["observations"] += 1

    def week(self, week: _WeekPlan) -> None:
        week_id = create_week(self.db, week.details).id
        save_week_narrative(self.db, week_id, NARRATIVES[week.details.code])
        long_stay_rules = (AgeUnder(12).to_dict(), InCareAtLeast(12).to_dict())
        recent_rules = (EnteredCareBetween(week.recent_from, week.recent_to).to_dict(),)
        template = self.templates.get(week.details.case_audit_template)
        for name, rules, count, recent in (
            (week.cohort_names[0], long_stay_rules, week.long_stay, False),
            (week.cohort_names[1], recent_rules, week.recent, True),
        ):
            cohort_id = add_cohort(self.db, week_id, CohortDetails(name, rules)).id
            children = [self.child(week, recent) for _ in range(count)]
            place_children(self.db, cohort_id, children)
            for child_id in children:
                self.audit(week, week_id, child_id, template)
        for template_id in week.details.observation_templates:
            template = self.templates.get(template_id)
            for _ in range(week.observations[template.observation_type or ""]):
                self.observation(week, week_id, template)


def build_demo(db: Database, seed: int = 2018) -> DemoSummary:
    """Fill ``db`` with the fictional weeks 2018-03 and 2018-09; refused if either exists."""
    plans = _weeks()
    existing = {week.code for week in list_weeks(db)} & {p.details.code for p in plans}
    if existing:
        raise InvalidRecord(
            f"This database already has Practice Week {', '.join(sorted(existing))}; "
            "make the demo in a new database."
        )
    rng = random.Random(seed)
    with _seeded_ids(db, rng):
        builder = _DemoBuilder(db, rng)
        for plan in plans:
            builder.week(plan)
    return DemoSummary(
        weeks=tuple(plan.details.code for plan in plans),
        children=builder.counts["children"],
        audits=builder.counts["audits"],
        observations=builder.counts["observations"],
        actions=builder.counts["actions"],
    )
