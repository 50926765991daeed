"""Feedback sheets, read back from the PDF: every grade, word of evidence, action and marking."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from pwdesk.domain.answers import answer
from pwdesk.domain.templates import ItemType
from pwdesk.services.assessments import draft_of, list_records, save_assessment
from pwdesk.services.feedback import feedback_content, feedback_pdf
from pwdesk.services.settings import load_settings, save_settings
from pwdesk.services.templates import catalogue
from pwdesk.store.database import Database


def read(pdf: bytes) -> tuple[int, str]:
    """Page count, and the text of every page with runs of whitespace made single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_demo_record_fits_one_page_and_shows_everything(demo_db: Database) -> None:
    records = list_records(demo_db, "2018-09")
    assert len(records) == 56
    for record in records:
        content = feedback_content(demo_db, record.id)
        pages, text = read(feedback_pdf(demo_db, record.id))
        assert pages == 1, record.id
        assert "Page 1 of 1" in text
        assert text.count("OFFICIAL-SENSITIVE") >= 2  # header and footer
        for line in content.aspects:
            assert flat(line.label) in text
            assert flat(line.grade_label) in text
            assert flat(line.evidence) in text
        assert f"Overall grade {content.overall.grade_label}" in text
        for action in content.actions:
            assert flat(action.description) in text
            assert action.owner in text
        assert flat(content.strengths) in text
        assert flat(content.development) in text
        if record.case_reference:
            assert record.case_reference in text
        assert "DRAFT" not in text


def test_names_with_accents_survive(demo_db: Database) -> None:
    accented = [
        r
        for r in list_records(demo_db, "2018-09")
        if r.practitioner and not r.practitioner.isascii()
    ]
    assert accented
    for record in accented[:5]:
        _, text = read(feedback_pdf(demo_db, record.id))
        assert record.practitioner
        assert record.practitioner in text


def test_the_fonts_are_embedded(demo_db: Database) -> None:
    record = list_records(demo_db, "2018-09")[0]
    reader = PdfReader(io.BytesIO(feedback_pdf(demo_db, record.id)))
    resources: Any = reader.pages[0]["/Resources"].get_object()
    fonts: Any = resources["/Font"].get_object()
    names = []
    for reference in fonts.values():
        font = reference.get_object()
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]
        names.append(str(font["/BaseFont"]))
    assert any("NotoSans" in name for name in names)


def test_long_evidence_flows_onto_a_second_page(demo_db: Database) -> None:
    record = next(r for r in list_records(demo_db, "2018-09") if r.kind == "case-audit")
    draft, status = draft_of(demo_db, record.id)
    long_text = " ".join(
        f"Observation {n}: the plan was discussed with the carers and the school."
        for n in range(60)
    )
    answers = {**draft.answers, "childs-voice": answer("good", long_text)}
    save_assessment(demo_db, record.id, replace(draft, answers=answers), status=status)
    pages, text = read(feedback_pdf(demo_db, record.id))
    assert pages == 2
    assert "Page 1 of 2" in text
    assert "Page 2 of 2" in text
    assert "Observation 59: the plan was discussed" in text


def test_a_draft_says_so(demo_db: Database) -> None:
    record = list_records(demo_db, "2018-09")[0]
    draft, _ = draft_of(demo_db, record.id)
    observation = next(r for r in list_records(demo_db, "2018-09") if r.kind == "observation")
    obs_draft, _ = draft_of(demo_db, observation.id)
    new = save_assessment(demo_db, None, replace(obs_draft, answers={}))
    _, text = read(feedback_pdf(demo_db, new.id))
    assert "DRAFT" in text
    assert "Not graded" in text
    assert draft.answers  # the completed record is untouched
    _, completed = read(feedback_pdf(demo_db, record.id))
    assert "DRAFT" not in completed


def test_the_marking_authority_and_logo_come_from_settings(
    demo_db: Database, tmp_path: Path
) -> None:
    from PIL import Image  # reportlab's own dependency, used here only to make a logo

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (31, 78, 154)).save(logo)
    settings = replace(
        load_settings(demo_db),
        authority_name="Fictional Borough Council",
        protective_marking="Official",
        logo_path=str(logo),
    )
    save_settings(demo_db, settings)
    record = list_records(demo_db, "2018-09")[0]
    pdf = feedback_pdf(demo_db, record.id)
    _, text = read(pdf)
    assert "Fictional Borough Council" in text
    assert text.count("OFFICIAL") >= 2
    assert "OFFICIAL-SENSITIVE" not in text
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.pages[0].images, "the logo is drawn on the page"


@pytest.mark.parametrize("kind", ["home-visit", "cp-conference", "core-group"])
def test_each_kind_of_observation_has_its_sheet(demo_db: Database, kind: str) -> None:
    record = next(r for r in list_records(demo_db, "2018-09") if r.observation_type == kind)
    pages, text = read(feedback_pdf(demo_db, record.id))
    assert pages == 1
    assert "Observation of practice" in text
    assert record.practitioner
    assert record.practitioner in text


def test_the_overall_evidence_and_a_comment_on_an_unanswered_question_are_printed(
    demo_db: Database,
) -> None:
    record = next(r for r in list_records(demo_db, "2018-09") if r.kind == "case-audit")
    draft, status = draft_of(demo_db, record.id)
    template = catalogue(demo_db).get(draft.template_id, draft.template_version)
    question = next(
        item
        for item in template.items()
        if item.type in (ItemType.YES_NO, ItemType.CHOICE, ItemType.DATE, ItemType.NUMBER)
    )
    overall = dict(draft.answers[template.overall.id])
    answers = {
        **draft.answers,
        template.overall.id: {**overall, "note": "Fictional: the plan is right for the child."},
        question.id: {"value": None, "note": "Fictional: not known at the discussion."},
    }
    save_assessment(demo_db, record.id, replace(draft, answers=answers), status=status)
    _, text = read(feedback_pdf(demo_db, record.id))
    assert "Fictional: the plan is right for the child." in text
    assert f"{flat(question.label)}: Not answered (Fictional: not known at the discussion.)" in text
