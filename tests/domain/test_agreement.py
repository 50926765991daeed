"""Agreement between auditor and moderator on an ordinal scale: exact and within-one agreement,
Cohen's linearly weighted kappa and Gwet's AC2, each checked against arithmetic done by hand."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from pwdesk.domain.agreement import (
    agreements_within_one,
    cohens_kappa,
    exact_agreements,
    grade_pair_table,
    gwet_ac2,
    linear_weight,
    weighted_kappa,
)
from pwdesk.domain.analysis import SMALL_NUMBER, AuditFacts, moderation_stats
from pwdesk.domain.answers import answer
from pwdesk.domain.grades import NOT_APPLICABLE_ID
from pwdesk.domain.templates import FormTemplate, parse_template
from pwdesk.resources import resource_path

O, G, R, I = "outstanding", "good", "requires-improvement", "inadequate"  # noqa: E741
GRADES = (O, G, R, I)

# Ten fictional pairs (auditor's grade, moderator's grade), and one Not applicable left out.
PAIRS = [
    (G, G),
    (G, G),
    (G, G),
    (G, R),
    (O, G),
    (R, R),
    (R, I),
    (O, O),
    (I, R),
    (G, I),
]
WITH_NOT_APPLICABLE = [*PAIRS, (NOT_APPLICABLE_ID, G), (G, NOT_APPLICABLE_ID)]


def by_hand(value: Fraction) -> float:
    """Two places, halves up, for the fractions worked out below (none is a tie)."""
    return round(float(value), 2)


def test_the_grade_pair_table_counts_auditor_down_moderator_across() -> None:
    assert grade_pair_table(WITH_NOT_APPLICABLE, GRADES) == (
        (1, 1, 0, 0),  # auditor Outstanding: moderator O, G
        (0, 3, 1, 1),  # auditor Good: G three times, RI, Inadequate
        (0, 0, 1, 1),  # auditor RI
        (0, 0, 1, 0),  # auditor Inadequate: moderator RI
    )


def test_exact_and_within_one_agreement_by_hand() -> None:
    # Same grade: the three (G, G), (R, R) and (O, O): 5 of 10. One apart or less: all but
    # (G, I), which is two apart: 9 of 10.
    assert exact_agreements(WITH_NOT_APPLICABLE, GRADES) == 5
    assert agreements_within_one(WITH_NOT_APPLICABLE, GRADES) == 9


def test_linear_weights_run_from_one_to_nothing() -> None:
    assert [linear_weight(0, j, 4) for j in range(4)] == [
        Fraction(1),
        Fraction(2, 3),
        Fraction(1, 3),
        Fraction(0),
    ]


def test_linearly_weighted_kappa_by_hand() -> None:
    # Weights 1, 2/3, 1/3, 0 for 0, 1, 2, 3 grades apart. Observed: 5 same, 4 one apart,
    # 1 two apart.
    observed = (5 * Fraction(1) + 4 * Fraction(2, 3) + 1 * Fraction(1, 3)) / 10
    assert observed == Fraction(4, 5)
    # Auditor's counts O, G, R, I: 2, 5, 2, 1; moderator's: 1, 4, 3, 2.
    third = Fraction(1, 3)
    row_o = 2 * (1 * 1 + 4 * 2 * third + 3 * third + 2 * 0)
    row_g = 5 * (1 * 2 * third + 4 * 1 + 3 * 2 * third + 2 * third)
    row_r = 2 * (1 * third + 4 * 2 * third + 3 * 1 + 2 * 2 * third)
    row_i = 1 * (1 * 0 + 4 * third + 3 * 2 * third + 2 * 1)
    expected = (row_o + row_g + row_r + row_i) / 100
    assert expected == Fraction(33, 50)
    kappa = (observed - expected) / (1 - expected)
    assert kappa == Fraction(7, 17)
    assert weighted_kappa(WITH_NOT_APPLICABLE, GRADES) == by_hand(kappa) == 0.41


def test_gwet_ac2_by_hand() -> None:
    observed = Fraction(4, 5)  # as for the weighted kappa
    # Shares of all 20 grades given: O 3, G 9, R 5, I 3.
    shares = [Fraction(n, 20) for n in (3, 9, 5, 3)]
    spread = sum(p * (1 - p) for p in shares)
    assert spread == Fraction(69, 100)
    # Sum of the 16 weights: 4 of 1, 6 of 2/3, 4 of 1/3, 2 of 0.
    weights = 4 + 6 * Fraction(2, 3) + 4 * Fraction(1, 3)
    assert weights == Fraction(28, 3)
    expected = weights / (4 * 3) * spread
    assert expected == Fraction(161, 300)
    ac2 = (observed - expected) / (1 - expected)
    assert ac2 == Fraction(79, 139)
    assert gwet_ac2(WITH_NOT_APPLICABLE, GRADES) == by_hand(ac2) == 0.57


def test_unweighted_kappa_for_comparison_by_hand() -> None:
    expected = Fraction(2 * 1 + 5 * 4 + 2 * 3 + 1 * 2, 100)  # same grade by chance
    kappa = (Fraction(1, 2) - expected) / (1 - expected)
    assert kappa == Fraction(2, 7)
    assert cohens_kappa(WITH_NOT_APPLICABLE, GRADES) == by_hand(kappa) == 0.29


def test_no_pairs_gives_no_figure() -> None:
    only_not_applicable = [(NOT_APPLICABLE_ID, G), (G, NOT_APPLICABLE_ID)]
    for pairs in ([], only_not_applicable):
        assert weighted_kappa(pairs, GRADES) is None
        assert gwet_ac2(pairs, GRADES) is None
        assert cohens_kappa(pairs, GRADES) is None
        assert exact_agreements(pairs, GRADES) == 0
        assert grade_pair_table(pairs, GRADES) == ((0,) * 4,) * 4


def test_one_grade_throughout_leaves_kappa_undefined_but_ac2_whole() -> None:
    pairs = [(G, G)] * 12
    assert weighted_kappa(pairs, GRADES) is None  # chance agreement is 1
    assert cohens_kappa(pairs) is None
    assert gwet_ac2(pairs, GRADES) == 1.0


def test_near_misses_earn_credit_that_unweighted_kappa_does_not_give() -> None:
    near = [(G, G), (R, R), (G, R), (R, G), (O, O), (I, I)]
    far = [(G, G), (R, R), (O, I), (I, O), (O, O), (I, I)]
    assert cohens_kappa(near) == cohens_kappa(far) is not None
    assert weighted_kappa(near, GRADES) is not None
    assert weighted_kappa(far, GRADES) is not None
    assert weighted_kappa(near, GRADES) > weighted_kappa(far, GRADES)  # type: ignore[operator]


def case_audit() -> FormTemplate:
    path = resource_path("templates") / "permanency-case-audit.toml"
    return parse_template(path.read_text(encoding="utf-8"), path.name)


def test_moderation_stats_per_item_and_pooled() -> None:
    template = case_audit()
    aspect = template.aspects()[0].id
    audits = [
        AuditFacts(
            f"child-{n}",
            "leader-1",
            {aspect: answer(auditor), "overall": answer(auditor)},
            {"overall": moderator, **({aspect: moderator} if n < 3 else {})},
        )
        for n, (auditor, moderator) in enumerate(WITH_NOT_APPLICABLE)
    ]
    audits.append(AuditFacts("child-x", "leader-1", {"overall": answer(G)}))  # not moderated
    stats = moderation_stats(template, audits)
    assert stats.audits == len(WITH_NOT_APPLICABLE)
    assert stats.grade_ids == GRADES
    items = {item.id: item for item in stats.items}
    overall = items["overall"]
    assert (overall.moderated, overall.agreed, overall.within_one) == (10, 5, 9)
    assert (overall.agreement_pct, overall.within_one_pct) == (50.0, 90.0)
    assert (overall.weighted_kappa, overall.gwet_ac2, overall.kappa) == (0.41, 0.57, 0.29)
    assert not overall.small
    assert items[aspect].moderated == 3
    assert items[aspect].small
    assert items[template.aspects()[1].id].moderated == 0
    assert items[template.aspects()[1].id].agreement_pct is None
    # Pooled: the ten overall pairs and the first three pairs again for the aspect.
    assert stats.pairs_total == 13
    assert stats.exact_pct == 61.5  # (5 + 3) of 13 is 61.538...
    assert stats.within_one_pct == 92.3  # (9 + 3) of 13
    assert stats.grade_pairs[1] == (0, 6, 1, 1)
    assert stats.kappa == stats.pooled.kappa
    assert stats.weighted_kappa is not None
    assert not stats.small


def test_fewer_than_ten_pairs_are_small_numbers() -> None:
    assert SMALL_NUMBER == 10
    template = case_audit()
    audits = [
        AuditFacts(f"child-{n}", None, {"overall": answer(a)}, {"overall": m})
        for n, (a, m) in enumerate(PAIRS[:9])
    ]
    stats = moderation_stats(template, audits)
    assert stats.pairs_total == 9
    assert stats.small


grades = st.sampled_from(GRADES)


@given(st.lists(grades, min_size=1, max_size=40))
def test_perfect_agreement_is_a_weighted_kappa_of_one(given_grades: list[str]) -> None:
    pairs = [(grade, grade) for grade in given_grades]
    expected = None if len(set(given_grades)) == 1 else 1.0
    assert weighted_kappa(pairs, GRADES) == expected
    assert gwet_ac2(pairs, GRADES) == 1.0
    assert agreements_within_one(pairs, GRADES) == exact_agreements(pairs, GRADES) == len(pairs)


@given(st.lists(st.tuples(grades, grades), min_size=1, max_size=40))
def test_coefficients_stay_between_minus_one_and_one(pairs: list[tuple[str, str]]) -> None:
    for figure in (weighted_kappa(pairs, GRADES), gwet_ac2(pairs, GRADES)):
        assert figure is None or -1.0 <= figure <= 1.0
    assert exact_agreements(pairs, GRADES) <= agreements_within_one(pairs, GRADES) <= len(pairs)
    assert sum(map(sum, grade_pair_table(pairs, GRADES))) == len(pairs)
