"""Cohort rules: which children a week audits, decided on a child's dates at a reference date.

A cohort's rules must all hold. A child whose data lacks a date a rule needs does not meet it.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pwdesk.domain.dates import long_date, parse_date
from pwdesk.domain.errors import PwdeskError


class CohortRuleError(PwdeskError):
    """A stored or typed cohort rule is malformed."""


@dataclass(frozen=True)
class ChildFacts:
    """What the rules may look at: a child's dates, nothing that names them."""

    date_of_birth: date | None = None
    entered_care: date | None = None
    age: int | None = None  # whole years, when a case list gives an age rather than a birth date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 August + 6 months = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_in_years(born: date, on: date) -> int:
    """Whole years of age on a date; the birthday itself counts."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class AgeUnder:
    """Aged under ``years`` on the reference date (a child turning 12 that day is not under 12)."""

    years: int

    def holds(self, child: ChildFacts, on: date) -> bool:
        born = child.date_of_birth
        if born is None:
            return child.age is not None and child.age < self.years
        return born <= on and age_in_years(born, on) < self.years

    def describe(self) -> str:
        return f"aged under {self.years}"

    def to_dict(self) -> dict[str, Any]:
        return {"rule": "age-under", "years": self.years}


@dataclass(frozen=True)
class InCareAtLeast:
    """In care for at least ``months`` whole months on the reference date."""

    months: int

    def holds(self, child: ChildFacts, on: date) -> bool:
        entered = child.entered_care
        return entered is not None and add_months(entered, self.months) <= on

    def describe(self) -> str:
        return f"in care for at least {self.months} months"

    def to_dict(self) -> dict[str, Any]:
        return {"rule": "in-care-at-least", "months": self.months}


@dataclass(frozen=True)
class EnteredCareBetween:
    """Came into care between two dates, both included."""

    first: date
    last: date

    def holds(self, child: ChildFacts, on: date) -> bool:
        entered = child.entered_care
        return entered is not None and self.first <= entered <= self.last and entered <= on

    def describe(self) -> str:
        return f"came into care between {long_date(self.first)} and {long_date(self.last)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": "entered-care-between",
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
        }


CohortRule = AgeUnder | InCareAtLeast | EnteredCareBetween


def meets_all(rules: Sequence[CohortRule], child: ChildFacts, on: date) -> bool:
    """Whether a child meets every rule of a cohort on the reference date."""
    return all(rule.holds(child, on) for rule in rules)


def describe_rules(rules: Sequence[CohortRule]) -> str:
    """The rules in words, e.g. "aged under 12 and in care for at least 12 months"."""
    return " and ".join(rule.describe() for rule in rules) or "every child"


MAX_YEARS = 30
"""The oldest age a rule may name: care leavers are supported to 25, so 30 leaves room."""
MAX_MONTHS = 12 * MAX_YEARS


def _whole_number(data: Mapping[str, Any], key: str, most: int) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= most:
        raise CohortRuleError(
            f"Cohort rule {data.get('rule')!r} needs '{key}' as a whole number from 0 to {most}."
        )
    return value


def _iso_date(data: Mapping[str, Any], key: str) -> date:
    day = parse_date(data.get(key))
    if day is None:
        raise CohortRuleError(
            f"Cohort rule {data.get('rule')!r} needs '{key}' as a date like 2018-06-01."
        )
    return day


_RULE_KEYS = {
    "age-under": ("years",),
    "in-care-at-least": ("months",),
    "entered-care-between": ("first", "last"),
}


def rule_from_dict(data: Mapping[str, Any]) -> CohortRule:
    """Rebuild a rule from its stored form; CohortRuleError if it is malformed."""
    kind = data.get("rule")
    extra = sorted(set(data) - {"rule", *_RULE_KEYS.get(str(kind), ())})
    if kind in _RULE_KEYS and extra:
        raise CohortRuleError(f"Cohort rule {kind!r} has unknown settings: {', '.join(extra)}.")
    if kind == "age-under":
        return AgeUnder(_whole_number(data, "years", MAX_YEARS))
    if kind == "in-care-at-least":
        return InCareAtLeast(_whole_number(data, "months", MAX_MONTHS))
    if kind == "entered-care-between":
        first, last = _iso_date(data, "first"), _iso_date(data, "last")
        if last < first:
            raise CohortRuleError("Cohort rule 'entered-care-between' ends before it starts.")
        return EnteredCareBetween(first, last)
    raise CohortRuleError(
        f"Unknown cohort rule {kind!r}; expected age-under, in-care-at-least "
        "or entered-care-between."
    )


def rules_from_list(data: Sequence[Mapping[str, Any]]) -> tuple[CohortRule, ...]:
    """Rebuild a cohort's rules from their stored form."""
    return tuple(rule_from_dict(item) for item in data)
