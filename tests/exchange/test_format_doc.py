"""docs/export-format.md is enough to compute version ids: canonical JSON written here from the
page's rules alone, without json.dumps, gives pwdesk's bytes and ids for every version a store
holds and for any plain value."""

from __future__ import annotations

import hashlib
import math
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from pwdesk.domain.versions import canonical_json
from pwdesk.services.allocation import allocate_audit
from pwdesk.services.assessments import list_records
from pwdesk.services.lookup import directory
from pwdesk.services.moderation import ModeratedGrade, moderate
from pwdesk.store.database import Database
from pwdesk.store.models import MODELS, RecordVersion

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n"}
_SHORT_ESCAPES |= {"\f": "\\f", "\r": "\\r"}


def _string(text: str) -> str:
    out = []
    for char in text:
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif ord(char) < 0x20:
            out.append(f"\\u00{ord(char):02x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _shortest_digits(number: float) -> tuple[str, int]:
    """The fewest significant digits that read back as ``number`` (the nearest such decimal to
    its exact value when two of that length do, the even one on a tie), and the decimal exponent
    of the first."""
    exact = Decimal(number).copy_abs()
    for precision in range(1, 18):
        exponent = exact.adjusted()
        quantum = Decimal(1).scaleb(exponent - precision + 1)
        down = exact.quantize(quantum, rounding=ROUND_FLOOR)
        candidates = [c for c in (down, down + quantum) if float(c) == abs(number)]
        if candidates:
            best = min(candidates, key=lambda c: (abs(c - exact), int(c.as_tuple().digits[-1]) % 2))
            digits = str(best.scaleb(-best.adjusted() + precision - 1).to_integral_value())
            return digits.rstrip("0") or "0", best.adjusted()
    raise AssertionError("a double always reads back from 17 digits")


def _fraction(number: float) -> str:
    """A number with a fraction, laid out as the page says."""
    sign = "-" if math.copysign(1, number) < 0 else ""
    if number == 0:
        return f"{sign}0.0"
    digits, exponent = _shortest_digits(number)
    if -4 <= exponent < 16:
        if exponent < 0:
            whole, part = "0", "0" * (-exponent - 1) + digits
        else:
            padded = digits.ljust(exponent + 1, "0")
            whole, part = padded[: exponent + 1], padded[exponent + 1 :]
        return f"{sign}{whole}.{part or '0'}"
    rest = f".{digits[1:]}" if len(digits) > 1 else ""
    return f"{sign}{digits[0]}{rest}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def doc_canonical(value: Any) -> str:
    """Canonical JSON by the rules of docs/export-format.md."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        assert math.isfinite(value)
        return _fraction(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ",".join(doc_canonical(item) for item in value) + "]"
    members = sorted(value.items(), key=lambda member: [ord(c) for c in member[0]])
    return "{" + ",".join(f"{_string(k)}:{doc_canonical(v)}" for k, v in members) + "}"


def doc_version_id(
    record_type: str, record_id: str, content: Any, parents: list[str], deleted: bool
) -> str:
    body = {
        "content": content,
        "deleted": deleted,
        "parents": sorted(set(parents)),
        "record": record_id,
        "type": record_type,
    }
    return hashlib.sha256(doc_canonical(body).encode("utf-8")).hexdigest()


def test_every_version_of_a_store_has_the_id_the_page_computes(demo_db: Database) -> None:
    audit = next(
        r for r in list_records(demo_db, "2018-09") if r.kind == "case-audit" and r.overall_grade_id
    )
    people = directory(demo_db)
    child, leader = people.child(audit.case_reference or ""), people.auditor(audit.auditor or "")
    allocate_audit(demo_db, "2018-09", child, leader)
    moderate(
        demo_db, audit.id, {"overall": ModeratedGrade("outstanding", "Exceptional — “settled”.")}
    )
    with demo_db.read() as session:
        versions = list(session.scalars(select(RecordVersion)))
        assert {v.record_type for v in versions} == set(MODELS)
        for version in versions:
            assert version.id == doc_version_id(
                version.record_type,
                version.record_id,
                version.content,
                list(version.parents),
                version.deleted,
            )


plain = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(value=plain)
def test_any_plain_value_is_written_as_the_page_says(value: Any) -> None:
    try:
        expected = canonical_json(value)
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8, so never in a package
        return
    assert doc_canonical(value).encode("utf-8") == expected


def test_the_page_s_own_examples() -> None:
    assert [_fraction(x) for x in (2.5, 0.001, 100.0, 1e16, 1.5e-07, -0.0001)] == [
        "2.5",
        "0.001",
        "100.0",
        "1e+16",
        "1.5e-07",
        "-0.0001",
    ]
    assert (
        doc_canonical({"b": "é\u2028\x7f", "a": '"\\\x01'})
        == '{"a":"\\"\\\\\\u0001","b":"é\u2028\x7f"}'
    )
