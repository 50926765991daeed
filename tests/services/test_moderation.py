"""Moderation: grades reviewed, reports using the moderated grade, agreement and Cohen's kappa."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from pwdesk.domain.analysis import cohens_kappa
from pwdesk.services.assessments import draft_of, list_records, save_assessment
from pwdesk.services.common import InvalidRecord
from pwdesk.services.export import export_package
from pwdesk.services.merge import merge_packages
from pwdesk.services.moderation import ModeratedGrade, moderate, moderation_of
from pwdesk.services.report import report_pdf
from pwdesk.services.stats import stats_json, week_stats
from pwdesk.store.database import Database, create_database
from tests.conftest import PASSPHRASE


def test_cohens_kappa_on_a_worked_example() -> None:
    # Agreement 3 of 4; chance agreement (3*2 + 1*2) / 16 = 0.5; kappa = (0.75 - 0.5) / 0.5.
    pairs = [("good", "good"), ("good", "good"), ("ri", "ri"), ("good", "ri")]
    assert cohens_kappa(pairs) == 0.5
    assert cohens_kappa([("good", "good"), ("ri", "ri")]) == 1.0
    assert cohens_kappa([]) is None
    assert cohens_kappa([("good", "good")]) is None  # every grade the same: kappa undefined


def first_audits(db: Database, n: int) -> list[str]:
    return [r.id for r in list_records(db, "2018-09") if r.kind == "case-audit"][:n]


def test_the_moderated_grade_counts_and_agreement_is_measured(demo_db: Database) -> None:
    before = stats_json(*week_stats(demo_db, "2018-09"))
    first, second = first_audits(demo_db, 2)
    auditor = draft_of(demo_db, first)[0].answers["supervision"]["value"]
    changed = "inadequate" if auditor != "inadequate" else "good"
    moderate(
        demo_db,
        first,
        {
            "supervision": ModeratedGrade(changed, "No supervision recorded since May."),
            "recording": ModeratedGrade(draft_of(demo_db, first)[0].answers["recording"]["value"]),
        },
        moderator="Yvonne Achterberg",
    )
    agree = draft_of(demo_db, second)[0].answers["supervision"]["value"]
    moderate(demo_db, second, {"supervision": ModeratedGrade(agree)})
    after = stats_json(*week_stats(demo_db, "2018-09"))

    def supervision(figures: dict[str, Any]) -> dict[str, int]:
        counts: dict[str, int] = next(a for a in figures["aspects"] if a["id"] == "supervision")[
            "counts"
        ]
        return counts

    labels = {g["id"]: g["label"] for g in after["scale"]}
    assert supervision(after)[labels[changed]] == supervision(before)[labels[changed]] + 1
    assert supervision(after)[labels[auditor]] == supervision(before)[labels[auditor]] - 1
    moderation = after["moderation"]
    assert moderation["audits"] == 2
    rows = {item["id"]: item for item in moderation["items"]}
    assert (rows["supervision"]["moderated"], rows["supervision"]["agreed"]) == (2, 1)
    assert rows["supervision"]["agreement_pct"] == 50.0
    assert (rows["recording"]["moderated"], rows["recording"]["agreed"]) == (1, 1)
    assert moderation["kappa"] is not None
    assert before["moderation"] is None


def test_a_moderation_that_differs_needs_a_reason(demo_db: Database) -> None:
    record = first_audits(demo_db, 1)[0]
    given = draft_of(demo_db, record)[0].answers["supervision"]["value"]
    other = "outstanding" if given != "outstanding" else "good"
    with pytest.raises(InvalidRecord, match="needs a reason"):
        moderate(demo_db, record, {"supervision": ModeratedGrade(other)})
    with pytest.raises(InvalidRecord, match="no graded item 'strengths'"):
        moderate(demo_db, record, {"strengths": ModeratedGrade("good")})
    with pytest.raises(InvalidRecord, match="'superb' is not a grade"):
        moderate(demo_db, record, {"supervision": ModeratedGrade("superb", "Why not")})
    assert moderation_of(demo_db, record) is None


def test_only_completed_case_audits_are_moderated(demo_db: Database) -> None:
    observation = next(r for r in list_records(demo_db, "2018-09") if r.kind == "observation")
    with pytest.raises(InvalidRecord, match="Only completed case audits"):
        moderate(demo_db, observation.id, {"overall": ModeratedGrade("good")})
    record = first_audits(demo_db, 1)[0]
    draft, _ = draft_of(demo_db, record)
    new = save_assessment(demo_db, None, draft, second_audit=True)  # a deliberate draft copy
    with pytest.raises(InvalidRecord, match="Only completed case audits"):
        moderate(demo_db, new.id, {"overall": ModeratedGrade("good")})


def test_the_report_shows_the_moderation(demo_db: Database) -> None:
    for record in first_audits(demo_db, 3):
        overall = draft_of(demo_db, record)[0].answers["overall"]["value"]
        moderate(demo_db, record, {"overall": ModeratedGrade(overall)})
    reader = PdfReader(io.BytesIO(report_pdf(demo_db, "2018-09")))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Three audits were moderated" in text
    assert "Overall grade for the case 3 (few) 3 100.0% 100.0%" in text
    assert "Fewer than 10 grades were reviewed" in text


def test_a_moderation_travels_with_its_week(demo_db: Database, tmp_path: Path) -> None:
    record = first_audits(demo_db, 1)[0]
    given = draft_of(demo_db, record)[0].answers["recording"]["value"]
    moderate(demo_db, record, {"recording": ModeratedGrade(given)}, moderator="QA officer")
    package = tmp_path / "week.pwx"
    export_package(demo_db, package, week_code="2018-09", passphrase="package passphrase")
    qa = create_database(tmp_path / "qa.db", PASSPHRASE, device_name="qa")
    try:
        merge_packages(qa, [package], passphrase="package passphrase", trust_new=True)
        view = moderation_of(qa, record)
        assert view is not None
        assert (view.moderator, view.grades["recording"].grade) == ("QA officer", given)
    finally:
        qa.close()
