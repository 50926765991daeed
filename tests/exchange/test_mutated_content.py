"""A property: a genuinely signed and encrypted package whose content was changed anywhere, to
anything, is refused whole with the database unchanged, or merges into a database whose every
version keeps the rules and whose lists, figures and report still work."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from pwdesk.domain.errors import PwdeskError
from pwdesk.services.assessments import list_records
from pwdesk.services.checks import Cited, Forms, record_problems
from pwdesk.services.merge import merge_packages
from pwdesk.services.report import report_content
from pwdesk.services.stats import week_stats
from pwdesk.store.database import Database
from pwdesk.store.models import MODELS, Assessment, RecordVersion
from pwdesk.store.records import checked_content
from tests.exchange import (
    PACKAGE_PASSPHRASE,
    SECRETS,
    WEEK,
    World,
    copy_database,
    payload_of,
    rehash,
    reopen,
    reseal,
    snapshot,
)

HOSTILE_TEXT = ["superb", "completed", "archived", "observation", "0001-01-01", "2018-09-31"]
HOSTILE_TEXT += ["", " ", "\x00", '=HYPERLINK("x")', "C" * 300, "line\nbreak", "\u202e"]

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=20),
    st.lists(st.sampled_from(HOSTILE_TEXT), max_size=2),
    st.dictionaries(st.sampled_from(["value", "note", "rule", "grade", "x"]), st.text(max_size=5)),
)


@st.composite
def changes(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "record": draw(st.integers(min_value=0)),
        "version": draw(st.integers(min_value=0)),
        "field": draw(st.integers(min_value=0)),
        "inner": draw(st.integers(min_value=0)),
        "deeper": draw(st.booleans()),
        "value": draw(values),
        "rehash": draw(st.booleans()),
    }


def apply(payload: dict[str, Any], change: dict[str, Any]) -> None:
    """Set one field (or one key inside a field) of one version of one record."""
    records = payload["records"]
    record = records[change["record"] % len(records)]
    version = record["versions"][change["version"] % len(record["versions"])]
    content = version["content"]
    name = sorted(content)[change["field"] % len(content)]
    target = content[name]
    if change["deeper"] and isinstance(target, dict) and target:
        key = sorted(target)[change["inner"] % len(target)]
        inner = target[key]
        if isinstance(inner, dict) and inner:
            inner[sorted(inner)[change["inner"] % len(inner)]] = change["value"]
        else:
            target[key] = change["value"]
    else:
        content[name] = change["value"]
    if change["rehash"]:
        rehash(record)


def every_version_keeps_the_rules(db: Database) -> None:
    forms = Forms(db)
    with db.read() as session:

        def of_assessment(assessment_id: str) -> Cited | None:
            audit = session.get(Assessment, assessment_id)
            if audit is None:
                return None
            return (audit.template_id, audit.template_version, audit.kind)

        forms.of_assessment = of_assessment
        for version in session.scalars(select(RecordVersion)):
            model = MODELS[version.record_type]
            values = checked_content(model, version.content)
            assert record_problems(model, values, forms) == [], version.record_type


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(change=changes())
def test_a_signed_package_changed_anywhere_is_refused_or_keeps_every_rule(
    world: World, tmp_path: Path, change: dict[str, Any]
) -> None:
    header, payload = payload_of(world.good)
    changed = copy.deepcopy(payload)
    apply(changed, change)
    package = reseal(changed, tmp_path / "changed.pwx", header)
    db = reopen(copy_database(world.qa.path, tmp_path / "qa.db"))
    try:
        before = snapshot(db)
        try:
            merge_packages(db, [package], passphrase=PACKAGE_PASSPHRASE, trust_new=True)
        except PwdeskError as error:
            message = str(error)
            assert message
            assert "Traceback" not in message
            assert not any(secret in message for secret in SECRETS)
            after = snapshot(db)
            assert (after.dump, after.tables) == (before.dump, before.tables)
            event("refused")
            return
        event("merged")
        every_version_keeps_the_rules(db)
        assert list_records(db, WEEK) is not None
        week_stats(db, WEEK)
        report_content(db, WEEK)
    finally:
        db.close()
        for leftover in tmp_path.glob("qa.db*"):
            leftover.unlink()
