"""Grade arithmetic: scale order, ranks, counts and the good-or-better percentage."""

from __future__ import annotations

import pytest

from pwdesk.domain.grades import (
    BUILT_IN_SCALES,
    NOT_APPLICABLE,
    NOT_APPLICABLE_ID,
    OFSTED_FOUR_POINT,
    Grade,
    GradeScale,
)

OFSTED_IDS = ("outstanding", "good", "requires-improvement", "inadequate")

THREE_POINT = GradeScale(
    id="three-point",
    grades=(Grade("strong", "Strong"), Grade("adequate", "Adequate"), Grade("weak", "Weak")),
    good_or_better="adequate",
)


def test_ofsted_scale_is_best_first_and_built_in() -> None:
    assert OFSTED_FOUR_POINT.ids == OFSTED_IDS
    assert BUILT_IN_SCALES["ofsted-4"] is OFSTED_FOUR_POINT
    assert OFSTED_FOUR_POINT.grade("requires-improvement").label == (
        "Requires improvement to be good"
    )


def test_choices_end_with_not_applicable_but_ids_leave_it_out() -> None:
    choices = OFSTED_FOUR_POINT.choices
    assert [grade.id for grade in choices] == [*OFSTED_IDS, NOT_APPLICABLE_ID]
    assert choices[-1] == NOT_APPLICABLE
    assert NOT_APPLICABLE_ID not in OFSTED_FOUR_POINT.ids


@pytest.mark.parametrize(
    ("grade_id", "abbreviation"),
    [
        ("good", "Good"),  # no short form: the label itself
        ("requires-improvement", "RI"),
        (NOT_APPLICABLE_ID, "N/A"),
    ],
)
def test_abbreviation_falls_back_to_the_label(grade_id: str, abbreviation: str) -> None:
    assert OFSTED_FOUR_POINT.grade(grade_id).abbreviation == abbreviation


def test_grade_looks_up_not_applicable_and_refuses_unknown_ids() -> None:
    assert OFSTED_FOUR_POINT.grade(NOT_APPLICABLE_ID) is NOT_APPLICABLE
    with pytest.raises(KeyError):
        OFSTED_FOUR_POINT.grade("excellent")


@pytest.mark.parametrize(
    ("grade_id", "known"),
    [
        ("outstanding", True),
        ("inadequate", True),
        (NOT_APPLICABLE_ID, True),
        ("Outstanding", False),
        ("", False),
        ("strong", False),
    ],
)
def test_knows(grade_id: str, known: bool) -> None:
    assert OFSTED_FOUR_POINT.knows(grade_id) is known


@pytest.mark.parametrize(("grade_id", "rank"), [(g, i) for i, g in enumerate(OFSTED_IDS)])
def test_rank_rises_from_best_to_worst(grade_id: str, rank: int) -> None:
    assert OFSTED_FOUR_POINT.rank(grade_id) == rank


def test_rank_refuses_not_applicable_and_unknown_grades() -> None:
    with pytest.raises(ValueError, match="Not applicable"):
        OFSTED_FOUR_POINT.rank(NOT_APPLICABLE_ID)
    with pytest.raises(ValueError, match="'excellent' is not a grade of the scale ofsted-4"):
        OFSTED_FOUR_POINT.rank("excellent")


@pytest.mark.parametrize(
    ("grade_id", "good_or_better"),
    [
        ("outstanding", True),
        ("good", True),
        ("requires-improvement", False),
        ("inadequate", False),
    ],
)
def test_is_good_or_better_on_ofsted_scale(grade_id: str, good_or_better: bool) -> None:
    assert OFSTED_FOUR_POINT.is_good_or_better(grade_id) is good_or_better


def test_not_applicable_is_neither_good_nor_bad() -> None:
    with pytest.raises(ValueError, match="Not applicable has no rank"):
        OFSTED_FOUR_POINT.is_good_or_better(NOT_APPLICABLE_ID)


def test_count_keeps_scale_order_with_not_applicable_last_and_ignores_none() -> None:
    counts = OFSTED_FOUR_POINT.count(
        ["good", None, NOT_APPLICABLE_ID, "inadequate", "good", None, "outstanding"]
    )
    assert list(counts) == [*OFSTED_IDS, NOT_APPLICABLE_ID]
    assert counts == {
        "outstanding": 1,
        "good": 2,
        "requires-improvement": 0,
        "inadequate": 1,
        NOT_APPLICABLE_ID: 1,
    }


def test_count_of_nothing_is_all_zeros() -> None:
    assert OFSTED_FOUR_POINT.count([]) == dict.fromkeys([*OFSTED_IDS, NOT_APPLICABLE_ID], 0)
    assert OFSTED_FOUR_POINT.count([None, None]) == OFSTED_FOUR_POINT.count([])


def test_count_refuses_a_grade_of_another_scale() -> None:
    with pytest.raises(KeyError):
        OFSTED_FOUR_POINT.count(["good", "strong"])


def test_good_or_better_pct_leaves_not_applicable_out_of_both_sides() -> None:
    # 2 outstanding + 1 good of 4 graded = 75%; the 5 Not applicable must not dilute it.
    counts = {
        "outstanding": 2,
        "good": 1,
        "requires-improvement": 0,
        "inadequate": 1,
        NOT_APPLICABLE_ID: 5,
    }
    assert OFSTED_FOUR_POINT.good_or_better_pct(counts) == 75.0


@pytest.mark.parametrize(
    "counts",
    [
        {},
        dict.fromkeys(OFSTED_IDS, 0),
        {NOT_APPLICABLE_ID: 3},
    ],
)
def test_good_or_better_pct_is_none_when_nothing_graded(counts: dict[str, int]) -> None:
    assert OFSTED_FOUR_POINT.good_or_better_pct(counts) is None


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"good": 2, "inadequate": 1}, 66.7),  # 66.666... rounds up
        ({"outstanding": 1, "requires-improvement": 2}, 33.3),  # 33.333... rounds down
        ({"good": 1, "inadequate": 6}, 14.3),  # 14.2857...
        ({"outstanding": 3}, 100.0),
        ({"inadequate": 3, "requires-improvement": 1}, 0.0),
    ],
)
def test_good_or_better_pct_rounds_to_one_decimal(counts: dict[str, int], expected: float) -> None:
    assert OFSTED_FOUR_POINT.good_or_better_pct(counts) == expected


def test_count_then_pct_end_to_end() -> None:
    grades = ["outstanding", "good", "requires-improvement", NOT_APPLICABLE_ID, None]
    counts = OFSTED_FOUR_POINT.count(grades)
    # Two of the three real grades are good or better.
    assert OFSTED_FOUR_POINT.good_or_better_pct(counts) == 66.7


def test_custom_three_point_scale() -> None:
    assert THREE_POINT.ids == ("strong", "adequate", "weak")
    assert [grade.id for grade in THREE_POINT.choices] == [
        "strong",
        "adequate",
        "weak",
        NOT_APPLICABLE_ID,
    ]
    assert [THREE_POINT.rank(g) for g in THREE_POINT.ids] == [0, 1, 2]
    assert THREE_POINT.is_good_or_better("strong")
    assert THREE_POINT.is_good_or_better("adequate")
    assert not THREE_POINT.is_good_or_better("weak")
    assert not THREE_POINT.knows("good")
    counts = THREE_POINT.count(["strong", "weak", "weak", "adequate", NOT_APPLICABLE_ID])
    assert counts == {"strong": 1, "adequate": 1, "weak": 2, NOT_APPLICABLE_ID: 1}
    assert THREE_POINT.good_or_better_pct(counts) == 50.0


def test_scale_whose_line_is_the_worst_grade_counts_everything_good() -> None:
    lenient = GradeScale("lenient", (Grade("high", "High"), Grade("low", "Low")), "low")
    assert lenient.good_or_better_pct({"high": 1, "low": 4, NOT_APPLICABLE_ID: 2}) == 100.0


def test_single_grade_scale_is_allowed() -> None:
    single = GradeScale("met", (Grade("met", "Met"),), "met")
    assert single.count(["met", NOT_APPLICABLE_ID]) == {"met": 1, NOT_APPLICABLE_ID: 1}


@pytest.mark.parametrize(
    ("grades", "good_or_better", "message"),
    [
        ((), "good", "at least one grade"),
        ((Grade("good", "Good"), Grade("good", "Also good")), "good", "unique"),
        ((Grade("good", "Good"), Grade(NOT_APPLICABLE_ID, "N/A")), "good", "unique"),
        ((Grade("good", "Good"), Grade("poor", "Poor")), "outstanding", "not a grade"),
        ((Grade("good", "Good"),), NOT_APPLICABLE_ID, "not a grade"),
    ],
)
def test_grade_scale_construction_errors(
    grades: tuple[Grade, ...], good_or_better: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        GradeScale("broken", grades, good_or_better)


@pytest.mark.parametrize(
    ("good", "graded", "expected"),
    [(1, 16, 6.3), (1, 8, 12.5), (1, 3, 33.3), (2, 3, 66.7), (5, 8, 62.5), (1, 1600, 0.1)],
)
def test_good_or_better_rounds_halves_up(good: int, graded: int, expected: float) -> None:
    counts = {"good": good, "inadequate": graded - good}
    assert OFSTED_FOUR_POINT.good_or_better_pct(counts) == expected
