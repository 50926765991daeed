"""The week's figures, checked against the records themselves on the demo database."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select

from pwdesk.services.demo import build_demo
from pwdesk.services.demo_text import REFERENCE_DEVELOPMENT, REFERENCE_STRENGTHS
from pwdesk.services.stats import stats_json, week_stats
from pwdesk.services.templates import catalogue
from pwdesk.store.database import Database, create_database
from pwdesk.store.models import Assessment, Cohort, CohortMember, PracticeWeek
from tests.conftest import PASSPHRASE


def test_the_reference_week_has_42_children_in_two_cohorts(demo_db: Database) -> None:
    week, stats = week_stats(demo_db, "2018-09")
    assert week.theme == "Permanency planning for children in care"
    assert (stats.children, stats.audits, stats.drafts) == (42, 42, 0)
    assert [(c.children, c.audited) for c in stats.cohorts] == [(24, 24), (18, 18)]
    assert stats.observations_total >= 12
    assert all(
        stats.observations[kind] > 0 for kind in ("home-visit", "cp-conference", "core-group")
    )


def test_every_count_matches_the_records(demo_db: Database) -> None:
    _, stats = week_stats(demo_db, "2018-09")
    with demo_db.read() as session:
        week_id = session.scalar(select(PracticeWeek.id).where(PracticeWeek.code == "2018-09"))
        records = session.execute(
            select(Assessment.kind, Assessment.answers, Assessment.template_id).where(
                Assessment.week_id == week_id
            )
        ).all()
        cohort_sizes = [
            len(
                session.scalars(
                    select(CohortMember.id).where(CohortMember.cohort_id == cohort_id)
                ).all()
            )
            for cohort_id in session.scalars(
                select(Cohort.id).where(Cohort.week_id == week_id).order_by(Cohort.position)
            )
        ]
    audits = [answers for kind, answers, _ in records if kind == "case-audit"]
    assert len(audits) == stats.audits
    assert [c.children for c in stats.cohorts] == cohort_sizes
    observation_templates = Counter(t for kind, _, t in records if kind == "observation")
    assert observation_templates["home-visit-observation"] == stats.observations["home-visit"]
    for aspect in stats.aspects:
        grades = Counter(a[aspect.id]["value"] for a in audits)
        assert aspect.counts == {g: grades.get(g, 0) for g in aspect.counts}
        graded = sum(n for g, n in grades.items() if g != "not-applicable")
        good = grades["outstanding"] + grades["good"]
        assert aspect.graded == graded
        assert aspect.good_or_better_pct == round(100 * good / graded, 1)


def test_the_json_names_every_aspect_of_the_template(demo_db: Database) -> None:
    week, stats = week_stats(demo_db, "2018-09")
    figures = stats_json(week, stats)
    template = catalogue().get("permanency-case-audit")
    assert [a["id"] for a in figures["aspects"]] == [item.id for item in template.aspects()]
    first = figures["aspects"][0]
    assert set(first["counts"]) == {
        "Outstanding",
        "Good",
        "Requires improvement to be good",
        "Inadequate",
        "Not applicable / not seen",
    }
    assert sum(first["counts"].values()) == 42
    assert sum(figures["overall"].values()) == 42
    assert figures["observations"]["total"] == sum(figures["observations"]["by_type"].values())


def test_the_demo_shows_the_reference_weeks_strengths_above_its_areas_for_development(
    demo_db: Database,
) -> None:
    _, stats = week_stats(demo_db, "2018-09")
    pct = {a.id: a.good_or_better_pct or 0.0 for a in stats.aspects}
    assert min(pct[i] for i in REFERENCE_STRENGTHS) > max(pct[i] for i in REFERENCE_DEVELOPMENT)


def test_the_earlier_week_is_there_to_compare_with(demo_db: Database) -> None:
    _, march = week_stats(demo_db, "2018-03")
    _, september = week_stats(demo_db, "2018-09")
    assert march.audits > 0
    assert march.children + september.children == march.audits + september.audits
    before = {a.id: a.good_or_better_pct or 0.0 for a in march.aspects}
    after = {a.id: a.good_or_better_pct or 0.0 for a in september.aspects}
    assert sum(after[i] - before[i] for i in REFERENCE_STRENGTHS) > 0


def test_the_same_seed_gives_the_same_figures(tmp_path: Path, demo_db: Database) -> None:
    again = create_database(tmp_path / "again.db", PASSPHRASE, device_name="another-laptop")
    try:
        build_demo(again, seed=2018)
        for code in ("2018-03", "2018-09"):
            assert stats_json(*week_stats(again, code)) == stats_json(*week_stats(demo_db, code))
    finally:
        again.close()
