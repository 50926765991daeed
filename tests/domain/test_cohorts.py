"""Cohort rules at the boundary dates, in words, and in their stored form."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from pwdesk.domain.cohorts import (
    AgeUnder,
    ChildFacts,
    CohortRule,
    CohortRuleError,
    EnteredCareBetween,
    InCareAtLeast,
    add_months,
    age_in_years,
    describe_rules,
    meets_all,
    rule_from_dict,
    rules_from_list,
)
from pwdesk.domain.errors import PwdeskError

ON = date(2018, 9, 17)  # the reference date: the Practice Week's census day
DAY = timedelta(days=1)


def born(day: date) -> ChildFacts:
    return ChildFacts(date_of_birth=day)


def entered(day: date) -> ChildFacts:
    return ChildFacts(entered_care=day)


# --- add_months and age_in_years ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2018, 1, 15), 0, date(2018, 1, 15)),
        (date(2018, 1, 15), 1, date(2018, 2, 15)),
        (date(2018, 11, 30), 2, date(2019, 1, 30)),  # across a year end
        (date(2018, 1, 15), 12, date(2019, 1, 15)),
        (date(2018, 1, 15), 25, date(2020, 2, 15)),
        (date(2017, 8, 31), 6, date(2018, 2, 28)),  # clamped to February's end
        (date(2019, 8, 31), 6, date(2020, 2, 29)),  # ...which is the 29th in a leap year
        (date(2018, 1, 31), 3, date(2018, 4, 30)),  # 30-day month
        (date(2016, 2, 29), 12, date(2017, 2, 28)),
        (date(2016, 2, 29), 48, date(2020, 2, 29)),
        (date(2018, 3, 31), -1, date(2018, 2, 28)),  # backwards too
        (date(2018, 1, 15), -1, date(2017, 12, 15)),
        (date(2018, 1, 15), -13, date(2016, 12, 15)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("born_on", "on", "age"),
    [
        (date(2006, 9, 17), date(2018, 9, 16), 11),  # the day before the 12th birthday
        (date(2006, 9, 17), date(2018, 9, 17), 12),  # the birthday itself counts
        (date(2006, 9, 17), date(2018, 9, 18), 12),
        (date(2006, 12, 31), date(2018, 1, 1), 11),
        (date(2018, 9, 17), date(2018, 9, 17), 0),  # born that day
        (date(2008, 2, 29), date(2020, 2, 28), 11),  # leap-day child, non-birthday leap year
        (date(2008, 2, 29), date(2020, 2, 29), 12),
        (date(2008, 2, 29), date(2019, 2, 28), 10),  # in a common year, 1 March is the day
        (date(2008, 2, 29), date(2019, 3, 1), 11),
    ],
)
def test_age_in_years(born_on: date, on: date, age: int) -> None:
    assert age_in_years(born_on, on) == age


# --- AgeUnder ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born_on", "holds"),
    [
        (date(2006, 9, 18), True),  # turns 12 tomorrow: still 11
        (date(2006, 9, 17), False),  # turns 12 on the reference date: not under 12
        (date(2006, 9, 16), False),
        (date(2018, 9, 17), True),  # born on the reference date: aged 0
        (date(2018, 9, 18), False),  # not yet born on the reference date
        (date(2019, 1, 1), False),
    ],
)
def test_age_under_12_at_the_birthday(born_on: date, holds: bool) -> None:
    assert AgeUnder(12).holds(born(born_on), ON) is holds


def test_age_under_needs_a_date_of_birth() -> None:
    assert not AgeUnder(12).holds(ChildFacts(), ON)
    assert not AgeUnder(12).holds(entered(date(2017, 1, 1)), ON)


def test_age_under_zero_holds_for_nobody() -> None:
    assert not AgeUnder(0).holds(born(ON), ON)


# --- InCareAtLeast -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entered_on", "holds"),
    [
        (date(2017, 9, 17), True),  # exactly twelve months before the reference date
        (date(2017, 9, 18), False),  # one day short
        (date(2017, 9, 16), True),
        (date(2010, 1, 1), True),
        (ON, False),
        (ON + DAY, False),  # enters care after the reference date
    ],
)
def test_in_care_at_least_12_months(entered_on: date, holds: bool) -> None:
    assert InCareAtLeast(12).holds(entered(entered_on), ON) is holds


@pytest.mark.parametrize(
    ("entered_on", "on", "holds"),
    [
        # 31 August + 6 months is 28 February in a common year...
        (date(2017, 8, 31), date(2018, 2, 28), True),
        (date(2017, 8, 31), date(2018, 2, 27), False),
        # ...and 29 February in a leap year, so 28 February is one day short.
        (date(2019, 8, 31), date(2020, 2, 29), True),
        (date(2019, 8, 31), date(2020, 2, 28), False),
    ],
)
def test_six_months_in_care_clamps_to_month_end(entered_on: date, on: date, holds: bool) -> None:
    assert InCareAtLeast(6).holds(entered(entered_on), on) is holds


@pytest.mark.parametrize(
    ("on", "holds"),
    [
        (date(2017, 2, 27), False),
        (date(2017, 2, 28), True),  # a year from 29 February is taken as 28 February
        (date(2017, 3, 1), True),
    ],
)
def test_in_care_from_29_february(on: date, holds: bool) -> None:
    assert InCareAtLeast(12).holds(entered(date(2016, 2, 29)), on) is holds


def test_in_care_zero_months_holds_from_the_day_of_entry() -> None:
    assert InCareAtLeast(0).holds(entered(ON), ON)
    assert not InCareAtLeast(0).holds(entered(ON + DAY), ON)


def test_in_care_needs_an_entry_date() -> None:
    assert not InCareAtLeast(12).holds(ChildFacts(), ON)
    assert not InCareAtLeast(12).holds(born(date(2010, 1, 1)), ON)


# --- EnteredCareBetween --------------------------------------------------------------------------

FIRST = date(2018, 1, 1)
LAST = date(2018, 6, 30)
WINDOW = EnteredCareBetween(FIRST, LAST)


@pytest.mark.parametrize(
    ("entered_on", "holds"),
    [
        (FIRST - DAY, False),
        (FIRST, True),  # both ends are included
        (date(2018, 3, 15), True),
        (LAST, True),
        (LAST + DAY, False),
    ],
)
def test_entered_care_between_both_ends_included(entered_on: date, holds: bool) -> None:
    assert WINDOW.holds(entered(entered_on), ON) is holds


def test_entered_care_between_excludes_entry_after_the_reference_date() -> None:
    window = EnteredCareBetween(date(2018, 9, 1), date(2018, 9, 30))
    assert window.holds(entered(ON), ON)
    assert not window.holds(entered(ON + DAY), ON)


def test_entered_care_between_single_day_window() -> None:
    window = EnteredCareBetween(FIRST, FIRST)
    assert window.holds(entered(FIRST), ON)
    assert not window.holds(entered(FIRST + DAY), ON)


def test_entered_care_between_needs_an_entry_date() -> None:
    assert not WINDOW.holds(ChildFacts(), ON)


# --- meets_all and describe_rules ----------------------------------------------------------------

RULES: tuple[CohortRule, ...] = (AgeUnder(12), InCareAtLeast(12))


@pytest.mark.parametrize(
    ("child", "meets"),
    [
        (ChildFacts(date(2010, 5, 1), date(2016, 3, 1)), True),
        (ChildFacts(date(2006, 9, 17), date(2016, 3, 1)), False),  # twelve on the day
        (ChildFacts(date(2010, 5, 1), date(2017, 9, 18)), False),  # a day short in care
        (ChildFacts(date(2010, 5, 1), None), False),
        (ChildFacts(None, date(2016, 3, 1)), False),
    ],
)
def test_meets_all_needs_every_rule(child: ChildFacts, meets: bool) -> None:
    assert meets_all(RULES, child, ON) is meets


def test_meets_all_with_no_rules_takes_every_child() -> None:
    assert meets_all([], ChildFacts(), ON)


@pytest.mark.parametrize(
    ("rules", "words"),
    [
        ((), "every child"),
        ((AgeUnder(12),), "aged under 12"),
        (RULES, "aged under 12 and in care for at least 12 months"),
        (
            (EnteredCareBetween(date(2018, 6, 1), date(2018, 12, 31)),),
            "came into care between 1 June 2018 and 31 December 2018",
        ),
        (
            (AgeUnder(18), InCareAtLeast(6), EnteredCareBetween(FIRST, LAST)),
            "aged under 18 and in care for at least 6 months and came into care between "
            "1 January 2018 and 30 June 2018",
        ),
    ],
)
def test_describe_rules(rules: tuple[CohortRule, ...], words: str) -> None:
    assert describe_rules(rules) == words


# --- stored form ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "stored"),
    [
        (AgeUnder(12), {"rule": "age-under", "years": 12}),
        (AgeUnder(0), {"rule": "age-under", "years": 0}),
        (InCareAtLeast(6), {"rule": "in-care-at-least", "months": 6}),
        (
            EnteredCareBetween(FIRST, LAST),
            {"rule": "entered-care-between", "first": "2018-01-01", "last": "2018-06-30"},
        ),
    ],
)
def test_rule_round_trip(rule: CohortRule, stored: dict[str, Any]) -> None:
    assert rule.to_dict() == stored
    assert rule_from_dict(stored) == rule
    assert rule_from_dict(rule.to_dict()) == rule


def test_rules_from_list() -> None:
    rules = (AgeUnder(12), InCareAtLeast(12), EnteredCareBetween(FIRST, LAST))
    assert rules_from_list([rule.to_dict() for rule in rules]) == rules
    assert rules_from_list([]) == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Unknown cohort rule None"),
        ({"rule": "age-over", "years": 12}, "Unknown cohort rule 'age-over'"),
        ({"rule": "age-under"}, "'years' as a whole number"),
        ({"rule": "age-under", "years": -1}, "'years' as a whole number"),
        ({"rule": "age-under", "years": True}, "'years' as a whole number"),
        ({"rule": "age-under", "years": 12.0}, "'years' as a whole number"),
        ({"rule": "age-under", "years": "12"}, "'years' as a whole number"),
        ({"rule": "in-care-at-least"}, "'months' as a whole number"),
        ({"rule": "in-care-at-least", "months": -6}, "'months' as a whole number"),
        ({"rule": "in-care-at-least", "months": False}, "'months' as a whole number"),
        ({"rule": "entered-care-between", "last": "2018-06-30"}, "'first' as a date"),
        (
            {"rule": "entered-care-between", "first": "2018-01-01", "last": "30/06/2018"},
            "'last' as a date",
        ),
        (
            {"rule": "entered-care-between", "first": "2018-02-30", "last": "2018-06-30"},
            "'first' as a date",
        ),
        (
            {"rule": "entered-care-between", "first": "2018-06-30", "last": "2018-01-01"},
            "ends before it starts",
        ),
        ({"rule": "entered-care-between", "first": 20180601, "last": "2018-06-30"}, "'first'"),
        ({"rule": "entered-care-between", "first": "20180601", "last": "2018-06-30"}, "'first'"),
    ],
)
def test_malformed_rules(data: dict[str, Any], message: str) -> None:
    with pytest.raises(CohortRuleError, match=message) as caught:
        rule_from_dict(data)
    assert isinstance(caught.value, PwdeskError)  # shown to the user as one sentence
    assert str(caught.value).endswith(".")


def test_rules_from_list_fails_on_any_malformed_rule() -> None:
    with pytest.raises(CohortRuleError):
        rules_from_list([{"rule": "age-under", "years": 12}, {"rule": "age-under"}])
