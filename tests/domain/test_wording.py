"""The one way pwdesk writes figures: percentages half up, counts agreeing with their nouns,
numbers in words at the start of a sentence."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwdesk.domain.wording import (
    change_in_points,
    count,
    count_was,
    date_range,
    date_span,
    half_up,
    kappa_figure,
    listed,
    number_in_words,
    percent,
    percent_of,
    spelled_count,
)


def test_percentages_round_halves_up_from_whole_counts() -> None:
    assert percent_of(13, 40) == 32.5  # exactly a half at one place: kept, not 32.4
    assert percent_of(1, 16) == 6.3  # 6.25 rounds up
    assert percent_of(1, 3) == 33.3
    assert percent_of(2, 3) == 66.7
    assert percent_of(0, 0) is None
    assert percent(percent_of(13, 40)) == "32.5%"
    assert percent(None) == "\N{EN DASH}"


@given(st.integers(0, 500), st.integers(1, 500))
def test_a_percentage_is_the_nearest_tenth_with_halves_up(part: int, whole: int) -> None:
    pct = percent_of(part, whole)
    assert pct is not None
    tenths = round(pct * 10)
    exact = 1000 * part / whole  # in tenths of a percent
    assert tenths - 0.5 <= exact < tenths + 0.5


def test_half_up_is_not_bankers_rounding() -> None:
    assert half_up(2.5, 0) == 3.0
    assert half_up(0.125, 2) == 0.13
    assert half_up(2.675, 2) == 2.68  # the float is 2.67499..., its shortest repr is 2.675
    assert half_up(-0.125, 2) == -0.13
    assert kappa_figure(0.625) == "0.63"
    assert kappa_figure(None) == "\N{EN DASH}"


def test_counts_agree_with_their_nouns() -> None:
    assert count(1, "record") == "1 record"
    assert count(2, "record") == "2 records"
    assert count(0, "child", "children") == "0 children"
    assert count_was(1, "record") == "1 record was"
    assert count_was(3, "record") == "3 records were"
    assert count_was(1, "record", start=True) == "One record was"


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "zero"),
        (7, "seven"),
        (13, "thirteen"),
        (40, "forty"),
        (42, "forty-two"),
        (100, "one hundred"),
        (120, "one hundred and twenty"),
        (305, "three hundred and five"),
        (2000, "two thousand"),
        (2018, "two thousand and eighteen"),
        (8412, "eight thousand, four hundred and twelve"),
    ],
)
def test_numbers_in_words(number: int, words: str) -> None:
    assert number_in_words(number) == words


def test_a_sentence_starts_with_words_not_a_numeral() -> None:
    assert spelled_count(6, "senior leader") == "Six senior leaders"
    assert spelled_count(1, "child", "children") == "One child"
    assert spelled_count(21, "case") == "Twenty-one cases"


def test_lists_and_weeks_of_one_day() -> None:
    assert listed(["Outstanding", "Good"]) == "Outstanding and Good"
    assert listed(["a", "b", "c"]) == "a, b and c"
    assert listed(["Good"]) == "Good"
    day = dt.date(2019, 3, 18)
    assert date_range(day, day) == "18 March 2019"
    assert date_range(day, dt.date(2019, 3, 22)) == "18 March 2019 to 22 March 2019"


def test_changes_and_spans_of_days() -> None:
    assert change_in_points(3.2) == "up 3.2 points"
    assert change_in_points(-1.0) == "down 1.0 points"
    assert change_in_points(0.0) == "no change"
    assert change_in_points(None) == "\N{EN DASH}"
    assert date_span(dt.date(2018, 9, 17), dt.date(2018, 9, 21)) == "17\N{EN DASH}21 September 2018"
    assert (
        date_span(dt.date(2018, 12, 31), dt.date(2019, 1, 4))
        == "31 December 2018 \N{EN DASH} 4 January 2019"
    )
