"""Every incoming version keeps the rules a local save keeps: a package signed and encrypted
correctly, but holding values no form could have saved, is refused whole with the first few
problems named, and the database stays exactly as it was."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.versions import version_id
from pwdesk.exchange.package import seal
from pwdesk.resources import resource_path
from pwdesk.services.checks import MAX_PROBLEMS
from pwdesk.services.merge import merge_packages
from pwdesk.services.stats import week_stats
from pwdesk.services.templates import catalogue
from pwdesk.store.database import Database
from tests.exchange import (
    PACKAGE_PASSPHRASE,
    SECRETS,
    WEEK,
    Fault,
    Payload,
    World,
    copy_database,
    faulty_package,
    fresh_id,
    merge,
    payload_of,
    record_of,
    refused,
    rehash,
    reopen,
    reseal,
    snapshot,
)


def every_version(record_type: str, **changes: Any) -> Fault:
    """A fault that sets fields in every version of the first record of a type."""

    def fault(payload: Payload, world: World) -> None:
        record = record_of(payload, record_type)
        for version in record["versions"]:
            version["content"].update(copy.deepcopy(changes))
        rehash(record)

    return fault


def answered(**answers: Any) -> Fault:
    """A fault that adds or changes answers in every version of the laptop's audit."""

    def fault(payload: Payload, world: World) -> None:
        record = next(r for r in payload["records"] if r["id"] == world.audit)
        for version in record["versions"]:
            version["content"]["answers"] = {**version["content"]["answers"], **answers}
        rehash(record)

    return fault


def new_record(record_type: str, content: dict[str, Any]) -> Fault:
    """A fault that adds a record of one version with the content given."""

    def fault(payload: Payload, world: World) -> None:
        record_id = fresh_id()
        filled = {key: value(world) if callable(value) else value for key, value in content.items()}
        vid = version_id(record_type, record_id, filled, [], deleted=False)
        version = {
            "id": vid,
            "parents": [],
            "content": filled,
            "deleted": False,
            "device_id": "2b1e5c7a-3f4d-4e6b-9a8c-1d2e3f4a5b6c",
            "author": "A senior leader",
            "created_at": "2018-09-19T10:00:00+00:00",
        }
        payload["records"].append(
            {"type": record_type, "id": record_id, "heads": [vid], "versions": [version]}
        )

    return fault


def moderation(grades: dict[str, Any]) -> Fault:
    return new_record(
        "moderation",
        {
            "assessment_id": lambda world: world.audit,
            "moderator": "A QA officer",
            "moderated_on": "2018-09-21",
            "grades": grades,
            "note": "",
        },
    )


def authored_by(author: str) -> Fault:
    def fault(payload: Payload, world: World) -> None:
        record_of(payload, "child")["versions"][0]["author"] = author

    return fault


def completed_with_no_answers(payload: Payload, world: World) -> None:
    record = next(r for r in payload["records"] if r["id"] == world.audit)
    for version in record["versions"]:
        version["content"].update({"status": "completed", "answers": {}})
    rehash(record)


def allocation(kind: str, **fields: Any) -> Fault:
    return new_record(
        "allocation",
        {
            "week_id": lambda world: record_of(payload_of(world.good)[1], "week")["id"],
            "kind": kind,
            "observation_type": "",
            "auditor_id": lambda world: record_of(payload_of(world.good)[1], "auditor")["id"],
            "child_id": None,
            "practitioner_id": None,
            "planned_on": None,
            **fields,
        },
    )


VALUE_FAULTS: dict[str, tuple[Fault, str]] = {
    "grade-not-in-scale": (
        answered(overall={"value": "superb"}),
        "'superb' is not a grade of this form",
    ),
    "answer-to-no-item": (
        answered(**{"favourite-colour": {"value": "blue"}}),
        "has no item 'favourite-colour'",
    ),
    "text-for-a-grade": (answered(overall={"value": 3}), "is not a grade of this form"),
    "answer-with-extra-parts": (
        answered(overall={"value": "good", "by": "someone"}),
        "must hold only a value and a note",
    ),
    "unknown-status": (every_version("assessment", status="archived"), "'archived' is not a"),
    "audit-made-an-observation": (
        every_version("assessment", kind="observation"),
        "must be a case-audit",
    ),
    "completed-with-no-answers": (completed_with_no_answers, "needs every required answer"),
    "case-audit-without-a-child": (
        every_version("assessment", child_id=None),
        "must name the child",
    ),
    "unknown-cohort-rule": (
        every_version("cohort", rules=[{"rule": "favourite-colour"}]),
        "Unknown cohort rule 'favourite-colour'",
    ),
    "cohort-rule-of-a-billion-months": (
        every_version("cohort", rules=[{"rule": "in-care-at-least", "months": 10**9}]),
        "'months' as a whole number",
    ),
    "nul-in-a-case-reference": (
        every_version("child", case_reference="CR\x00100"),
        "holds a control character",
    ),
    "ten-megabyte-case-reference": (
        every_version("child", case_reference="C" * 10_000_000),
        "longer than the 64 characters",
    ),
    "escape-in-a-name": (
        every_version("practitioner", name="Sam\x1b[2J Carter"),
        "holds a control character",
    ),
    "empty-name": (every_version("auditor", name="   "), "needs a name"),
    "entered-care-before-birth": (
        every_version("child", date_of_birth="2012-05-01", entered_care="2010-01-01"),
        "enter care before their date of birth",
    ),
    "date-in-year-one": (every_version("child", date_of_birth="0001-01-01"), "outside the years"),
    "week-ends-before-it-starts": (
        every_version("week", starts_on="2018-09-21", ends_on="2018-09-17"),
        "cannot end before it starts",
    ),
    "week-with-an-unknown-form": (
        every_version("week", case_audit_template="no-such-form"),
        "There is no form template 'no-such-form'",
    ),
    "week-with-an-observation-as-its-audit": (
        every_version("week", case_audit_template="home-visit-observation"),
        "as a case-audit form",
    ),
    "unknown-action-status": (
        new_record(
            "action",
            {
                "week_id": lambda world: record_of(payload_of(world.good)[1], "week")["id"],
                "assessment_id": None,
                "description": "Update the care plan.",
                "owner": "",
                "due_on": None,
                "status": "forgotten",
            },
        ),
        "'forgotten' is not a status of an agreed action",
    ),
    "unknown-allocation-kind": (allocation("gossip"), "'gossip' is not a kind of allocation"),
    "case-audit-allocation-without-a-child": (allocation("case-audit"), "must name the child"),
    "moderated-grade-not-in-scale": (
        moderation({"overall": {"grade": "superb", "reason": "Better than that."}}),
        "'superb' is not a grade of this form",
    ),
    "moderated-item-not-graded": (
        moderation({"strengths": {"grade": "good", "reason": "Why not."}}),
        "no graded item 'strengths'",
    ),
    "moderation-malformed": (moderation({"overall": "good"}), "grades are malformed"),
    "author-with-a-control-character": (authored_by("Sam\x07"), "holds a control character"),
    "author-of-a-megabyte": (authored_by("S" * 1_000_000), "longer than the 200 characters"),
}


@pytest.mark.parametrize("name", list(VALUE_FAULTS))
def test_a_value_no_form_could_save_is_refused(
    world: World, target: Database, tmp_path: Path, name: str
) -> None:
    fault, expected = VALUE_FAULTS[name]
    path = faulty_package(world, fault, tmp_path / f"{name}.pwx")
    message = refused(target, path, world)
    assert expected in message
    assert message.startswith(f"{name}.pwx: ")


def test_a_refusal_names_the_first_few_problems_only(
    world: World, target: Database, tmp_path: Path
) -> None:
    def many(payload: Payload, world: World) -> None:
        for record in payload["records"]:
            if record["type"] in ("practitioner", "auditor"):
                for version in record["versions"]:
                    version["content"]["name"] = "\x00"
                rehash(record)

    before = snapshot(target)
    with pytest.raises(PwdeskError) as failure:
        merge_packages(
            target,
            [faulty_package(world, many, tmp_path / "many.pwx")],
            passphrase=PACKAGE_PASSPHRASE,
            trust_new=True,
        )
    message = str(failure.value)
    assert message.count("holds a control character") == MAX_PROBLEMS
    assert all(secret not in message for secret in SECRETS)
    assert snapshot(target) == before


# --- the header must describe its payload -------------------------------------------------------


def sealed_with_header(world: World, out: Path, **header: Any) -> Path:
    """The laptop's records under a header changed as given, signed by a new key."""
    genuine, payload = payload_of(world.good)
    head = {**genuine, **header}
    for key in ("encryption", "format", "cipher", "nonce", "compression", "signature", "signer"):
        head.pop(key, None)
    out.write_bytes(
        seal(payload, head, Ed25519PrivateKey.generate(), passphrase=PACKAGE_PASSPHRASE)
    )
    return out


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ({"counts": {"child": 1}}, "record counts disagree"),
        ({"counts": "many"}, "record counts disagree"),
        ({"week": "2019-03"}, "names the week '2019-03', which it does not hold"),
        ({"week": 201809}, "malformed week"),
        ({"device_id": "laptop-1"}, "malformed device id"),
        ({"device_name": "Laptop\x1b[31m"}, "holds a control character"),
        ({"device_name": "L" * 5000}, "longer than the 200 characters"),
        ({"created_at": "yesterday"}, "malformed time"),
        ({"created_at": "2018-09-21T16:05:00"}, "without a time zone"),
    ],
    ids=lambda value: str(value)[:40] if isinstance(value, dict) else "",
)
def test_a_header_that_disagrees_with_its_payload_is_refused(
    world: World, target: Database, tmp_path: Path, header: dict[str, Any], expected: str
) -> None:
    message = refused(target, sealed_with_header(world, tmp_path / "header.pwx", **header), world)
    assert expected in message


def test_the_same_records_under_an_honest_header_merge(world: World, tmp_path: Path) -> None:
    """The control for the header faults: only the header was at fault."""
    path = sealed_with_header(world, tmp_path / "honest.pwx")
    db = reopen(copy_database(world.qa.path, tmp_path / "qa.db"))
    try:
        assert merge(db, path).new == 1
    finally:
        db.close()


# --- what the review of these rules found ---------------------------------------------------------


def with_time(created_at: str) -> Fault:
    def fault(payload: Payload, world: World) -> None:
        record_of(payload, "child")["versions"][0]["created_at"] = created_at

    return fault


REVIEW_FAULTS: dict[str, tuple[Fault, str]] = {
    "moderation-of-no-grade": (moderation({}), "must moderate at least one grade"),
    "a-second-week-under-the-same-code": (
        new_record(
            "week",
            {
                "code": WEEK,
                "title": "A second week under the same code",
                "theme": "",
                "starts_on": "2018-09-17",
                "ends_on": "2018-09-21",
                "case_audit_template": "permanency-case-audit",
                "observation_templates": [],
                "summary": "",
                "findings": "",
                "recommendations": "",
            },
        ),
        f"a Practice Week with the code {WEEK}, which another week here already has",
    ),
    "an-empty-link": (every_version("cohort-member", child_id=""), "is not the id of a record"),
    "a-time-in-year-one": (with_time("0001-01-01T00:00:00+01:00"), "outside the years 1900"),
    "a-time-in-year-9999": (with_time("9999-12-31T23:59:59-01:00"), "outside the years 1900"),
}


@pytest.mark.parametrize("name", list(REVIEW_FAULTS))
def test_what_a_review_found_is_refused(
    world: World, target: Database, tmp_path: Path, name: str
) -> None:
    fault, expected = REVIEW_FAULTS[name]
    assert expected in refused(
        target, faulty_package(world, fault, tmp_path / f"{name}.pwx"), world
    )


def test_a_new_version_of_a_form_arriving_in_a_package_never_re_reads_a_week(
    world: World, tmp_path: Path
) -> None:
    """A package may carry a later version of a week's form, with a scale that counts every
    grade as good: the week's figures stay those of the form its audits were made with."""
    source = (resource_path("templates") / "permanency-case-audit.toml").read_text("utf-8")
    lenient = source.replace("version = 1", "version = 2", 1).replace(
        'scale = "ofsted-4"',
        '[scale]\nid = "lenient"\ngood_or_better = "inadequate"\ngrades = [\n'
        + "".join(
            f'  {{ id = "{g}", label = "{g}" }},\n'
            for g in ("outstanding", "good", "requires-improvement", "inadequate")
        )
        + "]",
        1,
    )

    header, payload = payload_of(world.good)
    payload["templates"] = [{"id": "permanency-case-audit", "version": 2, "source": lenient}]
    stranger = {key: value for key, value in header.items() if key != "device_id"}
    package = reseal(payload, tmp_path / "lenient.pwx", stranger)
    db = reopen(copy_database(world.qa.path, tmp_path / "qa.db"))
    try:
        merge(db, world.good)
        _, before = week_stats(db, WEEK)
        merge(db, package)
        assert catalogue(db).get("permanency-case-audit").version == 2  # it did arrive
        _, after = week_stats(db, WEEK)
        assert after == before
    finally:
        db.close()


def test_a_line_break_an_earlier_release_kept_still_merges(world: World, tmp_path: Path) -> None:
    """Word's manual line break (a vertical tab) was saved as it was before these rules; such
    history still merges, and a new save makes it a line feed."""
    fault = answered(strengths={"value": "Pasted from Word:\x0bline two"})
    db = reopen(copy_database(world.qa.path, tmp_path / "qa.db"))
    try:
        assert merge(db, faulty_package(world, fault, tmp_path / "word.pwx")).new == 1
    finally:
        db.close()
